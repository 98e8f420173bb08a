package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

// fbWant are the comments of testdata/sites/facebook/post.html once the filter is on "All
// comments", the reply is open and more comments are loaded.
var fbWant = []struct {
	id, parent, nick, account, profile, text, time string
}{
	{"1011", "", "김민수", "minsu.kim.77", "https://www.facebook.com/minsu.kim.77", "이게 사실이면 큰일이다", "2h"},
	{"2021", "1011", "Lee Younghee", "100012345678901", "https://www.facebook.com/profile.php?id=100012345678901", "출처 없는 사진입니다", "1h"},
	{"1012", "", "박지훈", "jihoon.park", "https://www.facebook.com/jihoon.park", "선관위 해체하라", "3h"},
	{"1013", "", "최수아", "100098765432109", "https://www.facebook.com/profile.php?id=100098765432109", "신고했습니다", "5h"},
	{"1014", "", "정우성", "woosung.j", "https://www.facebook.com/woosung.j", "퍼가요", "1d"},
}

func init() {
	siteRoutes = append(siteRoutes, fbRoutes)
}

func fbRoutes(mux *http.ServeMux) {
	post := siteFile("facebook/post.html")
	changed := strings.NewReplacer(`role="article"`, `role="region"`, `"role", "article"`, `"role", "region"`).Replace(string(post))
	mux.HandleFunc("www.facebook.com/elecwatch/posts/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/elecwatch/posts/pfbid02abcDEF":
			writeHTML(w, 200, post)
		case "/elecwatch/posts/pfbid02changed":
			writeHTML(w, 200, []byte(changed))
		case "/elecwatch/posts/pfbid02gone":
			writeHTML(w, 200, siteFile("facebook/unavailable.html"))
		case "/elecwatch/posts/pfbid02members":
			http.Redirect(w, r, "/login/?next=https%3A%2F%2Fwww.facebook.com%2Felecwatch%2Fposts%2Fpfbid02members", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("www.facebook.com/login/", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("facebook/login.html"))
	})
}

func TestFacebookPost(t *testing.T) {
	res, files := captureURL(t, siteURL("www.facebook.com", "/elecwatch/posts/pfbid02abcDEF"))
	keepSiteCapture(t, "facebook", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "facebook" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	did := strings.Join(site.Prepared, "\n")
	for _, w := range []string{"Decline optional cookies", "closed Facebook's login prompt", `to "All comments"`} {
		if !strings.Contains(did, w) {
			t.Errorf("prepared %q lacks %q", site.Prepared, w)
		}
	}
	// The fixture's dialog marks the root with the answer given (data-consent).
	if !strings.Contains(string(files["dom.html"]), `<html lang="en" data-consent="declined">`) {
		t.Errorf("the cookie dialog was not answered with its refusal")
	}
	if p.Platform != "facebook" || p.PostID != "pfbid02abcDEF" {
		t.Errorf("post: %q %q", p.Platform, p.PostID)
	}
	if a := p.Author; a.Nickname != "선거감시단" || a.AccountID != "elecwatch" || a.ProfileURL != "https://www.facebook.com/elecwatch" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.Text != "May 28 at 9:04 PM" {
		t.Errorf("posted: %+v", p.Posted)
	}
	if len(p.Comments) != len(fbWant) {
		t.Fatalf("%d comments, want %d: %+v", len(p.Comments), len(fbWant), p.Comments)
	}
	byID := commentByID(p)
	for _, w := range fbWant {
		c, ok := byID[w.id]
		if !ok {
			t.Errorf("comment %s missing", w.id)
			continue
		}
		if c.IDAssigned || c.ParentID != w.parent || c.Author.Nickname != w.nick || c.Author.AccountID != w.account ||
			c.Author.ProfileURL != w.profile || c.Text != w.text || c.Deleted || c.Hidden {
			t.Errorf("comment %s: %+v", w.id, c)
		}
		if c.Time == nil || c.Time.Text != w.time || !c.Time.Relative || c.Time.KST == "" {
			t.Errorf("comment %s time: %+v", w.id, c.Time)
		}
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func TestFacebookStates(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		verdict    evidence.Verdict
		code       string
	}{
		{"unavailable", "/elecwatch/posts/pfbid02gone", evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"login redirect", "/elecwatch/posts/pfbid02members", evidence.VerdictLoginWall, evidence.ReasonLoginRedirect},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("www.facebook.com", tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || !hasReason(v, tc.code) || !strings.Contains(v.Reasons[0].Detail, "Facebook") {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "facebook" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

func TestFacebookMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("www.facebook.com", "/elecwatch/posts/pfbid02changed"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "facebook" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Facebook profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
