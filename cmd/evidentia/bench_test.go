package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"evidentia/capture"
)

// benchPages serves n simple pages on 127.0.0.1.
func benchPages(n int) (*httptest.Server, []string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>게시물 %s</title><meta name="author" content="작성자"></head>
<body><h1>게시물 %s</h1><p>선거 관련 허위사실 게시물의 예시 본문입니다. Simple local page for the benchmark.</p></body></html>`, r.URL.Path, r.URL.Path)
	}))
	var urls []string
	for i := 1; i <= n; i++ {
		urls = append(urls, srv.URL+"/post/"+strconv.Itoa(i))
	}
	return srv, urls
}

// treeRSS returns the summed resident memory (bytes) of every process whose command line
// contains marker, read from /proc (Linux only; 0 elsewhere).
func treeRSS(marker string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmd, []byte(marker)) {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				f := strings.Fields(line)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					total += kb * 1024
				}
			}
		}
	}
	return total
}

// peakWhile samples f every 50 ms while run runs, and returns the highest value seen.
func peakWhile(f func() int64, run func()) int64 { return peakWhileInterval(f, run, 50) }

// peakWhileInterval samples f every ms milliseconds while run runs, and returns the highest
// value seen.
func peakWhileInterval(f func() int64, run func(), ms int) int64 {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		for {
			if v := f(); v > 0 {
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	run()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return peak
}

func selfHWM() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkCapture8VsChromiumScreenshot measures, side by side in one run, one `evidentia
// capture` of 8 local pages (browser start, every artifact, WARC, sealing into a fresh store)
// against 8 cold `chromium --headless --screenshot` runs on the same pages. It reports both
// times per round, their ratio (target: at most 1.0), and peak memory of Chromium and of this
// process.
func BenchmarkCapture8VsChromiumScreenshot(b *testing.B) {
	chrome, err := capture.FindBrowser("")
	if err != nil {
		b.Skip(err)
	}
	home := b.TempDir()
	b.Setenv("HOME", home)
	b.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	srv, urls := benchPages(8)
	defer srv.Close()

	var evTotal, crTotal time.Duration
	var chromePeak int64
	for i := 0; b.Loop(); i++ {
		data := b.TempDir()
		args := append([]string{"--data", data, "--chrome", chrome, "capture", "--json", "--case", "bench"}, urls...)
		start := time.Now()
		var out bytes.Buffer
		var code int
		peak := peakWhile(func() int64 { return treeRSS("--remote-debugging-pipe") }, func() {
			code = run(context.Background(), args, &out, io.Discard)
		})
		evTotal += time.Since(start)
		chromePeak = max(chromePeak, peak)
		if code != 0 || strings.Count(out.String(), `"status":"complete"`) != 8 {
			b.Fatalf("capture exit %d:\n%s", code, out.String())
		}

		start = time.Now()
		for j, u := range urls {
			shot := filepath.Join(data, fmt.Sprintf("cold-%d.png", j))
			cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir="+filepath.Join(data, fmt.Sprintf("profile-%d", j)),
				"--window-size=1280,900", "--screenshot="+shot, u)
			if outp, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("chromium --screenshot: %v\n%s", err, outp)
			}
			if _, err := os.Stat(shot); err != nil {
				b.Fatalf("chromium wrote no screenshot: %v", err)
			}
		}
		crTotal += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(evTotal.Seconds()/n, "evidentia-s/op")
	b.ReportMetric(crTotal.Seconds()/n, "chromium8-s/op")
	b.ReportMetric(evTotal.Seconds()/crTotal.Seconds(), "ratio")
	b.ReportMetric(float64(chromePeak)/(1<<20), "chromium-peak-MiB")
	b.ReportMetric(float64(selfHWM())/(1<<20), "evidentia-peak-MiB")
}
