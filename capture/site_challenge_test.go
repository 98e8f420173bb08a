package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/capture/sites"
	"evidentia/evidence"
)

// challengeParam, in a fixture address's query, makes the fixture server answer with
// Cloudflare's managed challenge in place of the page, on whatever site's host was asked.
const challengeParam = "__challenge"

// challengeOr answers a request whose query has challengeParam with Cloudflare's challenge
// page (testdata/sites/challenge/cloudflare-ko.html: the Korean page Cloudflare serves to a
// browser that asks for Korean, as the capture's does; HTTP 403 with cf-mitigated: challenge,
// the title "잠시만 기다리십시오…", the _cf_chl_opt script and its /cdn-cgi/challenge-platform/
// loader, as scraper issues and FlareSolverr's quote them), and every other request with next.
func challengeOr(next http.Handler) http.Handler {
	page := string(siteFile("challenge/cloudflare-ko.html"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.URL.Query()[challengeParam]; !ok {
			next.ServeHTTP(w, r)
			return
		}
		host := r.Host
		if i := strings.LastIndex(host, ":"); i >= 0 {
			host = host[:i]
		}
		w.Header().Set("Server", "cloudflare")
		w.Header().Set("cf-mitigated", "challenge")
		w.Header().Set("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate")
		writeHTML(w, http.StatusForbidden, []byte(strings.ReplaceAll(page, "{{HOST}}", host)))
	})
}

// TestSitesBotCheck: a bot check in place of a post, on every site with a profile (the
// sites that sit behind Cloudflare or a check like it answer a browser they doubt with its
// challenge page): the profile is picked, and the verdict is blocked by a bot check, never
// a posting that is merely incomplete or a markup the profile does not know.
func TestSitesBotCheck(t *testing.T) {
	posts := map[string]string{
		"dcinside":       siteURL("gall.dcinside.com", "/board/view/?id=politics&no=1001&"+challengeParam),
		"naver_news":     siteURL("n.news.naver.com", "/article/001/0014700001?"+challengeParam),
		"naver_blog":     siteURL("blog.naver.com", "/truthwatch/223456789012?"+challengeParam),
		"naver_cafe":     siteURL("cafe.naver.com", "/ca-fe/cafes/27842958/articles/1237?"+challengeParam),
		"daum_news":      siteURL("v.daum.net", "/v/20260927095437123?"+challengeParam),
		"daum_cafe":      siteURL("cafe.daum.net", "/opencafe/Ab12/7?"+challengeParam),
		"kakao_openchat": siteURL("open.kakao.com", "/o/gAbC1234?"+challengeParam),
		"youtube":        siteURL("www.youtube.com", "/watch?v=dQw4w9WgXcQ&"+challengeParam),
		"x":              siteURL("x.com", "/elecwatch/status/1790000000000000001?"+challengeParam),
		"facebook":       siteURL("www.facebook.com", "/elecwatch/posts/pfbid02abcDEF?"+challengeParam),
		"instagram":      siteURL("www.instagram.com", "/p/C7xYz12AbCd/?"+challengeParam),
		"telegram":       siteURL("t.me", "/s/elecnews?"+challengeParam),
		"band":           siteURL("band.us", "/band/80012345/post/2001?"+challengeParam),
		"fmkorea":        siteURL("www.fmkorea.com", "/8485393463?"+challengeParam),
		"theqoo":         siteURL("theqoo.net", "/square/4279889037?"+challengeParam),
		"clien":          siteURL("www.clien.net", "/service/board/park/19000001?"+challengeParam),
	}
	for _, p := range sites.All() {
		if _, ok := posts[p.Name]; !ok {
			t.Errorf("profile %s has no post address in this test", p.Name)
		}
	}
	for name, u := range posts {
		t.Run(name, func(t *testing.T) {
			res, _ := captureURL(t, u)
			if s := res.Facts.Method.Site; s == nil || s.Profile != name {
				t.Fatalf("method site: %+v", s)
			}
			v := res.Facts.Completeness
			if v == nil || v.Verdict != evidence.VerdictBlocked || len(v.Reasons) == 0 ||
				(v.Reasons[0].Code != evidence.ReasonBotCheck && v.Reasons[0].Code != evidence.ReasonCaptcha) {
				t.Errorf("verdict: %+v", v)
			}
			if hasReason(v, evidence.ReasonProfileNotMatched) {
				t.Errorf("a bot check is reported as markup the profile does not know: %+v", v)
			}
		})
	}
}
