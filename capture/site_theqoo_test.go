package capture

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"evidentia/evidence"
)

// tqComment is one comment_list entry of theqoo's dispTheqooContentCommentListTheqoo answer,
// with the fields the public collectors read: srl, ct (the comment's HTML), rd
// ("20260916232553"), ind (-1 for a comment, the depth for a reply).
type tqComment struct {
	Srl int    `json:"srl"`
	Ct  string `json:"ct"`
	Rd  string `json:"rd"`
	Ind int    `json:"ind"`
	// parent is the comment a reply answers (the fixture's, not the API's).
	parent string
}

const tqWarning = `<span class="commentWarningMessage">비회원은 작성한 지 1시간 이내의 댓글은 읽을 수 없습니다.</span>`

// tqPages are post 4279889037's comment pages, oldest first: cpage 0 answers the newest (page
// 2), which shows "댓글 더보기" for page 1. 1009 is less than an hour old: a visitor who is not
// logged in gets the warning in place of its text.
var tqPages = [][]tqComment{{
	{Srl: 4279890001, Ct: "<p>출처가 어디임</p>", Rd: "20260528205901", Ind: -1},
	{Srl: 4279890002, Ct: "<p>커뮤에서 봤음</p>", Rd: "20260528210344", Ind: 1, parent: "4279890001"},
	{Srl: 4279890003, Ct: "<p>삭제된 댓글입니다.</p>", Rd: "20260528211002", Ind: -1},
	{Srl: 4279890004, Ct: "<p>이거 가짜뉴스임<br>신고함</p>", Rd: "20260528211530", Ind: -1},
}, {
	{Srl: 4279890005, Ct: "<p>홍길동 찍으면 안 됨</p>", Rd: "20260528212000", Ind: -1},
	{Srl: 4279890006, Ct: "<p>왜?</p>", Rd: "20260528212210", Ind: 1, parent: "4279890005"},
	{Srl: 4279890007, Ct: "<p>전과 있대</p>", Rd: "20260528212501", Ind: 2, parent: "4279890006"},
	{Srl: 4279890008, Ct: "<p>퍼감</p>", Rd: "20260528213000", Ind: -1},
	{Srl: 4279890009, Ct: tqWarning, Rd: "20260528223000", Ind: -1},
}}

func init() {
	siteRoutes = append(siteRoutes, tqRoutes)
}

func tqRoutes(mux *http.ServeMux) {
	post := siteFile("theqoo/post.html")
	changed := strings.NewReplacer("theqoo_document_header", "tq_doc_head_v2", "fdb_lst_ul", "cmt_lst_v2", "fdb_itm", "cmt_itm").Replace(string(post))
	mux.HandleFunc("GET theqoo.net/square/", func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/square/") {
		case "4279889037":
			writeHTML(w, 200, post)
		case "4279889038":
			writeHTML(w, 200, []byte(changed))
		case "4279889039":
			writeHTML(w, 200, siteFile("theqoo/deleted.html"))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("POST theqoo.net/index.php", func(w http.ResponseWriter, r *http.Request) {
		var q struct {
			Act         string `json:"act"`
			DocumentSrl int64  `json:"document_srl"`
			Cpage       int    `json:"cpage"`
		}
		// As theqoo does: a JSON body with the page's CSRF token, else an error answer.
		if r.Header.Get("X-CSRF-Token") != "tq8f2c61d0a94b37e5" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
			json.NewDecoder(r.Body).Decode(&q) != nil || q.Act != "dispTheqooContentCommentListTheqoo" {
			writeJSON(w, map[string]any{"error": -1, "errorDetail": "ERR_CSRF_CHECK_FAILED"})
			return
		}
		if q.DocumentSrl != 4279889037 {
			writeJSON(w, map[string]any{"comment_list": []tqComment{}, "now_comment_page": 1, "added_number": 0})
			return
		}
		page := q.Cpage
		if page < 1 || page > len(tqPages) {
			page = len(tqPages)
		}
		added := 0
		for _, p := range tqPages[:page-1] {
			added += len(p)
		}
		writeJSON(w, map[string]any{"comment_list": tqPages[page-1], "now_comment_page": page, "added_number": added, "document_srl": q.DocumentSrl})
	})
}

func TestTheqooPost(t *testing.T) {
	res, files := captureURL(t, siteURL("theqoo.net", "/square/4279889037"))
	keepSiteCapture(t, "theqoo", files)
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "theqoo" || !s.Matched {
		t.Fatalf("method site: %+v", s)
	}
	if p.Platform != "theqoo" || p.PostID != "4279889037" || p.Title != "선관위 사전투표 조작 증거라는 글" {
		t.Errorf("post: platform %q id %q title %q", p.Platform, p.PostID, p.Title)
	}
	if a := p.Author; a.Nickname != "무명의 더쿠" || a.AccountID != "" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T20:52:00+09:00" {
		t.Errorf("posted: %+v", p.Posted)
	}
	if c := p.Counts; c.Views == nil || c.Views.Value != 5892 || c.Comments == nil || c.Comments.Value != 9 {
		t.Errorf("counts: %+v %+v", c.Views, c.Comments)
	}
	// Both comment pages: the older one loaded by the site's own "댓글 더보기".
	n := 0
	byID := commentByID(p)
	for _, page := range tqPages {
		for _, w := range page {
			n++
			id := strconv.Itoa(w.Srl)
			c, ok := byID[id]
			if !ok {
				t.Errorf("comment %s missing", id)
				continue
			}
			text := strings.NewReplacer("<p>", "", "</p>", "", "<br>", "\n").Replace(w.Ct)
			hidden := strings.Contains(w.Ct, "commentWarningMessage")
			if hidden {
				text = "비회원은 작성한 지 1시간 이내의 댓글은 읽을 수 없습니다."
			}
			if c.ParentID != w.parent || c.Author.Nickname != "무명의 더쿠" || c.Text != text || c.Hidden != hidden ||
				c.Deleted != (w.Srl == 4279890003) || c.IDAssigned {
				t.Errorf("comment %s: %+v", id, c)
			}
			want := w.Rd[:4] + "-" + w.Rd[4:6] + "-" + w.Rd[6:8] + "T" + w.Rd[8:10] + ":" + w.Rd[10:12] + ":" + w.Rd[12:] + "+09:00"
			if c.Time == nil || c.Time.KST != want {
				t.Errorf("comment %s time %+v, want %s", id, c.Time, want)
			}
		}
	}
	if len(p.Comments) != n {
		t.Errorf("%d comments, want %d", len(p.Comments), n)
	}
	// The comment withheld from a visitor who is not logged in: a site limit.
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonSiteLimit) {
		t.Fatalf("verdict: %+v", v)
	}
	for _, r := range v.Reasons {
		if r.Code == evidence.ReasonSiteLimit && !strings.Contains(r.Detail, "1 comment showed only") {
			t.Errorf("site limit: %q", r.Detail)
		}
		if r.Code != evidence.ReasonSiteLimit {
			t.Errorf("unexpected reason %+v", r)
		}
	}
}

func TestTheqooDeletedPost(t *testing.T) {
	res, _ := captureURL(t, siteURL("theqoo.net", "/square/4279889039"))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictDeleted || len(v.Reasons) == 0 || v.Reasons[0].Code != evidence.ReasonDeletedNotice ||
		!strings.Contains(v.Reasons[0].Detail, "theqoo") {
		t.Fatalf("verdict: %+v", v)
	}
	if s := res.Facts.Method.Site; s == nil || s.State != "deleted" {
		t.Errorf("method site: %+v", s)
	}
}

func TestTheqooMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("theqoo.net", "/square/4279889038"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Matched || s.Profile != "theqoo" {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform == "theqoo" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the theqoo profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
