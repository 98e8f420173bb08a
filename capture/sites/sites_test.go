package sites

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/pagemeta"
)

func TestFor(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"https://gall.dcinside.com/board/view/?id=politics&no=1001", "dcinside"},
		{"https://gall.dcinside.com/mgallery/board/view/?id=x&no=5&page=2", "dcinside"},
		{"https://gall.dcinside.com/mini/board/view/?id=x&no=5", "dcinside"},
		{"https://GALL.DCINSIDE.COM./board/view?id=x&no=5", "dcinside"},
		{"http://gall.dcinside.com:8080/board/view/?id=x&no=5", "dcinside"},
		{"https://m.dcinside.com/board/politics/1001", "dcinside"},
		{"https://m.dcinside.com/mini/politics/1001", "dcinside"},
		{"https://gall.dcinside.com/derror/deleted/politics/G", "dcinside"},
		{"https://gall.dcinside.com/board/lists/?id=politics", ""}, // a list, not a post
		{"https://gall.dcinside.com/board/view/?id=politics", ""},  // no post number
		{"https://m.dcinside.com/board/politics", ""},
		{"https://n.news.naver.com/article/001/0014700001", "naver_news"},
		{"https://n.news.naver.com/mnews/article/001/0014700001?sid=100", "naver_news"},
		{"https://n.news.naver.com/article/comment/001/0014700001", "naver_news"},
		{"https://news.naver.com/main/read.naver?oid=001&aid=0014700001", "naver_news"},
		{"https://m.news.naver.com/article/001/0014700001", "naver_news"},
		{"https://entertain.naver.com/article/001/0014700001", "naver_news"},
		{"https://n.news.naver.com/main/ranking/popularDay.naver", ""},
		{"https://news.naver.com.evil.example/article/001/0014700001", ""},
		{"https://evilnews.naver.com/article/001/0014700001", ""},
		{"https://127.0.0.1/board/view/?id=x&no=1", ""},
		{"ftp://gall.dcinside.com/board/view/?id=x&no=1", ""},
		{"https://www.instagram.com/reels/audio/123456789/", ""},
		{"https://www.instagram.com/p/C7xYz12AbCd/liked_by/", ""},
		{"https://www.instagram.com/p/C7xYz12AbCd/", "instagram"},
		{"https://www.instagram.com/p/C7xYz12AbCd/c/17900000000000001/", "instagram"},
		{"https://m.sports.naver.com/news", ""},
		{"https://sports.news.naver.com/newsstand/x", ""},
		{"https://m.sports.naver.com/article/001/0014700001", "naver_news"},
		{"https://news.naver.com/main/list.naver?oid=001&aid=0014700001", ""},
		{"https://t.me/joinchat/12345?embed=1", ""},
		{"https://t.me/addstickers/12345?embed=1", ""},
		{"https://t.me/s/electionwatch/123", "telegram"},
		{"https://www.fmkorea.com/best/2", ""},
		{"https://www.fmkorea.com/7000123456", "fmkorea"},
		{"https://theqoo.net/hot/2", ""},
		{"https://cafe.naver.com/ArticleList/123", ""},
		{"https://cafe.naver.com/politicscafe/1234", "naver_cafe"},
		{"not a url\x00", ""},
		{"", ""},
	} {
		got := ""
		if p := For(tc.url); p != nil {
			got = p.Name
		}
		if got != tc.want {
			t.Errorf("For(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

// TestProfiles checks every registered profile: complete, hosts lowercase and distinct,
// its selectors compiled (at init), its reader safe on an empty and a hostile document.
func TestProfiles(t *testing.T) {
	if len(All()) < 2 {
		t.Fatalf("%d profiles", len(All()))
	}
	hosts := map[string]string{}
	for _, p := range All() {
		if p.Name == "" || p.Site == "" || p.Reader == nil || p.Reader.Post == nil || p.Reader.Comments == nil {
			t.Errorf("profile %q is incomplete: %+v", p.Name, p.Reader)
		}
		for _, h := range p.Hosts {
			if h != strings.ToLower(h) || strings.Contains(h, "/") {
				t.Errorf("%s: host %q", p.Name, h)
			}
			if o, ok := hosts[h]; ok {
				t.Errorf("host %s in %s and %s", h, o, p.Name)
			}
			hosts[h] = p.Name
		}
		for _, doc := range []string{"", "<html><body><p>nothing here</p></body></html>", hostileDoc()} {
			root, _ := pagemeta.ParseHTML(doc)
			if root == nil {
				continue
			}
			// Profiles are never given a nil address.
			for _, base := range []*url.URL{{}, {Scheme: "https", Host: p.Hosts[0], Path: "/x"}} {
				if _, ok := p.Reader.Post(root, base); ok && doc != hostileDoc() {
					t.Errorf("%s: Post recognised a document without its markup", p.Name)
				}
				if _, ok := p.Reader.Comments(root, base); ok && doc != hostileDoc() {
					t.Errorf("%s: Comments recognised a document without its markup", p.Name)
				}
			}
			if p.State != nil {
				if st, ok := p.State(root, &url.URL{Scheme: "https", Host: p.Hosts[0], Path: "/x"}); ok && doc != hostileDoc() {
					t.Errorf("%s: a page without any notice taken for %+v", p.Name, st)
				}
			}
			if p.Limits != nil {
				p.Limits(root, &url.URL{}, &evidence.Posting{}, Context{Started: "not a time"})
			}
		}
	}
}

// hostileDoc has every profile's key class names in broken, deeply nested and oversized
// markup: readers must neither panic nor loop.
func hostileDoc() string {
	var b strings.Builder
	b.WriteString(`<div class="gallview_head"><span class="gall_date" title="` + strings.Repeat("9", 10000) + `"></span>`)
	b.WriteString(`<div class="gall_writer ub-writer" data-nick="` + strings.Repeat("가", 50000) + `" data-uid="../../etc" data-ip="999.999.999.999"></div>`)
	b.WriteString(`<ul class="cmt_list"><li id="comment_li_1"><ul class="reply_list" id="reply_list_1"><li id="reply_li_1"></li></ul></li>`)
	b.WriteString(`<li id="reply_li_2"></li></ul><div class="media_end_head"></div><div id="cbox_module"><ul class="u_cbox_list">`)
	for range 300 {
		b.WriteString(`<li class="u_cbox_comment" data-info="commentNo:'1',replyLevel:2,parentCommentNo:'1'"><div class="u_cbox_reply_area">`)
	}
	b.WriteString(`</ul></div><ul class="all-comment-lst"><li class="comment-add"></li><li class="comment"><a class="nick">(1.2)</a></li></ul>`)
	return b.String()
}

func TestDCInsideReader(t *testing.T) {
	root, _ := pagemeta.ParseHTML(`<div class="gallview_head"><span class="title_subject">제목 ` + "\u202e" + `evil</span>
<div class="gall_writer ub-writer" data-nick="고닉" data-uid="member_1" data-ip=""><span class="nickname"><em>고닉</em></span></div>
<span class="gall_date" title="2026-05-28 21:04:17">21:04</span></div>
<div class="comment_box"><ul class="cmt_list">
<li id="comment_li_5" class="ub-content"><div class="cmt_info"><span class="gall_writer ub-writer" data-nick="ㅇㅇ" data-uid="" data-ip="1.2"></span><p class="usertxt">첫 댓글</p><span class="date_time">2025.12.31 23:59:59</span></div>
<li><div class="reply show"><div class="reply_box"><ul class="reply_list" id="reply_list_5"><li id="reply_li_6" class="ub-content"><span class="gall_writer ub-writer" data-nick="ㄴㄴ" data-uid="" data-ip="3.4"></span><p class="usertxt">답글</p></li></ul></div></div></li>
<li id="comment_li_7" class="ub-content"><div class="comment_dccon"><img class="written_dccon" alt="웃음"></div></li>
</ul></div>`)
	p, ok := dcPost(root, nil)
	if !ok || p.Title != "제목 evil" || p.Author.AccountID != "member_1" || p.Author.ProfileURL != "https://gallog.dcinside.com/member_1" || p.Author.MaskedIP != "" {
		t.Errorf("post: %+v", p)
	}
	cs, ok := dcComments(root, nil)
	if !ok || len(cs) != 3 {
		t.Fatalf("comments: %v %+v", ok, cs)
	}
	if cs[0].ID != "5" || cs[0].Author.MaskedIP != "1.2" || cs[0].Time.Text != "2025.12.31 23:59:59" || cs[1].ParentID != "5" || cs[2].Text != "[디시콘: 웃음]" {
		t.Errorf("comments: %+v", cs)
	}
	if st, ok := dcState(root, nil); ok {
		t.Errorf("a post taken for %+v", st)
	}
	del, _ := pagemeta.ParseHTML(`<p class="tit">게시물 작성자가 삭제했거나 존재하지 않는 페이지입니다.</p>`)
	if st, ok := dcState(del, nil); !ok || st.Verdict != evidence.VerdictDeleted {
		t.Errorf("deletion notice: %+v %v", st, ok)
	}
}

// parseDoc parses s as a whole document.
func parseDoc(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestREADMEListsEveryProfile: the README's table of profiles names each one with its hosts.
func TestREADMEListsEveryProfile(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range All() {
		row := "| " + p.Site + " | `" + p.Name + "` | " + strings.Join(p.Hosts, ", ") + " |"
		if !strings.Contains(string(b), row) {
			t.Errorf("README.md has no row %s", row)
		}
	}
}
