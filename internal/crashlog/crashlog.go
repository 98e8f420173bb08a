// Package crashlog keeps the details of an internal error — a recovered panic and its stack —
// in a log file in the data folder, so that the person using Evidentia is told in one plain
// sentence where the details are, and never shown a Go stack trace, while the developers still
// get the stack. It uses the standard library only.
package crashlog

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"
)

// MaxSize is the size past which the log is moved aside (to crash.log.1, replacing an older
// one) before an entry is added, so that it never grows without bound.
const MaxSize = 4 << 20

// maxValue caps the text of the panic value in an entry (it may quote a page's content).
const maxValue = 4000

var mu sync.Mutex // one writer at a time within the process

// Path returns the log file of the data folder dataDir: logs/crash.log.
func Path(dataDir string) string { return filepath.Join(dataDir, "logs", "crash.log") }

// Record appends to the log of dataDir one entry: the time (UTC), where the panic was
// recovered, its value (control characters written as escapes, capped) and the stack (taken
// here with debug.Stack when stack is nil, so call it from the deferred function that
// recovered). The folder is created for the owner only (0700), the file readable by its owner
// only (0600). It returns the log's path; it never panics.
func Record(dataDir, where string, value any, stack []byte) (path string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("crashlog: %v", r)
		}
	}()
	if stack == nil {
		stack = debug.Stack()
	}
	path = Path(dataDir)
	mu.Lock()
	defer mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return path, fmt.Errorf("crashlog: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > MaxSize {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return path, fmt.Errorf("crashlog: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s internal error in %s\n", time.Now().UTC().Format(time.RFC3339Nano), escape(where, 200))
	fmt.Fprintf(&b, "value: %s\n", escape(fmt.Sprint(value), maxValue))
	b.Write(stack)
	if len(stack) == 0 || stack[len(stack)-1] != '\n' {
		b.WriteByte('\n')
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return path, fmt.Errorf("crashlog: %w", err)
	}
	return path, nil
}

// CrashOutput opens the log of dataDir for the Go runtime's report of a panic that nobody
// recovered (see debug.SetCrashOutput): such a report then goes to the log as well as to
// standard error, which a desktop application does not have on Windows. The caller passes the
// file to debug.SetCrashOutput and may close it afterwards.
//
// The log is moved aside here when it is past MaxSize: while the runtime holds it, Windows
// refuses to rename it, so Record cannot rotate it until the program's next start.
func CrashOutput(dataDir string) (*os.File, error) {
	path := Path(dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("crashlog: %w", err)
	}
	mu.Lock()
	if fi, err := os.Stat(path); err == nil && fi.Size() > MaxSize {
		_ = os.Rename(path, path+".1")
	}
	mu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("crashlog: %w", err)
	}
	return f, nil
}

// escape writes control and format characters of s as \x / \u escapes (a log line cannot be
// forged by a page that makes a capture panic) and cuts it after max runes.
func escape(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
