package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

func init() {
	siteRoutes = append(siteRoutes, daumCafeRoutes)
	fixtureHosts = append(fixtureHosts, "logins.daum.net", "accounts.kakao.com")
}

func daumCafeRoutes(mux *http.ServeMux) {
	outer := func(no string) []byte {
		return []byte(strings.NewReplacer("{{GRPID}}", "1AbCd", "{{NO}}", no).Replace(string(siteFile("daumcafe/outer.html"))))
	}
	mux.HandleFunc("cafe.daum.net/election2026/Fx1b/", func(w http.ResponseWriter, r *http.Request) {
		switch no := strings.TrimPrefix(r.URL.Path, "/election2026/Fx1b/"); no {
		case "1001", "1002":
			writeHTML(w, 200, outer(no))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("cafe.daum.net/_c21_/bbs_read", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("grpid") != "1AbCd" || q.Get("fldid") != "Fx1b" {
			http.NotFound(w, r)
			return
		}
		b := siteFile("daumcafe/bbs_read.html")
		switch q.Get("datanum") {
		case "1001":
			writeHTML(w, 200, b)
		case "1002": // the site changed its markup
			writeHTML(w, 200, []byte(strings.NewReplacer("bbs_read_tit", "article_head", "tit_info", "tit_article", "comment_post", "comment_area").Replace(string(b))))
		default:
			http.NotFound(w, r)
		}
	})
	// A members-only café: Daum sends a visitor through logins.daum.net to the Kakao login.
	mux.HandleFunc("cafe.daum.net/secretcafe/Ab12/7", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, siteURL("logins.daum.net", "/accounts/loginform.do?url=https%3A%2F%2Fcafe.daum.net%2Fsecretcafe%2FAb12%2F7"), http.StatusFound)
	})
	mux.HandleFunc("logins.daum.net/accounts/loginform.do", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, siteURL("accounts.kakao.com", "/login/?continue=https%3A%2F%2Fcafe.daum.net%2Fsecretcafe%2FAb12%2F7"), http.StatusFound)
	})
	mux.HandleFunc("accounts.kakao.com/login/", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("daumcafe/login.html"))
	})
	// A café that shows its notice in place of the post.
	mux.HandleFunc("cafe.daum.net/closedcafe/Ab12/8", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("daumcafe/members.html"))
	})
}

func TestDaumCafePost(t *testing.T) {
	res, files := captureURL(t, siteURL("cafe.daum.net", "/election2026/Fx1b/1001"))
	keepSiteCapture(t, "daumcafe", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "daum_cafe" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if p.Platform != "daum_cafe" || p.PostID != "1AbCd/Fx1b/1001" || p.Title != "사전투표 용지 바꿔치기 제보 받습니다" {
		t.Errorf("post: %q %q %q", p.Platform, p.PostID, p.Title)
	}
	if p.Author.Nickname != "정의의사도" {
		t.Errorf("author: %+v", p.Author)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:00+09:00" || p.Posted.Text != "26.05.28 21:04" {
		t.Errorf("posted: %+v", p.Posted)
	}
	if p.Counts.Views == nil || p.Counts.Views.Value != 1204 || p.Counts.Comments == nil || p.Counts.Comments.Value != 4 {
		t.Errorf("counts: %+v %+v", p.Counts.Views, p.Counts.Comments)
	}
	want := []struct {
		id, parent, nick, kst, text string
		deleted                     bool
	}{
		{"501", "", "시민A", "2026-05-28T21:10:00+09:00", "저도 봤어요 봉투가 이상했음", false},
		{"502", "501", "팩트체커", "2026-05-28T21:30:00+09:00", "증거 사진 있나요?", false},
		{"503", "", "정의의사도", "2026-05-28T22:02:00+09:00", "○○○ 후보 캠프가 주도했다는 얘기가 있음", false},
		{"504", "", "알수없음", "2026-05-29T08:15:00+09:00", "삭제된 댓글입니다.", true},
	}
	if len(p.Comments) != len(want) {
		t.Fatalf("%d comments, want %d: %+v", len(p.Comments), len(want), p.Comments)
	}
	byID := commentByID(p)
	for _, w := range want {
		c, ok := byID[w.id]
		if !ok {
			t.Errorf("comment %s missing", w.id)
			continue
		}
		if c.IDAssigned || c.ParentID != w.parent || c.Author.Nickname != w.nick || c.Text != w.text || c.Deleted != w.deleted {
			t.Errorf("comment %s: %+v", w.id, c)
		}
		if c.Time == nil || c.Time.KST != w.kst || c.Time.Source != "span.txt_date text" {
			t.Errorf("comment %s time: %+v", w.id, c.Time)
		}
		if !strings.Contains(c.Frame, "/_c21_/bbs_read") {
			t.Errorf("comment %s frame %q", w.id, c.Frame)
		}
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func TestDaumCafeLoginWall(t *testing.T) {
	for _, tc := range []struct {
		name, path, code, detail string
	}{
		{"redirect", "/secretcafe/Ab12/7", evidence.ReasonLoginRedirect, "accounts.kakao.com/login/"},
		{"notice", "/closedcafe/Ab12/8", evidence.ReasonLoginNotice, "카페 회원만"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("cafe.daum.net", tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != evidence.VerdictLoginWall || v.Reasons[0].Code != tc.code || !strings.Contains(v.Reasons[0].Detail, tc.detail) {
				t.Fatalf("verdict: %+v", v)
			}
			if site := res.Facts.Method.Site; site == nil || site.Profile != "daum_cafe" || site.State != string(evidence.VerdictLoginWall) {
				t.Errorf("method site: %+v", site)
			}
		})
	}
}

func TestDaumCafeMarkupChanged(t *testing.T) {
	res, _ := captureURL(t, siteURL("cafe.daum.net", "/election2026/Fx1b/1002"))
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "daum_cafe" || site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !daumHasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
