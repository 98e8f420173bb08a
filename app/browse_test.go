package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"evidentia/bundle"
	"evidentia/evidence"
	"evidentia/identity"
	"evidentia/settings"
	"evidentia/store"
	"evidentia/workflow"
)

func init() {
	// Capture times show in the computer's zone; the tests fix it so that goldens are stable.
	displayZone = time.FixedZone("KST", 9*60*60)
}

// synth describes a synthetic capture, sealed straight through the store.
type synth struct {
	url, title, text string
	status           evidence.Status
	reason           string
	shot             []byte   // screenshot.png; nil for none
	tiles            [][]byte // tiles in page order (named so that name order is the reverse)
	posting          []byte   // posting.json; nil for none
}

// testPNG draws a w×h PNG of horizontal bands whose colours depend on seed.
func testPNG(w, h int, seed uint8) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		band := uint8(y / 40)
		c := color.NRGBA{R: seed + band*23, G: 180 - band*11, B: 90 + band*37 + seed, A: 255}
		if y < 60 {
			c = color.NRGBA{R: 30, G: 60, B: 140, A: 255}
		}
		for x := 0; x < w; x++ {
			if x > w/10 && x < w*9/10 && y%40 > 10 && y%40 < 18 {
				img.SetNRGBA(x, y, color.NRGBA{R: 40, G: 40, B: 40, A: 255})
			} else {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// synthFacts are the facts of s, as rich as a real capture's.
func synthFacts(s synth, caseName string) evidence.Facts {
	final := s.url
	f := evidence.Facts{
		RequestedURL: s.url,
		FinalURL:     final,
		Redirects:    []evidence.RedirectHop{{URL: strings.Replace(s.url, "https://", "http://", 1), Status: 301, Location: s.url}},
		Metadata: evidence.Metadata{Title: s.title, Author: "김철수", SiteName: "예시 뉴스", Lang: "ko",
			PublishedTime: "2025-03-01T09:30:00+09:00", PublishedKST: "2025-03-01 09:30:00 KST",
			Description: "지역 선거 관련 게시물", CanonicalURL: final, PostIDs: map[string]string{"article": "12345"}},
		Network: evidence.Network{HTTPStatus: 200, StatusText: "OK", MIMEType: "text/html", Charset: "utf-8",
			RemoteIP: "203.0.113.7", RemotePort: 443, Protocol: "h2", Resources: 42, FailedResources: 1,
			TLS: &evidence.TLS{Protocol: "TLS 1.3", Cipher: "AES_128_GCM", Subject: "CN=news.example.org",
				Issuer: "CN=Example CA", SANs: []string{"news.example.org", "*.example.org"},
				ValidFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
		Browser: evidence.Browser{Product: "Chromium", Revision: "131.0", ViewportWidth: 1280, ViewportHeight: 900, DeviceScale: 1},
		Collection: evidence.Collection{Operator: "홍길동", Unit: "조사1팀", Case: caseName, Hostname: "pc-01",
			OS: "windows", Arch: "amd64", TimeZone: "Asia/Seoul KST (UTC+09:00)", AppVersion: "0.1.0"},
	}
	for i := range s.tiles {
		f.Method.Tiles = append(f.Method.Tiles, evidence.Tile{Name: fmt.Sprintf("tile-%d.png", len(s.tiles)-i), Y: i * 1000, Height: 1000})
	}
	return f
}

// sealSynth seals s as a capture of caseName (created when missing) and returns its record.
func sealSynth(tb testing.TB, st *store.Store, caseName string, s synth) *store.Record {
	tb.Helper()
	rec, err := sealSynthIn(st, tb.TempDir(), caseName, s)
	if err != nil {
		tb.Fatal(err)
	}
	return rec
}

// sealSynthIn is sealSynth writing its files in dir; it may run on any goroutine.
func sealSynthIn(st *store.Store, dir, caseName string, s synth) (*store.Record, error) {
	ctx := context.Background()
	if _, err := st.EnsureCase(ctx, caseName, "홍길동"); err != nil {
		return nil, err
	}
	id, err := st.BeginCapture(ctx, caseName, s.url, "홍길동")
	if err != nil {
		return nil, err
	}
	var files []store.SealFile
	add := func(name, mediaType, role string, data []byte) error {
		p := filepath.Join(dir, id+"-"+name)
		files = append(files, store.SealFile{Name: name, MediaType: mediaType, Role: role, Path: p})
		return os.WriteFile(p, data, 0o600)
	}
	var errs []error
	if s.shot != nil {
		errs = append(errs, add("screenshot.png", "image/png", evidence.RoleScreenshot, s.shot))
	}
	for i, t := range s.tiles {
		errs = append(errs, add(fmt.Sprintf("tile-%d.png", len(s.tiles)-i), "image/png", evidence.RoleTile, t))
	}
	errs = append(errs, add("text.txt", "text/plain", evidence.RoleText, []byte(s.text)),
		add("document.html", "text/html", evidence.RoleDocument, []byte("<html><title>"+s.title+"</title><body>"+s.text+"</body></html>")))
	if s.posting != nil {
		errs = append(errs, add("posting.json", "application/json", evidence.RolePosting, s.posting))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	status := s.status
	if status == "" {
		status = evidence.StatusComplete
	}
	return st.Seal(ctx, id, store.SealRequest{Status: status, Reason: s.reason, Facts: synthFacts(s, caseName), Files: files, Actor: "홍길동"})
}

// The browse tests make the test goroutine Fyne's main goroutine, as the real driver has one:
// they hold onMainMu while they touch widgets, so that background goroutines (whose onMain
// work the test driver runs inline) touch widgets only while the test waits in idle. Without
// this, the race detector rightly sees the test and those goroutines write the same widgets.

// lockedUI is testUI with onMainMu held by the test until it ends (its background work then
// finished).
func lockedUI(t *testing.T, set settings.Settings) (*ui, fyne.Window) {
	t.Helper()
	u, w := testUI(t, set) // New holds onMainMu while it builds the window
	onMainMu.Lock()
	t.Cleanup(func() { settle(u); onMainMu.Unlock() }) // runs before testUI's clean-up
	return u, w
}

// idle lets background goroutines touch widgets until every wg is done.
func idle(wgs ...*sync.WaitGroup) {
	onMainMu.Unlock()
	defer onMainMu.Lock()
	for _, wg := range wgs {
		wg.Wait()
	}
}

// settle waits (in idle) until the background work of u and of its captures list has ended.
func settle(u *ui) {
	idle(&u.work, &u.list.pending, &u.work)
}

// openCaseAndWait opens the case in the main window and waits for the list.
func openCaseAndWait(u *ui, name string) {
	settle(u)
	u.openCase(name)
	settle(u)
}

// squash removes white space, so that text wrapped over several lines can be searched.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// shownText is every text laid out in o, joined without white space.
func shownText(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, obj := range test.LaidOutObjects(o) {
		if t, ok := obj.(*canvas.Text); ok {
			b.WriteString(t.Text)
		}
	}
	return squash(b.String())
}

func wantShown(t *testing.T, o fyne.CanvasObject, what ...string) {
	t.Helper()
	got := shownText(o)
	for _, w := range what {
		if !strings.Contains(got, squash(w)) {
			t.Errorf("%q is not shown", w)
		}
	}
}

func TestCaptureListShowsCaptures(t *testing.T) {
	u, w := lockedUI(t, settings.Settings{})
	done := sealSynth(t, u.st, "사건A", synth{url: "https://news.example.org/a/1", title: "후보 비방 게시물", text: "본문", shot: testPNG(320, 900, 10)})
	part := sealSynth(t, u.st, "사건A", synth{url: "https://blog.example.net/p/2", title: "Partial page", text: "x", status: evidence.StatusPartial, reason: "timeout"})
	sealSynth(t, u.st, "사건A", synth{url: "https://cafe.example.com/3", title: "", text: "y", status: evidence.StatusFailed, reason: "net::ERR_CONNECTION_REFUSED"})
	sealSynth(t, u.st, "사건B", synth{url: "https://other.example.com/", title: "다른 사건", text: "z"})
	openCaseAndWait(u, "사건A")

	p := u.list
	if len(p.recs) != 3 {
		t.Fatalf("the list has %d captures, want the case's 3", len(p.recs))
	}
	wantShown(t, w.Content(), "후보 비방 게시물", "news.example.org", "Partial page", "blog.example.net",
		"https://cafe.example.com/3", "cafe.example.com", T("status.complete"), T("status.partial"), T("status.failed"),
		T("captures.count", map[string]any{"Count": "3"}))
	if strings.Contains(shownText(w.Content()), squash("다른 사건")) {
		t.Error("a capture of another case is listed")
	}
	// Newest first, and each status in its colour.
	if p.recs[0].URL != "https://cafe.example.com/3" {
		t.Errorf("first row is %s, want the newest", p.recs[0].URL)
	}
	for _, r := range p.rows {
		switch r.id {
		case done.ID:
			if r.status.Importance != widget.SuccessImportance {
				t.Error("complete is not shown as success")
			}
			if r.img.Image == nil {
				t.Error("the thumbnail of the capture with a screenshot was not loaded")
			} else if b := r.img.Image.Bounds(); b.Dx() > thumbWidth || b.Dy() > thumbWidth*3/4 {
				t.Errorf("thumbnail is %v, want at most %dx%d", b, thumbWidth, thumbWidth*3/4)
			}
		case part.ID:
			if r.status.Importance != widget.WarningImportance {
				t.Error("partial is not shown as a warning")
			}
		}
	}
	// Choosing captures for a report.
	for _, r := range p.rows {
		if r.id == part.ID {
			test.TapAt(r.check, fyne.NewPos(8, r.check.Size().Height/2))
		}
	}
	if got := p.selectedIDs(); len(got) != 1 || got[0] != part.ID {
		t.Errorf("chosen = %v, want the partial capture", got)
	}
	test.Tap(p.allCheck)
	if got := p.selectedIDs(); len(got) != 3 {
		t.Errorf("after select all, %d chosen, want 3", len(got))
	}
}

func TestCaptureSearchNarrowsList(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	a := sealSynth(t, u.st, "검색", synth{url: "https://news.example.org/a/1", title: "국회의원 후보 비방 게시물", text: "오늘의 소식"})
	b := sealSynth(t, u.st, "검색", synth{url: "https://blog.example.net/post/2", title: "Market news", text: "prices"})
	c := sealSynth(t, u.st, "검색", synth{url: "https://cafe.example.com/3", title: "지역 행사 안내", text: "이 글은 허위사실을 퍼뜨린다"})
	openCaseAndWait(u, "검색")
	p := u.list
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"비방", []string{a.ID}},           // a word of the title
		{"example.net", []string{b.ID}},  // part of the URL
		{"허위사실을", []string{c.ID}},        // a word of the text
		{"MARKET", []string{b.ID}},       // case does not matter
		{"없는단어", nil},                    // nothing
		{"", []string{c.ID, b.ID, a.ID}}, // cleared: everything, newest first
	} {
		p.search.SetText("")
		test.Type(p.search, tc.query)
		idle(&p.pending)
		var got []string
		for _, r := range p.recs {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("search %q: %v, want %v", tc.query, got, tc.want)
		}
		if tc.want == nil && p.empty.Text != T("captures.noMatch") {
			t.Errorf("search %q: empty message %q", tc.query, p.empty.Text)
		}
	}
	// A search that is typed over is not run: only the last one counts.
	p.search.SetText("")
	idle(&p.pending)
	p.search.SetText("비방")
	p.search.SetText("example.net")
	idle(&p.pending)
	if len(p.recs) != 1 || p.recs[0].ID != b.ID {
		t.Errorf("after typing over, the list shows %d captures", len(p.recs))
	}
	// refresh keeps the search.
	p.refresh()
	idle(&p.pending)
	if p.search.Text != "example.net" || len(p.recs) != 1 {
		t.Errorf("refresh lost the search: %q, %d rows", p.search.Text, len(p.recs))
	}
}

// The 1,000-capture case, sealed once per test binary in a data folder the tests and the
// benchmark open.
var (
	bigOnce   sync.Once
	bigDir    string
	bigErr    error
	bigTitles [2]string // newest, oldest
)

const bigCase = "대량"

func bigStore(tb testing.TB) *store.Store {
	tb.Helper()
	bigOnce.Do(func() {
		bigDir, bigErr = os.MkdirTemp(os.Getenv("HOME"), "big-store-")
		if bigErr != nil {
			return
		}
		st, err := store.Open(context.Background(), bigDir)
		if err != nil {
			bigErr = err
			return
		}
		defer st.Close()
		files := filepath.Join(bigDir, "work")
		if bigErr = os.Mkdir(files, 0o700); bigErr != nil {
			return
		}
		shot := testPNG(640, 1600, 7)
		var wg sync.WaitGroup
		work := make(chan int)
		errs := make([]error, 1000)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					_, errs[i] = sealSynthIn(st, files, bigCase, synth{url: fmt.Sprintf("https://news.example.org/article/%d", i),
						title: fmt.Sprintf("게시물 %04d 선거 관련", i), text: fmt.Sprintf("본문 %d", i), shot: shot})
				}
			}()
		}
		for i := range 1000 {
			work <- i
		}
		close(work)
		wg.Wait()
		if bigErr = errors.Join(errs...); bigErr != nil {
			return
		}
		recs, err := st.Captures(context.Background(), bigCase)
		if err != nil {
			bigErr = err
			return
		}
		bigTitles = [2]string{recs[0].Title, recs[len(recs)-1].Title}
	})
	if bigErr != nil {
		tb.Fatal(bigErr)
	}
	st, err := store.Open(context.Background(), bigDir)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// browseUI builds the main window over st (closed with the window).
func browseUI(tb testing.TB, st *store.Store) (*ui, fyne.Window) {
	tb.Helper()
	a := test.NewTempApp(tb)
	w := New(a, Options{Settings: settings.Settings{Operator: "홍길동", Lang: LangKorean, Chrome: chromePath},
		SettingsPath: filepath.Join(tb.TempDir(), "settings.json"), Store: st})
	v, _ := windows.Load(w)
	u := v.(*ui)
	onMainMu.Lock()
	tb.Cleanup(func() { settle(u); onMainMu.Unlock(); w.Close(); u.shutdown() })
	return u, w
}

func TestCaptureList1000(t *testing.T) {
	if testing.Short() {
		t.Skip("seals 1,000 captures")
	}
	u, w := browseUI(t, bigStore(t))
	start := time.Now()
	openCaseAndWait(u, bigCase)
	t.Logf("1,000 captures listed in %v", time.Since(start))
	p := u.list
	if len(p.recs) != 1000 {
		t.Fatalf("%d captures listed, want 1000", len(p.recs))
	}
	wantShown(t, w.Content(), bigTitles[0], T("captures.count", map[string]any{"Count": "1,000"}))
	if n := len(p.rows); n > 60 {
		t.Errorf("the list made %d rows for 1,000 captures: it is not virtualised", n)
	}
	p.list.ScrollToBottom()
	settle(u)
	got := shownText(w.Content())
	if !strings.Contains(got, squash(bigTitles[1])) {
		t.Errorf("after scrolling to the bottom, the oldest capture %q is not shown", bigTitles[1])
	}
	if strings.Contains(got, squash(bigTitles[0])) {
		t.Error("after scrolling to the bottom, the newest capture is still shown")
	}
	if n := len(p.rows); n > 60 {
		t.Errorf("scrolling made %d rows", n)
	}
	p.thumbs.mu.Lock()
	cached := p.thumbs.order.Len()
	p.thumbs.mu.Unlock()
	if cached == 0 || cached > thumbCacheSize {
		t.Errorf("%d thumbnails cached, want 1..%d", cached, thumbCacheSize)
	}
	// Searching the 1,000.
	test.Type(p.search, "0999")
	idle(&p.pending)
	// (The captures were sealed four at a time, so the newest is not necessarily number 999.)
	if len(p.recs) != 1 || p.recs[0].Title != "게시물 0999 선거 관련" {
		t.Errorf("search in 1,000 found %d: %v", len(p.recs), p.recs)
	}
}

// BenchmarkCaptureList1000 measures opening a case of 1,000 captures: loading the list and
// laying out the first screen (thumbnails included), and reports the Go heap afterwards.
func BenchmarkCaptureList1000(b *testing.B) {
	u, w := browseUI(b, bigStore(b))
	settle(u)
	b.ResetTimer()
	for range b.N {
		u.openCase("")
		settle(u)
		u.openCase(bigCase)
		settle(u)
		test.LaidOutObjects(w.Content())
	}
	b.StopTimer()
	if len(u.list.recs) != 1000 {
		b.Fatalf("%d listed", len(u.list.recs))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
}

// closeDetail closes d's window unless it was closed already.
func closeDetail(d *detailView) {
	if detailWindows[detailKey{d.u, d.id}] == d {
		d.w.Close()
	}
}

// detailOf opens the detail of id and waits until it is filled.
func detailOf(t *testing.T, u *ui, id string) *detailView {
	t.Helper()
	u.showDetail(id)
	d, ok := detailWindows[detailKey{u, id}]
	if !ok {
		t.Fatal("no detail window")
	}
	idle(&d.pending)
	t.Cleanup(func() { closeDetail(d) })
	return d
}

func TestDetailShowsFactsAndHashes(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	rec := sealSynth(t, u.st, "상세", synth{url: "https://news.example.org/a/1", title: "후보 비방 게시물", text: "본문",
		shot: testPNG(300, 5000, 3)})
	openCaseAndWait(u, "상세")
	u.list.list.Select(0) // tapping the row opens the detail
	d, ok := detailWindows[detailKey{u, rec.ID}]
	if !ok {
		t.Fatal("tapping the row did not open the detail")
	}
	idle(&d.pending)
	t.Cleanup(func() { closeDetail(d) })

	d.tabs.SelectIndex(0)
	wantShown(t, d.w.Content(), "후보 비방 게시물", rec.ID, "김철수", "예시 뉴스", "2025-03-01 09:30:00 (UTC+09:00)", T("detail.secPage"),
		"200 OK", "203.0.113.7:443", "h2", "TLS 1.3", "CN=Example CA", "news.example.org, *.example.org",
		"301 http://news.example.org/a/1", string(rec.ManifestSHA256), "홍길동", "조사1팀")
	d.tabs.SelectIndex(1)
	for _, a := range rec.Artifacts {
		wantShown(t, d.w.Content(), a.Name, string(a.SHA256))
	}
	a := rec.Artifacts[len(rec.Artifacts)-1]
	test.Tap(d.copyBtns[a.Name])
	if got := u.a.Clipboard().Content(); got != string(a.SHA256) {
		t.Errorf("clipboard = %q, want the SHA-256 of %s", got, a.Name)
	}
	if d.copyBtns[a.Name].Text != T("detail.copied") {
		t.Error("the copy button does not say it copied")
	}

	// The tall screenshot is scrolled, not squeezed: cut into parts, fitted to the width.
	v := d.viewer
	if len(v.parts) != 2 || v.sizes[0].Y != maxPart || v.sizes[1].Y != 5000-maxPart {
		t.Fatalf("the 5000 px page is in %d parts %v", len(v.parts), v.sizes)
	}
	fit := v.zoom
	if w := v.parts[0].MinSize().Width; w < v.scroll.Size().Width-1 || w > v.scroll.Size().Width+1 {
		t.Errorf("fitted image is %v wide, the viewer %v", w, v.scroll.Size().Width)
	}
	if h := v.parts[0].MinSize().Height + v.parts[1].MinSize().Height; h < 5000*fit-1 {
		t.Errorf("page shown %v high: squeezed", h)
	}
	test.Tap(v.buttons[1]) // 100%
	if v.zoom != 1 || v.parts[1].MinSize() != fyne.NewSize(300, 5000-maxPart) {
		t.Errorf("100%%: zoom %v, part %v", v.zoom, v.parts[1].MinSize())
	}
	test.Tap(v.buttons[3]) // zoom in
	if v.zoom <= 1 {
		t.Errorf("zoom in: %v", v.zoom)
	}
	test.Tap(v.buttons[2]) // zoom out
	test.Tap(v.buttons[2])
	if v.zoom >= 1 {
		t.Errorf("zoom out: %v", v.zoom)
	}
	test.Tap(v.buttons[0]) // fit width
	if v.zoom != fit {
		t.Errorf("fit width: %v, want %v", v.zoom, fit)
	}

	// Save copies: the artifacts with their plain names, checked, and a custody record.
	out := t.TempDir()
	d.exportTo(out)
	idle(&d.pending)
	dir := filepath.Join(out, "상세-"+rec.ID)
	for _, a := range rec.Artifacts {
		b, err := os.ReadFile(filepath.Join(dir, a.Name))
		if err != nil {
			t.Fatal(err)
		}
		if evidence.SumBytes(b) != a.SHA256 {
			t.Errorf("copy of %s does not match its SHA-256", a.Name)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err != nil || evidence.SumBytes(b) != rec.ManifestSHA256 {
		t.Errorf("manifest copy: %v", err)
	}
	if !hasAction(t, u.st, rec.ID, store.ActionExported) {
		t.Error("the custody log does not record the copies")
	}
}

func TestDetailTilesInPageOrder(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	// Tile names run backwards (tile-3 is the top): the page order comes from the manifest.
	rec := sealSynth(t, u.st, "조각", synth{url: "https://long.example.org/", title: "긴 페이지", text: "t",
		tiles: [][]byte{testPNG(200, 100, 1), testPNG(200, 200, 2), testPNG(200, 300, 3)}})
	d := detailOf(t, u, rec.ID)
	var heights []int
	for _, s := range d.viewer.sizes {
		heights = append(heights, s.Y)
	}
	if fmt.Sprint(heights) != "[100 200 300]" {
		t.Errorf("tiles shown with heights %v, want page order [100 200 300]", heights)
	}
}

func hasAction(t *testing.T, st *store.Store, id, action string) bool {
	t.Helper()
	events, err := st.Custody(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Action == action {
			return true
		}
	}
	return false
}

func TestDetailAddNoteWithTags(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	rec := sealSynth(t, u.st, "메모", synth{url: "https://news.example.org/n", title: "메모할 글", text: "t"})
	d := detailOf(t, u, rec.ID)
	d.tabs.SelectIndex(3)

	test.Tap(d.addNote) // nothing typed
	idle(&d.pending)
	if !d.noteMsg.Visible() || d.noteMsg.Text != T("detail.noteEmpty") {
		t.Errorf("an empty note gives %q", d.noteMsg.Text)
	}
	if hasAction(t, u.st, rec.ID, store.ActionAnnotated) {
		t.Fatal("an empty note was recorded")
	}

	test.Type(d.noteEntry, "작성자 확인 필요")
	test.Type(d.tagEntry, "허위사실, #비방, 허위사실")
	test.Tap(d.addNote)
	idle(&d.pending)
	if d.noteEntry.Text != "" || d.tagEntry.Text != "" {
		t.Error("the note form was not cleared")
	}
	wantShown(t, d.w.Content(), "작성자 확인 필요", "#허위사실 #비방")
	events, err := u.st.Custody(context.Background(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	notes := workflow.Annotations(events)
	if len(notes) != 1 || notes[0].Note != "작성자 확인 필요" || fmt.Sprint(notes[0].Tags) != "[허위사실 비방]" || notes[0].Actor != "홍길동" {
		t.Errorf("custody annotations = %+v", notes)
	}
	d.tabs.SelectIndex(2)
	wantShown(t, d.w.Content(), T("action.annotated"))
	// The sealed capture is unchanged.
	after, err := u.st.Capture(context.Background(), rec.ID)
	if err != nil || after.ManifestSHA256 != rec.ManifestSHA256 {
		t.Errorf("the sealed capture changed: %v", err)
	}
}

// topOverlay is the dialog shown last on w.
func topOverlay(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	o := w.Canvas().Overlays().Top()
	if o == nil {
		t.Fatal("no dialog shown")
	}
	return o
}

func TestDetailVerifyIntactThenTampered(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	rec := sealSynth(t, u.st, "검증", synth{url: "https://news.example.org/v", title: "검증할 글", text: "t", shot: testPNG(200, 300, 9)})
	d := detailOf(t, u, rec.ID)

	test.Tap(d.verify)
	idle(&d.pending)
	wantShown(t, topOverlay(t, d.w), T("verify.intact"))
	if !hasAction(t, u.st, rec.ID, store.ActionVerified) {
		t.Error("the check is not in the custody log")
	}

	var shot store.StoredArtifact
	for _, a := range rec.Artifacts {
		if a.Name == "screenshot.png" {
			shot = a
		}
	}
	if err := os.Chmod(shot.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(shot.Path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(shot.Path, b, 0o444); err != nil {
		t.Fatal(err)
	}
	test.Tap(d.verify)
	idle(&d.pending)
	o := topOverlay(t, d.w)
	wantShown(t, o, T("verify.damaged", map[string]any{"Count": "1"}), T("verify.digest"), "screenshot.png")
	if strings.Contains(shownText(o), squash(T("verify.intact"))) {
		t.Error("a tampered capture is called intact")
	}
}

func TestVerifyCaseShowsCounts(t *testing.T) {
	u, w := lockedUI(t, settings.Settings{})
	sealSynth(t, u.st, "사건검증", synth{url: "https://a.example.org/", title: "가", text: "t"})
	sealSynth(t, u.st, "사건검증", synth{url: "https://b.example.org/", title: "나", text: "t"})
	openCaseAndWait(u, "사건검증")
	u.verifyCase()
	settle(u)
	wantShown(t, topOverlay(t, w), T("verify.intact"))
	// 2 captures of 2 files each; the log: the case, then each capture started and sealed.
	wantShown(t, topOverlay(t, w), T("verify.checked", map[string]any{"Captures": "2", "Files": "4", "Events": "5"}))
}

// makeIdentity installs a signing identity in u's data folder, sealed with pass.
func makeIdentity(t *testing.T, u *ui, pass string) {
	t.Helper()
	id, err := identity.Create(identity.CreateOptions{Name: "홍길동", Org: "선거관리위원회"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := identity.Seal(id, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	if err := identity.Save(identity.DefaultPath(u.st.Dir()), f); err != nil {
		t.Fatal(err)
	}
}

func TestReportDialogMakesSignedReport(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{Unit: "조사1팀", Lang: LangKorean})
	makeIdentity(t, u, "correct horse battery")
	a := sealSynth(t, u.st, "보고", synth{url: "https://news.example.org/r1", title: "보고할 글", text: "t", shot: testPNG(300, 600, 5)})
	sealSynth(t, u.st, "보고", synth{url: "https://news.example.org/r2", title: "다른 글", text: "t"})
	openCaseAndWait(u, "보고")

	r := newReportDialog(u, []string{a.ID})
	r.show()
	idle(&r.pending)
	if got := r.chosenIDs(); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("chosen %v, want the capture asked for", got)
	}
	if !r.sign.Checked || r.sign.Disabled() || r.pass.Disabled() {
		t.Fatal("signing is not offered though an identity exists")
	}
	wantShown(t, r.signer, "홍길동 (선거관리위원회)")
	if !strings.HasPrefix(r.name.Text, "보고-보고서-") {
		t.Errorf("default file name %q", r.name.Text)
	}
	r.folder = t.TempDir()
	test.Type(r.pass, "correct horse battery")
	test.Tap(r.create)
	idle(&r.pending)
	if r.result == nil {
		t.Fatalf("no report: %s", r.message.Text)
	}
	if r.pass.Text != "" {
		t.Error("the passphrase stays in the dialog")
	}
	path := filepath.Join(r.folder, r.name.Text)
	if r.result.Path != path || !r.result.Signed {
		t.Errorf("result %+v", r.result)
	}
	check, err := workflow.VerifyReport(context.Background(), u.st, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := check.Err(); err != nil {
		t.Errorf("the report does not verify: %v", err)
	}
	if len(check.Recorded) != 1 {
		t.Errorf("the custody log records the report %d times", len(check.Recorded))
	}
	if !hasAction(t, u.st, a.ID, store.ActionReported) {
		t.Error("no \"reported\" custody event")
	}
	wantShown(t, topOverlay(t, u.w), r.result.ReportID, string(r.result.SHA256), "홍길동")
}

func TestReportDialogWrongPassphrase(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	makeIdentity(t, u, "correct horse battery")
	sealSynth(t, u.st, "보고", synth{url: "https://news.example.org/r1", title: "보고할 글", text: "t"})
	openCaseAndWait(u, "보고")
	r := newReportDialog(u, nil)
	r.show()
	idle(&r.pending)
	if len(r.chosenIDs()) != 1 {
		t.Fatalf("with nothing chosen, all the case's captures should be: %v", r.chosenIDs())
	}
	r.folder = t.TempDir()

	test.Tap(r.create) // no passphrase
	if r.message.Text != T("reportdlg.needPassphrase") {
		t.Errorf("without passphrase: %q", r.message.Text)
	}
	test.Type(r.pass, "not the passphrase")
	test.Tap(r.create)
	idle(&r.pending)
	if r.result != nil {
		t.Fatal("a report was made with a wrong passphrase")
	}
	if r.message.Text != T("friendly.wrongPassphrase") || !r.message.Visible() {
		t.Errorf("wrong passphrase says %q", r.message.Text)
	}
	if r.create.Disabled() {
		t.Error("the form stays disabled after the error")
	}
	if entries, _ := os.ReadDir(r.folder); len(entries) != 0 {
		t.Errorf("files were left: %v", entries)
	}
	if hasAction(t, u.st, r.recs[0].ID, store.ActionReported) {
		t.Error("a report was recorded")
	}
}

func TestDetailGolden(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{Lang: LangKorean})
	real := sealSynth(t, u.st, "2025-선거-001", synth{url: "https://news.example.org/politics/12345",
		title: "○○시 후보자 관련 허위사실 게시물", text: "본문", shot: testPNG(640, 1400, 40)})
	rec, err := u.st.Capture(context.Background(), real.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Fix what changes from run to run: the ID, the times, the manifest (which holds the ID).
	at := time.Date(2025, 3, 1, 5, 4, 3, 0, time.UTC)
	rec.ID = "01954f3a-0000-7000-8000-000000000001"
	rec.StartedAt, rec.FinishedAt = at, at.Add(12*time.Second)
	rec.Manifest.CaptureID = rec.ID
	rec.ManifestSHA256 = evidence.SumBytes([]byte("golden manifest"))
	events := []store.Event{
		{Seq: 7, At: at, Actor: "홍길동", Action: store.ActionCaptureStarted, CaptureID: rec.ID,
			Details: map[string]string{"url": rec.URL, "operator": "홍길동"}},
		{Seq: 8, At: at.Add(12 * time.Second), Actor: "홍길동", Action: store.ActionCaptureSealed, CaptureID: rec.ID,
			Details: map[string]string{"status": "complete", "artifacts": "3", "manifest_sha256": string(rec.ManifestSHA256)}},
		{Seq: 9, At: at.Add(time.Hour), Actor: "홍길동", Action: store.ActionAnnotated, CaptureID: rec.ID,
			Details: map[string]string{"note": "게시자 신원 확인 필요", "tags": "허위사실,비방"}},
	}
	d := newDetailView(u, rec.ID)
	t.Cleanup(func() { closeDetail(d) })
	d.w.Resize(fyne.NewSize(1100, 780))
	d.show(rec, events)
	idle(&d.pending)
	test.AssertRendersToMarkup(t, "detail_ko.xml", d.w.Canvas())
	test.AssertRendersToImage(t, "detail_ko.png", d.w.Canvas())
	d.tabs.SelectIndex(1)
	test.AssertRendersToImage(t, "detail_files_ko.png", d.w.Canvas())
}

// TestReportDialogChoosesAnEarlierIdentity: when the identity was replaced, the earlier one
// (kept beside it) can still be chosen to sign with.
func TestReportDialogChoosesAnEarlierIdentity(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{Lang: LangKorean})
	install := func(name, pass string, replace bool) {
		id, err := identity.Create(identity.CreateOptions{Name: name, Org: "선거관리위원회"})
		if err != nil {
			t.Fatal(err)
		}
		f, err := identity.Seal(id, []byte(pass))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := identity.Install(identity.DefaultPath(u.st.Dir()), f, replace, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	install("이전수사관", "earlier passphrase", false)
	install("현재수사관", "current passphrase", true)
	a := sealSynth(t, u.st, "신원", synth{url: "https://news.example.org/id", title: "글", text: "t"})
	openCaseAndWait(u, "신원")

	r := newReportDialog(u, []string{a.ID})
	r.show()
	idle(&r.pending)
	if r.idSelect.Hidden || len(r.idSelect.Options) != 2 {
		t.Fatalf("identity choice: hidden %v, options %q", r.idSelect.Hidden, r.idSelect.Options)
	}
	wantShown(t, r.signer, "현재수사관")
	r.idSelect.SetSelectedIndex(1)
	wantShown(t, r.signer, "이전수사관")
	r.folder = t.TempDir()
	test.Type(r.pass, "earlier passphrase")
	test.Tap(r.create)
	idle(&r.pending)
	if r.result == nil {
		t.Fatalf("no report: %s", r.message.Text)
	}
	check, err := workflow.VerifyReport(context.Background(), u.st, r.result.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := check.Signature.Signatures; len(s) != 1 || s[0].Signer.Subject.CommonName != "이전수사관" {
		t.Errorf("signed by %+v", s)
	}
}

func TestExportDialogMakesBundle(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{Unit: "조사1팀", Lang: LangKorean})
	makeIdentity(t, u, "correct horse battery")
	a := sealSynth(t, u.st, "내보내기", synth{url: "https://news.example.org/e1", title: "넘길 글", text: "본문", shot: testPNG(300, 600, 5)})
	sealSynth(t, u.st, "내보내기", synth{url: "https://news.example.org/e2", title: "다른 글", text: "t"})
	openCaseAndWait(u, "내보내기")

	r := newExportDialog(u, nil)
	r.show()
	idle(&r.pending)
	if len(r.chosenIDs()) != 2 {
		t.Fatalf("chosen %v, want the whole case", r.chosenIDs())
	}
	if !r.sign.Checked || !r.sign.Disabled() || r.pass.Disabled() {
		t.Fatal("a bundle is always signed: the box is checked and fixed, the passphrase asked")
	}
	if !strings.HasPrefix(r.name.Text, "내보내기-증거묶음-") || !strings.HasSuffix(r.name.Text, ".zip") {
		t.Errorf("default file name %q", r.name.Text)
	}
	r.folder = t.TempDir()
	test.Tap(r.create) // no passphrase
	if r.message.Text != T("reportdlg.needPassphrase") {
		t.Errorf("without passphrase: %q", r.message.Text)
	}
	test.Type(r.recipient, "○○경찰서 김수사")
	test.Type(r.pass, "correct horse battery")
	test.Tap(r.create)
	idle(&r.pending)
	if r.exportResult == nil {
		t.Fatalf("no bundle: %s", r.message.Text)
	}
	if r.pass.Text != "" {
		t.Error("the passphrase stays in the dialog")
	}
	res := r.exportResult
	path := filepath.Join(r.folder, r.name.Text)
	if res.Path != path || len(res.Captures) != 2 || len(res.Reports) != 1 {
		t.Errorf("result %+v", res)
	}
	chk, err := workflow.VerifyBundle(context.Background(), u.st, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK() || len(chk.Recorded) != 2 {
		t.Errorf("the bundle does not verify: %v (recorded %d)", chk.Problems, len(chk.Recorded))
	}
	events, _ := u.st.Custody(context.Background(), a.ID)
	found := false
	for _, e := range events {
		found = found || (e.Action == store.ActionExported && e.Details["recipient"] == "○○경찰서 김수사" && e.Details["unit"] == "조사1팀")
	}
	if !found {
		t.Errorf("no handover event with the recipient: %+v", events)
	}
	wantShown(t, topOverlay(t, u.w), res.BundleID, string(res.SHA256), bundle.Fingerprint(string(res.SignerCertSHA256)), "홍길동")
}

func TestExportDialogNeedsIdentity(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{Lang: LangKorean})
	sealSynth(t, u.st, "내보내기", synth{url: "https://news.example.org/e1", title: "넘길 글", text: "t"})
	openCaseAndWait(u, "내보내기")
	r := newExportDialog(u, nil)
	r.show()
	idle(&r.pending)
	if !r.create.Disabled() || r.message.Text != T("exportdlg.needIdentity") {
		t.Errorf("without an identity: create enabled=%v, message %q", !r.create.Disabled(), r.message.Text)
	}
}
