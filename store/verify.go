package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"evidentia/evidence"
	"evidentia/internal/ctxio"
)

// Scope selects the captures Verify checks: those of the case named Case, or those whose IDs
// (or unique prefixes) are listed in IDs, or, when both are empty, every capture. When both are
// set, every listed capture must belong to the case. The custody log is always checked whole.
type Scope struct {
	Case string
	IDs  []string
}

// String describes the scope as Verify records it in the custody log: "all", "case NAME" or
// "captures ID,ID".
func (sc Scope) String() string {
	switch {
	case len(sc.IDs) > 0 && sc.Case != "":
		return "case " + sc.Case + ", captures " + strings.Join(sc.IDs, ",")
	case len(sc.IDs) > 0:
		return "captures " + strings.Join(sc.IDs, ",")
	case sc.Case != "":
		return "case " + sc.Case
	}
	return "all"
}

// Problem is one thing Verify found wrong. CaptureID, Artifact and EventSeq name what it
// concerns (each may be empty or zero); Err wraps one of ErrDigestMismatch, ErrMissingObject,
// ErrManifestMismatch, ErrCustodyBroken, or, for problems that are information rather than
// damage, ErrInterrupted or ErrNotSealed (see Informational).
type Problem struct {
	CaptureID string
	Artifact  string
	EventSeq  int64
	Err       error
}

// Informational reports whether p tells of a capture that holds no evidence (interrupted
// before it was sealed, or still being captured) rather than of damage or tampering. Such a
// capture was never sealed, so there is nothing of it to verify; it does not make a report
// fail (see VerifyReport.OK).
func (p Problem) Informational() bool {
	return errors.Is(p.Err, ErrInterrupted) || errors.Is(p.Err, ErrNotSealed)
}

// String describes p in plain words, naming what it concerns.
func (p Problem) String() string {
	var subject []string
	if p.CaptureID != "" {
		subject = append(subject, "capture "+p.CaptureID)
	}
	if p.Artifact != "" {
		subject = append(subject, "artifact "+p.Artifact)
	}
	if p.EventSeq != 0 {
		subject = append(subject, "custody event #"+strconv.FormatInt(p.EventSeq, 10))
	}
	msg := "unknown problem"
	if p.Err != nil {
		msg = strings.TrimPrefix(p.Err.Error(), "store: ")
	}
	if len(subject) == 0 {
		return msg
	}
	return strings.Join(subject, ", ") + ": " + msg
}

// VerifyReport is the result of Verify: how many captures, artifact references and custody
// events were checked, the custody head they were checked against, and the problems found, in
// the order found (the custody log first, then capture by capture).
type VerifyReport struct {
	Captures  int
	Artifacts int
	Events    int
	Head      Head
	Problems  []Problem
}

// OK reports whether nothing was found damaged or tampered with: every problem, if any, is
// informational (an interrupted or unfinished capture).
func (r *VerifyReport) OK() bool {
	for _, p := range r.Problems {
		if !p.Informational() {
			return false
		}
	}
	return true
}

// snapshot is everything Verify reads from the database, read in one transaction.
type snapshot struct {
	captures  []Record
	artifacts map[string][]evidence.Artifact
	events    []eventRow
	head      Head
	headOK    bool
}

func (s *Store) snapshot(ctx context.Context, scope Scope) (*snapshot, error) {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: verify: %w", err)
	}
	defer tx.Rollback() // a read-only transaction: nothing to undo, no error to report

	var conds []string
	var args []any
	if scope.Case != "" {
		name := strings.TrimSpace(scope.Case)
		if _, err := caseByName(ctx, tx, name); err != nil {
			return nil, err
		}
		conds, args = append(conds, `k.name = ?`), append(args, name)
	}
	seen := map[string]bool{}
	if len(scope.IDs) > 0 {
		var marks []string
		for _, p := range scope.IDs {
			id, err := resolveID(ctx, tx, p)
			if err != nil {
				return nil, err
			}
			if !seen[id] {
				seen[id] = true
				marks, args = append(marks, "?"), append(args, id)
			}
		}
		conds = append(conds, `c.id IN (`+strings.Join(marks, ", ")+`)`)
	}
	where := `1 = 1`
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	snap := &snapshot{}
	rows, err := tx.QueryContext(ctx, `SELECT `+recordColumns+` FROM captures c JOIN cases k ON k.id = c.case_id
		WHERE `+where+` ORDER BY c.started_at, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: verify: read captures: %w", err)
	}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: verify: read captures: %w", err)
		}
		snap.captures = append(snap.captures, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: verify: read captures: %w", err)
	}
	if scope.Case != "" && len(scope.IDs) > 0 && len(snap.captures) < len(seen) {
		return nil, fmt.Errorf("%w: not every capture listed belongs to case %q", ErrInvalid, scope.Case)
	}
	if snap.artifacts, err = s.artifactRows(ctx, tx, where, args...); err != nil {
		return nil, err
	}
	err = tx.QueryRowContext(ctx, `SELECT count, hash FROM custody_head WHERE id = 1`).Scan(&snap.head.Count, &snap.head.Hash)
	switch {
	case err == nil:
		snap.headOK = true
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: verify: read custody head: %w", err)
	}
	evRows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM custody ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("store: verify: read custody log: %w", err)
	}
	if snap.events, err = scanEvents(evRows); err != nil {
		return nil, err
	}
	return snap, nil
}

// Verify checks the captures selected by scope and the whole custody log, and records the
// custody event "verified" by actor: one per capture checked (details: scope, result "ok",
// "not sealed" or "problems", problem count, chain state) and one for the whole run (capture_id
// empty). The checks, none of which relies on the database triggers:
//
//   - the custody log: numbering without gaps from 1, each event's PrevHash equal to the hash
//     of the event before it, each event's hash recomputed from its content, and the last
//     event equal to the head record (which catches the removal of the last events);
//   - each capture against the custody log: its "capture started" event (case, followed
//     through the renames the log records after it; URL; operator) and, for a sealed capture, exactly one sealing event recording its status
//     and manifest hash; a capture the log records as sealed must be sealed;
//   - each sealed capture's manifest object: present, hashing to the recorded manifest hash,
//     and agreeing with the catalogue (ID, status, reason, title, final URL, HTTP status,
//     and the artifact list, name by name);
//   - every artifact object the manifest lists: present, re-hashed and its size checked.
//
// An interrupted capture (or one still being captured) was never sealed and holds no evidence:
// it is reported as an informational problem wrapping ErrInterrupted (or ErrNotSealed), which
// does not make the report fail, unless the custody log shows it had been sealed. See the
// package comment for what cannot be detected.
//
// Verify returns an error, and no report, when it cannot read the catalogue, when scope names
// an unknown case or capture, or when ctx is cancelled. Otherwise it returns the report; if
// recording the verification then fails, it returns the report together with that error.
func (s *Store) Verify(ctx context.Context, scope Scope, actor string) (*VerifyReport, error) {
	snap, err := s.snapshot(ctx, scope)
	if err != nil {
		return nil, err
	}
	rep := &VerifyReport{Events: len(snap.events), Head: snap.head}
	rep.Problems = checkChain(snap.events, snap.head, snap.headOK)
	chain := "ok"
	if len(rep.Problems) > 0 {
		chain = "broken"
	}
	byCapture := map[string][]eventRow{}
	var renames []caseRename
	for _, e := range snap.events {
		if e.CaptureID != "" {
			byCapture[e.CaptureID] = append(byCapture[e.CaptureID], e)
		}
		if e.Action == ActionCaseUpdated {
			if d := decodeDetails(e); d["old_name"] != "" && d["name"] != "" && d["old_name"] != d["name"] {
				renames = append(renames, caseRename{seq: e.Seq, from: d["old_name"], to: d["name"]})
			}
		}
	}
	cache := map[evidence.Digest]objectState{}
	results := make([][]Problem, len(snap.captures))
	for i, c := range snap.captures {
		probs, err := s.verifyCapture(ctx, c, snap.artifacts[c.ID], byCapture[c.ID], renames, cache, rep)
		if err != nil {
			return nil, err
		}
		results[i] = probs
		rep.Problems = append(rep.Problems, probs...)
	}
	rep.Captures = len(snap.captures)

	scopeText := scope.String()
	err = s.write(ctx, func(tx *sql.Tx) error {
		for i, c := range snap.captures {
			result, n := "ok", 0
			for _, p := range results[i] {
				if p.Informational() {
					result = "not sealed"
				} else {
					n++
				}
			}
			if n > 0 {
				result = "problems"
			}
			if _, err := appendEvent(ctx, tx, Event{Actor: actor, Action: ActionVerified, Case: c.Case, CaptureID: c.ID,
				Details: map[string]string{"scope": scopeText, "result": result, "problems": strconv.Itoa(n), "chain": chain}}); err != nil {
				return err
			}
		}
		n := 0
		for _, p := range rep.Problems {
			if !p.Informational() {
				n++
			}
		}
		result := "ok"
		if n > 0 {
			result = "problems"
		}
		_, err := appendEvent(ctx, tx, Event{Actor: actor, Action: ActionVerified, Case: strings.TrimSpace(scope.Case),
			Details: map[string]string{"scope": scopeText, "result": result, "problems": strconv.Itoa(n), "chain": chain,
				"captures": strconv.Itoa(rep.Captures), "artifacts": strconv.Itoa(rep.Artifacts),
				"events": strconv.Itoa(rep.Events), "head_count": strconv.FormatInt(snap.head.Count, 10),
				"head_hash": string(snap.head.Hash)}})
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("store: verify: record the verification: %w", err)
	}
	return rep, nil
}

// checkChain walks the custody log and compares its end with the head record.
func checkChain(events []eventRow, head Head, headOK bool) []Problem {
	var probs []Problem
	expect, prev := int64(1), genesisHash
	for _, e := range events {
		var why []string
		switch {
		case e.Seq < expect:
			why = append(why, "is numbered out of sequence")
		case e.Seq > expect:
			probs = append(probs, Problem{EventSeq: expect,
				Err: fmt.Errorf("%w: %s missing from the log", ErrCustodyBroken, eventRange(expect, e.Seq-1))})
		case e.PrevHash != prev:
			why = append(why, fmt.Sprintf("does not link to event #%d before it: events were removed, reordered or altered", e.Seq-1))
		}
		if h, err := e.chainLink.hash(); err != nil || h != e.Hash {
			why = append(why, "does not match its hash: its content was altered")
		}
		if len(why) > 0 {
			probs = append(probs, Problem{EventSeq: e.Seq,
				Err: fmt.Errorf("%w: event #%d %s", ErrCustodyBroken, e.Seq, strings.Join(why, "; it also "))})
		}
		if e.Seq >= expect {
			expect = e.Seq + 1
		}
		prev = e.Hash
	}
	last := expect - 1
	switch {
	case !headOK:
		probs = append(probs, Problem{Err: fmt.Errorf("%w: the log head record is missing", ErrCustodyBroken)})
	case head.Count > last:
		probs = append(probs, Problem{EventSeq: last + 1, Err: fmt.Errorf("%w: %s missing from the end of the log (the head records %d events)",
			ErrCustodyBroken, eventRange(last+1, head.Count), head.Count)})
	case head.Count < last:
		probs = append(probs, Problem{EventSeq: head.Count + 1, Err: fmt.Errorf("%w: %s added after the recorded head of the log (%d events), not by Evidentia",
			ErrCustodyBroken, eventRange(head.Count+1, last), head.Count)})
	case string(head.Hash) != prev:
		probs = append(probs, Problem{EventSeq: last, Err: fmt.Errorf("%w: the last event #%d does not match the head record of the log",
			ErrCustodyBroken, last)})
	}
	return probs
}

func eventRange(from, to int64) string {
	if from == to {
		return fmt.Sprintf("event #%d is", from)
	}
	return fmt.Sprintf("events #%d to #%d are", from, to)
}

// caseRename is a "case updated" event that renamed a case.
type caseRename struct {
	seq      int64
	from, to string
}

// renamedTo returns the name that the case called name just after event seq has now,
// following the renames recorded after seq, in log order. Case names are unique at any time,
// so the chain of renames is unambiguous.
func renamedTo(name string, seq int64, renames []caseRename) string {
	for _, r := range renames {
		if r.seq > seq && r.from == name {
			name = r.to
		}
	}
	return name
}

// objectState is the result of hashing one object, kept so that an object shared by several
// captures is read once per Verify.
type objectState struct {
	sum  evidence.Digest
	size int64
	err  error // wraps ErrMissingObject when the object cannot be read
}

func hashObject(ctx context.Context, path string, d evidence.Digest) (objectState, error) {
	f, err := openObject(path)
	if errors.Is(err, fs.ErrNotExist) {
		return objectState{err: fmt.Errorf("%w: object %s is not in the store", ErrMissingObject, d)}, nil
	}
	if err != nil {
		return objectState{err: fmt.Errorf("%w: object %s cannot be read: %v", ErrMissingObject, d, err)}, nil
	}
	defer f.Close()
	sum, n, err := evidence.SumReader(ctxio.Reader(ctx, f))
	if ctx.Err() != nil {
		return objectState{}, fmt.Errorf("store: verify: %w", ctx.Err())
	}
	if err != nil {
		return objectState{err: fmt.Errorf("%w: object %s cannot be read: %v", ErrMissingObject, d, err)}, nil
	}
	return objectState{sum: sum, size: n}, nil
}

func decodeDetails(e eventRow) map[string]string {
	var m map[string]string
	if json.Unmarshal([]byte(e.Details), &m) != nil {
		return map[string]string{}
	}
	return m
}

// verifyCapture checks one capture (see Verify) and returns its problems. It counts the
// artifacts it checks in rep. Its error is for a cancelled ctx only.
func (s *Store) verifyCapture(ctx context.Context, c Record, rows []evidence.Artifact, events []eventRow,
	renames []caseRename, cache map[evidence.Digest]objectState, rep *VerifyReport) ([]Problem, error) {
	var probs []Problem
	add := func(artifact string, seq int64, err error) {
		probs = append(probs, Problem{CaptureID: c.ID, Artifact: artifact, EventSeq: seq, Err: err})
	}

	// The capture against the custody log.
	var started, sealed []eventRow
	for _, e := range events {
		switch e.Action {
		case ActionCaptureStarted:
			started = append(started, e)
		case ActionCaptureSealed, ActionCaptureFailed:
			sealed = append(sealed, e)
		}
	}
	if len(started) == 0 {
		add("", 0, fmt.Errorf("%w: the log has no %q event for this capture", ErrCustodyBroken, ActionCaptureStarted))
	} else {
		e, d := started[0], decodeDetails(started[0])
		if renamedTo(e.Case, e.Seq, renames) != c.Case || d["url"] != c.URL || d["operator"] != c.Operator {
			add("", e.Seq, fmt.Errorf("%w: the catalogue records case %q, URL %q, operator %q; the log recorded case %q, URL %q, operator %q",
				ErrCustodyBroken, c.Case, c.URL, c.Operator, e.Case, d["url"], d["operator"]))
		}
		if len(started) > 1 {
			add("", started[1].Seq, fmt.Errorf("%w: the capture was started twice", ErrCustodyBroken))
		}
	}
	switch {
	case c.Status == evidence.StatusInterrupted || c.Status == evidence.StatusCapturing:
		if len(sealed) > 0 {
			add("", sealed[0].Seq, fmt.Errorf("%w: the catalogue says %s, but the log records the capture as sealed",
				ErrCustodyBroken, c.Status))
		} else if c.Status == evidence.StatusInterrupted {
			add("", 0, fmt.Errorf("%w: it holds no evidence (this is not damage)", ErrInterrupted))
		} else {
			add("", 0, fmt.Errorf("%w: it is still being captured, or its program stopped (this is not damage)", ErrNotSealed))
		}
		return probs, nil
	case !c.Status.Sealed():
		add("", 0, fmt.Errorf("%w: the catalogue records the unknown status %q", ErrManifestMismatch, c.Status))
		return probs, nil
	}
	if len(sealed) == 0 {
		add("", 0, fmt.Errorf("%w: the catalogue says %s, but the log has no sealing event", ErrCustodyBroken, c.Status))
	} else {
		e, d := sealed[0], decodeDetails(sealed[0])
		if d["manifest_sha256"] != string(c.ManifestSHA256) {
			add("", e.Seq, fmt.Errorf("%w: the catalogue records manifest %s, the log recorded %s when sealing",
				ErrManifestMismatch, c.ManifestSHA256, d["manifest_sha256"]))
		}
		if d["status"] != string(c.Status) {
			add("", e.Seq, fmt.Errorf("%w: the catalogue records status %s, the log recorded %s when sealing",
				ErrCustodyBroken, c.Status, d["status"]))
		}
		if len(sealed) > 1 {
			add("", sealed[1].Seq, fmt.Errorf("%w: the capture was sealed twice", ErrCustodyBroken))
		}
	}

	// The manifest against its hash and the catalogue.
	check := rows
	m, err := s.loadManifest(c.ManifestSHA256)
	if err != nil {
		add("", 0, err)
	} else {
		check = m.Artifacts
		for _, d := range manifestDiffs(m, c) {
			add("", 0, fmt.Errorf("%w: %s", ErrManifestMismatch, d))
		}
		byName := make(map[string]evidence.Artifact, len(rows))
		for _, a := range rows {
			byName[a.Name] = a
		}
		for _, a := range m.Artifacts {
			r, ok := byName[a.Name]
			delete(byName, a.Name)
			switch {
			case !ok:
				add(a.Name, 0, fmt.Errorf("%w: listed in the manifest but missing from the catalogue", ErrManifestMismatch))
			case r != a:
				add(a.Name, 0, fmt.Errorf("%w: the catalogue records %s, the manifest %s", ErrManifestMismatch, describe(r), describe(a)))
			}
		}
		extra := make([]string, 0, len(byName))
		for name := range byName {
			extra = append(extra, name)
		}
		sort.Strings(extra)
		for _, name := range extra {
			add(name, 0, fmt.Errorf("%w: in the catalogue but not in the manifest", ErrManifestMismatch))
		}
	}

	// Every artifact object, re-hashed.
	for _, a := range check {
		rep.Artifacts++
		p := s.ObjectPath(a.SHA256)
		if p == "" {
			add(a.Name, 0, fmt.Errorf("%w: %q is not a SHA-256 digest", ErrManifestMismatch, a.SHA256))
			continue
		}
		st, ok := cache[a.SHA256]
		if !ok {
			if st, err = hashObject(ctx, p, a.SHA256); err != nil {
				return nil, err
			}
			cache[a.SHA256] = st
		}
		switch {
		case st.err != nil:
			add(a.Name, 0, st.err)
		case st.sum != a.SHA256:
			add(a.Name, 0, fmt.Errorf("%w: the content hashes to %s, %s was recorded at sealing", ErrDigestMismatch, st.sum, a.SHA256))
		case st.size != a.Size:
			add(a.Name, 0, fmt.Errorf("%w: %d bytes, %d recorded at sealing", ErrDigestMismatch, st.size, a.Size))
		}
	}
	return probs, nil
}

// manifestDiffs lists where the catalogue row c disagrees with the manifest m.
func manifestDiffs(m *evidence.Manifest, c Record) []string {
	var out []string
	diff := func(field, manifest, catalogue string) {
		if manifest != catalogue {
			out = append(out, fmt.Sprintf("%s is %q in the manifest, %q in the catalogue", field, manifest, catalogue))
		}
	}
	diff("capture ID", m.CaptureID, c.ID)
	diff("status", string(m.Status), string(c.Status))
	diff("reason", m.Reason, c.Reason)
	diff("title", m.Facts.Metadata.Title, c.Title)
	diff("final URL", m.Facts.FinalURL, c.FinalURL)
	diff("HTTP status", strconv.Itoa(m.Facts.Network.HTTPStatus), strconv.Itoa(c.HTTPStatus))
	return out
}

func describe(a evidence.Artifact) string {
	return fmt.Sprintf("(%s, %s, role %q, %d bytes, sha256 %s)", a.Name, a.MediaType, a.Role, a.Size, a.SHA256)
}
