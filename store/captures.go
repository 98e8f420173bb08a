package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"evidentia/evidence"
)

// SealFile is one artifact handed to Seal: the file at Path is copied into the store (the
// caller keeps ownership of Path and may delete it once Seal returns). Name must be a plain
// file name, unique within the capture.
type SealFile struct {
	Name      string
	MediaType string
	Role      string
	Path      string
}

// SealRequest is the outcome of a capture, as Seal records it. Status must be a sealed outcome
// (evidence.StatusComplete, StatusPartial or StatusFailed); Reason says what went wrong when it
// is not complete. Actor is who seals (normally the operator).
type SealRequest struct {
	Status evidence.Status
	Reason string
	Facts  evidence.Facts
	Files  []SealFile
	Actor  string
}

// StoredArtifact is an artifact of a capture and the absolute path of its object file, which
// is read-only and must not be changed. Read it through Store.OpenArtifact to have it checked.
type StoredArtifact struct {
	evidence.Artifact
	Path string
}

// Record is a capture as the catalogue holds it. ManifestSHA256, Title, FinalURL, HTTPStatus,
// FinishedAt and Artifacts are set once the capture is sealed; Reason also for interrupted
// captures. Manifest is the sealed manifest, loaded (and checked against ManifestSHA256) by
// Store.Capture and Store.Seal only; it is nil otherwise. Artifacts are sorted by name.
type Record struct {
	ID             string
	Case           string
	URL            string
	Operator       string
	Status         evidence.Status
	Reason         string
	ManifestSHA256 evidence.Digest
	Title          string
	FinalURL       string
	HTTPStatus     int
	StartedAt      time.Time
	FinishedAt     time.Time
	Manifest       *evidence.Manifest
	Artifacts      []StoredArtifact
}

// BeginCapture records a new capture of url in the case named caseName, in status capturing,
// with the custody event "capture started" by operator, and returns its ID (a UUID version 7,
// so IDs sort by time). The case must exist (see EnsureCase) and must not be closed. The
// capture must then be sealed with Seal; if this Store is closed or its process dies first,
// the next Open marks it interrupted.
func (s *Store) BeginCapture(ctx context.Context, caseName, url, operator string) (string, error) {
	caseName, err := cleanCaseName(caseName)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(url) == "" {
		return "", fmt.Errorf("%w: empty URL", ErrInvalid)
	}
	id, err := newID()
	if err != nil {
		return "", fmt.Errorf("store: capture id: %w", err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		c, err := caseByName(ctx, tx, caseName)
		if err != nil {
			return err
		}
		if c.Closed {
			return fmt.Errorf("%w: %q", ErrCaseClosed, caseName)
		}
		_, started := now()
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO captures (id, case_id, url, operator, status, started_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, c.ID, url, operator, string(evidence.StatusCapturing), started, s.owner); err != nil {
			return fmt.Errorf("store: record capture: %w", err)
		}
		_, err = appendEvent(ctx, tx, Event{Actor: operator, Action: ActionCaptureStarted, Case: caseName, CaptureID: id,
			Details: map[string]string{"url": url, "operator": operator}})
		return err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

func checkFileName(name string) error {
	switch {
	case name == "", name == ".", name == "..":
		return fmt.Errorf("%w: artifact name %q", ErrInvalid, name)
	case len(name) > 255, !utf8.ValidString(name), strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("%w: artifact name %q is not a plain file name", ErrInvalid, name)
	}
	return nil
}

// captureState returns the status of capture id, or an error wrapping ErrNotFound.
func captureState(ctx context.Context, q queryer, id string) (evidence.Status, error) {
	var st string
	err := q.QueryRowContext(ctx, `SELECT status FROM captures WHERE id = ?`, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: capture %s", ErrNotFound, id)
	}
	if err != nil {
		return "", fmt.Errorf("store: read capture %s: %w", id, err)
	}
	return evidence.Status(st), nil
}

// notCapturing explains why a capture in status st cannot be sealed.
func notCapturing(id string, st evidence.Status) error {
	switch {
	case st.Sealed():
		return fmt.Errorf("%w: capture %s is %s", ErrAlreadySealed, id, st)
	case st == evidence.StatusInterrupted:
		return fmt.Errorf("%w: capture %s", ErrInterrupted, id)
	default:
		return fmt.Errorf("%w: capture %s has status %q", ErrInvalid, id, st)
	}
}

// Seal ends the capture id (the full ID, in status capturing) with the outcome req. It copies
// every file into the object store (durably, see the package comment), builds the manifest
// (its artifacts sorted by name) and stores the manifest's canonical JSON as an object too;
// then, in one transaction, records the artifacts, the new status, reason, manifest hash,
// title, final URL, HTTP status and finish time (the store's clock), the capture's search
// index row (see Search: its URL, final URL, title and the first MiB of its role "text"
// files), and the custody event "capture sealed" (or "capture failed" when req.Status is
// failed) by req.Actor. It returns the sealed record with its Manifest.
//
// Seal returns an error wrapping ErrAlreadySealed when the capture is sealed already,
// ErrInterrupted when it was interrupted, ErrNotFound when it does not exist, and ErrInvalid
// for a bad request. When it fails for any other reason (a file that cannot be read, a full
// disk) nothing is recorded: the capture stays in status capturing and Seal may be called
// again, for example with status failed and the files that could be kept.
func (s *Store) Seal(ctx context.Context, id string, req SealRequest) (*Record, error) {
	if !req.Status.Sealed() {
		return nil, fmt.Errorf("%w: %q is not a sealed outcome", ErrInvalid, req.Status)
	}
	seen := make(map[string]bool, len(req.Files))
	for _, f := range req.Files {
		if err := checkFileName(f.Name); err != nil {
			return nil, err
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("%w: artifact name %q given twice", ErrInvalid, f.Name)
		}
		seen[f.Name] = true
	}
	st, err := captureState(ctx, s.rdb, id)
	if err != nil {
		return nil, err
	}
	if st != evidence.StatusCapturing {
		return nil, notCapturing(id, st)
	}

	arts := make([]evidence.Artifact, 0, len(req.Files))
	for _, f := range req.Files {
		d, n, err := s.ingestFile(ctx, f.Path)
		if err != nil {
			return nil, fmt.Errorf("store: seal %s: artifact %s: %w", id, f.Name, err)
		}
		arts = append(arts, evidence.Artifact{Name: f.Name, MediaType: f.MediaType, Size: n, SHA256: d, Role: f.Role})
	}
	sort.Slice(arts, func(i, j int) bool { return arts[i].Name < arts[j].Name })
	m := &evidence.Manifest{Format: evidence.ManifestFormat, CaptureID: id, Status: req.Status, Reason: req.Reason,
		Artifacts: arts, Facts: req.Facts}
	mb, md, err := m.Encode()
	if err != nil {
		return nil, fmt.Errorf("store: seal %s: manifest: %w", id, err)
	}
	if _, err := s.ingestBytes(ctx, mb); err != nil {
		return nil, fmt.Errorf("store: seal %s: manifest: %w", id, err)
	}

	// The search index is not evidence: text that cannot be read back leaves the capture
	// unindexed (Search retries), and never fails the seal.
	text, textErr := s.captureText(ctx, arts)

	rec := &Record{ID: id, Status: req.Status, Reason: req.Reason, ManifestSHA256: md,
		Title: req.Facts.Metadata.Title, FinalURL: req.Facts.FinalURL, HTTPStatus: req.Facts.Network.HTTPStatus, Manifest: m}
	for _, a := range arts {
		rec.Artifacts = append(rec.Artifacts, StoredArtifact{Artifact: a, Path: s.ObjectPath(a.SHA256)})
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var status, started string
		err := tx.QueryRowContext(ctx, `SELECT c.status, k.name, c.url, c.operator, c.started_at
			FROM captures c JOIN cases k ON k.id = c.case_id WHERE c.id = ?`, id).
			Scan(&status, &rec.Case, &rec.URL, &rec.Operator, &started)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: capture %s", ErrNotFound, id)
		}
		if err != nil {
			return fmt.Errorf("store: read capture %s: %w", id, err)
		}
		if evidence.Status(status) != evidence.StatusCapturing {
			return notCapturing(id, evidence.Status(status))
		}
		if rec.StartedAt, err = parseTime(started); err != nil {
			return err
		}
		var finished string
		rec.FinishedAt, finished = now()
		if _, err := tx.ExecContext(ctx, `UPDATE captures SET status = ?, reason = ?, manifest_sha256 = ?,
			finished_at = ?, title = ?, final_url = ?, http_status = ? WHERE id = ?`,
			string(rec.Status), rec.Reason, string(md), finished, rec.Title, rec.FinalURL, rec.HTTPStatus, id); err != nil {
			return fmt.Errorf("store: seal %s: %w", id, err)
		}
		for _, a := range arts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO artifacts (capture_id, name, media_type, role, size, sha256)
				VALUES (?, ?, ?, ?, ?, ?)`, id, a.Name, a.MediaType, a.Role, a.Size, string(a.SHA256)); err != nil {
				return fmt.Errorf("store: seal %s: artifact %s: %w", id, a.Name, err)
			}
		}
		if textErr == nil {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO search_text (capture_id, body) VALUES (?, ?)`,
				id, searchBody(rec.URL, rec.FinalURL, rec.Title, text)); err != nil {
				return fmt.Errorf("store: seal %s: search index: %w", id, err)
			}
		}
		action := ActionCaptureSealed
		if req.Status == evidence.StatusFailed {
			action = ActionCaptureFailed
		}
		details := map[string]string{"status": string(req.Status), "manifest_sha256": string(md),
			"artifacts": strconv.Itoa(len(arts))}
		if req.Reason != "" {
			details["reason"] = req.Reason
		}
		_, err = appendEvent(ctx, tx, Event{Actor: req.Actor, Action: action, Case: rec.Case, CaptureID: id, Details: details})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// recoverInterrupted marks interrupted the captures whose Store is gone, then removes the lock
// files such Stores left behind.
func (s *Store) recoverInterrupted(ctx context.Context) error {
	rows, err := s.rdb.QueryContext(ctx, `SELECT DISTINCT owner FROM captures WHERE status = ?`, string(evidence.StatusCapturing))
	if err != nil {
		return fmt.Errorf("store: find unfinished captures: %w", err)
	}
	var owners []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return fmt.Errorf("store: find unfinished captures: %w", err)
		}
		owners = append(owners, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: find unfinished captures: %w", err)
	}
	locks := filepath.Join(s.dir, locksDir)
	var dead []string
	for _, o := range owners {
		if o == s.owner {
			continue
		}
		alive, err := ownerAlive(ctx, locks, o)
		if err != nil {
			return err
		}
		if !alive {
			dead = append(dead, o)
		}
	}
	if len(dead) > 0 {
		err := s.write(ctx, func(tx *sql.Tx) error {
			for _, o := range dead {
				if err := interruptOwner(ctx, tx, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// An owner that began captures had locked its file before: unlocked now, it is gone.
		for _, o := range dead {
			if err := removeLockFile(lockPath(locks, o)); err != nil {
				return fmt.Errorf("store: remove lock of a stopped program: %w", err)
			}
		}
	}
	return sweepLocks(ctx, locks, s.owner)
}

const interruptedReason = "the program stopped before the capture was sealed"

func interruptOwner(ctx context.Context, tx *sql.Tx, owner string) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, k.name FROM captures c JOIN cases k ON k.id = c.case_id
		WHERE c.status = ? AND c.owner = ? ORDER BY c.id`, string(evidence.StatusCapturing), owner)
	if err != nil {
		return fmt.Errorf("store: find unfinished captures: %w", err)
	}
	type capRef struct{ id, caseName string }
	var caps []capRef
	for rows.Next() {
		var c capRef
		if err := rows.Scan(&c.id, &c.caseName); err != nil {
			rows.Close()
			return fmt.Errorf("store: find unfinished captures: %w", err)
		}
		caps = append(caps, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: find unfinished captures: %w", err)
	}
	for _, c := range caps {
		_, finished := now()
		if _, err := tx.ExecContext(ctx, `UPDATE captures SET status = ?, reason = ?, finished_at = ? WHERE id = ? AND status = ?`,
			string(evidence.StatusInterrupted), interruptedReason, finished, c.id, string(evidence.StatusCapturing)); err != nil {
			return fmt.Errorf("store: mark capture %s interrupted: %w", c.id, err)
		}
		if _, err := appendEvent(ctx, tx, Event{Actor: "evidentia", Action: ActionCaptureInterrupted, Case: c.caseName,
			CaptureID: c.id, Details: map[string]string{"reason": interruptedReason}}); err != nil {
			return err
		}
	}
	return nil
}

// resolveID returns the full ID of the capture whose ID is idOrPrefix or starts with it. A
// prefix must have at least 4 characters; an error wraps ErrInvalid, ErrNotFound or
// ErrAmbiguousID.
func resolveID(ctx context.Context, q queryer, idOrPrefix string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(idOrPrefix))
	if len(p) < 4 {
		return "", fmt.Errorf("%w: capture ID %q: give at least 4 characters", ErrInvalid, idOrPrefix)
	}
	if strings.Trim(p, "0123456789abcdef-") != "" {
		return "", fmt.Errorf("%w: capture %q", ErrNotFound, idOrPrefix)
	}
	// IDs are lowercase hex and '-', all below '~': the range is exactly the IDs with prefix p.
	rows, err := q.QueryContext(ctx, `SELECT id FROM captures WHERE id >= ? AND id < ? ORDER BY id LIMIT 2`, p, p+"~")
	if err != nil {
		return "", fmt.Errorf("store: find capture %q: %w", idOrPrefix, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("store: find capture %q: %w", idOrPrefix, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("store: find capture %q: %w", idOrPrefix, err)
	}
	switch {
	case len(ids) == 0:
		return "", fmt.Errorf("%w: capture %q", ErrNotFound, idOrPrefix)
	case ids[0] == p:
		return p, nil
	case len(ids) > 1:
		return "", fmt.Errorf("%w: %q matches %s, %s and more", ErrAmbiguousID, idOrPrefix, ids[0], ids[1])
	}
	return ids[0], nil
}

const recordColumns = `c.id, k.name, c.url, c.operator, c.status, c.reason, c.manifest_sha256, c.title,
	c.final_url, c.http_status, c.started_at, c.finished_at`

func scanRecord(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var status, md, started, finished string
	if err := sc.Scan(&r.ID, &r.Case, &r.URL, &r.Operator, &status, &r.Reason, &md, &r.Title,
		&r.FinalURL, &r.HTTPStatus, &started, &finished); err != nil {
		return Record{}, err
	}
	r.Status, r.ManifestSHA256 = evidence.Status(status), evidence.Digest(md)
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return Record{}, err
	}
	if r.FinishedAt, err = parseTime(finished); err != nil {
		return Record{}, err
	}
	return r, nil
}

// artifactRows returns the artifact rows of the captures selected by where (a condition on
// captures c and cases k) by capture ID, sorted by name.
func (s *Store) artifactRows(ctx context.Context, q queryer, where string, args ...any) (map[string][]evidence.Artifact, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.capture_id, a.name, a.media_type, a.role, a.size, a.sha256
		FROM artifacts a JOIN captures c ON c.id = a.capture_id JOIN cases k ON k.id = c.case_id
		WHERE `+where+` ORDER BY a.capture_id, a.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read artifacts: %w", err)
	}
	defer rows.Close()
	out := map[string][]evidence.Artifact{}
	for rows.Next() {
		var id, sum string
		var a evidence.Artifact
		if err := rows.Scan(&id, &a.Name, &a.MediaType, &a.Role, &a.Size, &sum); err != nil {
			return nil, fmt.Errorf("store: read artifacts: %w", err)
		}
		a.SHA256 = evidence.Digest(sum)
		out[id] = append(out[id], a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read artifacts: %w", err)
	}
	return out, nil
}

func (s *Store) storedArtifacts(arts []evidence.Artifact) []StoredArtifact {
	if len(arts) == 0 {
		return nil
	}
	out := make([]StoredArtifact, len(arts))
	for i, a := range arts {
		out[i] = StoredArtifact{Artifact: a, Path: s.ObjectPath(a.SHA256)}
	}
	return out
}

// Capture returns the capture whose ID is idOrPrefix or starts with it (a prefix of at least 4
// characters that matches one capture only), with its artifacts and, when it is sealed, its
// manifest. Errors wrap ErrNotFound, ErrAmbiguousID or ErrInvalid for the ID, and
// ErrMissingObject or ErrManifestMismatch when the sealed manifest is missing or does not match
// its recorded hash: the record of a damaged capture is not returned (Verify tells more).
func (s *Store) Capture(ctx context.Context, idOrPrefix string) (*Record, error) {
	id, err := resolveID(ctx, s.rdb, idOrPrefix)
	if err != nil {
		return nil, err
	}
	r, err := scanRecord(s.rdb.QueryRowContext(ctx, `SELECT `+recordColumns+`
		FROM captures c JOIN cases k ON k.id = c.case_id WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: capture %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read capture %s: %w", id, err)
	}
	arts, err := s.artifactRows(ctx, s.rdb, `c.id = ?`, id)
	if err != nil {
		return nil, err
	}
	r.Artifacts = s.storedArtifacts(arts[id])
	if r.Status.Sealed() {
		m, err := s.loadManifest(r.ManifestSHA256)
		if err != nil {
			return nil, fmt.Errorf("%w (capture %s)", err, id)
		}
		r.Manifest = m
	}
	return &r, nil
}

// loadManifest reads the manifest object d, checks it against d and decodes it. Its errors
// wrap ErrMissingObject or ErrManifestMismatch.
func (s *Store) loadManifest(d evidence.Digest) (*evidence.Manifest, error) {
	p := s.ObjectPath(d)
	if p == "" {
		return nil, fmt.Errorf("%w: the recorded manifest hash %q is not a SHA-256 digest", ErrManifestMismatch, d)
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: the manifest object %s is not in the store", ErrMissingObject, d)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: the manifest object %s cannot be read: %v", ErrMissingObject, d, err)
	}
	if got := evidence.SumBytes(b); got != d {
		return nil, fmt.Errorf("%w: the manifest object hashes to %s, %s was recorded at sealing", ErrManifestMismatch, got, d)
	}
	var m evidence.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: the manifest object %s does not decode: %v", ErrManifestMismatch, d, err)
	}
	return &m, nil
}

// Captures returns the captures of the case named caseName, or of every case when caseName is
// empty, newest first, with their artifacts but without their manifests. An unknown case gives
// an error wrapping ErrNotFound.
func (s *Store) Captures(ctx context.Context, caseName string) ([]Record, error) {
	where, args := `1 = 1`, []any(nil)
	if caseName != "" {
		caseName = norm.NFC.String(strings.TrimSpace(caseName))
		if _, err := caseByName(ctx, s.rdb, caseName); err != nil {
			return nil, err
		}
		where, args = `k.name = ?`, []any{caseName}
	}
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: read captures: %w", err)
	}
	defer tx.Rollback() // a read-only transaction: nothing to undo, no error to report
	rows, err := tx.QueryContext(ctx, `SELECT `+recordColumns+` FROM captures c JOIN cases k ON k.id = c.case_id
		WHERE `+where+` ORDER BY c.started_at DESC, c.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read captures: %w", err)
	}
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: read captures: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read captures: %w", err)
	}
	arts, err := s.artifactRows(ctx, tx, where, args...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Artifacts = s.storedArtifacts(arts[out[i].ID])
	}
	return out, nil
}
