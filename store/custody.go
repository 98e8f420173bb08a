package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"evidentia/evidence"
)

// Event is one entry of the custody log. Seq, At, PrevHash and Hash are set by the store when
// the event is appended; the caller sets the rest. Case and CaptureID are empty for events that
// concern no case or no capture.
type Event struct {
	Seq       int64             `json:"seq"`
	At        time.Time         `json:"at"`
	Actor     string            `json:"actor"`
	Action    string            `json:"action"`
	Case      string            `json:"case,omitempty"`
	CaptureID string            `json:"capture_id,omitempty"`
	Details   map[string]string `json:"details,omitempty"`
	PrevHash  evidence.Digest   `json:"prev_hash"`
	Hash      evidence.Digest   `json:"hash"`
}

// The actions the store itself records (evidence.Action* as strings, the type of
// Event.Action). AppendEvent refuses them, so that only the store writes them.
const (
	ActionCaseCreated        = string(evidence.ActionCaseCreated)
	ActionCaseClosed         = string(evidence.ActionCaseClosed)
	ActionCaseReopened       = string(evidence.ActionCaseReopened)
	ActionCaseUpdated        = string(evidence.ActionCaseUpdated)
	ActionCaptureStarted     = string(evidence.ActionCaptureStarted)
	ActionCaptureSealed      = string(evidence.ActionCaptureSealed)
	ActionCaptureFailed      = string(evidence.ActionCaptureFailed)
	ActionCaptureInterrupted = string(evidence.ActionCaptureInterrupted)
	ActionVerified           = string(evidence.ActionVerified)
)

// Actions for AppendEvent, recorded by other parts of Evidentia.
const (
	ActionViewed    = string(evidence.ActionViewed)
	ActionReported  = string(evidence.ActionReported)
	ActionExported  = string(evidence.ActionExported)
	ActionAnnotated = string(evidence.ActionAnnotated)
	// ActionSettingsChanged records a change of the preferences captures are made with
	// (operator, unit, browser, time limit, ...); it concerns no case or capture.
	ActionSettingsChanged = string(evidence.ActionSettingsChanged)
)

var reservedActions = map[string]bool{
	ActionCaseCreated: true, ActionCaseClosed: true, ActionCaseReopened: true, ActionCaseUpdated: true,
	ActionCaptureStarted: true, ActionCaptureSealed: true, ActionCaptureFailed: true,
	ActionCaptureInterrupted: true, ActionVerified: true,
}

// chainLink is what an event's hash covers: every stored column but the hash, as stored.
type chainLink struct {
	Seq       int64  `json:"seq"`
	At        string `json:"at"`
	Actor     string `json:"actor"`
	Action    string `json:"action"`
	Case      string `json:"case"`
	CaptureID string `json:"capture_id"`
	Details   string `json:"details"`
	PrevHash  string `json:"prev_hash"`
}

func (l chainLink) hash() (string, error) {
	b, err := evidence.Canonical(l)
	if err != nil {
		return "", fmt.Errorf("store: hash custody event: %w", err)
	}
	return string(evidence.SumBytes(b)), nil
}

// eventRow is a custody row as stored, before any interpretation.
type eventRow struct {
	chainLink
	Hash string
}

func (r eventRow) event() (Event, error) {
	at, err := parseTime(r.At)
	if err != nil {
		return Event{}, err
	}
	e := Event{Seq: r.Seq, At: at, Actor: r.Actor, Action: r.Action, Case: r.Case, CaptureID: r.CaptureID,
		PrevHash: evidence.Digest(r.PrevHash), Hash: evidence.Digest(r.Hash)}
	if r.Details != "" && r.Details != "{}" {
		if err := json.Unmarshal([]byte(r.Details), &e.Details); err != nil {
			return Event{}, fmt.Errorf("store: custody event #%d: bad details: %w", r.Seq, err)
		}
	}
	return e, nil
}

const eventColumns = `seq, at, actor, action, case_name, capture_id, details, prev_hash, hash`

func scanEvents(rows *sql.Rows) ([]eventRow, error) {
	defer rows.Close()
	var out []eventRow
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.Seq, &r.At, &r.Actor, &r.Action, &r.Case, &r.CaptureID, &r.Details, &r.PrevHash, &r.Hash); err != nil {
			return nil, fmt.Errorf("store: read custody log: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read custody log: %w", err)
	}
	return out, nil
}

// appendEvent appends e to the custody log inside tx, continuing from the head record, and
// returns it completed; an actor that is not plain text is refused (ErrUnsafeName, see
// CheckName). The caller holds the write lock (see Store.write).
func appendEvent(ctx context.Context, tx *sql.Tx, e Event) (Event, error) {
	if err := CheckName("operator", e.Actor); err != nil {
		return Event{}, err
	}
	var count int64
	var head string
	err := tx.QueryRowContext(ctx, `SELECT count, hash FROM custody_head WHERE id = 1`).Scan(&count, &head)
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, fmt.Errorf("%w: the log head record is missing; nothing can be appended", ErrCustodyBroken)
	}
	if err != nil {
		return Event{}, fmt.Errorf("store: read custody head: %w", err)
	}
	details := e.Details
	if details == nil {
		details = map[string]string{}
	}
	dj, err := evidence.Canonical(details)
	if err != nil {
		return Event{}, fmt.Errorf("store: custody details: %w", err)
	}
	at, atText := now()
	link := chainLink{Seq: count + 1, At: atText, Actor: e.Actor, Action: e.Action, Case: e.Case,
		CaptureID: e.CaptureID, Details: string(dj), PrevHash: head}
	h, err := link.hash()
	if err != nil {
		return Event{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO custody (`+eventColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		link.Seq, link.At, link.Actor, link.Action, link.Case, link.CaptureID, link.Details, link.PrevHash, h); err != nil {
		return Event{}, fmt.Errorf("store: append custody event #%d: %w", link.Seq, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE custody_head SET count = ?, hash = ? WHERE id = 1`, link.Seq, h); err != nil {
		return Event{}, fmt.Errorf("store: update custody head: %w", err)
	}
	e.Seq, e.At, e.PrevHash, e.Hash = link.Seq, at, evidence.Digest(head), evidence.Digest(h)
	if len(e.Details) == 0 {
		e.Details = nil
	}
	return e, nil
}

// Custody returns the custody events of the capture with ID captureID (the full ID), oldest
// first, or the whole log when captureID is empty. A capture with no events gives an empty
// list. Custody does not check the chain; Verify does.
func (s *Store) Custody(ctx context.Context, captureID string) ([]Event, error) {
	var rows *sql.Rows
	var err error
	if captureID == "" {
		rows, err = s.rdb.QueryContext(ctx, `SELECT `+eventColumns+` FROM custody ORDER BY seq`)
	} else {
		rows, err = s.rdb.QueryContext(ctx, `SELECT `+eventColumns+` FROM custody WHERE capture_id = ? ORDER BY seq`, captureID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read custody log: %w", err)
	}
	raw, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(raw))
	for _, r := range raw {
		e, err := r.event()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// AppendEvent appends e to the custody log and returns it with Seq, At, PrevHash and Hash set.
// e.Action must not be empty and must not be one of the actions the store records itself
// (ActionCaseCreated, ActionCaptureSealed, ...). When e.CaptureID is set the capture must exist
// (a full ID) and e.Case, when empty, is filled with its case; when e.Case is set the case must
// exist.
func (s *Store) AppendEvent(ctx context.Context, e Event) (Event, error) {
	e.Action = strings.TrimSpace(e.Action)
	if e.Action == "" {
		return Event{}, fmt.Errorf("%w: custody event without an action", ErrInvalid)
	}
	if reservedActions[e.Action] {
		return Event{}, fmt.Errorf("%w: the action %q is recorded by the store only", ErrInvalid, e.Action)
	}
	var out Event
	err := s.write(ctx, func(tx *sql.Tx) error {
		if e.CaptureID != "" {
			var caseName string
			err := tx.QueryRowContext(ctx,
				`SELECT k.name FROM captures c JOIN cases k ON k.id = c.case_id WHERE c.id = ?`, e.CaptureID).Scan(&caseName)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: capture %s", ErrNotFound, e.CaptureID)
			}
			if err != nil {
				return fmt.Errorf("store: read capture: %w", err)
			}
			if e.Case == "" {
				e.Case = caseName
			} else if e.Case != caseName {
				return fmt.Errorf("%w: capture %s belongs to case %q, not %q", ErrInvalid, e.CaptureID, caseName, e.Case)
			}
		} else if e.Case != "" {
			if _, err := caseByName(ctx, tx, e.Case); err != nil {
				return err
			}
		}
		var err error
		out, err = appendEvent(ctx, tx, e)
		return err
	})
	return out, err
}

// Head is the state of the custody log: the number of events and the hash of the last one.
// Recording it outside the data folder (in a report, a timestamp, a letter to the court) lets a
// later reader detect a rewrite of the log up to that point.
type Head struct {
	Count int64           `json:"count"`
	Hash  evidence.Digest `json:"hash"`
}

// Head returns the current head of the custody log, as recorded in the head record.
func (s *Store) Head(ctx context.Context) (Head, error) {
	var h Head
	err := s.rdb.QueryRowContext(ctx, `SELECT count, hash FROM custody_head WHERE id = 1`).Scan(&h.Count, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Head{}, fmt.Errorf("%w: the log head record is missing", ErrCustodyBroken)
	}
	if err != nil {
		return Head{}, fmt.Errorf("store: read custody head: %w", err)
	}
	return h, nil
}

// EventHash recomputes the hash of e as the custody log computes it: SHA-256 of the canonical
// JSON of {seq, at, actor, action, case, capture_id, details, prev_hash}, where at is the UTC
// time in the log's layout and details the canonical JSON of the details ({} when none). A
// copy of events taken out of the store (an evidence bundle) can be checked with it.
func EventHash(e Event) (evidence.Digest, error) {
	details := e.Details
	if details == nil {
		details = map[string]string{}
	}
	dj, err := evidence.Canonical(details)
	if err != nil {
		return "", fmt.Errorf("store: custody details: %w", err)
	}
	link := chainLink{Seq: e.Seq, At: formatTime(e.At), Actor: e.Actor, Action: e.Action, Case: e.Case,
		CaptureID: e.CaptureID, Details: string(dj), PrevHash: string(e.PrevHash)}
	h, err := link.hash()
	return evidence.Digest(h), err
}
