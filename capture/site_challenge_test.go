package capture

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"evidentia/capture/sites"
	"evidentia/evidence"
)

// challengeParam, in a fixture address's query, makes the fixture server answer with
// Cloudflare's managed challenge in place of the page, on whatever site's host was asked.
const challengeParam = "__challenge"

// loginParam, in a fixture address's query, makes the fixture server answer with a members-only
// notice and a login form in place of the page (loginWallPage).
const loginParam = "__login"

// loginWallPage is a members-only notice as Korean boards word it in place of a post ("로그인이
// 필요한 서비스입니다", "회원만 볼 수 있는 게시판입니다") above a login form: not any one site's
// own page, but the shape of all of them, for the profiles' fallback to the generic
// login-wall findings.
const loginWallPage = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>로그인</title></head><body>
<div class="member_only"><h2>로그인이 필요한 서비스입니다.</h2><p>회원만 볼 수 있는 게시판입니다. 로그인 후 이용해 주세요.</p>
<form method="post" action="/login"><label>아이디 <input type="text" name="user_id"></label>
<label>비밀번호 <input type="password" name="password"></label><button type="submit">로그인</button></form></div></body></html>`

// challengeOr answers a request whose query has challengeParam with Cloudflare's challenge
// page (testdata/sites/challenge/cloudflare-ko.html: the Korean page Cloudflare serves to a
// browser that asks for Korean, as the capture's does; HTTP 403 with cf-mitigated: challenge,
// the title "잠시만 기다리십시오…", the _cf_chl_opt script and its /cdn-cgi/challenge-platform/
// loader, as scraper issues and FlareSolverr's quote them), a request with loginParam with
// loginWallPage, and every other request with next.
func challengeOr(next http.Handler) http.Handler {
	page := string(siteFile("challenge/cloudflare-ko.html"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.URL.Query()[loginParam]; ok {
			writeHTML(w, http.StatusOK, []byte(loginWallPage))
			return
		}
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

// TestSitesInPlaceOfAPost: on every site with a profile, a page of its own in place of a post:
//   - a bot check (Cloudflare's challenge: the sites that sit behind it, or a check like it,
//     answer a browser they doubt with it): blocked, by a bot check or a CAPTCHA;
//   - a members-only notice with a login form (the sites' own login walls have their own
//     fixtures where the sources show them: Band, Naver Cafe, Naver Blog, Daum Cafe, X,
//     Facebook, Instagram): a login wall.
//
// The profile is picked, and the verdict is never a posting that is merely incomplete or a
// markup the profile does not know.
func TestSitesInPlaceOfAPost(t *testing.T) {
	for _, tc := range []struct {
		param   string
		verdict evidence.Verdict
		codes   []string // the first reason is one of these
	}{
		{challengeParam, evidence.VerdictBlocked, []string{evidence.ReasonBotCheck, evidence.ReasonCaptcha}},
		{loginParam, evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
	} {
		for name, u := range sitePosts(tc.param) {
			t.Run(tc.param+"/"+name, func(t *testing.T) {
				res, _ := captureURL(t, u)
				if s := res.Facts.Method.Site; s == nil || s.Profile != name {
					t.Fatalf("method site: %+v", s)
				}
				v := res.Facts.Completeness
				if v == nil || v.Verdict != tc.verdict || len(v.Reasons) == 0 || !slices.Contains(tc.codes, v.Reasons[0].Code) {
					t.Errorf("verdict: %+v", v)
				}
				if hasReason(v, evidence.ReasonProfileNotMatched) {
					t.Errorf("the site's page is reported as markup the profile does not know: %+v", v)
				}
			})
		}
	}
}

// sitePosts is a post's address on every site with a profile, with param in its query.
func sitePosts(param string) map[string]string {
	posts := map[string]string{
		"dcinside":       siteURL("gall.dcinside.com", "/board/view/?id=politics&no=1001&"+param),
		"naver_news":     siteURL("n.news.naver.com", "/article/001/0014700001?"+param),
		"naver_blog":     siteURL("blog.naver.com", "/truthwatch/223456789012?"+param),
		"naver_cafe":     siteURL("cafe.naver.com", "/ca-fe/cafes/27842958/articles/1237?"+param),
		"daum_news":      siteURL("v.daum.net", "/v/20260927095437123?"+param),
		"daum_cafe":      siteURL("cafe.daum.net", "/opencafe/Ab12/7?"+param),
		"kakao_openchat": siteURL("open.kakao.com", "/o/gAbC1234?"+param),
		"youtube":        siteURL("www.youtube.com", "/watch?v=dQw4w9WgXcQ&"+param),
		"x":              siteURL("x.com", "/elecwatch/status/1790000000000000001?"+param),
		"facebook":       siteURL("www.facebook.com", "/elecwatch/posts/pfbid02abcDEF?"+param),
		"instagram":      siteURL("www.instagram.com", "/p/C7xYz12AbCd/?"+param),
		"telegram":       siteURL("t.me", "/s/elecnews?"+param),
		"band":           siteURL("band.us", "/band/80012345/post/2001?"+param),
		"fmkorea":        siteURL("www.fmkorea.com", "/8485393463?"+param),
		"theqoo":         siteURL("theqoo.net", "/square/4279889037?"+param),
		"clien":          siteURL("www.clien.net", "/service/board/park/19000001?"+param),
	}
	for _, p := range sites.All() {
		if _, ok := posts[p.Name]; !ok {
			panic("profile " + p.Name + " has no post address in sitePosts")
		}
	}
	return posts
}
