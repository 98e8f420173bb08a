package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"evidentia/evidence"
	"evidentia/store"
	"evidentia/workflow"
)

// The test binary doubles as the desktop app: with EVIDENTIA_TEST_AS_APP=1 it runs main.
func TestMain(m *testing.M) {
	switch os.Getenv("EVIDENTIA_TEST_AS_APP") {
	case "1":
		main()
		os.Exit(0)
	case "bare":
		tuneMemory() // measured on equal terms with the app
		bareWindow()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// needDisplay fails under CI without an X display (make test runs under xvfb-run) and skips
// elsewhere.
func needDisplay(tb testing.TB, tools ...string) {
	tb.Helper()
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("the real-window test needs an X display (run under xvfb-run)")
		}
		tb.Skip("no X display (CI is not set)")
	}
	for _, name := range tools {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s is needed: %v", name, err)
			}
			tb.Skipf("%s not installed (CI is not set)", name)
		}
	}
}

// app is one run of the desktop app in its own home, settings and data folder.
type appRun struct {
	cmd   *exec.Cmd
	ready string
	start time.Time
}

// bareWindow shows a window of the same size with one label and nothing of Evidentia: the
// toolkit's own memory, as the baseline for the app's.
func bareWindow() {
	a := fyneapp.New()
	w := a.NewWindow("baseline")
	w.SetContent(widget.NewLabel("baseline 기준"))
	w.Resize(fyne.NewSize(1180, 760))
	if f := os.Getenv("EVIDENTIA_READY_FILE"); f != "" {
		a.Lifecycle().SetOnStarted(func() { go signalReady(f) })
	}
	w.ShowAndRun()
}

func startApp(tb testing.TB, dir, lang, data string) *appRun {
	return startMode(tb, "1", dir, lang, data)
}

func startMode(tb testing.TB, mode, dir, lang, data string) *appRun {
	tb.Helper()
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o700)
	set := filepath.Join(dir, "settings.json")
	b, _ := json.Marshal(map[string]any{"lang": lang, "operator": "홍길동", "data_dir": data})
	if err := os.WriteFile(set, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	r := &appRun{ready: filepath.Join(dir, fmt.Sprintf("ready-%d", time.Now().UnixNano()))}
	r.cmd = exec.Command(os.Args[0], "-test.run=^$")
	r.cmd.Env = append(os.Environ(), "EVIDENTIA_TEST_AS_APP="+mode, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"EVIDENTIA_SETTINGS="+set, "EVIDENTIA_READY_FILE="+r.ready, "EVIDENTIA_DATA=")
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.cmd.Process.Kill(); r.cmd.Wait() })
	return r
}

// waitReady returns how long the app took from start to a drawn window.
func (r *appRun) waitReady(tb testing.TB) time.Duration {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(r.ready); err == nil {
			return time.Since(r.start)
		}
		if r.cmd.ProcessState != nil {
			tb.Fatal("the app exited")
		}
	}
	tb.Fatal("the app did not show its window within 30 s")
	return 0
}

// rssMB returns the app process's peak resident memory (VmHWM) in MiB.
func (r *appRun) rssMB(tb testing.TB) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", r.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// privateMB is the memory that belongs to the process alone (USS: Private_Clean + Private_Dirty
// of /proc/PID/smaps_rollup), in MB: its own heap and stacks, without the pages of shared
// libraries (the OpenGL driver, the C library) that other programs map too.
func (r *appRun) privateMB(tb testing.TB) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", r.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	var kb float64
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "Private_Clean:" || f[0] == "Private_Dirty:") {
			v, _ := strconv.ParseFloat(f[1], 64)
			kb += v
		}
	}
	return kb / 1024
}

// screenshot grabs the whole X screen.
func screenshot(tb testing.TB, path string) image.Image {
	tb.Helper()
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		tb.Fatalf("import: %v %s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// seedCase fills the data folder with a case of n sealed captures (small synthetic artifacts).
func seedCase(tb testing.TB, data, kase string, n int) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, data)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	if _, err := st.EnsureCase(ctx, kase, "seed"); err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	for i := range n {
		url := fmt.Sprintf("https://news.example.kr/article/%d", i)
		id, err := st.BeginCapture(ctx, kase, url, "seed")
		if err != nil {
			tb.Fatal(err)
		}
		text := filepath.Join(dir, "text.txt")
		os.WriteFile(text, []byte(fmt.Sprintf("게시물 %d 본문: 투표일이 변경되었다는 허위 주장", i)), 0o600)
		facts := evidence.Facts{RequestedURL: url, FinalURL: url,
			Metadata:   evidence.Metadata{Title: fmt.Sprintf("게시물 %d: 투표일 변경 루머", i), SiteName: "테스트일보"},
			Network:    evidence.Network{HTTPStatus: 200},
			Collection: evidence.Collection{Operator: "seed", Case: kase, StartedAt: time.Now().UTC(), FinishedAt: time.Now().UTC()}}
		if _, err := st.Seal(ctx, id, store.SealRequest{Status: evidence.StatusComplete, Facts: facts, Actor: "seed",
			Files: []store.SealFile{{Name: "text.txt", MediaType: "text/plain", Role: evidence.RoleText, Path: text}}}); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestRealWindowSmoke starts the built app under the X display (Xvfb in make test), in Korean
// and in English, waits for its window and checks on a screenshot that it is up and not blank.
func TestRealWindowSmoke(t *testing.T) {
	needDisplay(t, "import")
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "data")
			seedCase(t, data, "선거-2026-001", 3)
			r := startApp(t, dir, lang, data)
			took := r.waitReady(t)
			time.Sleep(time.Second) // let the list and thumbnails settle
			shot := filepath.Join(dir, "window-"+lang+".png")
			img := screenshot(t, shot)
			if keep := os.Getenv("EVIDENTIA_KEEP_SCREENSHOTS"); keep != "" {
				b, _ := os.ReadFile(shot)
				os.WriteFile(filepath.Join(keep, "window-"+lang+".png"), b, 0o644)
			}
			colours := map[uint32]bool{}
			bounds := img.Bounds()
			for y := bounds.Min.Y; y < bounds.Max.Y; y += 3 {
				for x := bounds.Min.X; x < bounds.Max.X; x += 3 {
					r, g, b, _ := img.At(x, y).RGBA()
					colours[r>>8<<16|g>>8<<8|b>>8] = true
				}
			}
			// A blank or black screen has one or two colours; text, icons and widgets many.
			if len(colours) < 30 {
				t.Errorf("the screen has %d colours: the window is missing or blank (%s)", len(colours), shot)
			}
			t.Logf("%s: window drawn %v after start; %d colours on screen", lang, took.Round(time.Millisecond), len(colours))
		})
	}
}

// BenchmarkLaunchToWindow measures from starting the app to its window being drawn (target
// 1.5 s), with a case of 1,000 captures in the data folder, and the app's memory after opening
// it (target 150 MB; Chromium is not started until a capture), next to a bare Fyne window's
// under the same display: the app's own (private) memory, and its peak resident set, which
// also counts the pages of shared libraries (under Xvfb, Mesa's software OpenGL and LLVM).
func BenchmarkLaunchToWindow(b *testing.B) {
	needDisplay(b)
	dir := b.TempDir()
	data := filepath.Join(dir, "data")
	seedCase(b, data, "선거-2026-001", 1000)
	var total time.Duration
	var peak, private float64
	n := 0
	for b.Loop() {
		r := startApp(b, dir, "ko", data)
		total += r.waitReady(b)
		b.StopTimer()
		time.Sleep(3 * time.Second) // let the list load
		peak = max(peak, r.rssMB(b))
		private = max(private, r.privateMB(b))
		r.cmd.Process.Kill()
		r.cmd.Wait()
		n++
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms-to-window")
	b.ReportMetric(peak, "MB-peak-RSS")
	b.ReportMetric(private, "MB-private")

	// The same measure for a bare Fyne window (same size, one label) under the same display:
	// what the toolkit and the OpenGL driver take before Evidentia adds anything.
	b.StopTimer()
	bare := startMode(b, "bare", dir, "ko", data)
	bareTook := bare.waitReady(b)
	time.Sleep(3 * time.Second)
	b.ReportMetric(bare.rssMB(b), "MB-bare-fyne-RSS")
	b.ReportMetric(bare.privateMB(b), "MB-bare-fyne-private")
	b.ReportMetric(float64(bareTook.Milliseconds()), "ms-bare-fyne-window")
}

// TestOneVersion: the version has one source, workflow.Version (the command line prints it, every
// capture records it); FyneApp.toml carries none, so that the packager is given that one
// (fyne package --app-version) and no second copy can drift.
func TestOneVersion(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Version") {
			t.Errorf("FyneApp.toml holds a version of its own: %q (the version is workflow.Version)", line)
		}
	}
	if workflow.Version == "" {
		t.Error("workflow.Version is empty")
	}
}
