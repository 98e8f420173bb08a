package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

// igWant are the comments of testdata/sites/instagram/post.html once the replies are open and
// more comments are loaded.
var igWant = []struct {
	id, parent, user, text, kst string
}{
	{"17900000000000001", "", "minsu_kim", "이거 진짜예요?", "2026-05-28T22:00:00+09:00"},
	{"17900000000000011", "17900000000000001", "elec.watch", "네 현장 사진입니다", "2026-05-28T22:05:00+09:00"},
	{"17900000000000002", "", "younghee.lee", "가짜뉴스 신고합니다", "2026-05-28T23:20:00+09:00"},
	{"17900000000000003", "", "jihoon_p", "퍼갑니다", "2026-05-29T10:00:00+09:00"},
}

func init() {
	siteRoutes = append(siteRoutes, igRoutes)
}

func igRoutes(mux *http.ServeMux) {
	post := siteFile("instagram/post.html")
	changed := strings.NewReplacer("<article>", "<div class=\"post\">", "</article>", "</div>", "<header>", "<div class=\"head\">", "</header>", "</div>").Replace(string(post))
	mux.HandleFunc("www.instagram.com/p/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/p/C7xYz12AbCd/":
			writeHTML(w, 200, post)
		case "/p/C7xYz12Chgd/":
			writeHTML(w, 200, []byte(changed))
		case "/p/C7xYz12Gone/":
			writeHTML(w, 200, siteFile("instagram/unavailable.html"))
		case "/p/C7xYz12Priv/":
			http.Redirect(w, r, "/accounts/login/?next=%2Fp%2FC7xYz12Priv%2F", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("www.instagram.com/accounts/login/", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("instagram/login.html"))
	})
}

func TestInstagramPost(t *testing.T) {
	res, files := captureURL(t, siteURL("www.instagram.com", "/p/C7xYz12AbCd/"))
	keepSiteCapture(t, "instagram", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "instagram" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if !strings.Contains(strings.Join(site.Prepared, "\n"), "Decline optional cookies") ||
		!strings.Contains(string(files["dom.html"]), `<html lang="en" data-consent="declined">`) {
		t.Errorf("cookie dialog: prepared %q", site.Prepared)
	}
	if p.Platform != "instagram" || p.PostID != "C7xYz12AbCd" {
		t.Errorf("post: %q %q", p.Platform, p.PostID)
	}
	if a := p.Author; a.Nickname != "elec.watch" || a.AccountID != "elec.watch" || a.ProfileURL != "https://www.instagram.com/elec.watch/" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:17+09:00" || !strings.Contains(p.Posted.Source, "attr:datetime") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if len(p.Comments) != len(igWant) {
		t.Fatalf("%d comments, want %d: %+v", len(p.Comments), len(igWant), p.Comments)
	}
	byID := commentByID(p)
	for _, w := range igWant {
		c, ok := byID[w.id]
		if !ok {
			t.Errorf("comment %s missing", w.id)
			continue
		}
		if c.IDAssigned || c.ParentID != w.parent || c.Author.AccountID != w.user || c.Author.ProfileURL != "https://www.instagram.com/"+w.user+"/" ||
			c.Text != w.text || c.Deleted || c.Hidden {
			t.Errorf("comment %s: %+v", w.id, c)
		}
		if c.Time == nil || c.Time.KST != w.kst || c.Time.Relative {
			t.Errorf("comment %s time: %+v", w.id, c.Time)
		}
	}
	// Logged out: the site limits what it shows, and the verdict says so.
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonSiteLimit) || len(v.Reasons) != 1 {
		t.Errorf("verdict: %+v", v)
	}
}

func TestInstagramStates(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		verdict    evidence.Verdict
		code       string
	}{
		{"unavailable", "/p/C7xYz12Gone/", evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"login redirect", "/p/C7xYz12Priv/", evidence.VerdictLoginWall, evidence.ReasonLoginRedirect},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("www.instagram.com", tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || !hasReason(v, tc.code) || !strings.Contains(v.Reasons[0].Detail, "Instagram") {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "instagram" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

func TestInstagramMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("www.instagram.com", "/p/C7xYz12Chgd/"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "instagram" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Instagram profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
