package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

func init() {
	siteRoutes = append(siteRoutes, kakaoOpenRoutes)
}

func kakaoOpenRoutes(mux *http.ServeMux) {
	room := strings.ReplaceAll(string(siteFile("kakaoopenchat/room.html")), "{{TITLE}}", "선거 음모론 공유방")
	mux.HandleFunc("open.kakao.com/o/", func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/o/") {
		case "gAbC1234":
			writeHTML(w, 200, []byte(room))
		case "gChanged1": // the site changed its card and dropped the meta
			b := strings.NewReplacer("wrap_openlink", "wrap_room", "area_openlink", "area_room", `property="og:`, `property="x:`).Replace(room)
			writeHTML(w, 200, []byte(b))
		case "gGone9999":
			writeHTML(w, 200, siteFile("kakaoopenchat/invalid.html"))
		default:
			http.NotFound(w, r)
		}
	})
}

func TestKakaoOpenChatCard(t *testing.T) {
	res, files := captureURL(t, siteURL("open.kakao.com", "/o/gAbC1234"))
	keepSiteCapture(t, "kakaoopenchat", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "kakao_openchat" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if p.Platform != "kakao_openchat" || p.PostID != "gAbC1234" || p.Title != "선거 음모론 공유방" || p.Author.Nickname != "진실알림이" {
		t.Errorf("post: %q %q %q %+v", p.Platform, p.PostID, p.Title, p.Author)
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
	if !strings.Contains(limit, "only the room's card") || !strings.Contains(limit, "only in the KakaoTalk app") || !strings.Contains(limit, "1,287 members") {
		t.Errorf("site limit %q (reasons %+v)", limit, v.Reasons)
	}
}

func TestKakaoOpenChatMarkupChanged(t *testing.T) {
	res, _ := captureURL(t, siteURL("open.kakao.com", "/o/gChanged1"))
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "kakao_openchat" || site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !daumHasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}

func TestKakaoOpenChatInvalid(t *testing.T) {
	res, _ := captureURL(t, siteURL("open.kakao.com", "/o/gGone9999"))
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictDeleted || !strings.Contains(v.Reasons[0].Detail, "유효하지 않은 링크") {
		t.Fatalf("verdict: %+v", v)
	}
}
