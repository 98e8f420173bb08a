package crashlog

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRecordKeepsTheStack(t *testing.T) {
	dir := t.TempDir()
	var path string
	func() {
		defer func() {
			r := recover()
			var err error
			path, err = Record(dir, "capture of https://example.com/", r, nil)
			if err != nil {
				t.Fatal(err)
			}
		}()
		var s []int
		_ = s[len(s)+1] // a real runtime panic (index out of range)
	}()
	if path != filepath.Join(dir, "logs", "crash.log") {
		t.Errorf("path %s", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{"internal error in capture of https://example.com/", "index out of range", "goroutine ", "crashlog_test.go"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
	}
}

func TestRecordEscapesAndCapsTheValue(t *testing.T) {
	dir := t.TempDir()
	hostile := "\x1b[2J\u202eforged\n=== 2026-01-01 internal error in nothing" + strings.Repeat("x", 10000)
	if _, err := Record(dir, "test", hostile, []byte("stack\n")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(Path(dir))
	log := string(b)
	if strings.ContainsAny(log, "\x1b\u202e") {
		t.Errorf("raw control characters in the log: %q", log[:80])
	}
	if !strings.Contains(log, `\x1b[2J\u202eforged`) {
		t.Errorf("not escaped: %q", log[:120])
	}
	if len(log) > maxValue+500 {
		t.Errorf("the value is not capped: %d bytes", len(log))
	}
}

func TestRecordRotates(t *testing.T) {
	dir := t.TempDir()
	if _, err := Record(dir, "first", "x", []byte("s\n")); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, MaxSize+1)
	f, _ := os.OpenFile(Path(dir), os.O_APPEND|os.O_WRONLY, 0o600)
	f.Write(big)
	f.Close()
	if _, err := Record(dir, "second", "y", []byte("s\n")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(Path(dir))
	if err != nil || fi.Size() > 1000 {
		t.Errorf("not rotated: %v %v", fi, err)
	}
	if _, err := os.Stat(Path(dir) + ".1"); err != nil {
		t.Errorf("the old log is not kept: %v", err)
	}
}

func TestRecordInAFolderThatCannotBeMade(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o600)
	if _, err := Record(file, "test", "x", nil); err == nil {
		t.Error("no error for a data folder that is a file")
	}
}
