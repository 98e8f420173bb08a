package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

// bandWant are the comments of testdata/sites/band/post.html in page order once the earlier
// ones are loaded: Band shows no comment identifiers, so the record numbers them c1, c2... and
// a reply names its parent's.
var bandWant = []struct {
	id, parent, nick, text, kst string
}{
	{"c1", "", "박민수", "처음 듣는 얘기네요", "2026-05-28T21:10:00+09:00"},
	{"c2", "", "이영희", "출처가 어디인가요?", "2026-05-28T21:12:00+09:00"},
	{"c3", "", "김철수", "투표함 사진 보니 확실하네요\n다들 퍼뜨려 주세요", "2026-05-28T21:20:00+09:00"},
	{"c4", "c3", "이영희", "@김철수 선관위에 신고했습니다", "2026-05-28T21:25:00+09:00"},
	{"c5", "c3", "박민수", "가짜뉴스 아닌가요", "2026-05-28T21:31:00+09:00"},
	{"c6", "", "정수진", "내일 모임에서 이야기해요", "2026-05-29T08:02:00+09:00"},
}

func init() {
	siteRoutes = append(siteRoutes, bandRoutes)
	fixtureHosts = append(fixtureHosts, "auth.band.us")
}

func bandRoutes(mux *http.ServeMux) {
	post := siteFile("band/post.html")
	changed := strings.NewReplacer("cPostCard", "postCardV2", "DPostDetailView", "PostDetailV2", "cComment", "commentV2").Replace(string(post))
	mux.HandleFunc("band.us/band/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/band/80012345/post/2001":
			writeHTML(w, 200, post)
		case "/band/80012345/post/2002":
			writeHTML(w, 200, []byte(changed))
		case "/band/80012345/post/404":
			writeHTML(w, 200, siteFile("band/deleted.html"))
		case "/band/80099999/post/7": // a closed band: its posts send a visitor to the login page
			http.Redirect(w, r, siteURL("auth.band.us", "/login_page?next_url=https%3A%2F%2Fband.us%2Fband%2F80099999%2Fpost%2F7"), http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("auth.band.us/login_page", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("band/login.html"))
	})
}

func TestBandPost(t *testing.T) {
	res, files := captureURL(t, siteURL("band.us", "/band/80012345/post/2001"))
	keepSiteCapture(t, "band", files)
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "band" || !s.Matched {
		t.Fatalf("method site: %+v", s)
	}
	if p.Platform != "band" || p.PostID != "80012345/2001" || p.Author.Nickname != "홍길동" {
		t.Errorf("post: %q %q %+v", p.Platform, p.PostID, p.Author)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:00+09:00" || !strings.Contains(p.Posted.Source, "attr:title") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if p.Counts.Views == nil || p.Counts.Views.Value != 41 || p.Counts.Comments == nil || p.Counts.Comments.Value != 6 {
		t.Errorf("counts: %+v %+v", p.Counts.Views, p.Counts.Comments)
	}
	if len(p.Comments) != len(bandWant) {
		t.Fatalf("%d comments, want %d: %+v", len(p.Comments), len(bandWant), p.Comments)
	}
	for i, w := range bandWant {
		c := p.Comments[i]
		if c.ID != w.id || !c.IDAssigned || c.ParentID != w.parent || c.Author.Nickname != w.nick || c.Text != w.text || c.Deleted || c.Hidden {
			t.Errorf("comment %d: %+v, want %+v", i, c, w)
		}
		if c.Time == nil || c.Time.KST != w.kst || c.Time.Relative {
			t.Errorf("comment %d time: %+v", i, c.Time)
		}
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func TestBandStates(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		verdict    evidence.Verdict
		code       string
	}{
		{"deleted", "/band/80012345/post/404", evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"closed band", "/band/80099999/post/7", evidence.VerdictLoginWall, evidence.ReasonLoginRedirect},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("band.us", tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || !hasReason(v, tc.code) || !strings.Contains(v.Reasons[0].Detail, "Naver Band") {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "band" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

func TestBandMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("band.us", "/band/80012345/post/2002"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "band" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Naver Band profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
