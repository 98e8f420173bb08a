package capture

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"evidentia/evidence"
)

func TestBrowserEnviron(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nothing to remove", []string{"HOME=/h", "PATH=/bin"}, []string{"HOME=/h", "PATH=/bin"}},
		{"secrets removed", []string{"HOME=/h", "EVIDENTIA_PASSPHRASE=s3cret", "EVIDENTIA_P12_PASSWORD=pw", "PATH=/bin"}, []string{"HOME=/h", "PATH=/bin"}},
		{"every EVIDENTIA_ variable", []string{"EVIDENTIA_DATA=/d", "EVIDENTIA_CHROME=/c", "X=1"}, []string{"X=1"}},
		{"any case (Windows)", []string{"evidentia_passphrase=s3cret", "Evidentia_P12_Password=pw", "X=1"}, []string{"X=1"}},
		{"a value that mentions it stays", []string{"NOTE=EVIDENTIA_PASSPHRASE", "XEVIDENTIA_A=1"}, []string{"NOTE=EVIDENTIA_PASSPHRASE", "XEVIDENTIA_A=1"}},
		{"empty", nil, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := BrowserEnviron(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("BrowserEnviron(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSandboxFailure(t *testing.T) {
	tests := []struct {
		out, want string
		about     bool
	}{
		{"capture: the browser could not be started (/usr/bin/chromium): chrome failed to start:\n[14709:14709:1202/022929.739223:ERROR:content/browser/zygote_host/zygote_host_impl_linux.cc:103] Running as root without --no-sandbox is not supported. See https://crbug.com/638180.\n",
			"Running as root without --no-sandbox is not supported. See https://crbug.com/638180.", true},
		{"chrome failed to start:\n[1:1:ERROR:zygote_host_impl_linux.cc(127)] No usable sandbox! Update your kernel\n", "No usable sandbox! Update your kernel", true},
		{"capture: the browser could not be started (/x): chrome failed to start:\n[1:2:ERROR:x.cc(1)] something else\n", "it did not start with it: something else", false},
		{"capture: the browser could not be started (/x): chrome failed to start:\n", "it did not start with it: capture: the browser could not be started (/x): chrome failed to start:", false},
	}
	for _, tc := range tests {
		if got, about := sandboxFailure(errString(tc.out)); got != tc.want || about != tc.about {
			t.Errorf("sandboxFailure(%q) = %q, %v; want %q, %v", tc.out, got, about, tc.want, tc.about)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// browserProcesses returns the PIDs of the process pid and all its descendants (Linux /proc).
func browserProcesses(t *testing.T, pid int) []int {
	t.Helper()
	parent := map[int]int{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		rest := st[bytes.LastIndexByte(st, ')')+1:]
		f := strings.Fields(string(rest))
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		parent[p] = pp
	}
	out := []int{pid}
	for changed := true; changed; {
		changed = false
		for p, pp := range parent {
			if slices.Contains(out, pp) && !slices.Contains(out, p) {
				out = append(out, p)
				changed = true
			}
		}
	}
	return out
}

// TestBrowserGetsNoSecretsAndRecordsSandbox is finding 9: with EVIDENTIA_PASSPHRASE and
// EVIDENTIA_P12_PASSWORD in Evidentia's environment, a real capture runs and no process of
// the engine's browser (the browser, its zygotes, renderers, GPU and utility processes) has
// either in /proc/PID/environ; and the capture's method says truthfully whether the browser
// ran with its sandbox (as root, Chromium refuses its sandbox: without, and why).
func TestBrowserGetsNoSecretsAndRecordsSandbox(t *testing.T) {
	needBrowser(t)
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc: " + err.Error())
	}
	const secret, p12secret = "correct-horse-battery-staple-7", "p12-secret-pw-9"
	t.Setenv("EVIDENTIA_PASSPHRASE", secret)
	t.Setenv("EVIDENTIA_P12_PASSWORD", p12secret)
	var mu sync.Mutex
	var logged []string // the engine's own messages (chromedp's come from its goroutines)
	started := time.Now()
	e, err := New(t.Context(), WithExecPath(testEngine.ExecPath()), WithTimeout(20*time.Second),
		WithLogf(func(f string, a ...any) {
			if strings.HasPrefix(f, "capture:") {
				mu.Lock()
				logged = append(logged, fmt.Sprintf(f, a...))
				mu.Unlock()
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	startTime := time.Since(started)

	res, err := e.Capture(t.Context(), site.URL+"/simple", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != evidence.StatusComplete {
		t.Fatalf("capture %s: %s", res.Status, res.Reason)
	}

	proc := chromedp.FromContext(e.browserCtx).Browser.Process()
	if proc == nil {
		t.Fatal("no browser process")
	}
	pids := browserProcesses(t, proc.Pid)
	if len(pids) < 3 { // the browser, a zygote, a renderer at least
		t.Fatalf("only %d browser processes found: %v", len(pids), pids)
	}
	var browserCmdline []byte
	read := 0
	for _, pid := range pids {
		env, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "environ"))
		if err != nil {
			continue // it ended meanwhile
		}
		read++
		for _, s := range []string{secret, p12secret, "EVIDENTIA_PASSPHRASE", "EVIDENTIA_P12_PASSWORD"} {
			if bytes.Contains(env, []byte(s)) {
				cmd, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
				t.Errorf("browser process %d (%s) has %q in its environment", pid, bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})[:min(80, len(cmd))], s)
			}
		}
		if pid == proc.Pid {
			browserCmdline, _ = os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
			if !bytes.Contains(env, []byte("HOME=")) {
				t.Errorf("the browser's environment has no HOME: it should be this process's, secrets removed")
			}
		}
	}
	if read < 3 {
		t.Fatalf("read the environment of only %d browser processes", read)
	}
	if os.Getenv("EVIDENTIA_PASSPHRASE") != secret {
		t.Error("the engine changed this process's environment")
	}

	// The sandbox: what the record says is what the browser was started with.
	noSandbox := slices.Contains(strings.Split(string(browserCmdline), "\x00"), "--no-sandbox")
	on, why := e.Sandbox()
	opt := res.Facts.Method.Options["browser_sandbox"]
	noted := hasEvent(res, evidence.EventNote, "the browser ran without its sandbox: ")
	t.Logf("euid %d, engine start %v, browser_sandbox %q", os.Geteuid(), startTime.Round(time.Millisecond), opt)
	switch {
	case noSandbox:
		if on || !strings.HasPrefix(opt, "false: ") || why == "" || !noted {
			t.Errorf("the browser runs with --no-sandbox, the record says: on=%v option %q note %v", on, opt, noted)
		}
	default:
		if !on || opt != "true" || noted {
			t.Errorf("the browser runs with its sandbox, the record says: on=%v option %q note %v", on, opt, noted)
		}
	}
	if os.Geteuid() == 0 {
		if !noSandbox || !strings.Contains(opt, "root") {
			t.Errorf("as root: --no-sandbox %v, browser_sandbox %q (want false and the reason naming root)", noSandbox, opt)
		}
		mu.Lock()
		if len(logged) == 0 || !strings.Contains(logged[0], "without its sandbox") {
			t.Errorf("running without the sandbox was not logged: %q", logged)
		}
		mu.Unlock()
	}
}
