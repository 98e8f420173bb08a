package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

// The Clien fixture (testdata/sites/clien): a post as the site serves it, its comments
// server-rendered as div.comment_row (a nickname as text and one as an image, replies .re, a
// row of a blocked member, a deleted comment's row), a deletion notice, and the post with
// markup the profile does not know.

func init() {
	siteRoutes = append(siteRoutes, clienRoutes)
}

func clienRoutes(mux *http.ServeMux) {
	post := siteFile("clien/post.html")
	changed := strings.NewReplacer("post_subject", "post_subject_v2", "comment_row", "cmt_row_v2").Replace(string(post))
	mux.HandleFunc("www.clien.net/service/board/park/", func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/service/board/park/") {
		case "19000001":
			writeHTML(w, 200, post)
		case "19000002":
			writeHTML(w, 200, []byte(changed))
		case "19000003":
			writeHTML(w, 200, siteFile("clien/deleted.html"))
		default:
			http.NotFound(w, r)
		}
	})
}

func TestClienPost(t *testing.T) {
	res, files := captureURL(t, siteURL("www.clien.net", "/service/board/park/19000001?od=T31&po=0&category=0&groupCd="))
	keepSiteCapture(t, "clien", files)
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "clien" || !s.Matched {
		t.Fatalf("method site: %+v", s)
	}
	if p.Platform != "clien" || p.PostID != "park/19000001" || p.Title != "선거 개표 조작설 정리" {
		t.Errorf("post: platform %q id %q title %q", p.Platform, p.PostID, p.Title)
	}
	if a := p.Author; a.Nickname != "바른말고운말" || a.MaskedIP != "112.♡.45.67" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T20:41:07+09:00" || p.Modified == nil || p.Modified.KST != "2026-05-28T20:55:30+09:00" {
		t.Errorf("posted %+v modified %+v", p.Posted, p.Modified)
	}
	if c := p.Counts; c.Views == nil || c.Views.Value != 3204 || c.Likes == nil || c.Likes.Value != 23 || c.Comments == nil || c.Comments.Value != 5 {
		t.Errorf("counts: %+v %+v %+v", c.Views, c.Likes, c.Comments)
	}
	want := []struct {
		id, parent, nick, account, ip, text, kst string
		deleted                                  bool
	}{
		{"81000001", "", "진실은하나", "truthkr", "211.♡.12.34", "이거 완전 조작 맞음", "2026-05-28T21:02:11+09:00", false},
		{"81000002", "81000001", "팩트체커", "factcheck99", "58.♡.201.9", "근거가 없는데요", "2026-05-28T21:05:40+09:00", false},
		{"", "", "", "", "", "삭제 되었습니다.", "", true},
		{"81000005", "", "유권자", "voter2026", "175.♡.88.3", "선관위에 신고했습니다", "2026-05-28T21:30:00+09:00", false},
		{"81000006", "81000005", "진실은하나", "truthkr", "211.♡.12.34", "신고해봐라", "2026-05-28T21:31:45+09:00", false},
	}
	if len(p.Comments) != len(want) {
		t.Fatalf("%d comments, want %d (the blocked member's row left out): %+v", len(p.Comments), len(want), p.Comments)
	}
	for i, w := range want {
		c := p.Comments[i]
		if w.id == "" {
			if !c.Deleted || c.Text != w.text || !c.IDAssigned || c.ParentID != "" {
				t.Errorf("deleted row: %+v", c)
			}
			continue
		}
		if c.ID != w.id || c.IDAssigned || c.ParentID != w.parent || c.Author.Nickname != w.nick || c.Author.AccountID != w.account ||
			c.Author.MaskedIP != w.ip || c.Text != w.text || c.Deleted != w.deleted || c.Hidden {
			t.Errorf("comment %d: %+v, want %+v", i, c, w)
		}
		if c.Time == nil || c.Time.KST != w.kst || c.Time.Relative {
			t.Errorf("comment %s time %+v, want %s", w.id, c.Time, w.kst)
		}
	}
	if strings.Contains(string(files["posting.json"]), "차단한 회원의 댓글") {
		t.Errorf("the blocked member's row was recorded")
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func TestClienDeletedPost(t *testing.T) {
	res, _ := captureURL(t, siteURL("www.clien.net", "/service/board/park/19000003"))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictDeleted || len(v.Reasons) == 0 || v.Reasons[0].Code != evidence.ReasonDeletedNotice ||
		!strings.Contains(v.Reasons[0].Detail, "Clien") {
		t.Fatalf("verdict: %+v", v)
	}
	if s := res.Facts.Method.Site; s == nil || s.State != "deleted" {
		t.Errorf("method site: %+v", s)
	}
}

func TestClienMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("www.clien.net", "/service/board/park/19000002"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Matched || s.Profile != "clien" {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform == "clien" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Clien profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
