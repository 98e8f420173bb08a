package workflow

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"evidentia/evidence"
	"evidentia/store"
)

// sealed seals a capture into st (case "사건") with files name -> content, each with the role
// its name implies.
func sealed(t testing.TB, st *store.Store, url string, files map[string][]byte) *store.Record {
	t.Helper()
	ctx := t.Context()
	if _, err := st.EnsureCase(ctx, "사건", "tester"); err != nil {
		t.Fatal(err)
	}
	id, err := st.BeginCapture(ctx, "사건", url, "tester")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var sf []store.SealFile
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		role := evidence.RoleDocument
		switch {
		case name == "viewport.png":
			role = evidence.RoleViewport
		case name == "screenshot.png":
			role = evidence.RoleScreenshot
		case strings.HasPrefix(name, "screenshot-"):
			role = evidence.RoleTile
		case name == "text.txt":
			role = evidence.RoleText
		}
		sf = append(sf, store.SealFile{Name: name, MediaType: "image/png", Role: role, Path: p})
	}
	rec, err := st.Seal(ctx, id, store.SealRequest{Status: evidence.StatusComplete, Facts: evidence.Facts{RequestedURL: url},
		Files: sf, Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// pngOf encodes an image of w x h px whose colour is fill(x, y).
func pngOf(t testing.TB, w, h int, fill func(x, y int) color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, fill(x, y))
		}
	}
	var b strings.Builder
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

func TestCleanTags(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
		bad  string // a word of the error; "" = valid
	}{
		{nil, nil, ""},
		{[]string{" 허위사실 ", "선거", "허위사실", "", "  "}, []string{"허위사실", "선거"}, ""},
		{[]string{strings.Repeat("가", 40)}, []string{strings.Repeat("가", 40)}, ""},
		{[]string{strings.Repeat("가", 41)}, nil, "longer"},
		{[]string{"a,b"}, nil, "comma"},
		{[]string{"line\nbreak"}, nil, "control"},
		{[]string{"bad\xff"}, nil, "valid"},
	}
	for _, tt := range tests {
		got, err := cleanTags(tt.in)
		if tt.bad == "" {
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cleanTags(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.bad) {
			t.Errorf("cleanTags(%q) = %v, want ErrInvalid about %s", tt.in, err, tt.bad)
		}
	}
}

func TestAnnotate(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	rec := sealed(t, st, "https://a.example/", map[string][]byte{"text.txt": []byte("본문")})
	other := sealed(t, st, "https://b.example/", nil)

	first, err := Annotate(ctx, st, rec.ID[:13], "  작성자 신원 확인 필요 \n", []string{"허위사실", " 선거 ", "허위사실"}, "김 수사관")
	if err != nil {
		t.Fatal(err)
	}
	if first.Note != "작성자 신원 확인 필요" || !reflect.DeepEqual(first.Tags, []string{"허위사실", "선거"}) ||
		first.Actor != "김 수사관" || first.Seq == 0 || first.At.IsZero() {
		t.Errorf("Annotate = %+v", first)
	}
	second, err := Annotate(ctx, st, rec.ID, "", []string{"긴급", "선거"}, "박 수사관")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Annotate(ctx, st, other.ID, "다른 캡처", nil, "박 수사관"); err != nil {
		t.Fatal(err)
	}

	// Nothing to record, bad tags, unknown captures: refused, and nothing recorded.
	head, _ := st.Head(ctx)
	for _, tc := range []struct {
		id, note string
		tags     []string
		want     error
	}{
		{rec.ID, "  ", []string{" ", ""}, ErrEmptyAnnotation},
		{rec.ID, "note", []string{"a,b"}, ErrInvalid},
		{"ffffffff", "note", nil, store.ErrNotFound},
		{"ab", "note", nil, store.ErrInvalid},
	} {
		if _, err := Annotate(ctx, st, tc.id, tc.note, tc.tags, "x"); !errors.Is(err, tc.want) {
			t.Errorf("Annotate(%q, %q, %q) = %v, want %v", tc.id, tc.note, tc.tags, err, tc.want)
		}
	}
	if after, _ := st.Head(ctx); after != head {
		t.Errorf("a refused annotation was recorded: head %+v, was %+v", after, head)
	}

	events, err := st.Custody(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	anns := Annotations(events)
	if len(anns) != 2 || !reflect.DeepEqual(anns[0], first) || !reflect.DeepEqual(anns[1], second) {
		t.Errorf("Annotations = %+v\nwant %+v, %+v", anns, first, second)
	}
	if got := Tags(events); !reflect.DeepEqual(got, []string{"긴급", "선거", "허위사실"}) {
		t.Errorf("Tags = %q", got)
	}
	if got := Tags(nil); len(got) != 0 {
		t.Errorf("Tags(nil) = %q", got)
	}
	// Annotations are custody events: the sealed capture is untouched and everything verifies.
	again, err := st.Capture(ctx, rec.ID)
	if err != nil || again.ManifestSHA256 != rec.ManifestSHA256 {
		t.Errorf("capture after annotating: %+v, %v", again, err)
	}
	rep, err := st.Verify(ctx, store.Scope{}, "test")
	if err != nil || !rep.OK() {
		t.Errorf("Verify: %v %v", err, rep)
	}
}
