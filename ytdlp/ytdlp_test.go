package ytdlp

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needTools returns yt-dlp's path, and makes a tiny MP4 with ffmpeg; in CI both must be there.
func needTools(t *testing.T) (string, []byte) {
	t.Helper()
	bin, err := Find("")
	_, ffErr := exec.LookPath("ffmpeg")
	if err != nil || ffErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the yt-dlp tests need yt-dlp and ffmpeg in CI: %v %v", err, ffErr)
		}
		t.Skip("yt-dlp or ffmpeg is not installed")
	}
	out := filepath.Join(t.TempDir(), "clip.mp4")
	if b, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10",
		"-pix_fmt", "yuv420p", "-c:v", "libx264", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	clip, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bin, clip
}

func videoPage(clip []byte) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/post", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>영상 게시물</title></head><body><video controls src="/media/clip.mp4"></video></body></html>`))
	})
	mux.HandleFunc("/media/clip.mp4", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "clip.mp4", time.Time{}, bytes.NewReader(clip))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><html><head><title>없음</title></head><body><p>no video</p></body></html>`))
	})
	return httptest.NewServer(mux)
}

// TestRunGenericVideo: Debian's yt-dlp, through its generic extractor, downloads the video a
// local page shows; the file is the served one, its info JSON is written, and the version and
// the command line (configuration ignored) are recorded; progress reaches 1.
func TestRunGenericVideo(t *testing.T) {
	bin, clip := needTools(t)
	srv := videoPage(clip)
	defer srv.Close()
	dir := t.TempDir()
	var last float64
	res, err := Run(t.Context(), bin, srv.URL+"/post", dir, Options{MaxBytes: 1 << 20, Timeout: time.Minute, UserAgent: "Mozilla/5.0 Evidentia-test",
		Progress: func(f float64) { last = f }})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, res.Log)
	}
	if len(res.Files) != 1 || !strings.HasPrefix(filepath.Base(res.Files[0]), FilePrefix) {
		t.Fatalf("files %v, info %v\n%s", res.Files, res.InfoJSON, res.Log)
	}
	if b, _ := os.ReadFile(res.Files[0]); !bytes.Equal(b, clip) {
		t.Errorf("%s is %d bytes, not the served file (%d)", res.Files[0], len(b), len(clip))
	}
	if len(res.InfoJSON) != 1 {
		t.Errorf("info JSON %v", res.InfoJSON)
	}
	if res.Version == "" || res.ExitCode != 0 || res.Command[0] != bin || !strings.Contains(strings.Join(res.Command, " "), "--ignore-config") || last != 1 {
		t.Errorf("version %q exit %d command %v progress %v", res.Version, res.ExitCode, res.Command, last)
	}
}

// TestRunNoVideoAndLimits: a page without a video is an error that says what yt-dlp said;
// a file over the size limit is not kept; a run past its time limit is stopped.
func TestRunNoVideoAndLimits(t *testing.T) {
	bin, clip := needTools(t)
	srv := videoPage(clip)
	defer srv.Close()
	res, err := Run(t.Context(), bin, srv.URL+"/empty", t.TempDir(), Options{Timeout: time.Minute})
	if err == nil || len(res.Files) != 0 || !strings.Contains(err.Error(), "ERROR") {
		t.Errorf("no video: %v, files %v", err, res.Files)
	}
	res, _ = Run(t.Context(), bin, srv.URL+"/post", t.TempDir(), Options{MaxBytes: int64(len(clip) - 1), Timeout: time.Minute})
	if len(res.Files) != 0 || !strings.Contains(res.Log, "max-filesize") && !strings.Contains(strings.ToLower(res.Log), "larger than max") {
		t.Errorf("over the limit: files %v\n%s", res.Files, res.Log)
	}
	_, err = Run(t.Context(), bin, srv.URL+"/post", t.TempDir(), Options{Timeout: time.Millisecond})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("time limit: %v", err)
	}
}

// TestFindMissing: an explicit path that is not there is ErrNotFound.
func TestFindMissing(t *testing.T) {
	if _, err := Find(filepath.Join(t.TempDir(), "yt-dlp")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find: %v", err)
	}
}
