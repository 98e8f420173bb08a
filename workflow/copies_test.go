package workflow

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"evidentia/store"
)

func TestCopyArtifacts(t *testing.T) {
	st := openStore(t)
	rec := sealed(t, st, "https://example.org/c", map[string][]byte{"text.txt": []byte("본문"), "document.html": []byte("<p>x</p>")})
	dir := filepath.Join(t.TempDir(), "copies")
	n, err := CopyArtifacts(t.Context(), st, rec, dir, "홍길동")
	if err != nil || n != 3 {
		t.Fatalf("copied %d: %v", n, err)
	}
	for _, name := range []string{"text.txt", "document.html", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	events, _ := st.Custody(t.Context(), rec.ID)
	if last := events[len(events)-1]; last.Action != store.ActionExported || last.Details["kind"] != "artifact copies" || last.Actor != "홍길동" {
		t.Errorf("custody: %+v", last)
	}
	if _, err := CopyArtifacts(t.Context(), st, rec, dir, "홍길동"); !errors.Is(err, os.ErrExist) || !errors.Is(err, ErrOutputExists) {
		t.Errorf("into an existing folder: %v", err)
	}

	// A damaged object: nothing is left behind.
	p := st.ObjectPath(rec.Artifacts[0].SHA256)
	os.Chmod(p, 0o644)
	orig, _ := os.ReadFile(p)
	os.WriteFile(p, append([]byte("x"), orig[1:]...), 0o644)
	defer os.WriteFile(p, orig, 0o444)
	dir2 := filepath.Join(t.TempDir(), "damaged")
	if _, err := CopyArtifacts(t.Context(), st, rec, dir2, "홍길동"); err == nil {
		t.Error("a damaged artifact was copied")
	}
	if _, err := os.Stat(dir2); !os.IsNotExist(err) {
		t.Errorf("the half-made folder is left: %v", err)
	}
}
