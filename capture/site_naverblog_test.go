package capture

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
)

// nbComment is one commentList entry of the blog's cbox answer, with the fields a public
// scraper reads from it (userName, contents, regTime as ISO, and result.pageModel.totalPages;
// the commentNo, parentCommentNo, replyLevel, deleted and secret fields as news's cbox has
// them). profileUserId, the commenter's blog ID behind the name's link, is this fixture's
// name for it: the public sources show the link, not the field.
type nbComment struct {
	CommentNo       string `json:"commentNo"`
	ParentCommentNo string `json:"parentCommentNo"`
	ReplyLevel      int    `json:"replyLevel"`
	UserName        string `json:"userName"`
	ProfileUserID   string `json:"profileUserId"`
	Contents        string `json:"contents"`
	RegTime         string `json:"regTime"`
	RegTimeText     string `json:"regTimeText"`
	Deleted         bool   `json:"deleted"`
	Secret          bool   `json:"secret"`
}

// nbComments are the post's comments, oldest first as the blog lists them: 8 comments and 3
// replies; 31000003 deleted by its writer, 31000005 secret.
func nbComments() []nbComment {
	at := time.Date(2026, 5, 28, 21, 30, 0, 0, evidence.KST())
	mk := func(no, parent string, level, min int, nick, id, text string) nbComment {
		t := at.Add(time.Duration(min) * time.Minute)
		return nbComment{CommentNo: no, ParentCommentNo: parent, ReplyLevel: level, UserName: nick, ProfileUserID: id, Contents: text,
			RegTime: t.Format("2006-01-02T15:04:05-0700"), RegTimeText: t.Format("2006.1.2. 15:04")}
	}
	list := []nbComment{
		mk("31000001", "31000001", 1, 0, "국민지킴이", "patriot77", "선관위 발표는 전부 조작이다"),
		mk("31000002", "31000001", 2, 3, "진실감시단", "truthwatch", "증거는 본문 사진에 있습니다"),
		mk("31000003", "31000003", 1, 5, "", "", ""),
		mk("31000004", "31000004", 1, 9, "바른소리", "barun_sori", "출처도 없는 글을 왜 믿나"),
		mk("31000005", "31000005", 1, 12, "", "", ""),
		mk("31000006", "31000006", 1, 20, "ㅁㄴㅇ", "mnoi_22", "홍길동 후보 사퇴하라"),
		mk("31000007", "31000006", 2, 22, "바른소리", "barun_sori", "명예훼손으로 신고합니다"),
		mk("31000008", "31000008", 1, 30, "익명의시민", "citizen_k", "퍼갑니다"),
		mk("31000009", "31000009", 1, 41, "국민지킴이", "patriot77", "다들 투표함 사진 찍어두세요"),
		mk("31000010", "31000009", 2, 43, "진실감시단", "truthwatch", "감사합니다"),
		mk("31000011", "31000011", 1, 50, "ㅇㅇ", "oo_1004", "조작 맞네"),
	}
	list[2].Deleted = true
	list[4].Secret = true
	return list
}

func init() {
	siteRoutes = append(siteRoutes, naverBlogRoutes)
	fixtureHosts = append(fixtureHosts, "apis.naver.com")
}

func naverBlogRoutes(mux *http.ServeMux) {
	postview := siteFile("naverblog/postview.html")
	mux.HandleFunc("blog.naver.com/truthwatch/223456789012", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("naverblog/outer.html"))
	})
	mux.HandleFunc("blog.naver.com/truthwatch/223456789099", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("naverblog/outer-deleted.html"))
	})
	mux.HandleFunc("blog.naver.com/PostView.naver", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("blogId") == "truthwatch" && q.Get("logNo") == "223456789012":
			writeHTML(w, 200, postview)
		case q.Get("blogId") == "truthwatch" && q.Get("logNo") == "223456789013": // the markup changed
			changed := strings.NewReplacer("se-viewer", "se-viewer-v3", "se-main-container", "se-main-body", "se-documentTitle", "se-docTitle",
				"u_cbox_comment", "u_cbox_item", "naverComment_", "blogComment_").Replace(string(postview))
			writeHTML(w, 200, []byte(changed))
		case q.Get("blogId") == "truthwatch" && q.Get("logNo") == "223456789099":
			writeHTML(w, 200, siteFile("naverblog/postview-deleted.html"))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("m.blog.naver.com/truthwatch/223456789077", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("naverblog/mobile-neighbours.html"))
	})
	mux.HandleFunc("apis.naver.com/commentBox/blogid/web_naver_list_jsonp.json", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		// As the blog's proxy answers: only for the post's own frame (its Referer), as JSONP.
		if !strings.Contains(r.Referer(), "blog.naver.com") || q.Get("ticket") != "blog" || q.Get("pool") != "blogid" ||
			q.Get("objectId") != "224118930_201_223456789012" || q.Get("groupId") != "224118930" {
			http.Error(w, "", http.StatusForbidden)
			return
		}
		all := nbComments()
		size, _ := strconv.Atoi(q.Get("pageSize"))
		size = max(size, 1)
		var top []string
		for _, c := range all {
			if c.ReplyLevel == 1 {
				top = append(top, c.CommentNo)
			}
		}
		pages := (len(top) + size - 1) / size
		p, _ := strconv.Atoi(q.Get("page"))
		if p < 1 || p > pages {
			p = 1
		}
		shown := map[string]bool{}
		for _, no := range top[(p-1)*size : min(p*size, len(top))] {
			shown[no] = true
		}
		list := []nbComment{}
		for _, c := range all {
			if shown[c.ParentCommentNo] {
				list = append(list, c)
			}
		}
		res := map[string]any{"success": true, "code": "1000", "result": map[string]any{
			"commentList": list, "pageModel": map[string]any{"page": p, "pageSize": size, "totalPages": pages, "totalRows": len(top)},
			"count": map[string]any{"comment": len(top), "reply": len(all) - len(top), "total": len(all)}}}
		writeJSONP(w, q.Get("_callback"), res)
	})
}

func TestNaverBlogPost(t *testing.T) {
	res, files := captureURL(t, siteURL("blog.naver.com", "/truthwatch/223456789012"))
	keepSiteCapture(t, "naverblog", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "naver_blog" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if !strings.Contains(strings.Join(site.Prepared, "\n"), "opened the comment list (#Comi223456789012)") {
		t.Errorf("prepared: %q", site.Prepared)
	}
	if p.Platform != "naver_blog" || p.PostID != "truthwatch/223456789012" || p.Title != "사전투표 조작의 결정적 증거" {
		t.Errorf("post: %q %q %q", p.Platform, p.PostID, p.Title)
	}
	if a := p.Author; a.Nickname != "진실감시단" || a.AccountID != "truthwatch" || a.ProfileURL != "https://blog.naver.com/truthwatch" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:00+09:00" || !strings.Contains(p.Posted.Source, "se_publishDate") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if p.Counts.Comments == nil || p.Counts.Comments.Value != 11 || p.Counts.Likes == nil || p.Counts.Likes.Value != 37 {
		t.Errorf("counts: %+v %+v", p.Counts.Comments, p.Counts.Likes)
	}
	want := nbComments()
	if len(p.Comments) != len(want) {
		t.Errorf("%d comments, want %d: %+v", len(p.Comments), len(want), p.Comments)
	}
	byID := commentByID(p)
	for _, w := range want {
		c, ok := byID[w.CommentNo]
		if !ok {
			t.Errorf("comment %s missing", w.CommentNo)
			continue
		}
		if c.Deleted != w.Deleted || c.Hidden != w.Secret || c.IDAssigned {
			t.Errorf("comment %s: deleted %v hidden %v assigned %v", w.CommentNo, c.Deleted, c.Hidden, c.IDAssigned)
		}
		wantParent := ""
		if w.ReplyLevel == 2 {
			wantParent = w.ParentCommentNo
		}
		if c.ParentID != wantParent {
			t.Errorf("comment %s parent %q, want %q", w.CommentNo, c.ParentID, wantParent)
		}
		if w.Deleted || w.Secret {
			continue
		}
		if c.Text != w.Contents || c.Author.Nickname != w.UserName || c.Author.AccountID != w.ProfileUserID ||
			c.Author.ProfileURL != "https://blog.naver.com/"+w.ProfileUserID {
			t.Errorf("comment %s: %+v", w.CommentNo, c)
		}
		if wt, _ := time.Parse("2006-01-02T15:04:05-0700", w.RegTime); c.Time == nil || c.Time.KST != wt.In(evidence.KST()).Format(time.RFC3339) || c.Time.Relative {
			t.Errorf("comment %s time: %+v", w.CommentNo, c.Time)
		}
	}
	// The comment pages after the first (three comments each), followed inside iframe#mainFrame.
	for id, page := range map[string]int{"31000004": 1, "31000007": 2, "31000009": 3} {
		if c := byID[id]; c.Page != page {
			t.Errorf("comment %s read from page %d, want %d", id, c.Page, page)
		}
	}
	if n := len(res.Facts.Method.CommentPages); n != 2 || res.Facts.Method.CommentPages[0].Frame == "" {
		t.Errorf("comment pages: %+v", res.Facts.Method.CommentPages)
	}
	v := res.Facts.Completeness
	if v == nil || !hasReason(v, evidence.ReasonSiteLimit) || !strings.Contains(reasonDetails(v), `1 comment is secret ("비밀 댓글")`) {
		t.Errorf("verdict: %+v", v)
	}
}

// reasonDetails joins a verdict's reasons' details.
func reasonDetails(v *evidence.Completeness) string {
	var b strings.Builder
	for _, r := range v.Reasons {
		b.WriteString(r.Code + ": " + r.Detail + "\n")
	}
	return b.String()
}

func TestNaverBlogStates(t *testing.T) {
	for _, tc := range []struct {
		name, host, path string
		verdict          evidence.Verdict
		code, words      string
	}{
		{"deleted", "blog.naver.com", "/truthwatch/223456789099", evidence.VerdictDeleted, evidence.ReasonDeletedNotice, "삭제되었거나 존재하지 않는 게시물입니다"},
		{"mutual neighbours only (mobile)", "m.blog.naver.com", "/truthwatch/223456789077", evidence.VerdictLoginWall, evidence.ReasonLoginNotice, "서로이웃에게만 공개된 게시물입니다"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL(tc.host, tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || !hasReason(v, tc.code) || !strings.Contains(reasonDetails(v), tc.words) {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "naver_blog" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

// TestNaverBlogMarkupChanged: a PostView whose markup the profile does not know is captured
// the generic way, and the method, the record and the verdict say so.
func TestNaverBlogMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("blog.naver.com", "/PostView.naver?blogId=truthwatch&logNo=223456789013"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "naver_blog" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Naver Blog profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
