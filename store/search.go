package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"evidentia/evidence"
)

// maxSearchText is how much of a capture's visible text the search index holds: its first
// MiB, which is far more than a posting and its comments.
const maxSearchText = 1 << 20

// indexBatch is how many index rows one write transaction adds when missing rows are rebuilt.
const indexBatch = 64

// foldText is how searchable text and search words are compared: Unicode NFKC (so that Hangul
// typed or stored decomposed matches its precomposed form, and full-width Latin and digits,
// common in Korean text, match ordinary ones: "ＫＢＳ" is "KBS"), then full case folding (every
// script that has case: "Straße" matches "STRASSE"; Hangul has none). Invalid UTF-8 becomes
// U+FFFD. The index holds folded text: a change here needs a schema step that empties it.
func foldText(s string) string {
	return cases.Fold().String(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD")))
}

// searchWords returns the distinct folded words of query.
func searchWords(query string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(foldText(query)) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// searchBody is the indexed text of a capture: its URL, final URL and title, then its folded
// visible text, one per line. Search words hold no white space, so no word matches across
// two of them.
func searchBody(url, finalURL, title, foldedText string) string {
	return foldText(url+"\n"+finalURL+"\n"+title) + "\n" + foldedText
}

func matchesAll(body string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(body, w) {
			return false
		}
	}
	return true
}

// validPrefix returns b as text, without the incomplete character a cut may have left at its
// end.
func validPrefix(b []byte) string {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return string(b)
}

// captureText reads, through OpenArtifact (so that the whole object is checked against its
// digest), the first maxSearchText bytes of the text artifacts among arts (role "text", in
// name order), and returns them folded. An error wraps ErrMissingObject or ErrDigestMismatch
// when an object is missing or damaged.
func (s *Store) captureText(ctx context.Context, arts []evidence.Artifact) (string, error) {
	var b strings.Builder
	for _, a := range arts {
		if a.Role != evidence.RoleText {
			continue
		}
		left := maxSearchText - b.Len()
		if left <= 0 {
			break
		}
		rc, err := s.OpenArtifact(ctx, a.SHA256)
		if err != nil {
			return "", err
		}
		buf, err := io.ReadAll(io.LimitReader(rc, int64(left)))
		if cErr := rc.Close(); err == nil {
			err = cErr
		}
		if err != nil {
			return "", fmt.Errorf("store: index the text of %s: %w", a.Name, err)
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(validPrefix(buf))
	}
	return foldText(b.String()), nil
}

// Search returns the captures of the case named caseName (of every case when caseName is
// empty) whose URL, final URL, title or visible text (the first MiB of the capture's text
// artifact, role "text") contain every word of query. Words are separated by white space and
// compared without regard to case (in every script: Hangul has none) or Unicode
// normalisation. An empty query returns what Captures returns. The captures are returned in
// the order of Captures (newest first), with their artifacts but without their manifests. An
// unknown case gives an error wrapping ErrNotFound.
//
// Only sealed captures have indexed text: captures being captured or interrupted are matched
// by their URL alone. Seal indexes each capture; the first Search of a case indexes its sealed
// captures that have no index yet (those of a data folder written before the index existed),
// reading their text objects through OpenArtifact. A text object that is missing or damaged
// is not indexed (Verify reports it) and is not read again by this Store; that capture is then
// matched by its URL, final URL and title only, and Search does not fail because of it.
func (s *Store) Search(ctx context.Context, caseName, query string) ([]Record, error) {
	words := searchWords(query)
	if len(words) == 0 {
		return s.Captures(ctx, caseName)
	}
	where, args := `1 = 1`, []any(nil)
	if name := strings.TrimSpace(caseName); name != "" {
		if _, err := caseByName(ctx, s.rdb, name); err != nil {
			return nil, err
		}
		where, args = `k.name = ?`, []any{name}
	}
	// Not fatal: a capture left unindexed is still matched by its URL and title.
	_ = s.indexMissing(ctx, where, args)

	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	defer tx.Rollback() // a read-only transaction: nothing to undo, no error to report
	conds := make([]string, len(words))
	qargs := append([]any(nil), args...)
	for i, w := range words {
		conds[i] = `instr(t.body, ?) > 0`
		qargs = append(qargs, w)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+recordColumns+`, t.capture_id IS NULL
		FROM captures c JOIN cases k ON k.id = c.case_id LEFT JOIN search_text t ON t.capture_id = c.id
		WHERE `+where+` AND (t.capture_id IS NULL OR (`+strings.Join(conds, ` AND `)+`))
		ORDER BY c.started_at DESC, c.id DESC`, qargs...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	var out []Record
	for rows.Next() {
		var unindexed bool
		r, err := scanRecord(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &unindexed)...) }))
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search: %w", err)
		}
		if unindexed && !matchesAll(searchBody(r.URL, r.FinalURL, r.Title, ""), words) {
			continue
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	// The artifacts of the matches, a bounded number of IDs per query.
	const chunk = 500
	for i := 0; i < len(out); i += chunk {
		part := out[i:min(i+chunk, len(out))]
		marks := make([]string, len(part))
		ids := make([]any, len(part))
		for j, r := range part {
			marks[j], ids[j] = "?", r.ID
		}
		arts, err := s.artifactRows(ctx, tx, `c.id IN (`+strings.Join(marks, ", ")+`)`, ids...)
		if err != nil {
			return nil, err
		}
		for j := range part {
			part[j].Artifacts = s.storedArtifacts(arts[part[j].ID])
		}
	}
	return out, nil
}

// scanFunc adapts a function to the Scan method scanRecord expects.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// indexMissing adds the index rows of the sealed captures selected by where (a condition on
// captures c and cases k) that have none, skipping those whose text could not be read
// before. One Store rebuilds at a time; the others wait, then find nothing left to do.
func (s *Store) indexMissing(ctx context.Context, where string, args []any) error {
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	type missing struct{ id, url, finalURL, title string }
	rows, err := s.rdb.QueryContext(ctx, `SELECT c.id, c.url, c.final_url, c.title
		FROM captures c JOIN cases k ON k.id = c.case_id LEFT JOIN search_text t ON t.capture_id = c.id
		WHERE `+where+` AND t.capture_id IS NULL AND c.status IN (?, ?, ?) ORDER BY c.id`,
		append(append([]any(nil), args...),
			string(evidence.StatusComplete), string(evidence.StatusPartial), string(evidence.StatusFailed))...)
	if err != nil {
		return fmt.Errorf("store: search index: %w", err)
	}
	var todo []missing
	for rows.Next() {
		var m missing
		if err := rows.Scan(&m.id, &m.url, &m.finalURL, &m.title); err != nil {
			rows.Close()
			return fmt.Errorf("store: search index: %w", err)
		}
		if !s.unindexable[m.id] {
			todo = append(todo, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: search index: %w", err)
	}

	type row struct{ id, body string }
	var batch []row
	var errs []error
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.write(ctx, func(tx *sql.Tx) error {
			for _, r := range batch {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO search_text (capture_id, body) VALUES (?, ?)`, r.id, r.body); err != nil {
					return fmt.Errorf("store: search index: %w", err)
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	for _, m := range todo {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, flush(), err)...)
		}
		arts, err := s.artifactRows(ctx, s.rdb, `c.id = ?`, m.id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		text, err := s.captureText(ctx, arts[m.id])
		if err != nil {
			if ctx.Err() == nil {
				s.unindexable[m.id] = true
			}
			errs = append(errs, fmt.Errorf("capture %s: %w", m.id, err))
			continue
		}
		batch = append(batch, row{m.id, searchBody(m.url, m.finalURL, m.title, text)})
		if len(batch) >= indexBatch {
			if err := flush(); err != nil {
				return errors.Join(append(errs, err)...)
			}
		}
	}
	return errors.Join(append(errs, flush())...)
}
