package capture

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"evidentia/evidence"
)

// verdictSite serves pages built as the sites' own "not the posting" pages are: a login wall,
// a deletion notice served with 200, a 404, a rate limit, an empty shell, and a real article
// that merely quotes a deletion notice and links to a login page.
func verdictSite(t *testing.T) *httptest.Server {
	t.Helper()
	article := strings.Repeat("<p>○○시 선거관리위원회는 후보자에 관한 허위사실을 게시한 글에 대해 수사를 의뢰했다고 밝혔다. 게시글은 여러 커뮤니티에 퍼졌다.</p>", 12)
	pages := map[string]struct {
		status int
		body   string
	}{
		"/article": {200, `<!doctype html><html lang="ko"><head><title>허위사실 유포 수사 의뢰</title></head><body>
<header><a href="/login">로그인</a></header><h1>허위사실 유포 수사 의뢰</h1>` + article + `
<p>한 게시판에는 "삭제된 게시물입니다"라는 안내만 남았다.</p><img src="/photo.png" width="400" height="300" alt="사진"></body></html>`},
		"/login-wall": {200, `<!doctype html><html lang="ko"><head><title>Instagram</title></head><body>
<div><h2>로그인하고 게시물 보기</h2><p>친구들의 사진과 동영상을 보려면 로그인하세요.</p>
<form><input name="username" placeholder="전화번호, 사용자 이름 또는 이메일"><input type="password"><button>로그인</button></form></div></body></html>`},
		"/deleted": {200, `<!doctype html><html lang="ko"><head><title>디시인사이드</title></head><body>
<div class="box"><p>해당 게시물은 삭제되었습니다.</p><a href="/">목록으로</a></div></body></html>`},
		"/gone":    {404, `<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>`},
		"/limited": {429, `<!doctype html><html><head><title>Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>`},
		"/shell":   {200, `<!doctype html><html><head><title>앱</title></head><body><div id="root"></div></body></html>`},
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := 0; i < 400; i++ {
		img.Set(i, i%300, color.RGBA{200, 30, 30, 255})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/photo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		png.Encode(w, img)
	})
	for path, p := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(p.status)
			fmt.Fprint(w, p.body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestCaptureJudgesCompleteness: every capture carries a verdict on what it holds, and a
// capture of a login wall, a deletion notice, a 404, a rate limit or an empty shell is never
// judged complete, while an article that only quotes such a notice is.
func TestCaptureJudgesCompleteness(t *testing.T) {
	needBrowser(t)
	srv := verdictSite(t)
	for _, tc := range []struct {
		path   string
		want   evidence.Verdict
		reason string
	}{
		{"/article", evidence.VerdictComplete, ""},
		{"/login-wall", evidence.VerdictLoginWall, evidence.ReasonLoginNotice},
		{"/deleted", evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"/gone", evidence.VerdictDeleted, evidence.ReasonHTTP404},
		{"/limited", evidence.VerdictBlocked, evidence.ReasonRateLimited},
		{"/shell", evidence.VerdictEmpty, evidence.ReasonNoContent},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			res, _ := captureURL(t, srv.URL+tc.path)
			v := res.Facts.Completeness
			if v == nil {
				t.Fatal("no verdict")
			}
			if v.Verdict != tc.want {
				t.Fatalf("verdict %s %+v, want %s (status %s)", v.Verdict, v.Reasons, tc.want, res.Status)
			}
			if tc.reason != "" && (len(v.Reasons) == 0 || v.Reasons[0].Code != tc.reason) {
				t.Errorf("reasons %+v, want %s first", v.Reasons, tc.reason)
			}
			if tc.want == evidence.VerdictComplete && len(v.Reasons) != 0 {
				t.Errorf("a complete verdict with reasons %+v", v.Reasons)
			}
		})
	}
}

// TestFailedCaptureIsJudgedEmpty: a page that could not be opened holds nothing of the posting.
func TestFailedCaptureIsJudgedEmpty(t *testing.T) {
	needBrowser(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/closed"
	srv.Close() // nothing listens any more: the browser's connection is refused
	res, _ := captureURL(t, url)
	v := res.Facts.Completeness
	if res.Status != evidence.StatusFailed || v == nil || v.Verdict != evidence.VerdictEmpty ||
		len(v.Reasons) == 0 || v.Reasons[0].Code != evidence.ReasonCaptureFailed {
		t.Fatalf("status %s, verdict %+v", res.Status, v)
	}
}

// TestVerdictReadsThePostInsideAFrame: a blog built as Naver's is (the posting in
// iframe#mainFrame, the outer page a shell that does not scroll) is judged by the frame's
// content: a long post is complete, not empty, and a deletion notice inside the frame is seen.
func TestVerdictReadsThePostInsideAFrame(t *testing.T) {
	needBrowser(t)
	post := strings.Repeat("<p>○○시 선거관리위원회는 후보자에 관한 허위사실을 게시한 블로그 글을 조사하고 있다. 글은 여러 곳에 퍼졌다.</p>", 10)
	mux := http.NewServeMux()
	outer := func(frame string) string {
		return `<!doctype html><html lang="ko"><head><title>블로그</title><style>html,body{margin:0;height:100%;overflow:hidden}</style></head>
<body><div id="gnb">블로그 홈</div><iframe id="mainFrame" name="mainFrame" src="` + frame + `" style="width:100%;height:90%;border:0"></iframe></body></html>`
	}
	page := func(body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("/blog/post", page(outer("/PostView?logNo=1")))
	mux.HandleFunc("/PostView", page(`<!doctype html><html lang="ko"><head><title>글</title></head><body><h3>허위사실 게시물</h3>`+post+`</body></html>`))
	mux.HandleFunc("/blog/gone", page(outer("/PostGone")))
	mux.HandleFunc("/PostGone", page(`<!doctype html><html lang="ko"><body><p>삭제되었거나 존재하지 않는 게시물입니다.</p></body></html>`))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for path, want := range map[string]evidence.Verdict{"/blog/post": evidence.VerdictComplete, "/blog/gone": evidence.VerdictDeleted} {
		res, _ := captureURL(t, srv.URL+path)
		if v := res.Facts.Completeness; v == nil || v.Verdict != want {
			t.Errorf("%s: verdict %+v, want %s", path, v, want)
		}
	}
}
