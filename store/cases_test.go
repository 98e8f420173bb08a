package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
)

func TestUpdateCase(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, err := s.CreateCase(ctx, Case{Name: "사건-1", Number: "2026-1", Description: "old", LawArticle: "제250조"}, "alice"); err != nil {
		t.Fatal(err)
	}
	a := capture(t, s, "사건-1", "https://a.example/", map[string]string{"text.txt": "본문"})
	capture(t, s, "other", "https://o.example/", nil)

	tests := []struct {
		name    string
		from    string
		to      Case
		want    error
		records bool // a "case updated" event is expected
	}{
		{"empty new name", "사건-1", Case{Name: "  "}, ErrInvalid, false},
		{"unknown case", "nope", Case{Name: "x"}, ErrNotFound, false},
		{"name taken", "사건-1", Case{Name: "other", Number: "2026-1"}, ErrCaseExists, false},
		{"same values", "사건-1", Case{Name: " 사건-1 ", Number: "2026-1", Description: "old", LawArticle: "제250조"}, nil, false},
		{"fields", "사건-1", Case{Name: "사건-1", Number: "2026-1a", Description: "new", LawArticle: "제251조"}, nil, true},
		{"rename", "사건-1", Case{Name: "사건-1 (허위사실)", Number: "2026-1a", Description: "new", LawArticle: "제251조"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := s.Head(ctx)
			got, err := s.UpdateCase(ctx, tt.from, tt.to, "bob")
			after, _ := s.Head(ctx)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UpdateCase = %+v, %v; want %v", got, err, tt.want)
			}
			if recorded := after.Count > before.Count; recorded != tt.records {
				t.Errorf("recorded an event: %v, want %v", recorded, tt.records)
			}
			if err == nil && (got.Number != tt.to.Number || got.Description != tt.to.Description || got.Captures != 1) {
				t.Errorf("UpdateCase = %+v", got)
			}
		})
	}

	// The last event tells the old and the new values.
	log, err := s.Custody(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	e := log[len(log)-1]
	want := map[string]string{"name": "사건-1 (허위사실)", "old_name": "사건-1", "number": "2026-1a", "old_number": "2026-1a",
		"description": "new", "old_description": "new", "law_article": "제251조", "old_law_article": "제251조"}
	if e.Action != ActionCaseUpdated || e.Actor != "bob" || e.Case != "사건-1 (허위사실)" || len(e.Details) != len(want) {
		t.Errorf("event = %+v", e)
	}
	for k, v := range want {
		if e.Details[k] != v {
			t.Errorf("details[%s] = %q, want %q", k, e.Details[k], v)
		}
	}

	// The capture followed its case; the old name is free; the store verifies.
	if _, err := s.Captures(ctx, "사건-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Captures(old name) = %v", err)
	}
	recs, err := s.Captures(ctx, "사건-1 (허위사실)")
	if err != nil || len(recs) != 1 || recs[0].ID != a.ID || recs[0].Case != "사건-1 (허위사실)" {
		t.Fatalf("Captures(new name) = %+v, %v", recs, err)
	}

	// A closed case can be edited; the old name can be taken again and renamed in a chain.
	if err := s.SetCaseClosed(ctx, "사건-1 (허위사실)", true, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateCase(ctx, "사건-1 (허위사실)", Case{Name: "B"}, "bob"); err != nil {
		t.Fatalf("editing a closed case: %v", err)
	}
	b := capture(t, s, "사건-1", "https://b.example/", nil) // a new case with the first name
	if _, err := s.UpdateCase(ctx, "B", Case{Name: "C"}, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateCase(ctx, "사건-1", Case{Name: "B"}, "bob"); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Capture(ctx, a.ID); c.Case != "C" {
		t.Errorf("first capture is in %q, want C", c.Case)
	}
	if c, _ := s.Capture(ctx, b.ID); c.Case != "B" {
		t.Errorf("second capture is in %q, want B", c.Case)
	}
	rep, err := s.Verify(ctx, Scope{}, "test")
	if err != nil || !rep.OK() {
		t.Fatalf("Verify after renames: %v %v", err, rep.Problems)
	}

	// Only the store writes "case updated".
	if _, err := s.AppendEvent(ctx, Event{Action: ActionCaseUpdated, Case: "C"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("AppendEvent(case updated) = %v", err)
	}

	// A rename made behind the store's back (no event) is still caught.
	db := rawDB(t, s)
	execSQL(t, db, `UPDATE cases SET name = 'D' WHERE name = 'C'`)
	rep, err = s.Verify(ctx, Scope{IDs: []string{a.ID}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Problems {
		found = found || (p.CaptureID == a.ID && errors.Is(p.Err, ErrCustodyBroken))
	}
	if !found {
		t.Errorf("rename without an event not detected: %v", rep.Problems)
	}
}

func TestCaseNamesAreNormalised(t *testing.T) {
	s := openStore(t, t.TempDir())
	composed := "선거"                               // U+C120 U+AC70
	decomposed := "\u1109\u1165\u11ab\u1100\u1165" // the same syllables as jamo
	if composed == decomposed {
		t.Fatal("test strings must differ in bytes")
	}
	c1, err := s.EnsureCase(t.Context(), decomposed, "test")
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.EnsureCase(t.Context(), composed, "test")
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := s.Cases(t.Context())
	if c1.ID != c2.ID || len(cases) != 1 || cases[0].Name != composed {
		t.Errorf("decomposed and composed names made %d cases: %+v", len(cases), cases)
	}
}

// TestUnsafeNamesRefused is finding 10: case names (created, ensured, renamed) and operators
// with control, bidirectional or invisible characters are refused with ErrUnsafeName (an
// ErrInvalid) and nothing is recorded; formula-like names are plain text and accepted.
func TestUnsafeNamesRefused(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, err := s.CreateCase(ctx, Case{Name: "사건"}, "alice"); err != nil {
		t.Fatal(err)
	}
	head := func() int {
		events, err := s.Custody(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return len(events)
	}
	before := head()
	bad := []struct{ name, value string }{
		{"escape", "사건\x1b[31m"},
		{"OSC title", "\x1b]0;pwned\x07사건"},
		{"right-to-left override", "사건\u202eexe.txt"},
		{"line break", "사건\n2"},
		{"tab", "사건\t2"},
		{"zero-width space", "사\u200b건"},
		{"BOM", "\ufeff사건"},
		{"line separator", "사건\u20282"},
		{"invalid UTF-8", "사건\xff"},
		{"NUL", "사건\x00"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, ErrUnsafeName) || !errors.Is(err, ErrInvalid) {
					t.Errorf("%s %+q: %v, want ErrUnsafeName", what, tc.value, err)
				}
			}
			_, err := s.CreateCase(ctx, Case{Name: tc.value}, "alice")
			check("CreateCase", err)
			_, err = s.EnsureCase(ctx, tc.value, "alice")
			check("EnsureCase", err)
			_, err = s.UpdateCase(ctx, "사건", Case{Name: tc.value}, "alice")
			check("rename", err)
			_, err = s.BeginCapture(ctx, tc.value, "https://a.example/", "alice")
			check("BeginCapture in case", err)
			_, err = s.CreateCase(ctx, Case{Name: "사건-" + tc.name}, tc.value)
			check("CreateCase by operator", err)
			_, err = s.BeginCapture(ctx, "사건", "https://a.example/", tc.value)
			check("BeginCapture by operator", err)
			_, err = s.AppendEvent(ctx, Event{Actor: tc.value, Action: ActionAnnotated})
			check("AppendEvent by operator", err)
		})
	}
	if got := head(); got != before {
		t.Errorf("%d custody events were recorded for refused names", got-before)
	}
	cases, _ := s.Cases(ctx)
	if len(cases) != 1 {
		t.Errorf("cases: %+v", cases)
	}
	// Formula-like text is plain text: accepted (custody.csv is what guards spreadsheets).
	for _, name := range []string{`=HYPERLINK("http://x","y")`, "@SUM(1+1)", "+82", "-사건-", "사건 (2026) ‘인용’"} {
		if _, err := s.CreateCase(ctx, Case{Name: name}, "@SUM(1+1)"); err != nil {
			t.Errorf("CreateCase(%q): %v", name, err)
		}
	}
}

// TestLegacyUnsafeCaseCanBeRenamed: a case named with control characters before names were
// checked can still be found, closed and renamed to a plain-text name; it cannot take new
// captures under its old name.
func TestLegacyUnsafeCaseCanBeRenamed(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	const legacy = "옛 사건\x1b[2J"
	if err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := insertCase(ctx, tx, Case{Name: legacy}, "alice")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginCapture(ctx, legacy, "https://a.example/", "alice"); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("capture into the legacy case: %v", err)
	}
	if err := s.SetCaseClosed(ctx, legacy, true, "alice"); err != nil {
		t.Fatalf("close: %v", err)
	}
	k, err := s.UpdateCase(ctx, legacy, Case{Name: "옛 사건"}, "alice")
	if err != nil || k.Name != "옛 사건" || !k.Closed {
		t.Fatalf("rename: %+v %v", k, err)
	}
	if _, err := s.Case(ctx, "옛 사건"); err != nil {
		t.Error(err)
	}
}
