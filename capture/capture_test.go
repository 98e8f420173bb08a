package capture

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"image/png"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"evidentia/archive"
	"evidentia/evidence"
)

var (
	testEngine *Engine
	site       *testSite
	tlsSite    *httptest.Server
	skipReason string
)

func TestMain(m *testing.M) {
	home, _ := os.MkdirTemp("", "evidentia-home-")
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	site = newTestSite()
	tlsSite = httptest.NewUnstartedServer(site.Config.Handler)
	tlsSite.EnableHTTP2 = true
	tlsSite.StartTLS()
	// Trust exactly the test server's key, as an organisation's own CA would be trusted.
	spki := sha256.Sum256(tlsSite.Certificate().RawSubjectPublicKeyInfo)
	path, err := FindBrowser("")
	if err == nil {
		ctx := context.Background()
		// yt-dlp is off for the shared engine: the site fixtures' hosts exist only inside the
		// browser (host-resolver-rules); the media tests turn it on per capture.
		testEngine, err = New(ctx, WithExecPath(path), WithTimeout(20*time.Second), WithoutYTDLP(),
			WithFlag("host-resolver-rules", resolverRules()),
			WithFlag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "capture tests need a browser in CI:", err)
			os.Exit(1)
		}
		skipReason = err.Error()
	}
	code := m.Run()
	if testEngine != nil {
		testEngine.Close()
	}
	site.Close()
	tlsSite.Close()
	os.RemoveAll(home)
	os.Exit(code)
}

func needBrowser(t *testing.T) {
	t.Helper()
	if testEngine == nil {
		t.Skip("no browser (CI is not set): " + skipReason)
	}
}

// captureURL runs one capture of site path p and returns the result and its files by name.
func captureURL(t *testing.T, p string, opts ...CaptureOption) (*Result, map[string][]byte) {
	t.Helper()
	needBrowser(t)
	dir := t.TempDir()
	u := p
	if strings.HasPrefix(p, "/") {
		u = site.URL + p
	}
	res, err := testEngine.Capture(t.Context(), u, dir, nil, opts...)
	if err != nil {
		t.Fatalf("Capture(%s): %v", u, err)
	}
	files := map[string][]byte{}
	for _, f := range res.Files {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	return res, files
}

func hasEvent(res *Result, kind, substr string) bool {
	for _, e := range res.Facts.Method.Events {
		if e.Kind == kind && (strings.Contains(e.Detail, substr) || strings.Contains(e.URL, substr)) {
			return true
		}
	}
	return false
}

func warcRecords(t *testing.T, files map[string][]byte) []archive.WARCRecord {
	t.Helper()
	recs, err := archive.ReadWARC(bytes.NewReader(files["network.warc.gz"]))
	if err != nil {
		t.Fatalf("WARC does not read back: %v", err)
	}
	return recs
}

func TestCaptureSimplePageHasEveryArtifact(t *testing.T) {
	res, files := captureURL(t, "/simple")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	for _, name := range []string{"screenshot.png", "viewport.png", "document.html", "dom.html", "page.mhtml", "network.warc.gz", "text.txt"} {
		if len(files[name]) == 0 {
			t.Errorf("artifact %s missing or empty", name)
		}
	}
	if !strings.Contains(string(files["text.txt"]), "Hello evidence") {
		t.Errorf("text.txt = %q", files["text.txt"])
	}
	if !bytes.Contains(files["document.html"], []byte("<h1>Hello evidence</h1>")) {
		t.Errorf("document.html is not the served HTML")
	}
	if !strings.Contains(string(files["page.mhtml"]), "Content-Type: multipart/related") {
		t.Errorf("page.mhtml is not MHTML")
	}
	f := res.Facts
	if f.Network.HTTPStatus != 200 || f.Network.RemoteIP != "127.0.0.1" || f.Network.RemotePort == 0 {
		t.Errorf("network facts: %+v", f.Network)
	}
	if !f.Network.RawHeadersRecorded || len(f.Network.ResponseHeaders) == 0 {
		t.Errorf("raw headers not recorded: %+v", f.Network.ResponseHeaders)
	}
	if f.Metadata.Title != "Simple page" || f.Metadata.Lang != "en" {
		t.Errorf("metadata: %+v", f.Metadata)
	}
	if f.Browser.Product == "" || f.Browser.UserAgent == "" || strings.Contains(f.Browser.UserAgent, "Headless") || f.Browser.ViewportWidth != DefaultWidth {
		t.Errorf("browser facts: %+v", f.Browser)
	}
	if !f.Method.LoadEventFired || !f.Method.NetworkQuiet || len(f.Method.Reconstructed) == 0 {
		t.Errorf("method: %+v", f.Method)
	}
	img, err := png.Decode(bytes.NewReader(files["screenshot.png"]))
	if err != nil || img.Bounds().Dx() != DefaultWidth {
		t.Errorf("screenshot: %v %v", err, img.Bounds())
	}
	recs := warcRecords(t, files)
	var sawResponse bool
	for _, r := range recs {
		if r.Type == "response" && r.TargetURI == site.URL+"/simple" {
			sawResponse = true
			if r.IPAddress != "127.0.0.1" || r.Status != 200 || !bytes.Equal(r.Payload, files["document.html"]) {
				t.Errorf("response record: ip %q status %d payload %d bytes", r.IPAddress, r.Status, len(r.Payload))
			}
		}
	}
	if !sawResponse {
		t.Errorf("no response record for the page in %d records", len(recs))
	}
}

func TestCaptureRecordsTLSOverHTTP2(t *testing.T) {
	res, files := captureURL(t, tlsSite.URL+"/simple")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	n := res.Facts.Network
	if n.Protocol != "h2" || n.TLS == nil {
		t.Fatalf("protocol %q TLS %+v", n.Protocol, n.TLS)
	}
	tl := n.TLS
	if !strings.HasPrefix(tl.Protocol, "TLS 1.") || tl.Cipher == "" || !strings.Contains(tl.Subject, "O=Acme Co") ||
		!strings.Contains(tl.Issuer, "O=Acme Co") || !tl.ValidTo.After(tl.ValidFrom) || len(tl.SANs) == 0 {
		t.Errorf("TLS facts: %+v", tl)
	}
	if len(tl.ChainPEM) == 0 {
		t.Fatal("no certificate chain recorded")
	}
	blk, _ := pem.Decode([]byte(tl.ChainPEM[0]))
	if blk == nil {
		t.Fatal("chain[0] is not PEM")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || !bytes.Equal(cert.Raw, tlsSite.Certificate().Raw) {
		t.Errorf("chain[0] is not the server's certificate: %v", err)
	}
	if n.RawHeadersRecorded {
		t.Errorf("HTTP/2 headers claimed as raw")
	}
	rebuilt := false
	for _, r := range res.Facts.Method.Reconstructed {
		rebuilt = rebuilt || strings.Contains(r, "HTTP/2")
	}
	if !rebuilt {
		t.Errorf("the HTTP/2 reconstruction is not stated: %v", res.Facts.Method.Reconstructed)
	}
	for _, r := range warcRecords(t, files) {
		if r.Type == "response" && strings.HasSuffix(r.TargetURI, "/simple") && (r.Status != 200 || !bytes.Equal(r.Payload, files["document.html"])) {
			t.Errorf("h2 response record: %+v", r)
		}
	}
}

func TestCaptureRecordsRedirectChain(t *testing.T) {
	res, _ := captureURL(t, "/r1")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	want := []struct {
		path   string
		status int
		loc    string
	}{{"/r1", 301, "/r2"}, {"/r2", 302, "/simple"}}
	if len(res.Facts.Redirects) != len(want) {
		t.Fatalf("redirects = %+v", res.Facts.Redirects)
	}
	for i, w := range want {
		h := res.Facts.Redirects[i]
		if h.URL != site.URL+w.path || h.Status != w.status || h.Location != w.loc {
			t.Errorf("hop %d = %+v, want %+v", i, h, w)
		}
	}
	if res.Facts.FinalURL != site.URL+"/simple" || res.Facts.RequestedURL != site.URL+"/r1" {
		t.Errorf("final %q requested %q", res.Facts.FinalURL, res.Facts.RequestedURL)
	}
}

func TestCaptureEUCKRPage(t *testing.T) {
	res, files := captureURL(t, "/euckr")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	if !bytes.Equal(files["document.html"], site.eucKRBody) {
		t.Errorf("document.html is not the EUC-KR bytes as served")
	}
	for _, name := range []string{"text.txt", "dom.html"} {
		if !strings.Contains(string(files[name]), "한글 본문입니다") {
			t.Errorf("%s does not hold the decoded Korean text", name)
		}
	}
	if res.Facts.Metadata.Title != "선거 허위사실 게시물" || res.Facts.Metadata.Author != "홍길동" {
		t.Errorf("metadata = %+v", res.Facts.Metadata)
	}
	if !strings.EqualFold(res.Facts.Network.Charset, "euc-kr") {
		t.Errorf("charset = %q", res.Facts.Network.Charset)
	}
}

func TestCaptureLazyImageAndLateFetch(t *testing.T) {
	before, lateBefore := site.lazyHits.Load(), site.lateHits.Load()
	res, files := captureURL(t, "/lazy")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	if site.lazyHits.Load() == before {
		t.Fatal("the lazy image was never requested: the page was not scrolled")
	}
	if site.lateHits.Load() == lateBefore {
		t.Fatal("the late fetch never happened")
	}
	if res.Facts.Method.ScrollSteps < 2 || !res.Facts.Method.ReachedBottom {
		t.Errorf("scroll: %+v", res.Facts.Method)
	}
	var img, late bool
	for _, r := range warcRecords(t, files) {
		if r.Type == "response" && strings.HasSuffix(r.TargetURI, "/lazy.png") && bytes.Equal(r.Payload, site.png) {
			img = true
		}
		if r.Type == "response" && strings.HasSuffix(r.TargetURI, "/late.json") && string(r.Payload) == `"late content arrived"` {
			late = true
		}
	}
	if !img || !late {
		t.Errorf("WARC: lazy image recorded %v, late fetch recorded %v", img, late)
	}
	if !strings.Contains(string(files["dom.html"]), "late content arrived") {
		t.Errorf("the DOM does not show the late content")
	}
}

func TestCaptureTallPageInTiles(t *testing.T) {
	res, files := captureURL(t, "/tall")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	m := res.Facts.Method
	if m.ScreenshotMode != "tiles" || len(m.Tiles) != 4 || m.PageHeight != 30000 {
		t.Fatalf("mode %s, %d tiles, height %d", m.ScreenshotMode, len(m.Tiles), m.PageHeight)
	}
	for i, tile := range m.Tiles {
		img, err := png.Decode(bytes.NewReader(files[tile.Name]))
		if err != nil {
			t.Fatalf("tile %s: %v", tile.Name, err)
		}
		if img.Bounds().Dy() != tile.Height || tile.Y != i*TileHeight {
			t.Errorf("tile %s: %v, recorded y %d height %d", tile.Name, img.Bounds(), tile.Y, tile.Height)
		}
		// Sample the middle of every band this tile shows: each must have its own colour.
		for y := 500; y < tile.Height; y += 1000 {
			band := (tile.Y + y) / 1000
			want := bandColor(band)
			r, g, b, _ := img.At(DefaultWidth/2, y).RGBA()
			if absDiff(r>>8, uint32(want.R)) > 6 || absDiff(g>>8, uint32(want.G)) > 6 || absDiff(b>>8, uint32(want.B)) > 6 {
				t.Errorf("tile %s y %d (band %d): got %d,%d,%d want %v", tile.Name, y, band, r>>8, g>>8, b>>8, want)
			}
		}
	}
	if _, ok := files["screenshot.png"]; ok {
		t.Errorf("a single screenshot.png was written for a tiled page")
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestCaptureDismissesDialogs(t *testing.T) {
	start := time.Now()
	res, files := captureURL(t, "/dialogs")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	for _, kind := range []string{"alert", "confirm", "prompt"} {
		if !hasEvent(res, evidence.EventDialog, kind+" dialog dismissed") {
			t.Errorf("no %s dialog event in %+v", kind, res.Facts.Method.Events)
		}
	}
	if !strings.Contains(string(files["text.txt"]), "confirm=false prompt=null") {
		t.Errorf("dialogs were not dismissed: %q", files["text.txt"])
	}
	if time.Since(start) > 15*time.Second {
		t.Errorf("dialogs held the capture for %s", time.Since(start))
	}
}

func TestCaptureSurvivesDialogLoop(t *testing.T) {
	res, _ := captureURL(t, "/alertloop")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	n := 0
	for _, e := range res.Facts.Method.Events {
		if e.Kind == evidence.EventDialog {
			n++
		}
	}
	if n != maxDialogEvents+1 || !hasEvent(res, evidence.EventDialog, "70 further dialogs") {
		t.Errorf("%d dialog events; want %d and a count of the rest", n, maxDialogEvents+1)
	}
}

func TestCaptureBlocksDownload(t *testing.T) {
	res, _ := captureURL(t, "/download")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	if !hasEvent(res, evidence.EventDownload, "file.bin") {
		t.Errorf("download not logged: %+v", res.Facts.Method.Events)
	}
}

func TestCaptureClosesPopup(t *testing.T) {
	res, _ := captureURL(t, "/popup")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	if !hasEvent(res, evidence.EventPopup, "popup=1") {
		t.Errorf("pop-up not logged: %+v", res.Facts.Method.Events)
	}
	targets, err := testEngine.pageTargets()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		if strings.Contains(tg.URL, "popup=1") {
			t.Errorf("pop-up still open: %s", tg.URL)
		}
	}
}

func TestCaptureHangingSubresourceEndsPartialWithinTimeout(t *testing.T) {
	const limit = 6 * time.Second
	start := time.Now()
	res, files := captureURL(t, "/hang-sub", CaptureTimeout(limit))
	took := time.Since(start)
	if took > limit+slack {
		t.Errorf("capture took %s with a timeout of %s", took, limit)
	}
	if res.Status != evidence.StatusPartial || !strings.Contains(res.Reason, "did not finish loading") {
		t.Errorf("status %s reason %q", res.Status, res.Reason)
	}
	if len(files["screenshot.png"]) == 0 || !strings.Contains(string(files["text.txt"]), "visible before the hang") {
		t.Errorf("what was loaded was not kept: %d files", len(files))
	}
}

func TestCaptureNeverEndingResponseEndsWithinTimeout(t *testing.T) {
	const limit = 6 * time.Second
	start := time.Now()
	res, _ := captureURL(t, "/stream", CaptureTimeout(limit))
	if took := time.Since(start); took > limit+slack {
		t.Errorf("capture took %s with a timeout of %s", took, limit)
	}
	if res.Status != evidence.StatusPartial || res.Reason == "" {
		t.Errorf("status %s reason %q", res.Status, res.Reason)
	}
}

func TestCaptureLongPollDoesNotHoldTheCapture(t *testing.T) {
	start := time.Now()
	res, files := captureURL(t, "/longpoll")
	took := time.Since(start)
	if res.Status != evidence.StatusComplete {
		t.Errorf("status %s: %s", res.Status, res.Reason)
	}
	// The engine's limit here is 20 s: a capture held by the open response would take ~19 s.
	if took > 15*time.Second {
		t.Errorf("an open long-poll held the capture for %s", took)
	}
	if !hasEvent(res, evidence.EventTimeout, "still arriving") {
		t.Errorf("the unfinished response is not in the record: %+v", res.Facts.Method.Events)
	}
	var truncated bool
	for _, r := range warcRecords(t, files) {
		truncated = truncated || (r.Type == "response" && strings.HasSuffix(r.TargetURI, "/poll"))
	}
	if !truncated {
		t.Errorf("the long-poll response is not in the WARC")
	}
}

func TestCaptureRedirectLoopFails(t *testing.T) {
	res, files := captureURL(t, "/loop")
	if res.Status != evidence.StatusFailed || !strings.Contains(res.Reason, "ERR_TOO_MANY_REDIRECTS") {
		t.Errorf("status %s reason %q", res.Status, res.Reason)
	}
	if len(res.Facts.Redirects) < 10 {
		t.Errorf("only %d hops recorded", len(res.Facts.Redirects))
	}
	if len(files["network.warc.gz"]) == 0 {
		t.Errorf("the failed capture kept no WARC")
	}
}

func TestCaptureMetaRefreshLoopEnds(t *testing.T) {
	const limit = 8 * time.Second
	start := time.Now()
	res, files := captureURL(t, "/metaloop?n=0", CaptureTimeout(limit))
	if took := time.Since(start); took > limit+slack {
		t.Errorf("capture took %s", took)
	}
	if res.Status != evidence.StatusPartial || !strings.Contains(res.Reason, "kept navigating") {
		t.Errorf("status %s: %s", res.Status, res.Reason)
	}
	if !hasEvent(res, evidence.EventNavigation, "metaloop") {
		t.Errorf("the refresh loop is not in the record: %+v", res.Facts.Method.Events)
	}
	if len(files["text.txt"]) == 0 {
		t.Errorf("no text collected")
	}
}

func TestCaptureEndlessScrollIsBounded(t *testing.T) {
	const limit = 12 * time.Second
	start := time.Now()
	res, _ := captureURL(t, "/endless", CaptureTimeout(limit))
	if took := time.Since(start); took > limit+slack {
		t.Errorf("capture took %s", took)
	}
	if res.Status == evidence.StatusFailed {
		t.Errorf("status %s: %s", res.Status, res.Reason)
	}
	if res.Facts.Method.ReachedBottom || res.Facts.Method.ScrollSteps < 5 {
		t.Errorf("scroll: %+v", res.Facts.Method)
	}
}

func TestCaptureMetadataFromStructuredData(t *testing.T) {
	res, _ := captureURL(t, "/meta")
	md := res.Facts.Metadata
	if md.Author != "김기자" || md.SiteName != "테스트뉴스" || md.Lang != "ko" || md.Description != "메타 설명" {
		t.Errorf("metadata = %+v", md)
	}
	if md.PublishedTime == "" || md.PublishedUTC != "2026-03-05T05:22:00Z" || md.ModifiedTime == "" {
		t.Errorf("times = %q %q %q", md.PublishedTime, md.PublishedUTC, md.ModifiedTime)
	}
	if md.CanonicalURL != site.URL+"/news/12345" {
		t.Errorf("canonical = %q", md.CanonicalURL)
	}
}

func TestCapturePDFAndImageAsSuch(t *testing.T) {
	for _, tc := range []struct {
		path, name string
		want       []byte
	}{{"/doc.pdf", "document.pdf", site.pdf}, {"/pic.png", "document.png", site.png}} {
		t.Run(tc.name, func(t *testing.T) {
			res, files := captureURL(t, tc.path)
			if res.Status == evidence.StatusFailed {
				t.Fatalf("status %s: %s", res.Status, res.Reason)
			}
			if tc.name == "document.pdf" && !hasEvent(res, evidence.EventNote, "PDF") {
				t.Errorf("no note that the PDF viewer may be blank: %+v", res.Facts.Method.Events)
			}
			if !bytes.Equal(files[tc.name], tc.want) {
				t.Errorf("%s: got %d bytes, want the %d served; files %v", tc.name, len(files[tc.name]), len(tc.want), keys(files))
			}
		})
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCaptureRecordsCrossSiteIframe(t *testing.T) {
	port := site.URL[strings.LastIndex(site.URL, ":")+1:]
	res, files := captureURL(t, "http://news.test:"+port+"/xsite")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	var frame, img bool
	for _, r := range warcRecords(t, files) {
		if r.Type == "response" && r.TargetURI == "http://widget.test:"+port+"/frame" {
			frame = true
		}
		if r.Type == "response" && r.TargetURI == "http://widget.test:"+port+"/lazy.png" && bytes.Equal(r.Payload, site.png) {
			img = true
		}
	}
	if !frame || !img {
		t.Errorf("cross-site iframe traffic in the WARC: frame %v, its image %v", frame, img)
	}
}

func TestCaptureContextsAreIsolated(t *testing.T) {
	captureURL(t, "/setstate")
	_, files := captureURL(t, "/readstate")
	text := string(files["text.txt"])
	if !strings.Contains(text, "cookie=none") || !strings.Contains(text, "storage=null") {
		t.Errorf("state leaked between captures: %q", text)
	}
}

func TestCaptureKoreanPathAndIDN(t *testing.T) {
	port := site.URL[strings.LastIndex(site.URL, ":")+1:]
	res, _ := captureURL(t, "http://증거.test:"+port+"/경로/글?q=한글")
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	if res.Facts.Metadata.Title != "경로 한글" {
		t.Errorf("title = %q", res.Facts.Metadata.Title)
	}
	if !strings.HasPrefix(res.Facts.FinalURL, "http://xn--") || !strings.Contains(res.Facts.FinalURL, "%EA%B2%BD%EB%A1%9C") {
		t.Errorf("final URL = %q", res.Facts.FinalURL)
	}
}

func TestCaptureCancelStopsPromptly(t *testing.T) {
	needBrowser(t)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(1500*time.Millisecond, cancel)
	start := time.Now()
	res, err := testEngine.Capture(ctx, site.URL+"/hang-sub", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 1500*time.Millisecond+slack/2 {
		t.Errorf("cancel took %s to stop the capture", took)
	}
	if res.Status != evidence.StatusFailed || !strings.Contains(res.Reason, "cancelled") {
		t.Errorf("status %s reason %q", res.Status, res.Reason)
	}
	// The sealed record does not contradict itself: a cancelled capture did not time out.
	for _, e := range res.Facts.Method.Events {
		if e.Kind == evidence.EventTimeout {
			t.Errorf("a cancelled capture records a timeout: %+v", e)
		}
	}
}

func TestCaptureRefusesBadURL(t *testing.T) {
	needBrowser(t)
	for _, u := range []string{"file:///etc/passwd", "javascript:alert(1)", "chrome://settings", "about:blank", "data:text/html,x", "http://"} {
		_, err := testEngine.Capture(t.Context(), u, t.TempDir(), nil)
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("Capture(%q) error = %v, want ErrBadURL", u, err)
		}
	}
}

func TestCaptureUnreachableFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	res, _ := captureURL(t, "http://"+addr+"/")
	if res.Status != evidence.StatusFailed || !strings.Contains(res.Reason, "ERR_CONNECTION_REFUSED") {
		t.Errorf("status %s reason %q", res.Status, res.Reason)
	}
}

func TestNewWithMissingBrowser(t *testing.T) {
	_, err := New(t.Context(), WithExecPath(filepath.Join(t.TempDir(), "no-such-chrome")))
	if !errors.Is(err, ErrBrowserNotFound) {
		t.Errorf("error = %v, want ErrBrowserNotFound", err)
	}
}

// slack is how far past its time limit a capture may end: closing the tab and writing the
// WARC happen after the limit, and the race detector and a loaded CI machine slow everything.
const slack = 6 * time.Second

// pageTargets lists the browser's page targets.
func (e *Engine) pageTargets() ([]*target.Info, error) {
	infos, err := chromedp.Targets(e.browserCtx)
	if err != nil {
		return nil, err
	}
	var out []*target.Info
	for _, i := range infos {
		if i.Type == "page" {
			out = append(out, i)
		}
	}
	return out, nil
}

// TestAliveAfterBrowserDies: when the browser process dies, the engine says so (so the desktop
// app can start a new one) and captures fail with ErrBrowserStart instead of hanging.
func TestAliveAfterBrowserDies(t *testing.T) {
	needBrowser(t)
	e, err := New(t.Context(), WithExecPath(testEngine.ExecPath()), WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !e.Alive() {
		t.Fatal("a new engine is not alive")
	}
	proc := chromedp.FromContext(e.browserCtx).Browser.Process()
	if proc == nil {
		t.Fatal("no browser process")
	}
	proc.Kill()
	deadline := time.Now().Add(15 * time.Second)
	for e.Alive() {
		if time.Now().After(deadline) {
			t.Fatal("the engine still says it is alive 15 s after its browser was killed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := e.Capture(t.Context(), site.URL+"/", t.TempDir(), nil); !errors.Is(err, ErrBrowserStart) {
		t.Errorf("capture with a dead browser: %v", err)
	}
	e.Close()
	if e.Alive() {
		t.Error("a closed engine says it is alive")
	}
}
