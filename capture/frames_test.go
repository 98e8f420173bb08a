package capture

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"evidentia/evidence"
)

// framesSite serves pages built as the portals' are: a Naver-Blog-style outer page that does
// not scroll, the post in iframe#mainFrame (with its own title, author and time, and a frame
// of another origin inside it), and a web-app page whose content scrolls inside a container,
// with an item at its end that loads only when it scrolls into view. Each page ends with a
// red band, so that a screenshot that shows the whole content can be told from one that
// stops at the window's height.
func framesSite(t *testing.T) (blog, other, app string) {
	t.Helper()
	para := "<p>○○시 선거관리위원회는 후보자에 관한 허위사실을 게시한 블로그 글을 조사하고 있다. 글은 여러 커뮤니티에 퍼졌고, 원문은 삭제될 우려가 있다.</p>"
	mux := http.NewServeMux()
	page := func(body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	blog = "http://blog.test:" + port
	other = "http://widget.test:" + port
	mux.HandleFunc("/user1/223000000001", page(`<!doctype html><html lang="ko"><head><title>네이버 블로그</title>
<style>html,body{margin:0;height:100%;overflow:hidden}#header{height:40px}</style></head>
<body><div id="header">블로그 홈 · 이웃블로그</div>
<iframe id="mainFrame" name="mainFrame" src="/PostView.naver?blogId=user1&amp;logNo=223000000001" style="width:100%;height:calc(100% - 40px);border:0"></iframe>
</body></html>`))
	mux.HandleFunc("/PostView.naver", page(`<!doctype html><html lang="ko"><head>
<meta property="og:title" content="후보자 허위사실 블로그 글">
<meta property="naverblog:nickname" content="블로거홍">
<meta name="author" content="블로거홍">
<meta property="article:published_time" content="2026-11-30T21:05:00+09:00">
<title>후보자 허위사실 블로그 글 : 네이버 블로그</title>
<style>body{margin:0;font-size:18px}p{margin:0;padding:20px;height:60px}#end{height:200px;background:rgb(220,0,0)}</style></head>
<body><div class="se-main-container"><h3 class="se-title">후보자 허위사실 블로그 글</h3>`+strings.Repeat(para, 60)+`
<iframe id="widget" src="`+other+`/widget" style="width:600px;height:120px;border:0"></iframe>
<p>본문 끝 표시</p><div id="end"></div></div></body></html>`))
	mux.HandleFunc("/widget", page(`<!doctype html><html lang="ko"><body style="background:rgb(0,0,200);color:white"><p>외부 위젯 프레임의 본문: 지도와 후원 안내</p></body></html>`))
	app = blog + "/app"
	items := ""
	for i := 1; i <= 40; i++ {
		items += fmt.Sprintf(`<div class="item">게시물 카드 %d: 허위사실 게시물과 그 댓글을 보여 주는 항목입니다.</div>`, i)
	}
	mux.HandleFunc("/app", page(`<!doctype html><html lang="ko"><head><title>앱 게시판</title>
<style>html,body{margin:0;height:100%;overflow:hidden}header{height:60px}
main.scroller{height:calc(100% - 60px);overflow-y:auto}.item{height:200px}#end{height:200px;background:rgb(220,0,0)}</style></head>
<body><header>앱 게시판 상단</header><main class="scroller" id="feed">`+items+`<div id="lazy">아직 불러오지 않음</div><div id="end"></div></main>
<script>
new IntersectionObserver((es, o) => { for (const e of es) if (e.isIntersecting) { fetch("/lazy").then(r => r.text()).then(t => { document.getElementById("lazy").textContent = t; }); o.disconnect(); } },
  {root: document.getElementById("feed")}).observe(document.getElementById("lazy"));
</script></body></html>`))
	mux.HandleFunc("/lazy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "지연 로드 완료: 마지막 게시물")
	})
	return blog + "/user1/223000000001", other, app
}

// shotHeight returns the full-page screenshot's height in pixels (summed over tiles) and the
// colour of the pixel rowsFromEnd rows above its bottom, at x.
func shotHeight(t *testing.T, res *Result, files map[string][]byte, x, rowsFromEnd int) (int, [3]uint32) {
	t.Helper()
	var imgs []image.Image
	for _, f := range res.Files {
		if f.Role == evidence.RoleScreenshot || f.Role == evidence.RoleTile {
			img, err := png.Decode(bytes.NewReader(files[f.Name]))
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			imgs = append(imgs, img)
		}
	}
	if len(imgs) == 0 {
		t.Fatal("no full-page screenshot")
	}
	h := 0
	for _, img := range imgs {
		h += img.Bounds().Dy()
	}
	last := imgs[len(imgs)-1]
	r, g, b, _ := last.At(x, last.Bounds().Dy()-rowsFromEnd).RGBA()
	return h, [3]uint32{r >> 8, g >> 8, b >> 8}
}

// TestCaptureNaverBlogStyleFrame: the post inside iframe#mainFrame is the capture: the
// screenshot shows all of it (down to its last band), text.txt holds the outer text and then
// each frame's under a heading naming it, each frame's DOM is an artifact, and the post's own
// title, author and time win over the outer page's.
func TestCaptureNaverBlogStyleFrame(t *testing.T) {
	needBrowser(t)
	blogURL, other, _ := framesSite(t)
	res, files := captureURL(t, blogURL)
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	m := res.Facts.Method
	if !strings.Contains(m.ScrollTarget, "mainFrame") || !strings.Contains(m.Layout, "iframe#mainFrame") {
		t.Errorf("scroll target %q, layout %q: want the mainFrame", m.ScrollTarget, m.Layout)
	}
	h, rgb := shotHeight(t, res, files, 100, 100)
	if h < 60*100 {
		t.Errorf("screenshot %d px tall: the post (60 paragraphs of 100 px) is not all there", h)
	}
	if rgb[0] < 180 || rgb[1] > 60 || rgb[2] > 60 {
		t.Errorf("bottom of the screenshot is %v, want the post's red end band", rgb)
	}
	// The frame of another origin near the end is painted (blue), not left blank.
	if _, rgb := shotHeight(t, res, files, 100, 360); rgb[2] < 150 || rgb[0] > 60 {
		t.Errorf("the cross-origin frame near the end is %v in the screenshot, want its blue page", rgb)
	}
	text := string(files["text.txt"])
	head := fmt.Sprintf("=== frame: %s/PostView.naver?blogId=user1&logNo=223000000001 (iframe#mainFrame) ===", strings.TrimSuffix(blogURL, "/user1/223000000001"))
	i, j := strings.Index(text, "블로그 홈"), strings.Index(text, head)
	if i < 0 || j < i {
		t.Fatalf("text.txt lacks the outer text then the frame heading %q:\n%.600s", head, text)
	}
	if !strings.Contains(text[j:], "허위사실을 게시한 블로그 글") || !strings.Contains(text, "=== frame: "+other+"/widget (iframe#widget) ===\n외부 위젯 프레임의 본문") {
		t.Errorf("text.txt lacks a frame's text:\n%s", text[j:min(len(text), j+400)])
	}
	var main, widget *evidence.FrameRecord
	for i, f := range m.Frames {
		switch {
		case strings.Contains(f.URL, "PostView"):
			main = &m.Frames[i]
		case strings.Contains(f.URL, "/widget"):
			widget = &m.Frames[i]
		}
	}
	if main == nil || widget == nil {
		t.Fatalf("frames %+v", m.Frames)
	}
	if !main.Main || main.Selector != "iframe#mainFrame" || main.Artifact == "" || main.CrossSite {
		t.Errorf("main frame %+v", main)
	}
	if widget.Main || !widget.CrossSite || widget.Artifact == "" || widget.Parent != main.URL {
		t.Errorf("widget frame %+v", widget)
	}
	if dom := string(files[main.Artifact]); !strings.Contains(dom, "se-main-container") || !strings.Contains(dom, "본문 끝 표시") {
		t.Errorf("%s does not hold the post's DOM", main.Artifact)
	}
	if dom := string(files[widget.Artifact]); !strings.Contains(dom, "외부 위젯 프레임의 본문") {
		t.Errorf("%s does not hold the cross-origin frame's DOM", widget.Artifact)
	}
	md := res.Facts.Metadata
	if md.Title != "후보자 허위사실 블로그 글" || md.Author != "블로거홍" || md.PublishedKST != "2026-11-30T21:05:00+09:00" {
		t.Errorf("metadata %q by %q at %q: want the post's", md.Title, md.Author, md.PublishedKST)
	}
	if !strings.HasPrefix(md.Sources["title"], "frame:") || md.Sources["main_frame"] != main.URL {
		t.Errorf("sources %v", md.Sources)
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict %+v", v)
	}
	if p := readPosting(t, res, files); p.Title != md.Title || p.Author.Nickname != "블로거홍" || p.Posted == nil || p.Posted.KST != md.PublishedKST {
		t.Errorf("posting.json: %q by %+v at %+v, want the post's", p.Title, p.Author, p.Posted)
	}
}

// TestCaptureScrollingContainer: a page whose content scrolls inside main.scroller (the
// document itself does not scroll) is scrolled there, so that its lazy item loads, and
// screenshotted at the container's full height.
func TestCaptureScrollingContainer(t *testing.T) {
	needBrowser(t)
	_, _, app := framesSite(t)
	res, files := captureURL(t, app)
	if res.Status != evidence.StatusComplete {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	m := res.Facts.Method
	if m.ScrollTarget != "main#feed" || !strings.Contains(m.Layout, "main#feed") {
		t.Errorf("scroll target %q, layout %q", m.ScrollTarget, m.Layout)
	}
	if m.ScrollSteps < 5 || !m.ReachedBottom {
		t.Errorf("scrolled %d steps, bottom %v", m.ScrollSteps, m.ReachedBottom)
	}
	if !strings.Contains(string(files["text.txt"]), "지연 로드 완료") {
		t.Error("the lazy item at the container's end did not load")
	}
	h, rgb := shotHeight(t, res, files, 100, 100)
	if h < 40*200 {
		t.Errorf("screenshot %d px tall: the container's 40 items of 200 px are not all there", h)
	}
	if rgb[0] < 180 || rgb[1] > 60 || rgb[2] > 60 {
		t.Errorf("bottom of the screenshot is %v, want the red end band", rgb)
	}
}
