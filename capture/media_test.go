package capture

import (
	"bytes"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"evidentia/evidence"
)

var (
	clipOnce sync.Once
	clipMP4  []byte
	clipErr  error
)

// tinyMP4 is a one-second 64×48 H.264 clip at 10 frames a second, made once with ffmpeg.
func tinyMP4(t *testing.T) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the media tests need ffmpeg in CI (Debian's ffmpeg)")
		}
		t.Skip("ffmpeg is not installed")
	}
	clipOnce.Do(func() {
		dir, err := os.MkdirTemp("", "evidentia-clip-")
		if err != nil {
			clipErr = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "clip.mp4")
		cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10",
			"-pix_fmt", "yuv420p", "-c:v", "libx264", "-movflags", "+faststart", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			clipErr = &exec.Error{Name: "ffmpeg: " + string(b), Err: err}
			return
		}
		clipMP4, clipErr = os.ReadFile(out)
	})
	if clipErr != nil {
		t.Fatal(clipErr)
	}
	return clipMP4
}

// mediaSite serves a post with its video (only to the page's own session: the page sets the
// cookie the file asks for, as sites that sign their media do), an alternative source the
// player does not choose, a missing audio file, and a video the page's script streams from a
// blob: address.
func mediaSite(t *testing.T, clip []byte) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/post", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="ko"><head><title>영상 게시물</title></head><body>
<script>document.cookie = "sess=page-session; path=/";</script>
<h1>후보 관련 영상</h1><video id="clip" controls preload="metadata" width="320"><source src="/media/clip.mp4" type="video/mp4"><source src="/media/clip.webm" type="video/webm"></video>
<audio id="voice" controls preload="none" src="/media/voice.mp3"></audio>
<video id="stream" controls></video>
<script>document.getElementById("stream").src = URL.createObjectURL(new Blob([new Uint8Array([0, 0, 0, 24])], {type: "video/mp4"}));</script>
</body></html>`))
	})
	mux.HandleFunc("/media/clip.mp4", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("sess"); err != nil || c.Value != "page-session" {
			http.Error(w, "no session", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "clip.mp4", time.Time{}, bytes.NewReader(clip))
	})
	mux.HandleFunc("/media/voice.mp3", http.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestMediaKept: the video a post plays is fetched whole through the page's own context (the
// file answers only the page's session), sealed as media-01.mp4 with the type it was served
// with, and ffprobe's duration and picture size; every other source is listed with why it
// was not kept: an alternative the player did not choose, a missing file, a blob: stream.
func TestMediaKept(t *testing.T) {
	needBrowser(t)
	clip := tinyMP4(t)
	srv := mediaSite(t, clip)
	res, files := captureURL(t, srv.URL+"/post")
	m := res.Facts.Media
	if len(m) != 4 {
		t.Fatalf("%d media sources, want 4: %+v", len(m), m)
	}
	v := m[0]
	if v.Kind != "video" || !strings.HasSuffix(v.URL, "/media/clip.mp4") || v.Artifact != "media-01.mp4" || v.Via != "page" ||
		v.MediaType != "video/mp4" || v.HTTPStatus != 200 || v.Bytes != int64(len(clip)) || !strings.Contains(v.Element, "video#clip") {
		t.Errorf("the video: %+v", v)
	}
	if !bytes.Equal(files["media-01.mp4"], clip) {
		t.Errorf("media-01.mp4 is %d bytes, not the served file (%d bytes)", len(files["media-01.mp4"]), len(clip))
	}
	if p := v.Probe; p == nil || math.Abs(p.DurationS-1) > 0.05 || p.Width != 64 || p.Height != 48 || p.VideoCodec != "h264" ||
		!strings.HasPrefix(p.Tool, "ffprobe version") || !strings.Contains(p.Format, "mp4") {
		t.Errorf("probe: %+v (note %q)", v.Probe, v.Note)
	}
	for _, f := range res.Files {
		if f.Name == "media-01.mp4" && (f.Role != evidence.RoleMedia || f.MediaType != "video/mp4") {
			t.Errorf("artifact %+v", f)
		}
	}
	for i, want := range []string{"", "did not choose", "HTTP 404", "blob:"} {
		if i == 0 {
			continue
		}
		if m[i].Artifact != "" || !strings.Contains(m[i].Note, want) {
			t.Errorf("source %d: %+v, want a note with %q", i, m[i], want)
		}
	}
	if m[2].Kind != "audio" {
		t.Errorf("the audio is a %q", m[2].Kind)
	}
	// The verdict names what was not collected (the audio, the stream), not the kept video.
	v2 := res.Facts.Completeness
	var missing []string
	for _, r := range v2.Reasons {
		if r.Code == evidence.ReasonMediaNotCollected {
			missing = append(missing, r.Detail)
		}
	}
	if v2.Verdict != evidence.VerdictIncomplete || len(missing) != 2 || !strings.Contains(missing[0], "the audio audio#voice was not collected: not kept: the server answered HTTP 404") ||
		!strings.Contains(missing[1], "video#stream") || !strings.Contains(missing[1], "blob:") {
		t.Errorf("verdict %+v", v2)
	}
}

// TestMediaOverLimit: a file larger than the limit is not kept, and the record says so.
func TestMediaOverLimit(t *testing.T) {
	needBrowser(t)
	clip := tinyMP4(t)
	srv := mediaSite(t, clip)
	res, files := captureURL(t, srv.URL+"/post", MediaMaxBytes(int64(len(clip)-1)))
	if len(res.Facts.Media) == 0 {
		t.Fatal("no media listed")
	}
	v := res.Facts.Media[0]
	if v.Artifact != "" || files["media-01.mp4"] != nil || !strings.Contains(v.Note, "larger than the limit") {
		t.Errorf("the video: %+v", v)
	}
}

// TestMediaYTDLP: with yt-dlp (Debian's), a capture of a page with a video also runs it: its
// file (through yt-dlp's generic extractor) and .info.json are sealed, its version, command
// line and exit code are recorded with the note that it fetched the page itself, and ffprobe
// reads the file. Turned off, the capture says so, and the verdict says the stream was not
// collected and why.
func TestMediaYTDLP(t *testing.T) {
	needBrowser(t)
	clip := tinyMP4(t)
	if _, err := exec.LookPath("yt-dlp"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the media tests need yt-dlp in CI (Debian's yt-dlp)")
		}
		t.Skip("yt-dlp is not installed")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="ko"><head><title>영상 게시물</title></head><body><h1>후보 관련 영상</h1><video controls src="/open.mp4"></video></body></html>`))
	})
	mux.HandleFunc("/open.mp4", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "open.mp4", time.Time{}, bytes.NewReader(clip))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, files := captureURL(t, srv.URL+"/plain", UseYTDLP(true))
	run := res.Facts.MediaTool
	if run == nil || run.Tool != "yt-dlp" || run.Version == "" || run.ExitCode != 0 || len(run.Command) < 3 ||
		!strings.Contains(run.Note, "fetched the page again itself") || len(run.Files) != 2 {
		t.Fatalf("media tool: %+v", run)
	}
	var viaTool *evidence.MediaItem
	for i := range res.Facts.Media {
		if res.Facts.Media[i].Via == "yt-dlp" {
			viaTool = &res.Facts.Media[i]
		}
	}
	if viaTool == nil || !bytes.Equal(files[viaTool.Artifact], clip) || viaTool.Probe == nil || viaTool.Probe.Width != 64 {
		t.Errorf("yt-dlp's file: %+v", viaTool)
	}
	info := false
	for _, f := range res.Files {
		if f.Role == evidence.RoleMediaInfo && strings.HasSuffix(f.Name, ".info.json") && len(files[f.Name]) > 0 {
			info = true
		}
	}
	if !info {
		t.Error("yt-dlp's .info.json is not sealed")
	}
	if v := res.Facts.Completeness; v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict %+v", v)
	}

	// The shared engine has yt-dlp off: a page whose video is a stream says so.
	res, _ = captureURL(t, mediaSite(t, clip).URL+"/post")
	if run := res.Facts.MediaTool; run == nil || !strings.Contains(run.Note, "turned off") {
		t.Errorf("media tool: %+v", run)
	}
	found := false
	for _, r := range res.Facts.Completeness.Reasons {
		found = found || (r.Code == evidence.ReasonMediaNotCollected && strings.Contains(r.Detail, "blob:") && strings.Contains(r.Detail, "yt-dlp is turned off"))
	}
	if !found {
		t.Errorf("verdict %+v", res.Facts.Completeness)
	}
}
