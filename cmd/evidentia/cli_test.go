package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"evidentia/capture"
)

var chromePath string

func TestMain(m *testing.M) {
	// The test binary doubles as the command, so that a test can run it as a separate
	// process (and kill it) without building it.
	if os.Getenv("EVIDENTIA_TEST_AS_CLI") == "1" {
		main()
	}
	home, _ := os.MkdirTemp("", "evidentia-cli-home-")
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	os.Unsetenv("EVIDENTIA_DATA")
	os.Unsetenv("EVIDENTIA_CHROME")
	p, err := capture.FindBrowser("")
	if err != nil && os.Getenv("CI") != "" {
		fmt.Fprintln(os.Stderr, "CLI tests need a browser in CI:", err)
		os.Exit(1)
	}
	chromePath = p
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

func needChrome(t *testing.T) {
	t.Helper()
	if chromePath == "" {
		t.Skip("no browser (CI is not set)")
	}
}

// evidentia runs the command line in-process and returns exit code, stdout and stderr.
func evidentia(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func testPages(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>허위사실 게시물 A</title><meta name="author" content="작성자A"><meta property="og:site_name" content="테스트 포털"></head><body><p>본문 A</p><p>○○시 후보자가 선거 공약을 어겼다는 허위사실을 퍼뜨리는 게시물입니다.</p></body></html>`)
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>Post B</title></head><body><p>body B</p><p>A post that spreads a false claim about a candidate during the campaign.</p></body></html>`)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>hang</title></head><body><img src="/never"></body></html>`)
	})
	mux.HandleFunc("/never", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type lineJSON struct {
	ID             string `json:"id"`
	URL            string `json:"url"`
	FinalURL       string `json:"final_url"`
	Status         string `json:"status"`
	Error          string `json:"error"`
	HTTPStatus     int    `json:"http_status"`
	Title          string `json:"title"`
	ManifestSHA256 string `json:"manifest_sha256"`
	StartedAt      string `json:"started_at"`
	FinishedAt     string `json:"finished_at"`
	Metadata       struct {
		Title    string `json:"title"`
		Author   string `json:"author"`
		SiteName string `json:"site_name"`
		Lang     string `json:"lang"`
	} `json:"metadata"`
	Artifacts []struct {
		Name      string `json:"name"`
		Path      string `json:"path"`
		MediaType string `json:"media_type"`
		SHA256    string `json:"sha256"`
		Size      int64  `json:"size"`
	} `json:"artifacts"`
}

func decodeLines(t *testing.T, out string) []lineJSON {
	t.Helper()
	var lines []lineJSON
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var l lineJSON
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("not JSON: %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the JSON lines: %v", err)
	}
	return lines
}

func TestCLIUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"capture"},
		{"capture", "--timeout", "soon", "https://example.com"},
		{"capture", "--parallel", "0", "https://example.com"},
		{"show"},
		{"verify", "--case", "x", "someid"},
		{"--bogus", "cases"},
	} {
		code, _, stderr := evidentia(t, append([]string{"--data", t.TempDir()}, args...)...)
		if code != exitUsage || !strings.HasPrefix(stderr, "evidentia: ") || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v: exit %d stderr %q", args, code, stderr)
		}
	}
}

func TestCLICaptureJSONContractAndVerify(t *testing.T) {
	needChrome(t)
	srv := testPages(t)
	data := t.TempDir()
	code, out, stderr := evidentia(t, "--data", data, "--chrome", chromePath, "capture", "--case", "선거-2026-001",
		"--operator", "홍길동", "--json", srv.URL+"/a", srv.URL+"/b", "javascript:alert(1)")
	if code != exitProblem {
		t.Errorf("exit %d, want 1 (one address refused); stderr %s", code, stderr)
	}
	lines := decodeLines(t, out)
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	byURL := map[string]lineJSON{}
	for _, l := range lines {
		byURL[l.URL] = l
	}
	a := byURL[srv.URL+"/a"]
	if a.Status != "complete" || a.ID == "" || a.HTTPStatus != 200 || a.Title != "허위사실 게시물 A" || a.FinalURL != srv.URL+"/a" ||
		a.Metadata.Author != "작성자A" || a.Metadata.SiteName != "테스트 포털" || len(a.ManifestSHA256) != 64 || a.StartedAt == "" || a.FinishedAt == "" {
		t.Errorf("line for /a: %+v", a)
	}
	names := map[string]bool{}
	for _, art := range a.Artifacts {
		names[art.Name] = true
		if !filepath.IsAbs(art.Path) || len(art.SHA256) != 64 || art.Size <= 0 || art.MediaType == "" {
			t.Errorf("artifact %+v", art)
		}
		b, err := os.ReadFile(art.Path)
		if err != nil || int64(len(b)) != art.Size {
			t.Errorf("artifact %s unreadable: %v", art.Name, err)
		}
	}
	for _, n := range []string{"screenshot.png", "viewport.png", "document.html", "dom.html", "page.mhtml", "network.warc.gz", "text.txt", "facts.json"} {
		if !names[n] {
			t.Errorf("artifact %s missing from %v", n, names)
		}
	}
	var bad lineJSON
	for _, l := range lines {
		if l.ID == "" {
			bad = l
		}
	}
	if bad.Status != "failed" || !strings.Contains(bad.Error, "javascript") {
		t.Errorf("refused line: %+v", bad)
	}

	if code, out, _ := evidentia(t, "--data", data, "verify", "--json"); code != exitOK || !strings.Contains(out, `"ok":true`) {
		t.Errorf("verify: exit %d %s", code, out)
	}
	if code, out, _ := evidentia(t, "--data", data, "cases", "--json"); code != exitOK || !strings.Contains(out, `"name":"선거-2026-001"`) || !strings.Contains(out, `"captures":2`) {
		t.Errorf("cases: exit %d %s", code, out)
	}
	if code, out, _ := evidentia(t, "--data", data, "list", "--case", "선거-2026-001", "--json"); code != exitOK || len(decodeLines(t, out)) != 2 {
		t.Errorf("list: exit %d %s", code, out)
	}
	code, out, _ = evidentia(t, "--data", data, "show", a.ID[:len(a.ID)-4], "--json")
	if code != exitOK || !strings.Contains(out, `"custody"`) || !strings.Contains(out, `"requested_url"`) {
		t.Errorf("show: exit %d %s", code, out)
	}
	code, out, _ = evidentia(t, "--data", data, "show", a.ID)
	if code != exitOK || !strings.Contains(out, "허위사실 게시물 A") || !strings.Contains(out, "capture sealed") {
		t.Errorf("show (text): exit %d\n%s", code, out)
	}

	// Tamper with the screenshot: verify must fail and name it.
	for _, art := range a.Artifacts {
		if art.Name == "screenshot.png" {
			os.Chmod(art.Path, 0o644)
			b, _ := os.ReadFile(art.Path)
			b[len(b)/2] ^= 1
			os.WriteFile(art.Path, b, 0o644)
		}
	}
	code, out, _ = evidentia(t, "--data", data, "verify", a.ID)
	if code != exitProblem || !strings.Contains(out, "screenshot.png") || !strings.Contains(out, a.ID) {
		t.Errorf("verify after tampering: exit %d\n%s", code, out)
	}
}

func TestCLIMissingBrowser(t *testing.T) {
	code, out, stderr := evidentia(t, "--data", t.TempDir(), "--chrome", filepath.Join(t.TempDir(), "nochrome"), "capture", "--json", "https://example.com")
	if code != exitProblem || !strings.Contains(stderr, "nochrome") || strings.Contains(stderr, "goroutine") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
	lines := decodeLines(t, out)
	if len(lines) != 1 || lines[0].Status != "failed" || lines[0].Error == "" {
		t.Errorf("lines %+v", lines)
	}
	// Without --json: one clear message, no per-address noise.
	code, out, stderr = evidentia(t, "--data", t.TempDir(), "--chrome", filepath.Join(t.TempDir(), "nochrome"), "capture", "https://example.com")
	if code != exitProblem || out != "" || !strings.Contains(stderr, "install Chrome") {
		t.Errorf("exit %d stdout %q stderr %q", code, out, stderr)
	}
}

func TestCLIShowUnknownID(t *testing.T) {
	code, _, stderr := evidentia(t, "--data", t.TempDir(), "show", "doesnotexist")
	if code != exitProblem || !strings.Contains(stderr, "evidentia: ") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
}

// TestCLIKilledMidCaptureThenVerify runs the command as its own process, kills it with SIGKILL
// while it is capturing, and checks that the store opens, the capture is marked interrupted (never
// sealed), and verification finds no tampering.
func TestCLIKilledMidCaptureThenVerify(t *testing.T) {
	needChrome(t)
	srv := testPages(t)
	data := t.TempDir()
	// One capture that completes first, so there is sealed evidence to keep intact.
	if code, out, errs := evidentia(t, "--data", data, "--chrome", chromePath, "capture", "--json", srv.URL+"/b"); code != 0 {
		t.Fatalf("first capture: %d %s %s", code, out, errs)
	}
	cmd := exec.Command(os.Args[0], "--data", data, "--chrome", chromePath, "capture", "--timeout", "60s", srv.URL+"/hang", srv.URL+"/a")
	cmd.Env = append(os.Environ(), "EVIDENTIA_TEST_AS_CLI=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitCapturing(t, data, &stderr)
	time.Sleep(time.Second)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the whole group: the command and its browser
	cmd.Wait()

	code, out, _ := evidentia(t, "--data", data, "list", "--json")
	if code != 0 {
		t.Fatalf("list after kill: %d", code)
	}
	var interrupted, complete int
	for _, l := range decodeLines(t, out) {
		switch l.Status {
		case "interrupted":
			interrupted++
			if l.ManifestSHA256 != "" {
				t.Errorf("interrupted capture has a manifest: %+v", l)
			}
		case "complete":
			complete++
		case "capturing":
			t.Errorf("capture still marked capturing after restart: %+v", l)
		}
	}
	if interrupted == 0 || complete == 0 {
		t.Errorf("interrupted %d complete %d:\n%s\nkilled command said: %s", interrupted, complete, out, stderr.String())
	}
	code, out, _ = evidentia(t, "--data", data, "verify", "--json")
	var rep struct {
		OK       bool `json:"ok"`
		Problems []struct {
			Error string `json:"error"`
		} `json:"problems"`
	}
	json.Unmarshal([]byte(out), &rep)
	for _, p := range rep.Problems {
		if !strings.Contains(p.Error, "interrupted") {
			t.Errorf("verify after kill found tampering: %s", p.Error)
		}
	}
	if code != exitOK && len(rep.Problems) == 0 {
		t.Errorf("verify exit %d with no problem listed: %s", code, out)
	}
}

// TestCLIInterruptSealsWhatWasCollected sends SIGINT (Ctrl+C) to the command while a page
// hangs: the capture ends promptly, sealed as failed with the reason, and the store verifies.
func TestCLIInterruptSealsWhatWasCollected(t *testing.T) {
	needChrome(t)
	srv := testPages(t)
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "--data", data, "--chrome", chromePath, "capture", "--json", "--timeout", "60s", srv.URL+"/hang")
	cmd.Env = append(os.Environ(), "EVIDENTIA_TEST_AS_CLI=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitCapturing(t, data, &stderr)
	time.Sleep(time.Second)
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the command took %s to stop after Ctrl+C", took)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitProblem {
		t.Errorf("exit: %v (stderr %s)", err, stderr.String())
	}
	lines := decodeLines(t, stdout.String())
	if len(lines) != 1 || lines[0].Status != "failed" || !strings.Contains(lines[0].Error, "cancelled") || lines[0].ManifestSHA256 == "" {
		t.Fatalf("lines: %+v\nstderr: %s", lines, stderr.String())
	}
	if code, out, _ := evidentia(t, "--data", data, "verify", "--json"); code != exitOK || !strings.Contains(out, `"ok":true`) {
		t.Errorf("verify after Ctrl+C: %d %s", code, out)
	}
}

// waitCapturing waits until a capture in data is under way (the browser may start slowly
// under -race or on a loaded machine).
func waitCapturing(t *testing.T, data string, stderr *bytes.Buffer) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, out, _ := evidentia(t, "--data", data, "list", "--json")
		if strings.Contains(out, `"status":"capturing"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no capture started; the command said: %s", stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestREADMEQuotesTheUsage: the command list of README.md is the one `evidentia help` prints
// (usageText), so that the two never drift apart.
func TestREADMEQuotesTheUsage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "## Command line\n\n```\n")
	if start < 0 {
		t.Fatal("README.md has no command list under ## Command line")
	}
	block := readme[start+len("## Command line\n\n```\n"):]
	block = block[:strings.Index(block, "```")]
	var want []string
	for _, line := range strings.Split(usageText, "\n") {
		if strings.HasPrefix(line, "  evidentia ") {
			want = append(want, strings.TrimPrefix(line, "  "))
		}
	}
	if got := strings.Split(strings.TrimSuffix(block, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README.md's command list differs from usageText:\nREADME:\n%s\nusageText:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCaptureOfALoginWallIsNotComplete: a login screen is captured whole (every artifact), but
// the capture is not the posting: its verdict says so in --json and in the text output, `show`
// repeats it, and the exit status is 1, so that a batch script notices.
func TestCaptureOfALoginWallIsNotComplete(t *testing.T) {
	needChrome(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>Instagram</title></head><body>
<div><h2>로그인하고 게시물 보기</h2><p>친구들의 사진과 동영상을 보려면 로그인하세요.</p>
<form><input name="username"><input type="password"><button>로그인</button></form></div></body></html>`)
	}))
	t.Cleanup(srv.Close)
	data := t.TempDir()
	code, out, stderr := evidentia(t, "--data", data, "--chrome", chromePath, "capture", "--json", srv.URL+"/p/abc")
	if code != exitProblem {
		t.Errorf("exit %d, want 1\n%s%s", code, out, stderr)
	}
	if n := len(decodeLines(t, out)); n != 1 {
		t.Fatalf("%d lines", n)
	}
	var line struct {
		ID           string
		Status       string
		Completeness struct {
			Verdict string
			Reasons []struct{ Code, Detail string }
		}
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &line); err != nil {
		t.Fatal(err)
	}
	if line.Status != "complete" || line.Completeness.Verdict != "login_wall" || len(line.Completeness.Reasons) == 0 ||
		line.Completeness.Reasons[0].Code != "login_notice" || !strings.Contains(line.Completeness.Reasons[0].Detail, "로그인하고 게시물 보기") {
		t.Errorf("line %+v", line)
	}
	code, out, _ = evidentia(t, "--data", data, "--chrome", chromePath, "capture", srv.URL+"/p/abc")
	if code != exitProblem || !strings.Contains(out, "verdict: login_wall: A login screen was captured, not the posting itself.") ||
		!strings.Contains(out, "[1/1] login_wall ") || strings.Contains(out, "] complete") ||
		!strings.Contains(out, "0 complete, 1 not the whole posting") {
		t.Errorf("text output, exit %d:\n%s", code, out)
	}
	_, out, _ = evidentia(t, "--data", data, "show", line.ID)
	if !strings.Contains(out, "Verdict    login_wall: A login screen was captured") {
		t.Errorf("show:\n%s", out)
	}
}
