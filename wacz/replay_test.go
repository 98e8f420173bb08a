package wacz_test

// TestReplayInReplayWebPage checks the WACZ writer against the reference player: a page with
// Korean text, an external stylesheet, an image and a late fetch() is captured by the real
// engine, its server is shut down, the capture's WARC is packed with wacz.Write, and the WACZ
// is opened in ReplayWeb.page (its ui.js and sw.js, fetched with `npm pack` at test time) in
// headless Chromium. The replayed document must show the text, the late-fetched text, the
// image and the style, all of them served from the archive by ReplayWeb.page's service
// worker. ReplayWeb.page's own record of what it read (its IndexedDB "verification" store) must
// show the datapackage.json and datapackage-digest.json the writer wrote.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"evidentia/capture"
	"evidentia/evidence"
	"evidentia/signature"
	"evidentia/wacz"
)

// The player: ReplayWeb.page as published on npm. The integrity is the registry's sha512 of
// the tarball, so a cached or downloaded file that differs is refused.
const (
	rwpPackage   = "replaywebpage"
	rwpVersion   = "2.5.3"
	rwpIntegrity = "sha512-nCj2PSON3BxeSJKE8AsYPyULv0XPZKJWfy4l9PyQre9SqwLZ+WKZVs/sfLqPOQ4GrH+0YkjbwOhr8cSTH08gsQ=="
)

// What the test page shows.
const (
	replayText      = "선거 허위사실 게시글 원문"
	replayLateText  = "늦게 불러온 댓글 42개"
	replayTitle     = "선거 허위사실 게시글 - 재생 시험"
	replayBoxColour = "rgb(12, 34, 56)"
	replayImgW      = 48
	replayImgH      = 32
)

// replayWait bounds the wait for the replayed page to show everything.
const replayWait = 60 * time.Second

// replayNeed skips the test when a tool it needs is missing and CI is not set; in CI the
// missing tool is a failure.
func replayNeed(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "" {
		t.Skip(msg + " (skipped because CI is not set)")
	}
	t.Fatal(msg + " (CI is set, so this test must run)")
}

func TestReplayInReplayWebPage(t *testing.T) {
	browserPath, err := capture.FindBrowser("")
	if err != nil {
		replayNeed(t, "no browser to capture and replay with: %v", err)
	}
	player := replayWebPage(t) // before HOME moves: npm keeps its cache under HOME

	// Chromium writes into ~/.config even with a temporary profile.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))

	// 1-3. Capture the page with the real engine, then shut its server down.
	site := newReplaySite()
	siteURL := site.URL
	captured := captureForReplay(t, browserPath, siteURL+"/post/1")
	site.Close()
	if resp, err := http.Get(siteURL + "/post/1"); err == nil {
		resp.Body.Close()
		t.Fatalf("the page server still answers after Close (status %d): replay would not prove anything", resp.StatusCode)
	}
	t.Logf("captured %s (%s, title %q); WARC %d bytes", captured.finalURL, captured.status, captured.title, len(captured.warc))

	signer := replaySigner(t)
	for _, tc := range []struct {
		name   string
		signer *signature.Signer
	}{
		{"unsigned", nil},
		{"signed", signer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// 4. Pack the WARC into a WACZ.
			waczBytes, wres := buildReplayWACZ(t, captured, tc.signer)
			t.Logf("WACZ %d bytes", len(waczBytes))

			// 5-7. Replay it.
			out := replayArchive(t, browserPath, player, "case.wacz", "application/wacz", waczBytes, captured.finalURL)
			if out.err == nil {
				checkVerification(t, out, wres)
				return
			}
			// Tell a faulty WACZ from a capture ReplayWeb.page cannot replay at all: play the
			// WARC the WACZ was made from, on its own.
			ctl := replayArchive(t, browserPath, player, "network.warc.gz", "application/warc", captured.warc, captured.finalURL)
			verdict := "the raw WARC replays: the fault is in the WACZ"
			if ctl.err != nil {
				verdict = fmt.Sprintf("the raw WARC does not replay either (%v; diagnostics in %s): the fault is in the capture or the harness", ctl.err, ctl.dumpDir)
			}
			t.Fatalf("ReplayWeb.page did not replay the WACZ: %v\ncontrol: %s\ndiagnostics (screenshot, frame tree, console, requests): %s",
				out.err, verdict, out.dumpDir)
		})
	}
}

// ---- the page that is captured ----

const replayPageHTML = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>` + replayTitle + `</title>
<link rel="stylesheet" href="/static/post.css">
</head>
<body>
<article>
<h1 id="headline">` + replayText + `</h1>
<div id="styled-box">배경색이 있는 상자</div>
<img id="evidence-photo" src="/static/photo.png" alt="증거 사진">
<section id="comments"></section>
</article>
<script>
window.addEventListener('load', function () {
  fetch('/late.json').then(function (r) { return r.json(); }).then(function (d) {
    var p = document.createElement('p');
    p.id = 'late-comments';
    p.textContent = d.comments;
    document.getElementById('comments').appendChild(p);
  });
});
</script>
</body>
</html>
`

const replayCSS = `#styled-box { background-color: ` + replayBoxColour + `; color: #fff; padding: 8px; }
`

func replayPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, replayImgW, replayImgH))
	for y := range replayImgH {
		for x := range replayImgW {
			img.Set(x, y, color.RGBA{R: uint8(200 + x%50), G: uint8(40 + y*4), B: 60, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func newReplaySite() *httptest.Server {
	pngData := replayPNG()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /post/1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, replayPageHTML)
	})
	mux.HandleFunc("GET /static/post.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		io.WriteString(w, replayCSS)
	})
	mux.HandleFunc("GET /static/photo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngData)
	})
	mux.HandleFunc("GET /late.json", func(w http.ResponseWriter, r *http.Request) {
		// Arrives well after the load event, as comments loaded by a script do.
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]string{"comments": replayLateText})
	})
	return httptest.NewServer(mux)
}

// ---- capture ----

type replayCapture struct {
	finalURL, title string
	status          evidence.Status
	started         time.Time
	warc            []byte
	warcPath        string
}

func captureForReplay(t *testing.T, browserPath, u string) *replayCapture {
	t.Helper()
	ctx := t.Context()
	eng, err := capture.New(ctx, capture.WithExecPath(browserPath), capture.WithTimeout(45*time.Second))
	if err != nil {
		replayNeed(t, "the browser %s does not start: %v", browserPath, err)
	}
	defer eng.Close()
	res, err := eng.Capture(ctx, u, t.TempDir(), nil)
	if err != nil {
		t.Fatalf("Capture(%s): %v", u, err)
	}
	if res.Status != evidence.StatusComplete {
		t.Fatalf("capture status %s (%s), want complete", res.Status, res.Reason)
	}
	c := &replayCapture{finalURL: res.Facts.FinalURL, title: res.Facts.Metadata.Title, status: res.Status,
		started: res.Facts.Collection.StartedAt}
	for _, f := range res.Files {
		if f.Role == evidence.RoleWARC {
			c.warcPath = f.Path
		}
	}
	if c.warcPath == "" {
		t.Fatalf("the capture has no WARC (files %v)", res.Files)
	}
	if c.warc, err = os.ReadFile(c.warcPath); err != nil {
		t.Fatal(err)
	}
	if c.finalURL != u || c.title != replayTitle {
		t.Fatalf("capture facts: final URL %q title %q, want %q %q", c.finalURL, c.title, u, replayTitle)
	}
	// The replay can only show what the WARC holds: say so plainly if the capture missed a part.
	zr, err := gzip.NewReader(bytes.NewReader(c.warc))
	if err != nil {
		t.Fatalf("WARC: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("WARC: %v", err)
	}
	for _, want := range []string{"/static/post.css", "/static/photo.png", "/late.json", replayLateText, replayText} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Fatalf("the capture's WARC does not contain %q: nothing to replay", want)
		}
	}
	return c
}

// ---- WACZ ----

func buildReplayWACZ(t *testing.T, c *replayCapture, signer *signature.Signer) ([]byte, *wacz.Result) {
	t.Helper()
	var b bytes.Buffer
	res, err := wacz.Write(t.Context(), &b, []wacz.WARC{{
		Name: "network.warc.gz",
		Open: func(context.Context) (io.ReadCloser, error) { return os.Open(c.warcPath) },
		Pages: []wacz.Page{{
			ID:    "page-1",
			URL:   c.finalURL,
			Title: c.title,
			TS:    c.started,
		}},
	}}, wacz.Options{
		Title:       "재생 시험 사건",
		Description: "ReplayWeb.page interoperability test",
		Created:     time.Now().UTC(),
		Software:    "Evidentia replay test",
		Signer:      signer,
	})
	if err != nil {
		t.Fatalf("wacz.Write: %v", err)
	}
	if res.Signed != (signer != nil) {
		t.Fatalf("wacz.Write: Signed %v with signer %v", res.Signed, signer != nil)
	}
	for _, n := range res.Notes {
		t.Logf("wacz.Write note: %s", n)
	}
	return b.Bytes(), res
}

// replaySigner makes a self-signed ECDSA P-256 signing identity.
func replaySigner(t *testing.T) *signature.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(7),
		Subject:               pkix.Name{CommonName: "evidentia.test", Organization: []string{"재생 시험 수사팀"}},
		DNSNames:              []string{"evidentia.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &signature.Signer{Certificate: cert, Key: key}
}

// ---- the player ----

type rwpFiles struct{ ui, sw []byte }

// replayWebPage returns ReplayWeb.page's ui.js and sw.js from the npm tarball, kept in
// <user cache>/evidentia-test/npm and fetched with `npm pack` when missing.
func replayWebPage(t *testing.T) rwpFiles {
	t.Helper()
	cacheRoot, err := os.UserCacheDir()
	if err != nil {
		cacheRoot = os.TempDir()
	}
	dir := filepath.Join(cacheRoot, "evidentia-test", "npm")
	tgz := filepath.Join(dir, rwpPackage+"-"+rwpVersion+".tgz")
	data, err := os.ReadFile(tgz)
	if err != nil || rwpCheck(data) != nil {
		data = npmPack(t, dir, tgz)
	}
	files, err := rwpExtract(data)
	if err != nil {
		t.Fatalf("%s: %v", tgz, err)
	}
	return files
}

func rwpCheck(data []byte) error {
	sum := sha512.Sum512(data)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != rwpIntegrity {
		return fmt.Errorf("integrity %s, want %s", got, rwpIntegrity)
	}
	return nil
}

func npmPack(t *testing.T, dir, dst string) []byte {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		replayNeed(t, "npm is needed to fetch ReplayWeb.page %s: %v", rwpVersion, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(dir, "pack-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "pack", rwpPackage+"@"+rwpVersion, "--ignore-scripts", "--pack-destination", tmp)
	cmd.Dir = tmp
	out, err := cmd.CombinedOutput()
	if err != nil {
		replayNeed(t, "npm pack %s@%s failed: %v\n%s", rwpPackage, rwpVersion, err, out)
	}
	got := filepath.Join(tmp, filepath.Base(dst))
	data, err := os.ReadFile(got)
	if err != nil {
		t.Fatalf("npm pack wrote no %s: %v\n%s", filepath.Base(dst), err, out)
	}
	if err := rwpCheck(data); err != nil {
		t.Fatalf("the registry's %s@%s is not the pinned tarball: %v", rwpPackage, rwpVersion, err)
	}
	if err := os.Rename(got, dst); err != nil {
		t.Fatal(err)
	}
	return data
}

// rwpExtract reads package/ui.js and package/sw.js from the tarball, refusing entries with
// unsafe names and anything but regular files for the two it needs.
func rwpExtract(data []byte) (rwpFiles, error) {
	const maxFile = 32 << 20
	var f rwpFiles
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return f, err
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f, err
		}
		name := hdr.Name
		if name == "" || path.IsAbs(name) || path.Clean(name) != name || slices.Contains(strings.Split(name, "/"), "..") || strings.Contains(name, "\\") {
			return f, fmt.Errorf("unsafe entry name %q", name)
		}
		var dst *[]byte
		switch name {
		case "package/ui.js":
			dst = &f.ui
		case "package/sw.js":
			dst = &f.sw
		default:
			continue
		}
		if hdr.Typeflag != tar.TypeReg || hdr.Size <= 0 || hdr.Size > maxFile {
			return f, fmt.Errorf("%s: not a regular file of a sane size (type %c, %d bytes)", name, hdr.Typeflag, hdr.Size)
		}
		if *dst != nil {
			return f, fmt.Errorf("%s appears twice", name)
		}
		if *dst, err = io.ReadAll(io.LimitReader(tr, maxFile)); err != nil {
			return f, fmt.Errorf("%s: %w", name, err)
		}
	}
	if f.ui == nil || f.sw == nil {
		return f, errors.New("package/ui.js or package/sw.js missing")
	}
	return f, nil
}

// ---- replay ----

type served struct {
	method, path, rng string
	status            int
}

type playerServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []served
}

func (p *playerServer) log() []served {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.reqs)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// newPlayer serves the embedding page, ReplayWeb.page and the archive. ReplayWeb.page
// registers its service worker from <replaybase>sw.js with scope <replaybase> (default
// "./replay/"), so sw.js is served at /replay/sw.js.
func newPlayer(files rwpFiles, name, mediaType string, archive []byte, pageURL string) *playerServer {
	p := &playerServer{}
	created := time.Now()
	index := `<!doctype html>
<html><head><meta charset="utf-8"><title>replay test</title>
<script src="/ui.js"></script>
</head><body style="margin:0">
<replay-web-page source="/` + html.EscapeString(name) + `" url="` + html.EscapeString(pageURL) + `" embed="replayonly" replaybase="/replay/" style="display:block;width:1200px;height:850px"></replay-web-page>
</body></html>
`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /index.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, index)
	})
	ui := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/javascript")
		w.Write(files.ui)
	}
	mux.HandleFunc("GET /ui.js", ui)
	mux.HandleFunc("GET /replay/ui.js", ui) // the replay app the service worker serves loads it from there
	// The player's frame (/replay/?source=...) is served by its service worker. On a loaded
	// machine the frame can be requested before the worker controls the page, and then reaches
	// this server: answer with a page that waits for the worker and loads the frame again
	// (at most a few times), as a deployment that ships replay/index.html would.
	mux.HandleFunc("GET /replay/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, `<!doctype html><meta charset="utf-8"><script>
const n = Number(sessionStorage.getItem("swRetry") || 0);
if (n < 5) {
  sessionStorage.setItem("swRetry", n + 1);
  navigator.serviceWorker.register("/replay/sw.js?serveIndex=1", {scope: "/replay/"});
  navigator.serviceWorker.ready.then(() => setTimeout(() => location.reload(), 300));
}
</script>`)
	})
	mux.HandleFunc("GET /replay/sw.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/javascript")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(files.sw)
	})
	archiveHandler := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", mediaType)
		http.ServeContent(w, r, name, created, bytes.NewReader(archive)) // answers Range requests
	}
	mux.HandleFunc("GET /"+name, archiveHandler)
	mux.HandleFunc("HEAD /"+name, archiveHandler)
	mux.HandleFunc("/", http.NotFound)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		mux.ServeHTTP(sw, r)
		p.mu.Lock()
		p.reqs = append(p.reqs, served{r.Method, r.URL.RequestURI(), r.Header.Get("Range"), sw.status})
		p.mu.Unlock()
	}))
	return p
}

// replayState is what the probe saw in the replayed document.
type replayState struct {
	FrameURL string `json:"-"`
	URL      string `json:"url"`
	Ready    string `json:"ready"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Img      *struct {
		Complete      bool   `json:"complete"`
		NaturalWidth  int    `json:"naturalWidth"`
		NaturalHeight int    `json:"naturalHeight"`
		Src           string `json:"src"`
	} `json:"img"`
	Background string `json:"bg"`
}

const replayProbeJS = `(() => {
  const img = document.getElementById('evidence-photo');
  const box = document.getElementById('styled-box');
  return {
    url: location.href,
    ready: document.readyState,
    title: document.title,
    text: document.body ? document.body.innerText : '',
    img: img ? {complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, src: img.currentSrc} : null,
    bg: box ? getComputedStyle(box).backgroundColor : '',
  };
})()`

// problems lists what the replayed document still lacks.
func (s *replayState) problems() []string {
	if s == nil {
		return []string{"no replayed frame (URL with mp_/) yet"}
	}
	var p []string
	if !strings.Contains(s.Text, replayText) {
		p = append(p, fmt.Sprintf("text %q missing", replayText))
	}
	if !strings.Contains(s.Text, replayLateText) {
		p = append(p, fmt.Sprintf("late-fetched text %q missing", replayLateText))
	}
	switch {
	case s.Img == nil:
		p = append(p, "no <img id=evidence-photo>")
	case !s.Img.Complete || s.Img.NaturalWidth != replayImgW || s.Img.NaturalHeight != replayImgH:
		p = append(p, fmt.Sprintf("image not loaded: complete %v, %dx%d (want %dx%d), src %s",
			s.Img.Complete, s.Img.NaturalWidth, s.Img.NaturalHeight, replayImgW, replayImgH, s.Img.Src))
	}
	if s.Background != replayBoxColour {
		p = append(p, fmt.Sprintf("stylesheet not applied: background %q, want %q", s.Background, replayBoxColour))
	}
	if s.Title != replayTitle {
		p = append(p, fmt.Sprintf("title %q, want %q", s.Title, replayTitle))
	}
	return p
}

type replayOutcome struct {
	err     error
	dumpDir string
	state   *replayState
	verify  map[string][]verifyEntry // ReplayWeb.page's IndexedDB "verification" store, per database
	player  *playerServer
}

type verifyEntry struct {
	ID       string          `json:"id"`
	Expected json.RawMessage `json:"expected"`
	Matched  json.RawMessage `json:"matched"`
}

// replayArchive opens the archive in ReplayWeb.page in a fresh headless Chromium and waits
// until the replayed page shows everything or replayWait passes. It fails the test only on
// harness errors; a replay that does not come right is returned as out.err, with
// diagnostics written to out.dumpDir.
func replayArchive(t *testing.T, browserPath string, files rwpFiles, name, mediaType string, archive []byte, pageURL string) *replayOutcome {
	t.Helper()
	player := newPlayer(files, name, mediaType, archive, pageURL)
	defer player.Close()
	out := &replayOutcome{player: player}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "ko-KR"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		replayNeed(t, "the browser %s does not start for replay: %v", browserPath, err)
	}

	var consoleMu sync.Mutex
	var console []string
	addConsole := func(s string) {
		consoleMu.Lock()
		console = append(console, s)
		consoleMu.Unlock()
	}
	if err := chromedp.Listen(tab, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			addConsole(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			addConsole(fmt.Sprintf("exception: %s (%s:%d)", msg, d.URL, d.LineNumber))
		case *cdplog.EventEntryAdded:
			e := ev.Entry
			addConsole(fmt.Sprintf("log %s %s: %s %s", e.Source, e.Level, e.Text, e.URL))
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(tab, chromedp.Navigate(player.URL+"/index.html")); err != nil {
		t.Fatalf("open the player: %v", err)
	}

	// Poll the frame tree for the replayed document and probe it in an isolated world, so
	// that neither ReplayWeb.page's rewriting (wombat) nor the page's scripts are in the way.
	worlds := map[cdp.LoaderID]runtime.ExecutionContextID{}
	eval := func(f *cdp.Frame, expr string, v any) error {
		ctx, cancel := context.WithTimeout(tab, 10*time.Second)
		defer cancel()
		id, ok := worlds[f.LoaderID]
		if !ok {
			w, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: f.ID, WorldName: "evidentia-replay-test"})
			if err != nil {
				return err
			}
			id = w.ExecutionContextID
			worlds[f.LoaderID] = id
		}
		res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: expr, ContextID: id, ReturnByValue: new(true), AwaitPromise: new(true)})
		if err != nil {
			delete(worlds, f.LoaderID)
			return err
		}
		if res.ExceptionDetails != nil {
			msg := res.ExceptionDetails.Text
			if e := res.ExceptionDetails.Exception; e != nil {
				msg += " " + e.Description
			}
			return errors.New(msg)
		}
		if res.Result == nil || len(res.Result.Value) == 0 {
			return errors.New("no value")
		}
		return json.Unmarshal([]byte(res.Result.Value), v)
	}

	var tree *page.FrameTree
	var lastErr error
	var frame *cdp.Frame
	deadline := time.Now().Add(replayWait)
	for {
		ft, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			t.Fatalf("frame tree: %v", err)
		}
		tree = ft.FrameTree
		frame = replayedFrame(tree, pageURL)
		if frame != nil {
			var st replayState
			if err := eval(frame, replayProbeJS, &st); err != nil {
				lastErr = err
			} else {
				st.FrameURL = frame.URL
				out.state = &st
				if len(st.problems()) == 0 {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-tab.Done():
			t.Fatalf("the replay browser went away: %v", tab.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}

	if probs := out.state.problems(); len(probs) > 0 {
		if frame != nil && lastErr != nil {
			probs = append(probs, "last probe error: "+lastErr.Error())
		}
		out.err = fmt.Errorf("after %s: %s", replayWait, strings.Join(probs, "; "))
	} else {
		// ReplayWeb.page's own record of what it verified while reading the archive.
		var v map[string][]verifyEntry
		if err := eval(frame, replayVerifyJS, &v); err != nil {
			out.err = fmt.Errorf("reading ReplayWeb.page's verification store: %w", err)
		}
		out.verify = v
	}
	if out.err != nil {
		out.dumpDir = dumpReplay(t, tab, tree, out, &consoleMu, console)
	}
	return out
}

// replayedFrame finds the frame of the replayed page: ReplayWeb.page loads it from
// <replaybase>w/<collection>/<timestamp>mp_/<original URL>.
func replayedFrame(ft *page.FrameTree, pageURL string) *cdp.Frame {
	if ft == nil || ft.Frame == nil {
		return nil
	}
	if u := ft.Frame.URL; strings.Contains(u, "mp_/") && strings.HasSuffix(u, "mp_/"+pageURL) {
		return ft.Frame
	}
	for _, c := range ft.ChildFrames {
		if f := replayedFrame(c, pageURL); f != nil {
			return f
		}
	}
	return nil
}

// replayVerifyJS reads the "verification" object store of every ReplayWeb.page database of
// the origin: what ReplayWeb.page took from datapackage.json and datapackage-digest.json and,
// for a signed WACZ, its verdict on the signature.
const replayVerifyJS = `(async () => {
  const out = {};
  for (const d of await indexedDB.databases()) {
    if (!d.name || !d.name.startsWith('db:')) continue;
    const db = await new Promise((res, rej) => { const r = indexedDB.open(d.name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    try {
      if (!db.objectStoreNames.contains('verification')) continue;
      out[d.name] = await new Promise((res, rej) => {
        const q = db.transaction('verification').objectStore('verification').getAll();
        q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
      });
    } finally { db.close(); }
  }
  return out;
})()`

// checkVerification asserts that ReplayWeb.page read the WACZ's datapackage.json (the hash it
// recorded for pages/pages.jsonl is the one written) and its datapackage-digest.json: no
// signedData for an unsigned WACZ; for a signed one, the datapackage hash the writer signed.
//
// ReplayWeb.page 2.5.3 does not check file hashes by default (only with useHashCheck=1 on its
// service worker, and never for records it reads by range), so its "matched" flags for files
// are not assertions. Its verdict on the signature is logged, not asserted: it verifies
// only IEEE P1363 (r||s) ECDSA signatures, with a P-384 "publicKey" or a "domainCert", while
// the writer follows authsign (ASN.1 DER) with the signer's own key; see the package's notes.
func checkVerification(t *testing.T, out *replayOutcome, res *wacz.Result) {
	t.Helper()
	if len(out.verify) != 1 {
		t.Errorf("ReplayWeb.page verification stores: %d, want 1 (%v)", len(out.verify), out.verify)
		return
	}
	byID := map[string]verifyEntry{}
	for db, es := range out.verify {
		for _, e := range es {
			t.Logf("ReplayWeb.page verification (%s): %s expected=%s matched=%s", db, e.ID, trunc(string(e.Expected), 90), e.Matched)
			byID[e.ID] = e
		}
	}
	str := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return string(raw)
		}
		return s
	}
	var pagesHash string
	for _, f := range res.Files {
		if f.Path == "pages/pages.jsonl" {
			pagesHash = f.Hash
		}
	}
	found := false
	for id, e := range byID {
		if strings.HasSuffix(id, "pages/pages.jsonl") {
			found = true
			if got := str(e.Expected); got != pagesHash {
				t.Errorf("ReplayWeb.page took %s for pages/pages.jsonl from datapackage.json, the writer listed %s", got, pagesHash)
			}
		}
	}
	if !found {
		t.Errorf("ReplayWeb.page did not read pages/pages.jsonl's entry of datapackage.json")
	}
	sig, hasSig := byID["signature"]
	if !res.Signed {
		if !hasSig || str(sig.Expected) != "" {
			t.Errorf("unsigned WACZ: ReplayWeb.page's signature entry %+v, want the empty one it records for a digest file without signedData", sig)
		}
		return
	}
	dp, ok := byID["datapackageHash"]
	if want := "sha256:" + res.DatapackageSHA256; !ok || str(dp.Expected) != want {
		t.Errorf("signed WACZ: ReplayWeb.page's datapackage hash %q, want %q: it did not accept signedData.hash of datapackage-digest.json", str(dp.Expected), want)
	}
	switch {
	case hasSig && string(sig.Matched) == "true":
		t.Logf("ReplayWeb.page verified the signature of datapackage-digest.json")
	case hasSig:
		t.Logf("NOTE: ReplayWeb.page checked the signature and found it invalid (matched=%s): it expects IEEE P1363 r||s, the writer writes ASN.1 DER", sig.Matched)
	default:
		t.Logf("NOTE: ReplayWeb.page did not check the signature at all: its anonymous form imports \"publicKey\" as ECDSA P-384 only (this test's key is P-256, as Evidentia's identities are), and it uses \"domainCert\" only with \"domain\" and without \"publicKey\"")
	}
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// dumpReplay writes a screenshot, the frame tree, the console, the player's request log, the
// last probe and the text inside the embed's shadow DOM to a folder that outlives the test.
func dumpReplay(t *testing.T, tab context.Context, tree *page.FrameTree, out *replayOutcome, mu *sync.Mutex, console []string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "evidentia-replay-failure-")
	if err != nil {
		t.Logf("no folder for diagnostics: %v", err)
		return ""
	}
	ctx, cancel := context.WithTimeout(tab, 15*time.Second)
	defer cancel()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Logf("diagnostics: %v", err)
		}
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		write("screenshot.png", shot)
	} else {
		t.Logf("screenshot: %v", err)
	}
	if b, err := json.MarshalIndent(tree, "", "  "); err == nil {
		write("frames.json", b)
	}
	const shadowText = `(() => {
  const out = [];
  const walk = (root) => { for (const el of root.querySelectorAll('*')) { if (el.shadowRoot) { out.push('<' + el.localName + '> ' + el.shadowRoot.textContent.replace(/\s+/g, ' ').trim().slice(0, 2000)); walk(el.shadowRoot); } } };
  walk(document);
  return out.join('\n');
})()`
	if s, err := chromedp.Run(ctx, chromedp.Evaluate[string](shadowText)); err == nil {
		write("shadow-text.txt", []byte(s))
	}
	var b strings.Builder
	for _, r := range out.player.log() {
		fmt.Fprintf(&b, "%s %s range=%q -> %d\n", r.method, r.path, r.rng, r.status)
	}
	write("requests.txt", []byte(b.String()))
	mu.Lock()
	write("console.txt", []byte(strings.Join(console, "\n")+"\n"))
	for _, c := range console {
		t.Logf("console: %s", trunc(c, 400))
	}
	mu.Unlock()
	if st, err := json.MarshalIndent(out.state, "", "  "); err == nil {
		write("probe.json", st)
	}
	return dir
}
