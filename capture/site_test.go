package capture

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/text/encoding/korean"
)

// testSite is a set of pages served on 127.0.0.1 that exercise one behaviour each.
type testSite struct {
	*httptest.Server
	lazyHits  atomic.Int32
	lateHits  atomic.Int32
	fileHits  atomic.Int32
	eucKRBody []byte
	pdf       []byte
	png       []byte
}

func newTestSite() *testSite {
	s := &testSite{}
	var err error
	s.eucKRBody, err = korean.EUCKR.NewEncoder().Bytes([]byte(`<!doctype html><html lang="ko"><head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>선거 허위사실 게시물</title><meta name="author" content="홍길동"></head>
<body><h1>한글 본문입니다</h1><p>가나다라마바사, 중앙선거관리위원회</p></body></html>`))
	if err != nil {
		panic(err)
	}
	s.pdf = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	s.png = b.Bytes()

	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	mux.HandleFunc("/simple", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html lang="en"><head><title>Simple page</title></head><body><h1>Hello evidence</h1><p>plain text</p></body></html>`)
	})
	mux.HandleFunc("/r1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/r2", http.StatusMovedPermanently) })
	mux.HandleFunc("/r2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/simple", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/euckr", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=EUC-KR")
		w.Write(s.eucKRBody)
	})
	mux.HandleFunc("/lazy", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Lazy</title></head><body>
<div style="height:3000px">tall spacer</div>
<img id="lazy" data-src="/lazy.png" width="40" height="30" alt="lazy">
<script>
const img = document.getElementById('lazy');
new IntersectionObserver((es, o) => { for (const e of es) if (e.isIntersecting) { img.src = img.dataset.src; o.disconnect(); } }).observe(img);
setTimeout(() => fetch('/late.json').then(r => r.text()).then(t => { const p = document.createElement('p'); p.id = 'late'; p.textContent = t; document.body.appendChild(p); }), 300);
</script></body></html>`)
	})
	mux.HandleFunc("/lazy.png", func(w http.ResponseWriter, r *http.Request) {
		s.lazyHits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(s.png)
	})
	mux.HandleFunc("/late.json", func(w http.ResponseWriter, r *http.Request) {
		s.lateHits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `"late content arrived"`)
	})
	mux.HandleFunc("/tall", func(w http.ResponseWriter, r *http.Request) {
		// 30 bands of 1000 px, each its own colour, so that every tile can be checked.
		var b strings.Builder
		b.WriteString(`<!doctype html><html><head><title>Tall</title><style>body{margin:0} div{height:1000px;width:100%}</style></head><body>`)
		for i := 0; i < 30; i++ {
			c := bandColor(i)
			fmt.Fprintf(&b, `<div style="background:rgb(%d,%d,%d)">band %d</div>`, c.R, c.G, c.B, i)
		}
		b.WriteString(`</body></html>`)
		html(w, b.String())
	})
	mux.HandleFunc("/dialogs", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Dialogs</title></head><body><p id="out">start</p><script>
alert('경고 alert');
const ok = confirm('confirm?');
const name = prompt('prompt?', 'default');
document.getElementById('out').textContent = 'confirm=' + ok + ' prompt=' + name;
window.addEventListener('beforeunload', e => { e.preventDefault(); e.returnValue = 'stay'; });
</script></body></html>`)
	})
	mux.HandleFunc("/alertloop", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Alert loop</title></head><body><p>nagging</p><script>for (let i = 0; i < 120; i++) alert('again ' + i);</script></body></html>`)
	})
	mux.HandleFunc("/longpoll", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Long poll</title></head><body><p>live comments</p><script>
fetch('/poll').then(r => r.text()).then(t => { document.body.append(t); });
</script></body></html>`)
	})
	mux.HandleFunc("/poll", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(200)
		w.(http.Flusher).Flush() // headers now, the body never
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
	})
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Download</title></head><body><a id="a" href="/file.bin" download="evil.exe">get</a>
<script>document.getElementById('a').click();</script></body></html>`)
	})
	mux.HandleFunc("/file.bin", func(w http.ResponseWriter, r *http.Request) {
		s.fileHits.Add(1)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="evil.exe"`)
		w.Write(bytes.Repeat([]byte{0x4d, 0x5a}, 100))
	})
	mux.HandleFunc("/popup", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Popup</title></head><body><p>opener</p><script>window.open('/simple?popup=1', 'pop', 'width=300,height=300');</script></body></html>`)
	})
	mux.HandleFunc("/hang-sub", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Hanging subresource</title></head><body><p>visible before the hang</p><img src="/hang"></body></html>`)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>Never ends</title></head><body><p>streaming</p>`)
		fl, _ := w.(http.Flusher)
		for i := 0; ; i++ {
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
			fmt.Fprintf(w, "<p>chunk %d</p>\n", i)
		}
	})
	mux.HandleFunc("/metaloop", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		html(w, fmt.Sprintf(`<!doctype html><html><head><title>Refresh %d</title><meta http-equiv="refresh" content="0;url=/metaloop?n=%d"></head><body>refresh %d</body></html>`, n, n+1, n))
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><head><title>Endless</title></head><body><div id="feed"></div><script>
const feed = document.getElementById('feed');
function more() { for (let i = 0; i < 20; i++) { const d = document.createElement('div'); d.style.height = '100px'; d.textContent = 'item ' + feed.children.length; feed.appendChild(d); } }
more();
window.addEventListener('scroll', () => { if (innerHeight + scrollY > document.body.scrollHeight - 500) more(); });
</script></body></html>`)
	})
	mux.HandleFunc("/meta", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html lang="ko"><head><title>브라우저 제목 | 뉴스</title>
<meta name="description" content="메타 설명">
<meta property="og:title" content="오픈그래프 제목">
<meta property="og:site_name" content="테스트뉴스">
<meta property="og:url" content="/meta?articleId=12345">
<meta property="article:published_time" content="2026-03-05T14:22:00+09:00">
<link rel="canonical" href="/news/12345">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"구조화 제목","author":{"@type":"Person","name":"김기자"},"datePublished":"2026-03-05T14:22:00+09:00","dateModified":"2026-03-06T09:00:00+09:00"}</script>
</head><body><article><h1>구조화 제목</h1><p>본문</p></article></body></html>`)
	})
	mux.HandleFunc("/doc.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(s.pdf)
	})
	mux.HandleFunc("/pic.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(s.png)
	})
	mux.HandleFunc("/xsite", func(w http.ResponseWriter, r *http.Request) {
		port := r.Host[strings.LastIndex(r.Host, ":"):]
		html(w, `<!doctype html><html><head><title>Embeds a widget</title></head><body><p>article</p>
<iframe src="http://widget.test`+port+`/frame" width="300" height="200"></iframe></body></html>`)
	})
	mux.HandleFunc("/frame", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<!doctype html><html><body><p>comment widget</p><img src="/lazy.png" width="40" height="30"></body></html>`)
	})
	mux.HandleFunc("/setstate", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "tracker", Value: "set-by-first-capture", Path: "/"})
		html(w, `<!doctype html><html><head><title>Set state</title></head><body><script>localStorage.setItem('k','v');</script></body></html>`)
	})
	mux.HandleFunc("/readstate", func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("tracker")
		v := "none"
		if c != nil {
			v = c.Value
		}
		html(w, `<!doctype html><html><head><title>Read state</title></head><body><p id="c">cookie=`+v+`</p><p id="ls"></p><script>document.getElementById('ls').textContent = 'storage=' + localStorage.getItem('k');</script></body></html>`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Korean path segments arrive percent-decoded in r.URL.Path.
		if strings.HasPrefix(r.URL.Path, "/경로/") {
			html(w, `<!doctype html><html><head><title>경로 `+r.URL.Query().Get("q")+`</title></head><body>path=`+r.URL.Path+`</body></html>`)
			return
		}
		http.NotFound(w, r)
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// bandColor is the colour of band i of the tall page.
func bandColor(i int) color.RGBA {
	return color.RGBA{R: uint8(40 + (i*53)%200), G: uint8(30 + (i*97)%200), B: uint8(60 + (i*29)%190), A: 255}
}
