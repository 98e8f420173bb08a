package capture

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
)

// nnComment is one commentList entry of Naver's cbox JSONP answer, with the fields the public
// scrapers read (forkonlp/N2H4 R/getComment.R; a TypeScript type written against a 2023
// answer): parentCommentNo equals commentNo for a top-level comment, replyLevel 2 for a reply.
type nnComment struct {
	CommentNo        string `json:"commentNo"`
	ParentCommentNo  string `json:"parentCommentNo"`
	ReplyLevel       int    `json:"replyLevel"`
	ReplyCount       int    `json:"replyCount"`
	UserIDNo         string `json:"userIdNo"`
	UserName         string `json:"userName"`
	MaskedUserID     string `json:"maskedUserId"`
	Contents         string `json:"contents"`
	RegTime          string `json:"regTime"`
	RegTimeText      string `json:"regTimeText"`
	Deleted          bool   `json:"deleted"`
	HiddenByCleanbot bool   `json:"hiddenByCleanbot"`
}

// nnComments are the article's comments, newest first, and their replies: 25 comments, 3
// replies; 900007 deleted by its writer, 900018 and 900020 hidden by CleanBot (among the
// first ten shown once it is off: only those can be told apart).
func nnComments() (top []nnComment, replies map[string][]nnComment) {
	at := time.Date(2026, 5, 29, 9, 30, 0, 0, evidence.KST())
	mk := func(no, parent string, level, i int, text string) nnComment {
		t := at.Add(time.Duration(i) * time.Minute)
		id := fmt.Sprintf("u%03d", i)
		return nnComment{CommentNo: no, ParentCommentNo: parent, ReplyLevel: level, UserIDNo: id,
			UserName: fmt.Sprintf("abc%d****", i), MaskedUserID: fmt.Sprintf("abc%d****", i), Contents: text,
			RegTime: t.Format("2006-01-02T15:04:05-0700"), RegTimeText: t.Format("2006.01.02. 15:04")}
	}
	replies = map[string][]nnComment{}
	for i := 25; i >= 1; i-- {
		no := strconv.Itoa(900000 + i)
		c := mk(no, no, 1, i, fmt.Sprintf("댓글 %d번: 선관위 발표는 거짓말이다", i))
		switch i {
		case 7:
			c.Deleted, c.Contents = true, ""
		case 18, 20:
			c.HiddenByCleanbot, c.Contents = true, fmt.Sprintf("댓글 %d번: 선관위 놈들 다 감옥 보내야 한다", i)
		case 3:
			replies[no] = []nnComment{mk("910001", no, 2, 40, "답글: 출처가 어디냐"), mk("910002", no, 2, 41, "답글: 커뮤니티에서 봤다")}
		case 10:
			replies[no] = []nnComment{mk("910003", no, 2, 42, "답글: 이것도 가짜뉴스")}
		}
		c.ReplyCount = len(replies[no])
		top = append(top, c)
	}
	return top, replies
}

func init() {
	siteRoutes = append(siteRoutes, naverNewsRoutes)
	fixtureHosts = append(fixtureHosts, "apis.naver.com")
}

func naverNewsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("n.news.naver.com/article/001/0014700001", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("navernews/article.html"))
	})
	// CleanBot's setting that never opens its layer (its markup changed).
	noLayer := strings.NewReplacer(`id="cleanbot_dialog_checkbox_cbox_module"`, `id="cb_v2"`, "u_cbox_layer_cleanbot2_checkbox", "cb_v2_box",
		`getElementById("cleanbot_dialog_checkbox_cbox_module")`, `getElementById("cb_v2")`).Replace(string(siteFile("navernews/article.html")))
	mux.HandleFunc("n.news.naver.com/article/001/0014700003", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, []byte(noLayer))
	})
	mux.HandleFunc("n.news.naver.com/article/001/0014700002", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("navernews/missing.html"))
	})
	mux.HandleFunc("apis.naver.com/commentBox/cbox/web_naver_list_jsonp.json", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		// As Naver does: only for the article's own page (its Referer), as JSONP.
		if !strings.Contains(r.Referer(), "n.news.naver.com") || q.Get("ticket") != "news" || q.Get("objectId") != "news001,0014700001" {
			http.Error(w, "", http.StatusForbidden)
			return
		}
		top, replies := nnComments()
		var page []nnComment
		next := ""
		if p := q.Get("parentCommentNo"); p != "" {
			page = replies[p]
		} else {
			var shown []nnComment
			for _, c := range top {
				if c.HiddenByCleanbot && q.Get("cleanbotGrade") != "0" {
					continue
				}
				shown = append(shown, c)
			}
			from, _ := strconv.Atoi(q.Get("moreParam.next"))
			size, _ := strconv.Atoi(q.Get("pageSize"))
			if from < 0 || from > len(shown) {
				from = 0
			}
			to := min(from+max(size, 1), len(shown))
			page = shown[from:to]
			if to < len(shown) {
				next = strconv.Itoa(to)
			}
		}
		if page == nil {
			page = []nnComment{}
		}
		res := map[string]any{"success": true, "code": "1000", "result": map[string]any{
			"commentList": page, "morePage": map[string]any{"next": next},
			"count": map[string]any{"comment": 25, "reply": 3, "total": 28}}}
		writeJSONP(w, q.Get("_callback"), res)
	})
}

func TestNaverNewsArticle(t *testing.T) {
	res, files := captureURL(t, siteURL("n.news.naver.com", "/article/001/0014700001"))
	keepSiteCapture(t, "navernews", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "naver_news" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if !strings.Contains(strings.Join(site.Prepared, "\n"), "CleanBot filter off") {
		t.Errorf("prepared: %q", site.Prepared)
	}
	if p.Platform != "naver_news" || p.PostID != "001/0014700001" || p.Title != `선관위 "사전투표함 바꿔치기 주장은 허위"` {
		t.Errorf("post: %q %q %q", p.Platform, p.PostID, p.Title)
	}
	if p.Author.Nickname != "김기자 기자 (연합뉴스)" {
		t.Errorf("author: %+v", p.Author)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-29T09:12:03+09:00" || p.Modified == nil || p.Modified.KST != "2026-05-29T10:40:55+09:00" {
		t.Errorf("times: %+v %+v", p.Posted, p.Modified)
	}
	if p.Counts.Comments == nil || p.Counts.Comments.Value != 28 {
		t.Errorf("comment count: %+v", p.Counts.Comments)
	}
	top, replies := nnComments()
	byID := commentByID(p)
	if len(p.Comments) != 28 {
		t.Errorf("%d comments, want 28", len(p.Comments))
	}
	check := func(w nnComment) {
		c, ok := byID[w.CommentNo]
		if !ok {
			t.Errorf("comment %s missing", w.CommentNo)
			return
		}
		if c.Deleted != w.Deleted || c.Hidden != w.HiddenByCleanbot {
			t.Errorf("comment %s deleted %v hidden %v", w.CommentNo, c.Deleted, c.Hidden)
		}
		if !w.Deleted && (c.Text != w.Contents || c.Author.AccountID != w.MaskedUserID) {
			t.Errorf("comment %s: %+v", w.CommentNo, c)
		}
		if !w.Deleted && (c.Time == nil || c.Time.Source != "span.u_cbox_date attr:data-value" || c.Time.Relative) {
			t.Errorf("comment %s time: %+v", w.CommentNo, c.Time)
		}
		if w.ReplyLevel == 2 && c.ParentID != w.ParentCommentNo {
			t.Errorf("reply %s parent %q", w.CommentNo, c.ParentID)
		}
	}
	for _, c := range top {
		check(c)
		for _, r := range replies[c.CommentNo] {
			check(r)
		}
	}
	if !strings.Contains(strings.Join(p.Notes, "\n"), "2 comments were hidden by the site's filter") {
		t.Errorf("notes: %q", p.Notes)
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func TestNaverNewsMissingArticle(t *testing.T) {
	res, _ := captureURL(t, siteURL("n.news.naver.com", "/article/001/0014700002"))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictDeleted || !strings.Contains(v.Reasons[0].Detail, "Naver") {
		t.Fatalf("verdict: %+v", v)
	}
}

// TestNaverNewsCleanBotNotSwitched: when CleanBot cannot be switched off, the verdict says the
// page was not prepared, beside the comments it kept hidden.
func TestNaverNewsCleanBotNotSwitched(t *testing.T) {
	res, _ := captureURL(t, siteURL("n.news.naver.com", "/article/001/0014700003"))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonSitePrepare) || !hasReason(v, evidence.ReasonCommentsFewer) {
		t.Fatalf("verdict: %+v", v)
	}
	if s := res.Facts.Method.Site; s == nil || !strings.Contains(strings.Join(s.Prepared, "\n"), "failed: the CleanBot setting did not open") {
		t.Errorf("method site: %+v", s)
	}
}
