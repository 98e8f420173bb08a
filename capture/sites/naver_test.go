package sites

import (
	"net/url"
	"testing"

	"evidentia/evidence"
)

// TestNaverBlogCafePages: which addresses the Naver Blog and Naver Cafe profiles take, and
// that they share no host with Naver News.
func TestNaverBlogCafePages(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://blog.naver.com/truthwatch/223456789012", "naver_blog"},
		{"https://blog.naver.com/PostView.naver?blogId=truthwatch&logNo=223456789012&redirect=Dlog", "naver_blog"},
		{"https://blog.naver.com/PostView.nhn?blogId=truthwatch&logNo=223456789012", "naver_blog"},
		{"https://m.blog.naver.com/truthwatch/223456789012", "naver_blog"},
		{"https://m.blog.naver.com/PostView.naver?blogId=truthwatch&logNo=223456789012", "naver_blog"},
		{"https://blog.naver.com/truthwatch", ""},
		{"https://blog.naver.com/PostList.naver?blogId=truthwatch", ""},
		{"https://cafe.naver.com/politicscafe/1234", "naver_cafe"},
		{"https://cafe.naver.com/ca-fe/cafes/27842958/articles/1234", "naver_cafe"},
		{"https://cafe.naver.com/f-e/cafes/27842958/articles/1234?menuid=1", "naver_cafe"},
		{"https://cafe.naver.com/ArticleRead.nhn?clubid=27842958&articleid=1234", "naver_cafe"},
		{"https://m.cafe.naver.com/ca-fe/web/cafes/27842958/articles/1234", "naver_cafe"},
		{"https://cafe.naver.com/politicscafe", ""},
		{"https://n.news.naver.com/article/001/0014700001", "naver_news"},
	} {
		got := ""
		if p := For(tc.url); p != nil {
			got = p.Name
		}
		if got != tc.want {
			t.Errorf("%s: profile %q, want %q", tc.url, got, tc.want)
		}
	}
}

// TestNaverBlogOlderEditors: posts of SmartEditor 2 (div.se_doc_viewer) and of the oldest
// editor (div#postViewArea) are read with their title, date and the nickname from the
// page's script; a notice page is not a post.
func TestNaverBlogOlderEditors(t *testing.T) {
	base, _ := url.Parse("https://blog.naver.com/PostView.naver?blogId=oldblog&logNo=220000000001")
	for _, tc := range []struct{ name, body, title, date string }{
		{"SE2", `<div class="se_doc_viewer"><div class="se_title"><h3 class="se_textarea">투표소 이야기</h3></div>
			<span class="se_publishDate pcol2">2016. 4. 13. 9:30</span><div class="se_component_wrap">본문</div></div>`, "투표소 이야기", "2016. 4. 13. 9:30"},
		{"oldest", `<div class="htitle"><span class="pcol1 itemSubjectfont">옛날 글</span></div><p class="date fil5 pcol2 _postAddDate">2012. 12. 19. 18:00</p>
			<div id="postViewArea">본문</div>`, "옛날 글", "2012. 12. 19. 18:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := parseDoc(t, `<html><head><script>var blogId = 'oldblog'; var blogNo = '1234'; var nickName = '옛블로거';</script></head><body>`+tc.body+`</body></html>`)
			p, ok := naverBlogPost(doc, base)
			if !ok || p.Title != tc.title || p.Posted.Text != tc.date || p.Author.Nickname != "옛블로거" || p.Author.AccountID != "oldblog" || p.PostID != "oldblog/220000000001" {
				t.Errorf("%v %+v", ok, p)
			}
			if _, ok := naverBlogState(doc, base); ok {
				t.Errorf("a post taken for a notice")
			}
		})
	}
	notice := parseDoc(t, `<html><body><div class="error_wrap"><div class="error"><h1 class="error_h1">비공개 게시물입니다.</h1></div></div></body></html>`)
	if _, ok := naverBlogPost(notice, base); ok {
		t.Errorf("a notice read as a post")
	}
	if st, ok := naverBlogState(notice, base); !ok || st.Verdict != evidence.VerdictLoginWall {
		t.Errorf("state: %v %+v", ok, st)
	}
}
