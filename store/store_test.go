package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"evidentia/evidence"
)

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"windows", map[string]string{"AppData": `C:\Users\k\AppData\Roaming`}, filepath.Join(`C:\Users\k\AppData\Roaming`, "Evidentia")},
		{"darwin", map[string]string{"HOME": "/Users/k"}, "/Users/k/Library/Application Support/Evidentia"},
		{"linux", map[string]string{"HOME": "/home/k", "XDG_DATA_HOME": "/data"}, "/data/evidentia"},
		{"linux", map[string]string{"HOME": "/home/k", "XDG_DATA_HOME": "relative"}, "/home/k/.local/share/evidentia"},
		{"linux", map[string]string{"HOME": "/home/k"}, "/home/k/.local/share/evidentia"},
		{"freebsd", map[string]string{}, "evidentia"},
	}
	for _, tt := range tests {
		if runtime.GOOS == "windows" && tt.goos != "windows" && tt.goos != "freebsd" {
			// defaultDir joins with the host's filepath: on a Windows host the Unix cases
			// come out with backslashes and "/data" is not absolute, so they cannot hold.
			continue
		}
		got := defaultDir(tt.goos, func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("defaultDir(%s, %v) = %q, want %q", tt.goos, tt.env, got, tt.want)
		}
	}
}

func TestResolveDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg")
	t.Setenv("EVIDENTIA_DATA", "")
	if got := ResolveDir("/flag"); got != "/flag" {
		t.Errorf("flag: got %q", got)
	}
	if got, want := ResolveDir(""), DefaultDir(); got != want {
		t.Errorf("default: got %q, want %q", got, want)
	}
	t.Setenv("EVIDENTIA_DATA", "/env")
	if got := ResolveDir(""); got != "/env" {
		t.Errorf("env: got %q", got)
	}
	if got := ResolveDir("/flag"); got != "/flag" {
		t.Errorf("flag over env: got %q", got)
	}
}

func TestOpenCreatesLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := openStore(t, dir)
	for _, p := range []string{dbName, objectsDir, tmpDirName, locksDir} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if s.Dir() != dir || s.TempDir() != filepath.Join(dir, "tmp") {
		t.Errorf("Dir %q TempDir %q", s.Dir(), s.TempDir())
	}
	lock := lockPath(filepath.Join(dir, locksDir), s.owner)
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("lock file: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("lock file left after Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Reopening an existing folder works.
	openStore(t, dir)
}

func TestSealAndReadBack(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	c, err := s.CreateCase(ctx, Case{Name: " fraud-2025 ", Number: "2025-123", Description: "online fraud", LawArticle: "Art. 347"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "fraud-2025" || c.ID == 0 || c.CreatedAt.IsZero() {
		t.Fatalf("CreateCase = %+v", c)
	}
	if _, err := s.CreateCase(ctx, Case{Name: "fraud-2025"}, "bob"); !errors.Is(err, ErrCaseExists) {
		t.Fatalf("duplicate case: %v", err)
	}
	if again, err := s.EnsureCase(ctx, "fraud-2025", "bob"); err != nil || again.ID != c.ID || again.Number != "2025-123" {
		t.Fatalf("EnsureCase existing = %+v, %v", again, err)
	}

	id, err := s.BeginCapture(ctx, "fraud-2025", "https://example.org/", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Capture(ctx, id); err != nil || r.Status != evidence.StatusCapturing || r.Manifest != nil {
		t.Fatalf("capturing record = %+v, %v", r, err)
	}
	files := map[string]string{"screenshot.png": "\x89PNG fake image", "document.html": "<html>hi</html>", "facts.json": `{"a":1}`}
	facts := testFacts("https://example.org/", "Example 예시")
	rec, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusPartial, Reason: "screenshot timed out", Facts: facts,
		Files: writeFiles(t, files), Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != evidence.StatusPartial || rec.Title != "Example 예시" || rec.FinalURL != "https://example.org/final" ||
		rec.HTTPStatus != 200 || rec.Case != "fraud-2025" || rec.FinishedAt.Before(rec.StartedAt) {
		t.Errorf("sealed record = %+v", rec)
	}

	got, err := s.Capture(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.ManifestSHA256 != rec.ManifestSHA256 || got.Manifest == nil || !reflect.DeepEqual(got.Artifacts, rec.Artifacts) {
		t.Fatalf("read back %+v\nsealed    %+v", got, rec)
	}
	if !reflect.DeepEqual(got.Manifest.Facts, facts) {
		t.Errorf("facts read back differ:\n%+v\n%+v", got.Manifest.Facts, facts)
	}
	var names []string
	for _, a := range got.Artifacts {
		names = append(names, a.Name)
		want := files[a.Name]
		b, err := os.ReadFile(a.Path)
		if err != nil || string(b) != want {
			t.Errorf("%s: %q, %v", a.Name, b, err)
		}
		if a.SHA256 != evidence.SumBytes([]byte(want)) || a.Size != int64(len(want)) || a.MediaType != mediaType(a.Name) || a.Role != role(a.Name) {
			t.Errorf("artifact %+v", a)
		}
		if !filepath.IsAbs(a.Path) || a.Path != filepath.Join(s.Dir(), "objects", string(a.SHA256[:2]), string(a.SHA256)) {
			t.Errorf("path %s", a.Path)
		}
	}
	if want := []string{"document.html", "facts.json", "screenshot.png"}; !reflect.DeepEqual(names, want) {
		t.Errorf("artifact order %v", names)
	}
	if !reflect.DeepEqual(got.Manifest.Artifacts, []evidence.Artifact{got.Artifacts[0].Artifact, got.Artifacts[1].Artifact, got.Artifacts[2].Artifact}) {
		t.Errorf("manifest artifacts %+v", got.Manifest.Artifacts)
	}
	// The manifest object is the canonical JSON whose hash is recorded.
	mb, md, err := got.Manifest.Encode()
	if err != nil || md != got.ManifestSHA256 {
		t.Fatalf("manifest re-encodes to %s, recorded %s (%v)", md, got.ManifestSHA256, err)
	}
	if b, err := os.ReadFile(s.ObjectPath(md)); err != nil || string(b) != string(mb) {
		t.Errorf("manifest object: %v", err)
	}

	if _, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete}); !errors.Is(err, ErrAlreadySealed) {
		t.Errorf("second Seal: %v", err)
	}

	events, err := s.Custody(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if want := []string{ActionCaptureStarted, ActionCaptureSealed}; !reflect.DeepEqual(actions, want) {
		t.Fatalf("custody actions %v", actions)
	}
	sealed := events[1]
	if sealed.Details["manifest_sha256"] != string(rec.ManifestSHA256) || sealed.Details["status"] != "partial" ||
		sealed.Details["reason"] != "screenshot timed out" || sealed.Case != "fraud-2025" || sealed.Actor != "alice" {
		t.Errorf("sealing event %+v", sealed)
	}

	cases, err := s.Cases(ctx)
	if err != nil || len(cases) != 1 || cases[0].Captures != 1 || cases[0].LawArticle != "Art. 347" {
		t.Errorf("Cases = %+v, %v", cases, err)
	}
	rep, err := s.Verify(ctx, Scope{}, "auditor")
	if err != nil || !rep.OK() || rep.Captures != 1 || rep.Artifacts != 3 || len(rep.Problems) != 0 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

func TestSealFailedAndValidation(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, err := s.EnsureCase(ctx, "c1", "alice"); err != nil {
		t.Fatal(err)
	}
	id, err := s.BeginCapture(ctx, "c1", "https://example.org/", "alice")
	if err != nil {
		t.Fatal(err)
	}
	bad := []SealRequest{
		{Status: evidence.StatusCapturing},
		{Status: evidence.StatusInterrupted},
		{Status: "done"},
		{Status: evidence.StatusComplete, Files: []SealFile{{Name: "../x", Path: "/dev/null"}}},
		{Status: evidence.StatusComplete, Files: []SealFile{{Name: "", Path: "/dev/null"}}},
		{Status: evidence.StatusComplete, Files: []SealFile{{Name: "a", Path: "/dev/null"}, {Name: "a", Path: "/dev/null"}}},
	}
	for _, req := range bad {
		if _, err := s.Seal(ctx, id, req); !errors.Is(err, ErrInvalid) {
			t.Errorf("Seal(%+v) = %v, want ErrInvalid", req, err)
		}
	}
	// A file that cannot be read leaves the capture as it was; it can be sealed again.
	if _, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete,
		Files: []SealFile{{Name: "gone.png", Path: filepath.Join(t.TempDir(), "gone.png")}}}); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("Seal with a missing file = %v", err)
	}
	if r, err := s.Capture(ctx, id); err != nil || r.Status != evidence.StatusCapturing {
		t.Fatalf("after failed Seal: %+v, %v", r, err)
	}
	rec, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusFailed, Reason: "net::ERR_NAME_NOT_RESOLVED", Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Manifest == nil || len(rec.Manifest.Artifacts) != 0 || rec.Status != evidence.StatusFailed {
		t.Errorf("failed record %+v", rec)
	}
	events, _ := s.Custody(ctx, id)
	if last := events[len(events)-1]; last.Action != ActionCaptureFailed || last.Details["reason"] != "net::ERR_NAME_NOT_RESOLVED" {
		t.Errorf("last event %+v", last)
	}
	if _, err := s.Seal(ctx, "0190aaaa-0000-7000-8000-000000000000", SealRequest{Status: evidence.StatusComplete}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Seal unknown: %v", err)
	}
	if _, err := s.BeginCapture(ctx, "nope", "https://example.org/", "alice"); !errors.Is(err, ErrNotFound) {
		t.Errorf("BeginCapture unknown case: %v", err)
	}
	if _, err := s.BeginCapture(ctx, "c1", " ", "alice"); !errors.Is(err, ErrInvalid) {
		t.Errorf("BeginCapture empty URL: %v", err)
	}
	if err := s.SetCaseClosed(ctx, "c1", true, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginCapture(ctx, "c1", "https://example.org/", "alice"); !errors.Is(err, ErrCaseClosed) {
		t.Errorf("BeginCapture closed case: %v", err)
	}
	if err := s.SetCaseClosed(ctx, "c1", false, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginCapture(ctx, "c1", "https://example.org/", "alice"); err != nil {
		t.Errorf("BeginCapture reopened case: %v", err)
	}
}

func TestCaptureLookupAndList(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	a := capture(t, s, "c1", "https://a.example/", map[string]string{"a.html": "a"})
	b := capture(t, s, "c2", "https://b.example/", map[string]string{"b.html": "b"})
	c := capture(t, s, "c1", "https://c.example/", map[string]string{"c.html": "c"})

	// The shortest prefix of a's ID that no other ID shares.
	n := 4
	for _, other := range []string{b.ID, c.ID} {
		common := 0
		for common < len(other) && a.ID[common] == other[common] {
			common++
		}
		n = max(n, common+1)
	}
	tests := []struct {
		query string
		want  string
		err   error
	}{
		{a.ID, a.ID, nil},
		{a.ID[:n], a.ID, nil},
		{strings.ToUpper(a.ID[:n]), a.ID, nil},
		{a.ID[:3], "", ErrInvalid},
		{"ffff", "", ErrNotFound},
		{"zz%_", "", ErrNotFound},
	}
	if common := commonPrefix(a.ID, b.ID); common >= 4 {
		tests = append(tests, struct {
			query string
			want  string
			err   error
		}{a.ID[:common], "", ErrAmbiguousID})
	}
	for _, tt := range tests {
		r, err := s.Capture(ctx, tt.query)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("Capture(%q) = %v, want %v", tt.query, err, tt.err)
			}
			continue
		}
		if err != nil || r.ID != tt.want {
			t.Errorf("Capture(%q) = %v, %v", tt.query, r, err)
		}
	}

	all, err := s.Captures(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ID != c.ID || all[1].ID != b.ID || all[2].ID != a.ID {
		t.Fatalf("Captures order: %v", ids(all))
	}
	for _, r := range all {
		if r.Manifest != nil || len(r.Artifacts) != 1 || r.Artifacts[0].Path == "" {
			t.Errorf("listed %+v", r)
		}
	}
	c1, err := s.Captures(ctx, "c1")
	if err != nil || len(c1) != 2 || c1[0].ID != c.ID || c1[1].ID != a.ID {
		t.Errorf("Captures(c1) = %v, %v", ids(c1), err)
	}
	if _, err := s.Captures(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Captures(nope) = %v", err)
	}
	rep, err := s.Verify(ctx, Scope{IDs: []string{a.ID[:n], c.ID}}, "auditor")
	if err != nil || !rep.OK() || rep.Captures != 2 {
		t.Errorf("Verify by IDs = %+v, %v", rep, err)
	}
	rep, err = s.Verify(ctx, Scope{Case: "c2"}, "auditor")
	if err != nil || !rep.OK() || rep.Captures != 1 {
		t.Errorf("Verify case = %+v, %v", rep, err)
	}
	if _, err := s.Verify(ctx, Scope{Case: "c2", IDs: []string{a.ID}}, "auditor"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Verify with an ID outside the case = %v", err)
	}
	if _, err := s.Verify(ctx, Scope{Case: "nope"}, "auditor"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Verify unknown case = %v", err)
	}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func ids(rs []Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestObjectsReadOnlyAndNeverOverwritten(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	a := capture(t, s, "c1", "https://a.example/", map[string]string{"page.html": "same content"})
	p := a.Artifacts[0].Path
	before, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if before.Mode().Perm() != 0o444 {
		t.Errorf("object mode %v, want 0444", before.Mode().Perm())
	}
	if m, err := os.Stat(s.ObjectPath(a.ManifestSHA256)); err != nil || m.Mode().Perm() != 0o444 {
		t.Errorf("manifest object mode: %v, %v", m, err)
	}
	b := capture(t, s, "c1", "https://b.example/", map[string]string{"other.html": "same content"})
	if b.Artifacts[0].Path != p {
		t.Fatalf("same content stored twice: %s %s", b.Artifacts[0].Path, p)
	}
	after, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("existing object was replaced")
	}
	leftovers, _ := os.ReadDir(s.TempDir())
	if len(leftovers) != 0 {
		t.Errorf("tmp not empty: %v", leftovers)
	}

	// A damaged object is neither replaced nor reused: sealing its content again fails.
	flipByte(t, p, 0)
	damaged, _ := os.ReadFile(p)
	if _, err := s.EnsureCase(ctx, "c1", "alice"); err != nil {
		t.Fatal(err)
	}
	id, err := s.BeginCapture(ctx, "c1", "https://c.example/", "alice")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete, Files: writeFiles(t, map[string]string{"x.html": "same content"})})
	if !errors.Is(err, ErrDigestMismatch) {
		t.Fatalf("Seal over a damaged object = %v, want ErrDigestMismatch", err)
	}
	if now, _ := os.ReadFile(p); string(now) != string(damaged) {
		t.Errorf("damaged object was changed")
	}
	if r, _ := s.Capture(ctx, id); r.Status != evidence.StatusCapturing {
		t.Errorf("status after failed seal: %s", r.Status)
	}
}

func TestOpenArtifact(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	content := strings.Repeat("evidence ", 10000)
	r := capture(t, s, "c1", "https://a.example/", map[string]string{"page.html": content, "small.html": "x"})
	page := r.Artifacts[0]

	rc, err := s.OpenArtifact(ctx, page.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != content {
		t.Fatalf("ReadAll: %v", err)
	}
	if err := rc.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	flipByte(t, page.Path, int64(len(content)-1))
	rc, err = s.OpenArtifact(ctx, page.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("ReadAll of a damaged object = %v", err)
	}
	if err := rc.Close(); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("Close after reading a damaged object = %v", err)
	}
	// Stopping early: Close reads the rest and still finds the damage.
	rc, err = s.OpenArtifact(ctx, page.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("early Close of a damaged object = %v", err)
	}

	if err := os.Remove(r.Artifacts[1].Path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenArtifact(ctx, r.Artifacts[1].SHA256); !errors.Is(err, ErrMissingObject) {
		t.Errorf("OpenArtifact of a missing object = %v", err)
	}
	if _, err := s.OpenArtifact(ctx, "abc"); !errors.Is(err, ErrInvalid) {
		t.Errorf("OpenArtifact(bad digest) = %v", err)
	}
	if s.ObjectPath("abc") != "" {
		t.Errorf("ObjectPath of a bad digest is not empty")
	}
}

func TestCustodyChainFormat(t *testing.T) {
	// The chain can be recomputed by hand from the documented form, without this package.
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	capture(t, s, "c1", "https://a.example/", map[string]string{"a.html": "a"})
	e := Event{Actor: "bob", Action: ActionAnnotated, Case: "c1", Details: map[string]string{"note": "checked \"quote\" 한글", "b": "2"}}
	got, err := s.AppendEvent(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	events, err := s.Custody(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	prev := strings.Repeat("0", 64)
	for i, ev := range events {
		if ev.Seq != int64(i+1) || string(ev.PrevHash) != prev {
			t.Fatalf("event %d: seq %d prev %s", i, ev.Seq, ev.PrevHash)
		}
		prev = string(ev.Hash)
	}
	last := events[len(events)-1]
	if !reflect.DeepEqual(last, got) {
		t.Errorf("appended %+v\nread     %+v", got, last)
	}
	text := `{"action":"annotated","actor":"bob","at":"` + last.At.Format("2006-01-02T15:04:05.000000000Z") +
		`","capture_id":"","case":"c1","details":"{\"b\":\"2\",\"note\":\"checked \\\"quote\\\" 한글\"}","prev_hash":"` +
		string(last.PrevHash) + `","seq":` + strconv.FormatInt(last.Seq, 10) + `}`
	sum := sha256.Sum256([]byte(text))
	if hex.EncodeToString(sum[:]) != string(last.Hash) {
		t.Errorf("hash of %s\n= %x, stored %s", text, sum, last.Hash)
	}
	head, err := s.Head(ctx)
	if err != nil || head.Count != last.Seq || head.Hash != last.Hash {
		t.Errorf("Head = %+v, %v", head, err)
	}

	for _, bad := range []Event{{Action: ""}, {Action: ActionCaptureSealed}, {Action: ActionVerified},
		{Action: ActionViewed, CaptureID: "nope"}, {Action: ActionViewed, Case: "nope"}} {
		if _, err := s.AppendEvent(ctx, bad); err == nil {
			t.Errorf("AppendEvent(%+v) accepted", bad)
		}
	}
}
