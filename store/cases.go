package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"evidentia/textsafe"
)

// Case is an investigation that captures belong to. Name is its unique key, as the operator
// typed it (surrounding spaces removed). Captures is the number of captures in the case, of
// every status; it is filled by the store and ignored on input.
type Case struct {
	ID          int64
	Name        string
	Number      string // the file or docket number
	Description string
	LawArticle  string // the provision of law the case concerns
	CreatedAt   time.Time
	Closed      bool
	Captures    int
}

// ErrUnsafeName is returned for a name (a case, an operator, a unit) that is not plain text: it
// holds a control character (an escape, a line break, a tab), a bidirectional control (such as
// U+202E, which shows text reversed), a zero-width or other invisible character, or invalid
// UTF-8 (see textsafe.Clean). Such a name would move a terminal's cursor, reorder what a reader
// sees or hide a part of the name in every list, report and custody log that shows it. It
// wraps ErrInvalid.
var ErrUnsafeName = fmt.Errorf("%w: a name may not hold control, bidirectional or invisible characters", ErrInvalid)

// CheckName returns nil when the name s, of the kind what ("case name", "operator", "unit"),
// is plain text (textsafe.Clean), else an error wrapping ErrUnsafeName (and so ErrInvalid)
// that shows s with its unsafe characters escaped. Spaces, punctuation, Hangul and formula-like
// text such as "=SUM(1)" are plain text.
func CheckName(what, s string) error {
	if textsafe.Clean(s) {
		return nil
	}
	return fmt.Errorf("%w: %s %q", ErrUnsafeName, what, textsafe.Cap(s, 200))
}

// cleanCaseName returns name without surrounding spaces, in Unicode NFC, or an error wrapping
// ErrInvalid (empty) or ErrUnsafeName (see CheckName).
func cleanCaseName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("%w: empty case name", ErrInvalid)
	}
	if err := CheckName("case name", name); err != nil {
		return "", err
	}
	// One spelling per name: Hangul typed decomposed (as macOS input may give it) is the same
	// case as the precomposed form, not a look-alike second case.
	return norm.NFC.String(name), nil
}

// existingName is the spelling under which the case name is looked up: without surrounding
// spaces, in NFC. It does not check the name, so that a case named before names were checked
// can still be found, closed and renamed to a plain-text name.
func existingName(name string) string { return norm.NFC.String(strings.TrimSpace(name)) }

const caseColumns = `k.id, k.name, k.number, k.description, k.law_article, k.created_at, k.closed,
	(SELECT count(*) FROM captures c WHERE c.case_id = k.id)`

func scanCase(sc interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var created string
	if err := sc.Scan(&c.ID, &c.Name, &c.Number, &c.Description, &c.LawArticle, &created, &c.Closed, &c.Captures); err != nil {
		return Case{}, err
	}
	t, err := parseTime(created)
	if err != nil {
		return Case{}, err
	}
	c.CreatedAt = t
	return c, nil
}

// caseByName returns the case named name, or an error wrapping ErrNotFound.
func caseByName(ctx context.Context, q queryer, name string) (Case, error) {
	name = norm.NFC.String(name) // names are stored NFC (cleanCaseName)
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases k WHERE k.name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, fmt.Errorf("%w: case %q", ErrNotFound, name)
	}
	if err != nil {
		return Case{}, fmt.Errorf("store: read case %q: %w", name, err)
	}
	return c, nil
}

func insertCase(ctx context.Context, tx *sql.Tx, c Case, actor string) (Case, error) {
	created, createdText := now()
	res, err := tx.ExecContext(ctx,
		`INSERT INTO cases (name, number, description, law_article, created_at, closed) VALUES (?, ?, ?, ?, ?, ?)`,
		c.Name, c.Number, c.Description, c.LawArticle, createdText, c.Closed)
	if err != nil {
		return Case{}, fmt.Errorf("store: create case %q: %w", c.Name, err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return Case{}, fmt.Errorf("store: create case %q: %w", c.Name, err)
	}
	c.CreatedAt, c.Captures = created, 0
	_, err = appendEvent(ctx, tx, Event{Actor: actor, Action: ActionCaseCreated, Case: c.Name, Details: map[string]string{
		"name": c.Name, "number": c.Number, "description": c.Description, "law_article": c.LawArticle,
		"closed": strconv.FormatBool(c.Closed),
	}})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// EnsureCase returns the case named name, creating it (with the custody event "case created"
// by actor) when it does not exist. It is safe to call from several goroutines or processes at
// once: the case is created once.
func (s *Store) EnsureCase(ctx context.Context, name, actor string) (Case, error) {
	name, err := cleanCaseName(name)
	if err != nil {
		return Case{}, err
	}
	var out Case
	err = s.write(ctx, func(tx *sql.Tx) error {
		c, err := caseByName(ctx, tx, name)
		if err == nil {
			out = c
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		out, err = insertCase(ctx, tx, Case{Name: name}, actor)
		return err
	})
	return out, err
}

// CreateCase creates the case c (ID, CreatedAt and Captures are ignored) and records the
// custody event "case created" by actor. It returns an error wrapping ErrCaseExists when a case
// of that name exists, ErrInvalid when the name is empty and ErrUnsafeName when it holds
// control, bidirectional or invisible characters (see CheckName).
func (s *Store) CreateCase(ctx context.Context, c Case, actor string) (Case, error) {
	name, err := cleanCaseName(c.Name)
	if err != nil {
		return Case{}, err
	}
	c.Name = name
	var out Case
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := caseByName(ctx, tx, name); err == nil {
			return fmt.Errorf("%w: %q", ErrCaseExists, name)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		out, err = insertCase(ctx, tx, c, actor)
		return err
	})
	return out, err
}

// SetCaseClosed closes (closed true) or reopens the case named name (an existing name: it is
// looked up as given, see UpdateCase), recording the custody event "case closed" or "case
// reopened" by actor. No capture can be begun in a closed case.
// Setting the state a case already has changes nothing and records nothing.
func (s *Store) SetCaseClosed(ctx context.Context, name string, closed bool, actor string) error {
	name = existingName(name)
	return s.write(ctx, func(tx *sql.Tx) error {
		c, err := caseByName(ctx, tx, name)
		if err != nil {
			return err
		}
		if c.Closed == closed {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET closed = ? WHERE id = ?`, closed, c.ID); err != nil {
			return fmt.Errorf("store: update case %q: %w", name, err)
		}
		action := ActionCaseReopened
		if closed {
			action = ActionCaseClosed
		}
		_, err = appendEvent(ctx, tx, Event{Actor: actor, Action: action, Case: name})
		return err
	})
}

// UpdateCase changes the case named name to c and returns it as stored: its name (a rename
// when c.Name differs; surrounding spaces are removed), number, description and provision of
// law are replaced by c's; c.ID, c.CreatedAt, c.Closed and c.Captures are ignored (see
// SetCaseClosed). It records the custody event "case updated" by actor, under the new name,
// with the new values (name, number, description, law_article) and the old ones (old_name,
// old_number, old_description, old_law_article) in its details. A closed case may be updated.
// Updating a case to the values it has changes nothing and records nothing.
//
// name is looked up as it is (spaces trimmed, NFC) and is not checked, so that a case named
// before names were checked can be renamed; the new name must be plain text (CheckName).
//
// A rename keeps every capture in the case: captures refer to their case by its ID. Custody
// events recorded before the rename keep the name the case had then; Verify follows renames
// through the "case updated" events. The sealed manifests keep the name the case had when
// each capture was made.
//
// Errors wrap ErrInvalid (an empty name; ErrUnsafeName for a name with control, bidirectional
// or invisible characters, see CheckName), ErrNotFound (no case is named name)
// or ErrCaseExists (another case has the new name).
func (s *Store) UpdateCase(ctx context.Context, name string, c Case, actor string) (Case, error) {
	name = existingName(name)
	newName, err := cleanCaseName(c.Name)
	if err != nil {
		return Case{}, err
	}
	var out Case
	err = s.write(ctx, func(tx *sql.Tx) error {
		old, err := caseByName(ctx, tx, name)
		if err != nil {
			return err
		}
		if newName != old.Name {
			if _, err := caseByName(ctx, tx, newName); err == nil {
				return fmt.Errorf("%w: cannot rename %q to %q", ErrCaseExists, old.Name, newName)
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		out = old
		out.Name, out.Number, out.Description, out.LawArticle = newName, c.Number, c.Description, c.LawArticle
		if out == old {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET name = ?, number = ?, description = ?, law_article = ? WHERE id = ?`,
			out.Name, out.Number, out.Description, out.LawArticle, out.ID); err != nil {
			return fmt.Errorf("store: update case %q: %w", old.Name, err)
		}
		_, err = appendEvent(ctx, tx, Event{Actor: actor, Action: ActionCaseUpdated, Case: out.Name, Details: map[string]string{
			"name": out.Name, "number": out.Number, "description": out.Description, "law_article": out.LawArticle,
			"old_name": old.Name, "old_number": old.Number, "old_description": old.Description, "old_law_article": old.LawArticle,
		}})
		return err
	})
	if err != nil {
		return Case{}, err
	}
	return out, nil
}

// Case returns the case named name (surrounding spaces and Unicode spelling do not matter, as
// for every name the store takes), or ErrNotFound.
func (s *Store) Case(ctx context.Context, name string) (Case, error) {
	return caseByName(ctx, s.rdb, strings.TrimSpace(name))
}

// Cases returns every case, by name.
func (s *Store) Cases(ctx context.Context) ([]Case, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases k ORDER BY k.name`)
	if err != nil {
		return nil, fmt.Errorf("store: read cases: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("store: read cases: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read cases: %w", err)
	}
	return out, nil
}
