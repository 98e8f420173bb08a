package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"evidentia/evidence"
)

func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// writeFiles writes name -> content files into a new folder and returns SealFiles for them.
func writeFiles(t testing.TB, files map[string]string) []SealFile {
	t.Helper()
	work := t.TempDir()
	var out []SealFile
	for name, content := range files {
		p := filepath.Join(work, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		out = append(out, SealFile{Name: name, MediaType: mediaType(name), Role: role(name), Path: p})
	}
	return out
}

func mediaType(name string) string {
	switch filepath.Ext(name) {
	case ".png":
		return "image/png"
	case ".html":
		return "text/html"
	case ".json":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func role(name string) string {
	switch filepath.Ext(name) {
	case ".png":
		return evidence.RoleScreenshot
	case ".html":
		return evidence.RoleDocument
	case ".json":
		return evidence.RoleFacts
	case ".txt":
		return evidence.RoleText
	}
	return ""
}

func testFacts(url, title string) evidence.Facts {
	return evidence.Facts{
		RequestedURL: url,
		FinalURL:     url + "final",
		Metadata:     evidence.Metadata{Title: title},
		Network:      evidence.Network{HTTPStatus: 200},
		Collection:   evidence.Collection{Operator: "alice", Case: "c1"},
	}
}

// capture begins and seals one capture in caseName with the given files.
func capture(t testing.TB, s *Store, caseName, url string, files map[string]string) *Record {
	t.Helper()
	ctx := context.Background()
	if _, err := s.EnsureCase(ctx, caseName, "alice"); err != nil {
		t.Fatalf("EnsureCase: %v", err)
	}
	id, err := s.BeginCapture(ctx, caseName, url, "alice")
	if err != nil {
		t.Fatalf("BeginCapture: %v", err)
	}
	rec, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete, Facts: testFacts(url, "Title of "+url),
		Files: writeFiles(t, files), Actor: "alice"})
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return rec
}

// rawDB opens the store's database directly, as a tamperer with sqlite3 would.
func rawDB(t *testing.T, s *Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(s.Dir(), dbName)+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// flipByte changes one byte of the read-only file at path, in place.
func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x01
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
}

func artifactPath(t *testing.T, r *Record, name string) string {
	t.Helper()
	for _, a := range r.Artifacts {
		if a.Name == name {
			return a.Path
		}
	}
	t.Fatalf("no artifact %s in %s", name, r.ID)
	return ""
}
