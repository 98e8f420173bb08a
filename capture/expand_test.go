package capture

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"evidentia/evidence"
)

// keepRun is a CaptureOption that hands the test the capture's state.
func keepRun(p **run) CaptureOption { return func(r *run) { *p = r } }

// checkNoTrapClicked fails for every trap (and its endpoint) the server saw hit.
func checkNoTrapClicked(t *testing.T, s *expandSite) {
	t.Helper()
	for _, tr := range traps {
		if n := s.count(tr.name); n != 0 {
			t.Errorf("trap %s was clicked %d times", tr.name, n)
		}
		if tr.endpoint != "" && s.count(tr.endpoint) != 0 {
			t.Errorf("endpoint %s of trap %s was reached", tr.endpoint, tr.name)
		}
	}
}

// TestExpandCboxOpensAllCommentsAndReplies: a Naver-style cbox list of 100 comments shown 20
// at a time behind "더보기", with 5 threads of 3 replies behind "답글 3", is opened in full:
// text.txt holds every comment and every reply, and each click is recorded with what it
// revealed. Vote, report and writing controls are never used.
func TestExpandCboxOpensAllCommentsAndReplies(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	before := map[string]int{"vote-cbox": s.count("vote-cbox"), "report-cbox": s.count("report-cbox"), "write-cbox": s.count("write-cbox")}
	res, files := captureURL(t, s.srv.URL+"/cbox")
	exp := res.Facts.Method.Expansion
	if exp == nil {
		t.Fatal("no expansion recorded")
	}
	text := string(files["text.txt"])
	var missing []string
	for i := 1; i <= 100; i++ {
		if !strings.Contains(text, cboxCommentText(i)) {
			missing = append(missing, fmt.Sprintf("c%03d", i))
		}
		if cboxThreads[i] {
			for j := 1; j <= 3; j++ {
				if !strings.Contains(text, cboxReplyText(i, j)) {
					missing = append(missing, fmt.Sprintf("r%03d-%d", i, j))
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("text.txt lacks %d comments/replies: %v", len(missing), missing)
	}
	var more, reply int
	for _, c := range exp.Clicks {
		if c.AddedChars <= 0 || c.AtMS <= 0 || c.Where == "" {
			t.Errorf("click %q at %q: added %d chars at %d ms", c.Label, c.Where, c.AddedChars, c.AtMS)
		}
		switch {
		case c.Label == "더보기" && strings.Contains(c.Where, "u_cbox_btn_more"):
			more++
		case strings.HasPrefix(c.Label, "답글") && strings.Contains(c.Where, "u_cbox_btn_reply"):
			reply++
			if c.Requests < 1 {
				t.Errorf("reply click %q made no request", c.Label)
			}
		}
	}
	if more != 4 || reply != 5 || len(exp.Clicks) != 9 {
		t.Errorf("clicks: %d 더보기, %d 답글, %d in all; want 4, 5, 9: %+v", more, reply, len(exp.Clicks), exp.Clicks)
	}
	if exp.Stopped != "" || exp.Rounds < 2 {
		t.Errorf("stopped %q after %d rounds", exp.Stopped, exp.Rounds)
	}
	if exp.Refused["no_replies"] != 95 {
		t.Errorf("refused %v: want the 95 reply buttons with no replies", exp.Refused)
	}
	t.Logf("%d clicks in %d rounds, refused %v", len(exp.Clicks), exp.Rounds, exp.Refused)
	checkNoTrapClicked(t, s)
	for k, n := range before {
		if s.count(k) != n {
			t.Errorf("cbox %s was used", k)
		}
	}
}

// TestExpandRefusals: every control that would vote, report, delete, like, share, submit a
// form, log in or out, open a writing box, leave the page, open a window or download is left
// alone and counted under its own reason, on a page whose comment pages are followed too.
func TestExpandRefusals(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	res, _ := captureURL(t, s.srv.URL+"/board")
	exp := res.Facts.Method.Expansion
	if exp == nil {
		t.Fatal("no expansion recorded")
	}
	for _, tr := range traps {
		t.Run(tr.name, func(t *testing.T) {
			if n := s.count(tr.name); n != 0 {
				t.Errorf("clicked %d times", n)
			}
			if tr.endpoint != "" && s.count(tr.endpoint) != 0 {
				t.Errorf("its endpoint %s was reached", tr.endpoint)
			}
			if exp.Refused[tr.reason] != 1 {
				t.Errorf("refused %v: want %s once", exp.Refused, tr.reason)
			}
		})
	}
	if len(exp.Clicks) != 0 {
		t.Errorf("clicked %+v on a page with nothing to expand", exp.Clicks)
	}
}

// TestExpandVocabulary: the Korean and English labels readers open are clicked, counts and
// all; "답글 0", "답글쓰기" and "답글 달기" (they open only a writing box) are not.
func TestExpandVocabulary(t *testing.T) {
	needBrowser(t)
	open := []string{"더보기", "댓글 더보기 (25)", "+ 더보기", "이전 댓글 보기", "답글 3", "답글 보기", "펼치기", "전체 댓글",
		"Show more", "View replies", "Load more comments", "See more", "View 3 replies", "Show 12 more comments", "Replies 114"}
	closed := map[string]string{"답글 0": "no_replies", "답글쓰기": "forbidden_word:답글쓰기", "답글 달기": "forbidden_word:달기",
		"View more posts to write": "forbidden_word:write"}
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="ko"><head><title>어휘</title></head><body><div id="out"></div>`)
	for i, l := range open {
		fmt.Fprintf(&b, `<p><span style="cursor:pointer" data-k="%d">%s</span></p>`, i, l)
	}
	for l := range closed {
		fmt.Fprintf(&b, `<p><a href="#" class="btn_more bad">%s</a></p>`, l)
	}
	b.WriteString(`<script>
let bad = 0;
document.addEventListener('click', e => {
  const s = e.target.closest('[data-k]');
  if (s) { const p = document.createElement('p'); p.textContent = 'revealed number ' + s.dataset.k; document.getElementById('out').appendChild(p); s.style.display = 'none'; return; }
  if (e.target.closest('.bad')) { e.preventDefault(); fetch('/bad'); }
});
</script></body></html>`)
	var badHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/vocab", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, b.String())
	})
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) { badHits.Add(1) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	res, files := captureURL(t, srv.URL+"/vocab")
	exp := res.Facts.Method.Expansion
	if exp == nil {
		t.Fatal("no expansion recorded")
	}
	var got []string
	for _, c := range exp.Clicks {
		got = append(got, c.Label)
	}
	for i, l := range open {
		if !slices.Contains(got, l) {
			t.Errorf("%q was not clicked", l)
		}
		if !strings.Contains(string(files["text.txt"]), fmt.Sprintf("revealed number %d\n", i)) {
			t.Errorf("what %q revealed is not in text.txt", l)
		}
	}
	for l, reason := range closed {
		if slices.Contains(got, l) {
			t.Errorf("%q was clicked", l)
		}
		if exp.Refused[reason] < 1 {
			t.Errorf("%q: refused %v, want %s", l, exp.Refused, reason)
		}
	}
	if n := badHits.Load(); n != 0 {
		t.Errorf("refused controls were clicked %d times", n)
	}
}

// TestCommentPagesKeptInOrder: comments in numbered pages that replace each other (loaded by
// POST, as DC Inside's are) are each kept: a screenshot, the DOM, a text.txt section and a
// CommentPage, in order. The board's own article-list pages are not followed.
func TestCommentPagesKeptInOrder(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	posts := s.count("comments-post")
	res, files := captureURL(t, s.srv.URL+"/board")
	cps := res.Facts.Method.CommentPages
	if len(cps) != 2 || cps[0].Page != 2 || cps[1].Page != 3 || cps[0].Label != "2" || cps[1].Label != "3" {
		t.Fatalf("comment pages %+v, want pages 2 and 3", cps)
	}
	if s.count("comments-post")-posts != 2 {
		t.Errorf("%d POSTs for comment pages, want 2", s.count("comments-post")-posts)
	}
	var shots []image.Image
	for _, cp := range cps {
		name := fmt.Sprintf("comments-page-%02d.png", cp.Page)
		if cp.Screenshot != name || cp.DOM != fmt.Sprintf("comments-page-%02d.html", cp.Page) || cp.TextChars == 0 {
			t.Errorf("page %d: %+v", cp.Page, cp)
		}
		img, err := png.Decode(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if img.Bounds().Dy() <= 0 || img.Bounds().Dx() <= 0 {
			t.Errorf("%s is %v", name, img.Bounds())
		}
		shots = append(shots, img)
		dom := string(files[cp.DOM])
		if !strings.Contains(dom, boardCommentText(cp.Page, 1)) || strings.Contains(dom, boardCommentText(1, 1)) {
			t.Errorf("%s does not hold page %d alone", cp.DOM, cp.Page)
		}
	}
	if !differ(shots[0], shots[1]) {
		t.Error("the screenshots of pages 2 and 3 are the same")
	}
	for _, f := range res.Files {
		if strings.HasPrefix(f.Name, "comments-page-") && f.Role != evidence.RoleCommentPage {
			t.Errorf("%s has role %s", f.Name, f.Role)
		}
	}
	text := string(files["text.txt"])
	i2, i3 := strings.Index(text, "=== comments page 2"), strings.Index(text, "=== comments page 3")
	if i2 < 0 || i3 < i2 {
		t.Fatalf("text.txt sections at %d, %d", i2, i3)
	}
	if p1 := strings.Index(text, boardCommentText(1, 10)); p1 < 0 || p1 > i2 {
		t.Error("page 1's comments are not in the main text")
	}
	for i := 1; i <= 10; i++ {
		if k := strings.Index(text, boardCommentText(2, i)); k < i2 || k > i3 {
			t.Errorf("comment %d of page 2 is not in its section", i)
		}
		if k := strings.Index(text, boardCommentText(3, i)); k < i3 {
			t.Errorf("comment %d of page 3 is not in its section", i)
		}
	}
}

// TestCommentPagesInsideFrames: the numbered comment pages of a board inside iframe#mainFrame
// (same origin) and inside a cross-origin frame are each followed and kept, named after their
// frame's DOM artifact; each screenshot shows its own page (the comment box's colour, sampled)
// and each DOM, text section and posting-record comment names its frame.
func TestCommentPagesInsideFrames(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	posts := s.count("comments-post")
	base := "http://blog.test" + port(s.srv)
	res, files := captureURL(t, base+"/board-framed")
	frames := map[string]string{} // frame URL -> DOM artifact
	for _, f := range res.Facts.Method.Frames {
		frames[f.URL] = f.Artifact
	}
	same, cross := base+"/board", "http://other.test"+port(s.other)+"/board"
	if frames[same] == "" || frames[cross] == "" {
		t.Fatalf("frames %+v", res.Facts.Method.Frames)
	}
	cps := res.Facts.Method.CommentPages
	if len(cps) != 4 {
		t.Fatalf("comment pages %+v, want pages 2 and 3 of each frame", cps)
	}
	if n := s.count("comments-post") - posts; n != 4 {
		t.Errorf("%d POSTs for comment pages, want 4", n)
	}
	want := map[int][3]uint8{2: {0xe8, 0xf0, 0xff}, 3: {0xff, 0xf0, 0xe0}}
	text := string(files["text.txt"])
	for i, cp := range cps {
		frame := []string{same, same, cross, cross}[i]
		page := 2 + i%2
		prefix := strings.TrimSuffix(strings.TrimPrefix(frames[frame], "dom-"), ".html") + "-comments-page-"
		if cp.Frame != frame || cp.Page != page || cp.Screenshot != fmt.Sprintf("%s%02d.png", prefix, page) || cp.DOM != fmt.Sprintf("%s%02d.html", prefix, page) {
			t.Errorf("comment page %d: %+v (frame DOM %s)", i, cp, frames[frame])
			continue
		}
		img, err := png.Decode(bytes.NewReader(files[cp.Screenshot]))
		if err != nil {
			t.Fatalf("%s: %v", cp.Screenshot, err)
		}
		// The area: the comment count on white, then the comment box in the page's colour down
		// to its pager; sampled at its right edge, where no text is.
		b := img.Bounds()
		x := b.Max.X - 10
		for _, probe := range []struct {
			y   int
			rgb [3]uint8
		}{{b.Min.Y + 10, [3]uint8{0xff, 0xff, 0xff}}, {b.Min.Y + b.Dy()/2, want[page]}, {b.Min.Y + b.Dy()*9/10, want[page]}} {
			if got := rgbAt(img, x, probe.y); got != probe.rgb {
				t.Errorf("%s (%v): pixel (%d,%d) is %v, want %v", cp.Screenshot, b, x, probe.y, got, probe.rgb)
			}
		}
		dom := string(files[cp.DOM])
		if !strings.Contains(dom, boardCommentText(page, 1)) || strings.Contains(dom, boardCommentText(1, 1)) {
			t.Errorf("%s does not hold page %d alone", cp.DOM, page)
		}
		heading := fmt.Sprintf("=== comments page %d (page %d) in frame: %s", page, page, frame)
		if k := strings.Index(text, heading); k < 0 || !strings.Contains(text[k:], boardCommentText(page, 10)) {
			t.Errorf("text.txt has no section %q with the page's comments", heading)
		}
	}
	var post evidence.Posting
	if err := json.Unmarshal(files["posting.json"], &post); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, c := range post.Comments {
		for p := 1; p <= 3; p++ {
			if c.Text == boardCommentText(p, 5) && (c.Frame == same || c.Frame == cross) {
				seen[p] = true
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("posting.json has comment 5 of pages %v from the frames, want 1, 2 and 3", seen)
	}
}

// rgbAt returns the colour of img at (x, y), 8 bits a channel.
func rgbAt(img image.Image, x, y int) [3]uint8 {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// differ reports whether two images differ in size or in any sampled pixel.
func differ(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return true
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 3 {
		for x := r.Min.X; x < r.Max.X; x += 3 {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				return true
			}
		}
	}
	return false
}

// TestCommentPagesNavigating: comment pages whose links load another document (?cpage=N) are
// each opened in a tab of their own, with the post as the Referer, and kept as the in-place
// pages are: a screenshot of the comment area, the DOM, a text.txt section, a CommentPage that
// names the page's address, the comments in the posting record and the responses in the
// WARC. A page known only from another page's pager is followed too. The captured page
// stays where it was: nothing navigated it.
func TestCommentPagesNavigating(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	pages, refs := s.count("nav-page/board-nav"), s.count("nav-referer/board-nav")
	var r *run
	res, files := captureURL(t, s.srv.URL+"/board-nav", keepRun(&r))
	cps := res.Facts.Method.CommentPages
	if len(cps) != 2 || cps[0].Label != "2" || cps[1].Label != "3" {
		t.Fatalf("comment pages %+v, want pages 2 and 3", cps)
	}
	if got := s.count("nav-page/board-nav") - pages; got != 2 {
		t.Errorf("%d comment pages requested, want 2", got)
	}
	if got := s.count("nav-referer/board-nav") - refs; got != 2 {
		t.Errorf("%d comment page requests carried the post as the Referer, want 2", got)
	}
	if r.expandLimit != "" || hasReason(res.Facts.Completeness, evidence.ReasonExpansionLimit) {
		t.Errorf("expand limit %q, verdict %+v", r.expandLimit, res.Facts.Completeness)
	}
	if !strings.HasSuffix(res.Facts.FinalURL, "/board-nav") || hasEvent(res, evidence.EventNavigation, "") {
		t.Errorf("the captured page moved: final URL %s", res.Facts.FinalURL)
	}
	var shots []image.Image
	for i, cp := range cps {
		n := i + 2
		if !strings.HasSuffix(cp.URL, fmt.Sprintf("/board-nav?cpage=%d", n)) || cp.Page != n ||
			cp.Screenshot != fmt.Sprintf("comments-page-%02d.png", n) || cp.DOM != fmt.Sprintf("comments-page-%02d.html", n) || cp.TextChars == 0 {
			t.Errorf("page %d: %+v", n, cp)
			continue
		}
		img, err := png.Decode(bytes.NewReader(files[cp.Screenshot]))
		if err != nil {
			t.Fatalf("%s: %v", cp.Screenshot, err)
		}
		if b := img.Bounds(); b.Dy() < 10*20 || b.Dy() > 2000 {
			t.Errorf("%s is %v: not the comment area of ten comments", cp.Screenshot, b)
		}
		shots = append(shots, img)
		if dom := string(files[cp.DOM]); !strings.Contains(dom, boardCommentText(n, 1)) || strings.Contains(dom, boardCommentText(1, 1)) {
			t.Errorf("%s does not hold page %d alone", cp.DOM, n)
		}
	}
	if len(shots) == 2 && !differ(shots[0], shots[1]) {
		t.Error("the screenshots of pages 2 and 3 are the same")
	}
	text := string(files["text.txt"])
	if i3 := strings.Index(text, "=== comments page 3"); i3 < 0 || strings.Index(text, boardCommentText(3, 10)) < i3 {
		t.Error("page 3's comments are not in their text.txt section")
	}
	p := sitePosting(t, files)
	seen := map[string]bool{}
	for _, c := range p.Comments {
		seen[c.Text] = true
	}
	for pg := 1; pg <= 3; pg++ {
		for i := 1; i <= 10; i++ {
			if !seen[boardCommentText(pg, i)] {
				t.Errorf("comment %d of page %d is not in the posting record", i, pg)
			}
		}
	}
	warc := map[string]bool{}
	for _, rec := range warcRecords(t, files) {
		if rec.Type == "response" && rec.Status == 200 {
			warc[rec.TargetURI] = true
		}
	}
	for n := 2; n <= 3; n++ {
		if u := fmt.Sprintf("%s/board-nav?cpage=%d", s.srv.URL, n); !warc[u] {
			t.Errorf("the WARC has no response for %s", u)
		}
	}
}

// TestCommentPagesNavigatingStops: only the post's own comment pages are kept. A page that is
// a login wall, a link to another host, a link to another post, and a site that ignores the
// page number each stop the following there (or skip that page), say why in a note, and are
// an expansion limit; a page that navigates itself away once loaded is held where it was.
func TestCommentPagesNavigatingStops(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	for _, tc := range []struct {
		path  string
		pages []string // the labels of the pages recorded
		limit string   // the expansion limit, "" for none
		note  string   // in a note, or for "/board-nav-jsnav" in a navigation event
	}{
		{"/board-nav-wall", []string{"2"}, "comment_pages_navigate", "comment page 3 (" + s.srv.URL + "/board-nav-wall?cpage=3) was not recorded: it showed no numbered comment area"},
		{"/board-nav-foreign", nil, "comment_pages_navigate", "the links to comment page(s) 2 lead to another site; those pages were not followed"},
		{"/board-nav-mixed", []string{"2"}, "comment_pages_navigate", "the links to comment page(s) 3 lead to another site"},
		{"/board-nav-other", nil, "comment_pages_navigate", `it is another document: its title is "다른 사람의 게시물", the post's "게시물"`},
		{"/board-nav-liar", nil, "comment_pages_navigate", "showed the same comments as page 1"},
		{"/board-nav-jsnav", []string{"2", "3"}, "", "tried to navigate away once it had loaded; the navigation was blocked"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			var r *run
			res, files := captureURL(t, s.srv.URL+tc.path, keepRun(&r))
			var got []string
			for _, cp := range res.Facts.Method.CommentPages {
				got = append(got, cp.Label)
			}
			if !slices.Equal(got, tc.pages) {
				t.Errorf("comment pages %v, want %v; events %+v", got, tc.pages, res.Facts.Method.Events)
			}
			if r.expandLimit != tc.limit {
				t.Errorf("expand limit %q, want %q", r.expandLimit, tc.limit)
			}
			kind := evidence.EventNote
			if tc.path == "/board-nav-jsnav" {
				kind = evidence.EventNavigation
			}
			if !hasEvent(res, kind, tc.note) {
				t.Errorf("no event says %q: %+v", tc.note, res.Facts.Method.Events)
			}
			v := res.Facts.Completeness
			if tc.limit != "" && (v == nil || v.Verdict == evidence.VerdictComplete || !hasReason(v, evidence.ReasonExpansionLimit)) {
				t.Errorf("verdict %+v", v)
			}
			for _, rec := range warcRecords(t, files) {
				if strings.Contains(rec.TargetURI, "other.test") {
					t.Errorf("the WARC holds %s: a page on another host was loaded", rec.TargetURI)
				}
			}
			if p := sitePosting(t, files); strings.Contains(fmt.Sprint(p.Comments), "[THEIRS]") {
				t.Error("another post's comments are in the posting record")
			}
			for _, cp := range res.Facts.Method.CommentPages {
				n, _ := strconv.Atoi(cp.Label)
				if dom := string(files[cp.DOM]); strings.Contains(dom, "[THEIRS]") || !strings.Contains(dom, boardCommentText(n, 1)) {
					t.Errorf("%s does not hold page %s's comments alone", cp.DOM, cp.Label)
				}
			}
		})
	}
}

// TestFrozenPageStaysWhenItNavigates: a page that sends itself elsewhere once it is frozen
// (here from a "더보기" button's script) is held where it was: the navigation is blocked without
// the browser's error page taking the document's place, and the page is recorded as it was.
func TestFrozenPageStaysWhenItNavigates(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	res, files := captureURL(t, s.srv.URL+"/navaway")
	if !hasEvent(res, evidence.EventNavigation, "/other-page") {
		t.Errorf("no blocked navigation in the record: %+v", res.Facts.Method.Events)
	}
	for _, name := range []string{"dom.html", "text.txt"} {
		if b := string(files[name]); !strings.Contains(b, "원래 본문입니다") || strings.Contains(b, "chrome-error") || strings.Contains(b, "ERR_") {
			t.Errorf("%s is not the page as it was: %.300q", name, b)
		}
	}
	if !strings.HasSuffix(res.Facts.FinalURL, "/navaway") || res.Facts.Metadata.Title != "떠나는 게시물" {
		t.Errorf("final URL %s, title %q", res.Facts.FinalURL, res.Facts.Metadata.Title)
	}
}

// TestExpandEndlessStopsAtLimit: a "더보기" that always brings more is followed until a limit,
// which is recorded: no click comes after the capture's time limit, and the capture ends.
func TestExpandEndlessStopsAtLimit(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	var r *run
	start := time.Now()
	res, files := captureURL(t, s.srv.URL+"/endless", CaptureTimeout(10*time.Second), keepRun(&r))
	took := time.Since(start)
	exp := res.Facts.Method.Expansion
	if exp == nil || !slices.Contains([]string{"time", "max_clicks", "page_height"}, exp.Stopped) {
		t.Fatalf("expansion %+v", exp)
	}
	if r.expandLimit != exp.Stopped {
		t.Errorf("expand limit %q, stopped %q", r.expandLimit, exp.Stopped)
	}
	if len(exp.Clicks) < 5 {
		t.Errorf("only %d clicks", len(exp.Clicks))
	}
	t.Logf("stopped %q after %d clicks, %d rounds; capture took %s", exp.Stopped, len(exp.Clicks), exp.Rounds, took.Round(time.Millisecond))
	// The limit bounds expansion: no click after it. What follows (the screenshot of a
	// much taller page, the archive) is bounded by the hard stop, not by the limit; its
	// duration depends on the machine, so it is not asserted beyond that.
	if last := exp.Clicks[len(exp.Clicks)-1]; last.AtMS > 10_000 {
		t.Errorf("a click %d ms after the start, with a 10 s limit", last.AtMS)
	}
	if took > 10*time.Second+hardStopAfter {
		t.Errorf("the capture took %s: past the hard stop", took)
	}
	if res.Status == evidence.StatusFailed || files["screenshot.png"] == nil && len(res.Facts.Method.Tiles) == 0 {
		t.Errorf("status %s, files %v", res.Status, keys(files))
	}
}

// TestExpandInsideFrames: "더보기" is opened inside a same-origin frame and inside a
// cross-origin one, and the clicks name their frames.
func TestExpandInsideFrames(t *testing.T) {
	needBrowser(t)
	s := theExpandSite()
	res, _ := captureURL(t, "http://news.test"+port(s.srv)+"/framed")
	exp := res.Facts.Method.Expansion
	if exp == nil {
		t.Fatal("no expansion recorded")
	}
	for _, f := range []string{"http://news.test" + port(s.srv) + "/frame-more", "http://other.test" + port(s.other) + "/frame-more"} {
		found := false
		for _, c := range exp.Clicks {
			if c.Frame == f && c.Label == "+ 더보기" && c.AddedChars > 0 && c.Requests > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("no click in frame %s: %+v", f, exp.Clicks)
		}
	}
	for _, h := range []string{"news.test", "other.test"} {
		if s.count("frame-more@"+h) < 1 {
			t.Errorf("the frame on %s did not load more", h)
		}
	}
}

// BenchmarkExpansion100Comments captures the 100-comment cbox page (5 threads of 3 replies)
// with expansion and without, side by side in each round, and reports both times and their
// ratio. The expanded capture must hold all 115 comments in posting.json, the other 20.
func BenchmarkExpansion100Comments(b *testing.B) {
	if testEngine == nil {
		b.Skip("no browser: " + skipReason)
	}
	s := theExpandSite()
	one := func(want int, opts ...CaptureOption) time.Duration {
		dir, err := os.MkdirTemp("", "bench-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		start := time.Now()
		res, err := testEngine.Capture(b.Context(), s.srv.URL+"/cbox", dir, nil, opts...)
		took := time.Since(start)
		if err != nil || res.Status != evidence.StatusComplete {
			b.Fatalf("%v %s %s", err, res.Status, res.Reason)
		}
		if cc := res.Facts.Completeness; cc == nil || cc.Comments == nil || cc.Comments.Captured != want {
			b.Fatalf("completeness %+v, want %d comments captured", cc, want)
		}
		return took
	}
	var with, without time.Duration
	for b.Loop() {
		with += one(115)
		without += one(20, WithoutExpansion())
	}
	n := float64(b.N)
	b.ReportMetric(with.Seconds()/n, "expanded-s/op")
	b.ReportMetric(without.Seconds()/n, "not-expanded-s/op")
	b.ReportMetric(with.Seconds()/without.Seconds(), "ratio")
}

// TestCommentPagesCboxTwoPages: Naver's cbox marks its current page as
// strong.u_cbox_page holding the number and a screen-reader label ("현재 페이지"); a list of
// two pages is followed to its second.
func TestCommentPagesCboxTwoPages(t *testing.T) {
	needBrowser(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>블로그 글</title></head><body>
<div class="post"><p>본문입니다. 선거 관련 게시물의 본문이 여기에 있습니다.</p></div>
<div id="naverComment" class="u_cbox"><ul class="u_cbox_list" id="list"></ul>
<div class="u_cbox_paginate"><div class="u_cbox_page_wrap" id="pager"></div></div></div>
<script>
function show(n) {
  let h = "";
  for (let i = 1; i <= 3; i++) h += '<li class="u_cbox_comment"><span class="u_cbox_nick">닉' + n + i + '</span><span class="u_cbox_contents">' + n + '쪽 댓글 ' + i + '</span></li>';
  document.getElementById("list").innerHTML = h;
  let p = "";
  for (let i = 1; i <= 2; i++) p += i === n
    ? '<strong class="u_cbox_page"><span class="u_cbox_num_page">' + i + '</span><span class="u_vc">현재 페이지</span></strong>'
    : '<a href="#" class="u_cbox_page" data-param="' + i + '"><span class="u_cbox_num_page">' + i + '</span></a>';
  document.getElementById("pager").innerHTML = p;
}
document.addEventListener("click", e => { const a = e.target.closest("a.u_cbox_page"); if (a) { e.preventDefault(); show(+a.dataset.param); } });
show(1);
</script></body></html>`)
	}))
	defer srv.Close()
	res, files := captureURL(t, srv.URL+"/")
	cps := res.Facts.Method.CommentPages
	if len(cps) != 1 || cps[0].Page != 2 {
		t.Fatalf("comment pages %+v, want page 2", cps)
	}
	if !strings.Contains(string(files[cps[0].DOM]), "2쪽 댓글 3") {
		t.Errorf("%s does not hold page 2", cps[0].DOM)
	}
}
