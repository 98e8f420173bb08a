package capture

import (
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestScrollOnlyWhenSomethingWatches: a long page on which nothing watches scrolling is not
// scrolled (and says why); pages with a scroll listener, an IntersectionObserver, an onscroll
// handler or a loading=lazy image are scrolled and their lazy content loads. The page never
// sees the binding the watcher reports through, and its own listeners still work.
func TestScrollOnlyWhenSomethingWatches(t *testing.T) {
	needBrowser(t)
	long := strings.Repeat("<p style='height:400px'>긴 본문 문단</p>", 12)
	mux := http.NewServeMux()
	serve := func(path, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>t</title></head><body>`+body+`</body></html>`)
		})
	}
	serve("/static", long+`<p id="seen"></p><script>document.getElementById('seen').textContent = 'binding:' + typeof window.`+scrollHintBinding+`;</script>`)
	serve("/listener", long+`<p id="x"></p><script>addEventListener('scroll', () => { document.getElementById('x').textContent = '스크롤로 불러온 내용'; });</script>`)
	serve("/observer", long+`<p id="x">끝</p><script>new IntersectionObserver((es) => { if (es[0].isIntersecting) document.getElementById('x').textContent = '관찰자로 불러온 내용'; }).observe(document.getElementById('x'));</script>`)
	serve("/onscroll", long+`<p id="x"></p><script>window.onscroll = () => { document.getElementById('x').textContent = '핸들러로 불러온 내용'; };</script>`)
	serve("/lazyimg", long+`<img loading="lazy" src="/img.png" width="200" height="200" alt="lazy">`)
	var imgHits atomic.Int32
	mux.HandleFunc("/img.png", func(w http.ResponseWriter, r *http.Request) {
		imgHits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		img := image.NewRGBA(image.Rect(0, 0, 2, 2))
		png.Encode(w, img)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		path, reason, text string
	}{
		{"/static", "not scrolled: nothing on the page loads as it scrolls", "binding:undefined"},
		{"/listener", "scrolled: the page registered a scroll listener", "스크롤로 불러온 내용"},
		{"/observer", "scrolled: the page registered an IntersectionObserver", "관찰자로 불러온 내용"},
		{"/onscroll", "scrolled: the page registered an onscroll handler", "핸들러로 불러온 내용"},
		{"/lazyimg", "scrolled: the page holds img[loading=lazy]", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, files := captureURL(t, srv.URL+tc.path)
			m := res.Facts.Method
			if !strings.HasPrefix(m.ScrollReason, tc.reason) {
				t.Errorf("scroll reason %q, want %q", m.ScrollReason, tc.reason)
			}
			scrolled := strings.HasPrefix(tc.reason, "scrolled")
			if scrolled != (m.ScrollSteps > 1) {
				t.Errorf("%d scroll steps", m.ScrollSteps)
			}
			if tc.text != "" && !strings.Contains(string(files["text.txt"]), tc.text) {
				t.Errorf("text.txt lacks %q", tc.text)
			}
			if tc.path == "/lazyimg" && imgHits.Load() == 0 {
				t.Error("the lazy image was not loaded")
			}
		})
	}
}
