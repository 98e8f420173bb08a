package capture

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

// dcComment is one entry of DC Inside's POST /board/comment/ answer, with the fields the
// public scrapers read (gurumnyang/dcinside.js src/scraper/post/comments.ts; a 2018 answer
// kept as a test of a Go scraper): depth 1 and c_no for a reply, is_delete "1" for a deleted
// one, no "0" for the advertising bot 댓글돌이.
type dcComment struct {
	No       string `json:"no"`
	Parent   string `json:"parent"`
	UserID   string `json:"user_id"`
	Name     string `json:"name"`
	IP       string `json:"ip"`
	RegDate  string `json:"reg_date"`
	NickType string `json:"nicktype"`
	Depth    int    `json:"depth"`
	CNo      string `json:"c_no"`
	DelYN    string `json:"del_yn"`
	IsDelete string `json:"is_delete"`
	Memo     string `json:"memo"`
	RCnt     int    `json:"rcnt"`
}

// dcPages are the comment pages of post 1001 (DC pages 100 comments; the fixture 5 items).
var dcPages = [][]dcComment{{
	{No: "2001", Name: "ㅇㅇ", IP: "39.7", RegDate: "05.28 21:10:03", Memo: "조작 맞네 선관위 해체해라", RCnt: 2},
	{No: "2002", UserID: "truthseeker", Name: "진실추적자", RegDate: "05.28 21:12:45", NickType: "20", Depth: 1, CNo: "2001", Memo: "증거 더 있음 내 갤로그 봐라"},
	{No: "2003", Name: "ㅇㅇ", IP: "223.38", RegDate: "05.28 21:13:09", Depth: 1, CNo: "2001", DelYN: "Y", IsDelete: "1", Memo: "이 댓글은 게시물 작성자가 삭제하였습니다."},
	{No: "0", Name: "댓글돌이", RegDate: "", NickType: "COMMENT_BOY", Memo: "광고 댓글입니다"},
	{No: "2004", Name: "ㅇㅇ", IP: "106.101", RegDate: "05.28 21:20:31", Memo: "투표함 봉인지 사진 올려봐"},
	{No: "2005", UserID: "patriot_kr", Name: "애국시민", RegDate: "05.28 21:24:00", NickType: "20", Memo: "퍼갑니다 다들 알아야 함"},
}, {
	{No: "2006", Name: "ㅇㅇ", IP: "175.223", RegDate: "05.28 22:01:15", Memo: "홍길동 전과 4범 맞음?", RCnt: 1},
	{No: "2007", Name: "ㅇㅇ", IP: "58.140", RegDate: "05.28 22:03:44", Depth: 1, CNo: "2006", Memo: "가짜뉴스임 신고했다"},
	{No: "2008", Name: "ㅇㅇ", IP: "211.36", RegDate: "05.28 22:10:02", Memo: "캡처해둠"},
	{No: "2009", Name: "ㅇㅇ", IP: "1.214", RegDate: "05.29 08:00:59", Memo: "ㅋㅋㅋ 또 조작타령"},
}}

func init() {
	siteRoutes = append(siteRoutes, dcRoutes)
}

func dcRoutes(mux *http.ServeMux) {
	view := siteFile("dcinside/view.html")
	changed := strings.NewReplacer("gallview_head", "gallview_head_v2", "gall_writer", "gall_writer_v2", "cmt_list", "cmt_list_v2", "comment_li_", "cmt_", "reply_li_", "rpl_").Replace(string(view))
	mux.HandleFunc("gall.dcinside.com/board/view/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("no") {
		case "1001":
			writeHTML(w, 200, view)
		case "1002": // the site changed its markup: the profile does not match
			writeHTML(w, 200, []byte(changed))
		case "404": // a deleted post: DC sends the browser to its deletion page
			http.Redirect(w, r, "/derror/deleted/politics/G", http.StatusFound)
		case "429":
			writeHTML(w, 429, siteFile("dcinside/penalty.html"))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("gall.dcinside.com/derror/deleted/", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("dcinside/deleted.html"))
	})
	mux.HandleFunc("POST gall.dcinside.com/board/comment/", func(w http.ResponseWriter, r *http.Request) {
		// As DC does: an XHR with the post's token from its own page, else nothing.
		if r.Header.Get("X-Requested-With") != "XMLHttpRequest" || r.FormValue("e_s_n_o") != "3eabc219ebdd65fe3eef85e1" ||
			r.FormValue("id") != "politics" || r.FormValue("no") == "" || r.FormValue("_GALLTYPE_") != "G" {
			http.Error(w, "", http.StatusForbidden)
			return
		}
		page := 1
		fmt.Sscanf(r.FormValue("comment_page"), "%d", &page)
		if page < 1 || page > len(dcPages) {
			page = 1
		}
		var pag strings.Builder
		for i := range dcPages {
			if i+1 == page {
				fmt.Fprintf(&pag, "<em>%d</em>", i+1)
			} else {
				fmt.Fprintf(&pag, "<a href=\"javascript:viewComments(%d,'D')\">%d</a>", i+1, i+1)
			}
		}
		list := make([]dcComment, len(dcPages[page-1]))
		for i, c := range dcPages[page-1] {
			c.Parent = r.FormValue("no")
			if c.DelYN == "" {
				c.DelYN, c.IsDelete = "N", "0"
			}
			list[i] = c
		}
		writeJSON(w, map[string]any{"total_cnt": "9", "comment_cnt": len(list), "comments": list, "pagination": pag.String()})
	})
	mux.HandleFunc("m.dcinside.com/board/politics/1001", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("dcinside/mobile.html"))
	})
	mux.HandleFunc("POST m.dcinside.com/ajax/response-comment", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Requested-With") != "XMLHttpRequest" || r.FormValue("id") != "politics" || r.FormValue("no") != "1001" {
			http.Error(w, "", http.StatusForbidden)
			return
		}
		writeHTML(w, 200, siteFile("dcinside/mobile-comments.html"))
	})
}

func TestDCInsidePost(t *testing.T) {
	res, files := captureURL(t, siteURL("gall.dcinside.com", "/board/view/?id=politics&no=1001"))
	keepSiteCapture(t, "dcinside", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "dcinside" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if p.Platform != "dcinside" || p.PostID != "politics/1001" || p.Title != "사전투표 조작 증거 나왔다" {
		t.Errorf("post: platform %q id %q title %q", p.Platform, p.PostID, p.Title)
	}
	if a := p.Author; a.Nickname != "ㅇㅇ" || a.MaskedIP != "121.134" || a.AccountID != "" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:17+09:00" || !strings.Contains(p.Posted.Source, "attr:title") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if p.Counts.Views == nil || p.Counts.Views.Value != 4812 || p.Counts.Likes == nil || p.Counts.Likes.Value != 77 ||
		p.Counts.Comments == nil || p.Counts.Comments.Value != 9 {
		t.Errorf("counts: %+v %+v %+v", p.Counts.Views, p.Counts.Likes, p.Counts.Comments)
	}
	// Every comment of both comment pages, the bot's advertisement left out.
	byID := commentByID(p)
	if len(p.Comments) != 9 {
		t.Errorf("%d comments, want 9: %+v", len(p.Comments), p.Comments)
	}
	for _, page := range dcPages {
		for _, w := range page {
			if w.No == "0" {
				if _, ok := byID["0"]; ok {
					t.Errorf("댓글돌이's advertisement recorded as a comment")
				}
				continue
			}
			c, ok := byID[w.No]
			if !ok {
				t.Errorf("comment %s missing", w.No)
				continue
			}
			if c.Text != w.Memo || c.Author.Nickname != w.Name || c.IDAssigned {
				t.Errorf("comment %s: %+v", w.No, c)
			}
			if w.UserID != "" && (c.Author.AccountID != w.UserID || c.Author.ProfileURL != "https://gallog.dcinside.com/"+w.UserID) {
				t.Errorf("comment %s account: %+v", w.No, c.Author)
			}
			if w.UserID == "" && c.Author.MaskedIP != w.IP {
				t.Errorf("comment %s masked IP %q, want %q", w.No, c.Author.MaskedIP, w.IP)
			}
			if w.CNo != "" && c.ParentID != w.CNo {
				t.Errorf("reply %s parent %q, want %s", w.No, c.ParentID, w.CNo)
			}
			if c.Deleted != (w.IsDelete == "1") {
				t.Errorf("comment %s deleted %v", w.No, c.Deleted)
			}
			if want := "2026-" + strings.Replace(strings.Replace(w.RegDate, ".", "-", 1), " ", "T", 1) + "+09:00"; c.Time == nil || c.Time.KST != want {
				t.Errorf("comment %s time %+v, want %s", w.No, c.Time, want)
			}
		}
	}
	if c := byID["2007"]; c.Page != 2 {
		t.Errorf("comment 2007 read from page %d, want 2", c.Page)
	}
	if n := len(res.Facts.Method.CommentPages); n != 1 {
		t.Errorf("%d comment pages followed, want 1", n)
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
	img, err := png.Decode(bytes.NewReader(files["screenshot.png"]))
	if err != nil || img.Bounds().Dy() < 900 {
		t.Errorf("screenshot: %v %v", err, img)
	}
}

func TestDCInsideDeletedPost(t *testing.T) {
	res, _ := captureURL(t, siteURL("gall.dcinside.com", "/board/view/?id=politics&no=404"))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictDeleted || len(v.Reasons) == 0 || !strings.Contains(v.Reasons[0].Detail, "DC Inside") {
		t.Fatalf("verdict: %+v", v)
	}
	if s := res.Facts.Method.Site; s == nil || s.State != "deleted" {
		t.Errorf("method site: %+v", s)
	}
}

func TestDCInsideRateLimited(t *testing.T) {
	res, _ := captureURL(t, siteURL("gall.dcinside.com", "/board/view/?id=politics&no=429"))
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictBlocked {
		t.Fatalf("verdict: %+v", v)
	}
}

// TestDCInsideMarkupChanged: a post whose markup the profile does not know is captured the
// generic way, and the method, the record and the verdict say so.
func TestDCInsideMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("gall.dcinside.com", "/board/view/?id=politics&no=1002"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Matched || !strings.Contains(s.Note, "generic") {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the DC Inside profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}

func TestDCInsideMobile(t *testing.T) {
	res, files := captureURL(t, siteURL("m.dcinside.com", "/board/politics/1001"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || !s.Matched {
		t.Fatalf("method site: %+v", s)
	}
	if p.PostID != "politics/1001" || p.Title != "사전투표 조작 증거 나왔다" || p.Author.Nickname != "ㅇㅇ" || p.Author.MaskedIP != "121.134" {
		t.Errorf("post: %q %q %+v", p.PostID, p.Title, p.Author)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:00+09:00" {
		t.Errorf("posted: %+v", p.Posted)
	}
	byID := commentByID(p)
	if len(p.Comments) != 4 {
		t.Errorf("%d comments: %+v", len(p.Comments), p.Comments)
	}
	if c := byID["2002"]; c.ParentID != "2001" || c.Author.AccountID != "truthseeker" || c.Author.Nickname != "진실추적자" {
		t.Errorf("reply 2002: %+v", c)
	}
	if c := byID["2001"]; c.Author.MaskedIP != "39.7" || c.Text != "조작 맞네 선관위 해체해라" {
		t.Errorf("comment 2001: %+v", c)
	}
	if c := byID["2003"]; !c.Deleted {
		t.Errorf("comment 2003: %+v", c)
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func hasReason(v *evidence.Completeness, code string) bool {
	for _, r := range v.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}
