package capture

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
)

// daumTalk is one talk of the timetalk fixture.
type daumTalk struct {
	Nick string `json:"nick"`
	Time string `json:"time"`
	Text string `json:"text"`
}

// daumTalksOlder are loaded by the chat's "이전 톡 더보기"; daumTalksNewer are shown at once.
var (
	daumTalksOlder = []daumTalk{
		{"진실의눈", "2시간 전", "개표기 조작 증거 영상 봤음 다들 퍼날라"},
		{"상식인", "1시간 전", "그 영상 이미 가짜로 판명났어요"},
		{"투표지킴이", "58분 전", "선관위 말을 어떻게 믿냐"},
	}
	daumTalksNewer = []daumTalk{
		{"나그네", "12분 전", "참관인 했던 사람인데 조작 불가능함"},
		{"바른말", "5분 전", "가짜뉴스 유포자 처벌해야"},
		{"익명의시민", "방금 전", "○○○ 후보가 개표기 조작 지시했다던데"},
	}
)

// Daum News article IDs of the fixture: inside the timetalk window, outside it, changed
// markup, deleted.
const (
	daumOpenID    = "20260601090000001"
	daumClosedID  = "20260601090000002"
	daumChangedID = "20260601090000003"
	daumMissingID = "20260601090000004"
)

func init() {
	siteRoutes = append(siteRoutes, daumNewsRoutes)
}

// daumArticle fills the article fixture for an article sent at posted; talk says whether the
// head still has the timetalk button (Daum removes it when the window has passed).
func daumArticle(id string, posted time.Time, talk bool) []byte {
	k := posted.In(evidence.KST())
	short := func(t time.Time) string { return t.Format("2006. 1. 2. 15:04") }
	tt := ""
	if talk {
		tt = `<div class="inner_ttalk"><a href="#timetalk" class="link_ttalk" role="button"><span class="txt_ttalk">타임톡</span></a></div>`
	}
	return []byte(strings.NewReplacer("{{ID}}", id, "{{REGDATE}}", k.Format("20060102150405"),
		"{{ENTERED}}", short(k), "{{MODIFIED}}", short(k.Add(40*time.Minute)), "{{TALK}}", tt).
		Replace(string(siteFile("daumnews/article.html"))))
}

func daumNewsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("v.daum.net/v/", func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().Truncate(time.Second)
		switch strings.TrimPrefix(r.URL.Path, "/v/") {
		case daumOpenID: // sent two hours before the capture: the timetalk is open
			writeHTML(w, 200, daumArticle(daumOpenID, now.Add(-2*time.Hour), true))
		case daumClosedID: // sent three days before: the timetalk has closed and is gone
			writeHTML(w, 200, daumArticle(daumClosedID, now.Add(-72*time.Hour), false))
		case daumChangedID: // the site changed its markup
			b := strings.NewReplacer("head_view", "head_article", "tit_view", "tit_article", "body_timetalk", "body_chat").
				Replace(string(daumArticle(daumChangedID, now.Add(-time.Hour), true)))
			writeHTML(w, 200, []byte(b))
		case daumMissingID:
			writeHTML(w, 200, siteFile("daumnews/missing.html")) // Daum answers its notice page with 200 (not verified)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("v.daum.net/timetalk/", func(w http.ResponseWriter, r *http.Request) {
		older, _ := json.Marshal(daumTalksOlder)
		newer, _ := json.Marshal(daumTalksNewer)
		b := string(siteFile("daumnews/timetalk.html"))
		if strings.HasSuffix(r.URL.Path, daumChangedID) {
			b = strings.ReplaceAll(b, "body_timetalk", "body_chat")
		}
		b = strings.NewReplacer("{{OLDER}}", string(older), "{{NEWER}}", string(newer)).Replace(b)
		writeHTML(w, 200, []byte(b))
	})
}

func TestDaumNewsArticleOpen(t *testing.T) {
	res, files := captureURL(t, siteURL("v.daum.net", "/v/"+daumOpenID))
	keepSiteCapture(t, "daumnews", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "daum_news" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if !strings.Contains(strings.Join(site.Prepared, "\n"), "opened the 타임톡") {
		t.Errorf("prepared: %q", site.Prepared)
	}
	if p.Platform != "daum_news" || p.PostID != daumOpenID || p.Title != `선관위 "개표기 조작설은 사실무근"` {
		t.Errorf("post: %q %q %q", p.Platform, p.PostID, p.Title)
	}
	if p.Author.Nickname != "박기자 기자 (뉴스1)" {
		t.Errorf("author: %+v", p.Author)
	}
	if p.Posted == nil || !strings.Contains(p.Posted.Source, "og:regDate") || p.Posted.Relative || p.Posted.UTC == "" {
		t.Errorf("posted: %+v", p.Posted)
	} else if at, _ := time.Parse(time.RFC3339, p.Posted.UTC); time.Since(at) < 2*time.Hour-time.Minute || time.Since(at) > 2*time.Hour+5*time.Minute {
		t.Errorf("posted %s, want two hours ago", p.Posted.UTC)
	}
	if p.Modified == nil || !strings.Contains(p.Modified.Source, "수정") {
		t.Errorf("modified: %+v", p.Modified)
	}
	// Every talk, the older ones loaded by the chat's own "더보기", in the chat's order; the
	// SafeBot notice is not a talk.
	want := append(append([]daumTalk(nil), daumTalksOlder...), daumTalksNewer...)
	if len(p.Comments) != len(want) {
		t.Fatalf("%d comments, want %d: %+v", len(p.Comments), len(want), p.Comments)
	}
	for i, w := range want {
		c := p.Comments[i]
		if c.Author.Nickname != w.Nick || c.Text != w.Text || c.ParentID != "" || c.Deleted || c.Hidden {
			t.Errorf("talk %d: %+v, want %+v", i, c, w)
		}
		if !c.IDAssigned || c.ID == "" {
			t.Errorf("talk %d: id %q assigned %v (the markup gives none)", i, c.ID, c.IDAssigned)
		}
		if c.Time == nil || c.Time.Text != w.Time || !c.Time.Relative || c.Time.Source != "span.txt_time text" {
			t.Errorf("talk %d time: %+v", i, c.Time)
		}
		if !strings.Contains(c.Frame, "/timetalk/"+daumOpenID) {
			t.Errorf("talk %d frame %q", i, c.Frame)
		}
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

func TestDaumNewsArticleClosed(t *testing.T) {
	res, files := captureURL(t, siteURL("v.daum.net", "/v/"+daumClosedID))
	p := sitePosting(t, files)
	if site := res.Facts.Method.Site; site == nil || site.Profile != "daum_news" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if len(p.Comments) != 0 {
		t.Errorf("comments: %+v", p.Comments)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete {
		t.Fatalf("verdict: %+v", v)
	}
	var limit string
	for _, r := range v.Reasons {
		if r.Code == evidence.ReasonSiteLimit {
			limit = r.Detail
		}
	}
	if !strings.Contains(limit, "only for 48 hours after publication") || !strings.Contains(limit, "3 days before the capture started") ||
		!strings.Contains(limit, "could not be captured") || !strings.Contains(limit, p.Posted.KST[:10]) {
		t.Errorf("site limit %q (reasons %+v)", limit, v.Reasons)
	}
}

func TestDaumNewsMarkupChanged(t *testing.T) {
	res, _ := captureURL(t, siteURL("v.daum.net", "/v/"+daumChangedID))
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "daum_news" || site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !daumHasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}

func TestDaumNewsDeleted(t *testing.T) {
	res, _ := captureURL(t, siteURL("v.daum.net", "/v/"+daumMissingID))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictDeleted || !strings.Contains(v.Reasons[0].Detail, "삭제된 기사입니다") {
		t.Fatalf("verdict: %+v", v)
	}
}

// daumHasReason reports whether v has a reason with code.
func daumHasReason(v *evidence.Completeness, code string) bool {
	for _, r := range v.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}
