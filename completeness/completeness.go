// Package completeness judges whether a capture holds the page the investigator asked for
// (evidence.Completeness): the whole posting, part of it, or something else in its place — a
// deletion notice, a login wall, a bot check, an error page or an empty page. Judge reads only
// what the capture already knows (Input); it fetches nothing and never fails.
//
// # Rules
//
// Judge tries these in order; the first that applies gives the verdict:
//
//  1. HTTP status of the main document. 404 → deleted (http_404); 410 → deleted (http_410);
//     429 → blocked (rate_limited). Any other 4xx or 5xx: a site profile's finding (rule 1b)
//     → that verdict, error_status after its reason; else a phrase of rule 4 anywhere on the
//     page → blocked (a Cloudflare challenge answers 403 or 503); for 401 and 403, a login
//     phrase anywhere or a login address → login_wall; otherwise → error_page. The phrase's
//     reason comes first, error_status after it. On an error status a phrase needs no
//     dominance: the status already says the page is not the posting, the phrase only says
//     which kind of "not". Status 0 (unknown), 1xx, 2xx and 3xx go on to rule 2.
//     1b. A site profile's finding (Input.SiteState: the site's own deletion page, login wall
//     or bot check, recognised by its markup or address) → that verdict with that reason.
//  2. A deletion notice that dominates the page → deleted (deleted_notice).
//  3. A final address on a login page → login_wall (login_redirect, plus login_notice when a
//     login notice dominates too); a login notice that dominates the page → login_wall
//     (login_notice).
//  4. A bot check, CAPTCHA, rate limit, access refusal or age gate that dominates the page, or
//     a final address of a bot check → blocked (captcha, bot_check, rate_limited,
//     access_denied, age_gate; one reason per code found, in page order).
//  5. Fewer than 20 letters of visible text (title excluded; main document and frames; emoji
//     counted; or Input.TextChars if larger) and no images or videos → empty (no_content).
//  6. Any of: fewer comments captured than the page states (comments_fewer_than_claimed), an
//     expansion limit (expansion_limit), lazy content still loading (lazy_content_not_loaded),
//     the capture timed out (capture_timed_out), the engine sealed it partial
//     (capture_partial), a site profile whose markup the page did not have, so that the
//     generic capture was used (site_profile_not_matched), what the profile's preparation could
//     not do (site_preparation_failed, at most 5), what the site withholds from a visitor
//     (site_limit, at most 5) → incomplete, with every one of these as a reason, in
//     this order.
//  7. Otherwise → complete, with no reasons.
//
// The other verdicts do not repeat rule 6's findings: a login wall that also timed out is a
// login wall. Rules 2 to 4 come before rule 5 so that a bare "삭제된 게시물입니다" (a few
// letters) is called deleted, not empty.
//
// # Dominance
//
// A phrase such as "삭제된 게시물입니다" or "로그인이 필요합니다" also appears on pages that
// are the posting: a news article quoting a deletion notice, a comment box saying a login is
// needed to comment, a footer "protected by reCAPTCHA", a hidden 404 template. So a phrase
// decides the verdict only when it is the page's message. Judge measures in letters (Unicode
// letters and digits) over the lines of the visible text (title, main document, frames):
//
//   - share: the line holding the phrase is the notice itself: the phrase is at least 30% of
//     the line's letters, or the line has at most 40 letters. A phrase inside a sentence of a
//     paragraph is a mention.
//   - comment form: a login or CAPTCHA phrase within 3 lines of a line that mentions comments
//     ("댓글", "답글", "comment", "reply") is the comment form, never a wall.
//   - content: the body's content besides its notices is under 200 letters for a notice in the
//     body, under 60 (a near-empty body) for a notice in the title: a title only supports a
//     body finding or speaks for an empty body. Each image and video of the main content
//     (Input.Images, Input.Videos) counts as 100 letters.
//   - content before: less than 120 letters of content come before a body notice. A notice
//     after a posting is a footer or comment-box string; site chrome before it is no content,
//     so a notice at the end of a page of menus still decides. Position as such does not count.
//
// Content weighs posting text against site chrome, which pull opposite ways: a poem or a chat
// log of short lines is a posting, a menu or a ranking list of short lines is not. The rule:
//
//   - a line of at least 50 letters counts in full (paragraphs, comments), unless it is chrome
//     (below) or a menu the browser laid out as one line: under 200 letters, no sentence
//     punctuation at all, and not ending like a Korean sentence (…다, …요, …ㅋ);
//   - of the shorter lines, only text lines count: at least 8 letters, appearing once on the
//     page, and not chrome: no "|" link separators, no ©/copyright, not mostly digits (dates,
//     counters), not a list entry ending in a count ("제목 [23]"). Menu items, buttons and
//     labels are shorter or repeated;
//   - text lines count at half their letters, and only the longest run of them: consecutive
//     text lines, a run broken by two non-text lines in a row (paragraph lines do not break
//     it). A posting of short lines is one long run (a 760-letter poem counts 380); menus,
//     ranking lists and ads are several short runs between headings and buttons (a ten-title
//     ranking list counts about 100), so no number of them outweighs a notice.
//
// For the empty test (rule 5) an emoji counts as 4 letters, so "😡😡😡🔥🔥" is a posting.
//
// # Comments
//
// Comments count only in rule 6: a stronger verdict (deleted, login_wall, blocked, empty) does
// not list them, but Judge records the counts (Completeness.Comments) whatever the verdict.
// A stated count of 0 is a count (Expected 0); no stated count is CommentsNotStated. More
// comments captured than stated (sites leave deleted or hidden comments out of the count) is
// complete with no reason, as a complete verdict has none; the counts show the difference.
//
// The phrases and where they come from are in phrases.go.
package completeness

import (
	"fmt"
	"net/url"
	"strings"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// Input is what a capture knows about the page when it ends.
type Input struct {
	// Status is the HTTP status of the main document; 0 when unknown (a file, a failure).
	Status int
	// FinalURL is the address the main document ended at, after redirects.
	FinalURL string
	// Title is the page title.
	Title string
	// Text is the visible text of the main document (innerText, one element per line).
	Text string
	// FrameTexts are the visible texts of the frames (a Naver blog posting lives in one).
	FrameTexts []string
	// TextChars is the characters of visible text of the main content as the capture counted
	// them; 0 when not counted (Judge counts Text and FrameTexts itself and takes the larger).
	TextChars int
	// Images and Videos are the images and videos (players) of the main content.
	Images, Videos int
	// CommentsStated says whether the page states a comment count, CommentsClaimed is that
	// count and CommentsCaptured the comments the capture holds.
	CommentsStated   bool
	CommentsClaimed  int
	CommentsCaptured int
	// ExpansionLimit names the limit that stopped expanding "more", replies and threads
	// ("max_clicks", "max_rounds", "time", ...); "" when expansion finished or was not tried.
	ExpansionLimit string
	// LazyPending says that lazy content (images, comments, infinite scroll) was still
	// loading when the capture ended; LazyDetail says what, if known.
	LazyPending bool
	LazyDetail  string
	// TimedOut says the capture ran out of time; Partial that the engine sealed it partial.
	TimedOut, Partial bool
	// Site names the site profile the capture used ("DC Inside"), "" for none; SiteMatched
	// says the page had the markup the profile knows.
	Site        string
	SiteMatched bool
	// SiteState is the profile's finding that the page is one of the site's own in place of
	// the posting (its deletion page, login wall, bot check); nil for none.
	SiteState *SiteState
	// SiteLimits say what the site withholds from a visitor, in plain English.
	SiteLimits []string
	// SitePrepFailed says what the site profile's preparation of the page could not do
	// (open the comments, switch a filter off), in plain English.
	SitePrepFailed []string
	// MediaMissing says, per video or audio element of the page whose file the capture does
	// not hold, what it is and why, in plain English.
	MediaMissing []string
}

// SiteState is a site profile's finding that the page is not the posting.
type SiteState struct {
	Verdict evidence.Verdict // deleted, login_wall or blocked
	Code    string           // the reason code
	Detail  string           // what the page shows
}

// Judge gives the verdict on a capture from what it knows (see the package documentation for
// the rules). It never panics; the verdict is always one of the evidence.Verdict constants and
// Reasons is never nil.
func Judge(in Input) evidence.Completeness {
	c := judge(in)
	if c.Reasons == nil {
		c.Reasons = []evidence.Reason{}
	}
	if in.CommentsStated || in.CommentsCaptured > 0 {
		cc := &evidence.CommentCount{Expected: evidence.CommentsNotStated, Captured: max(in.CommentsCaptured, 0)}
		if in.CommentsStated {
			cc.Expected = max(in.CommentsClaimed, 0)
		}
		c.Comments = cc
	}
	return c
}

func judge(in Input) evidence.Completeness {
	p := newPage(in)
	media := max(in.Images, 0) + max(in.Videos, 0)
	verdict := func(v evidence.Verdict, rs ...evidence.Reason) evidence.Completeness {
		return evidence.Completeness{Verdict: v, Reasons: rs}
	}
	reason := evidence.NewReason

	// 1. The HTTP status.
	if s := in.Status; s >= 400 && s <= 599 {
		status := fmt.Sprintf("the main document answered HTTP %d", s)
		switch s {
		case 404:
			return verdict(evidence.VerdictDeleted, reason(evidence.ReasonHTTP404, status))
		case 410:
			return verdict(evidence.VerdictDeleted, reason(evidence.ReasonHTTP410, status))
		case 429:
			return verdict(evidence.VerdictBlocked, reason(evidence.ReasonRateLimited, status))
		}
		// A site profile's finding names the site's own page sent with the error status (FM
		// Korea's security page answers 430).
		if v, r, ok := in.siteFinding(); ok {
			return verdict(v, r, reason(evidence.ReasonErrorStatus, status))
		}
		if ms := p.findAnywhere(blockedPhrases); len(ms) > 0 {
			return verdict(evidence.VerdictBlocked, append(p.reasons(ms), reason(evidence.ReasonErrorStatus, status))...)
		}
		if s == 401 || s == 403 {
			if ms := p.findAnywhere(loginPhrases); len(ms) > 0 {
				return verdict(evidence.VerdictLoginWall, reason(evidence.ReasonLoginNotice, p.quote(ms[0])),
					reason(evidence.ReasonErrorStatus, status))
			}
			if u, ok := loginURL(in.FinalURL); ok {
				return verdict(evidence.VerdictLoginWall, reason(evidence.ReasonLoginRedirect, "the capture ended at a login page: "+u),
					reason(evidence.ReasonErrorStatus, status))
			}
		}
		return verdict(evidence.VerdictErrorPage, reason(evidence.ReasonErrorStatus, status))
	}

	// 1b. The site profile's finding (its own deletion page, login wall or bot check).
	if v, r, ok := in.siteFinding(); ok {
		return verdict(v, r)
	}

	// 2. A deletion notice.
	if m, ok := p.firstDominant(deletedPhrases, media); ok {
		return verdict(evidence.VerdictDeleted, reason(m.phrase.code, p.quote(m)))
	}

	// 3. A login wall.
	if u, ok := loginURL(in.FinalURL); ok {
		rs := []evidence.Reason{reason(evidence.ReasonLoginRedirect, "the capture ended at a login page: "+u)}
		if m, ok := p.firstDominant(loginPhrases, media); ok {
			rs = append(rs, reason(m.phrase.code, p.quote(m)))
		}
		return verdict(evidence.VerdictLoginWall, rs...)
	}
	if m, ok := p.firstDominant(loginPhrases, media); ok {
		return verdict(evidence.VerdictLoginWall, reason(m.phrase.code, p.quote(m)))
	}

	// 4. A block.
	var dom []match
	for _, m := range p.find(blockedPhrases) {
		if p.dominant(m, media) {
			dom = append(dom, m)
		}
	}
	rs := p.reasons(dom)
	if ph, ok := blockedURL(in.FinalURL); ok && !hasCode(rs, ph.code) {
		rs = append(rs, reason(ph.code, `the capture ended at a bot check address (`+ph.text+`): `+capRunes(in.FinalURL, 160)))
	}
	if len(rs) > 0 {
		return verdict(evidence.VerdictBlocked, rs...)
	}

	// 5. Empty.
	if n := max(p.bodyLetters, in.TextChars); n < minLetters && media == 0 {
		return verdict(evidence.VerdictEmpty, reason(evidence.ReasonNoContent,
			fmt.Sprintf("%d letters of visible text (emoji counted), no images or videos", n)))
	}

	// 6. Incomplete.
	rs = nil
	if in.CommentsStated && in.CommentsCaptured < in.CommentsClaimed {
		rs = append(rs, reason(evidence.ReasonCommentsFewer,
			fmt.Sprintf("the page states %d comments; %d were captured", in.CommentsClaimed, max(in.CommentsCaptured, 0))))
	}
	if in.ExpansionLimit != "" {
		rs = append(rs, reason(evidence.ReasonExpansionLimit, "expansion stopped at the limit "+capRunes(in.ExpansionLimit, 80)))
	}
	if in.LazyPending {
		d := "content was still loading when the capture ended"
		if in.LazyDetail != "" {
			d += ": " + in.LazyDetail
		}
		rs = append(rs, reason(evidence.ReasonLazyContent, d))
	}
	if in.TimedOut {
		rs = append(rs, reason(evidence.ReasonTimedOut, "the capture reached its time limit"))
	}
	if in.Partial {
		rs = append(rs, reason(evidence.ReasonPartial, "the capture was sealed as partial"))
	}
	if in.Site != "" && !in.SiteMatched {
		rs = append(rs, reason(evidence.ReasonProfileNotMatched, "the page is on "+capRunes(in.Site, 60)+
			", but it did not have the markup the "+capRunes(in.Site, 60)+" profile knows; the generic capture was used"))
	}
	for i, l := range in.SitePrepFailed {
		if i >= 5 {
			break
		}
		rs = append(rs, reason(evidence.ReasonSitePrepare, textsafe.Line(l, evidence.MaxReasonDetail)))
	}
	for i, l := range in.SiteLimits {
		if i >= 5 {
			break
		}
		rs = append(rs, reason(evidence.ReasonSiteLimit, textsafe.Line(l, evidence.MaxReasonDetail)))
	}
	for i, l := range in.MediaMissing {
		if i >= 5 {
			rs = append(rs, reason(evidence.ReasonMediaNotCollected, fmt.Sprintf("and %d more video or audio element(s) not collected", len(in.MediaMissing)-5)))
			break
		}
		rs = append(rs, reason(evidence.ReasonMediaNotCollected, textsafe.Line(l, evidence.MaxReasonDetail)))
	}
	if len(rs) > 0 {
		return verdict(evidence.VerdictIncomplete, rs...)
	}

	// 7. Complete.
	return verdict(evidence.VerdictComplete)
}

// siteVerdicts are the verdicts a site profile's finding may give.
var siteVerdicts = map[evidence.Verdict]bool{evidence.VerdictDeleted: true, evidence.VerdictLoginWall: true, evidence.VerdictBlocked: true}

// siteFinding is the verdict and reason of in.SiteState; ok is false when there is none or it
// names a verdict a profile may not give or an unknown reason code.
func (in Input) siteFinding() (evidence.Verdict, evidence.Reason, bool) {
	st := in.SiteState
	if st == nil || !siteVerdicts[st.Verdict] || evidence.ReasonKey(st.Code) == "" {
		return "", evidence.Reason{}, false
	}
	return st.Verdict, evidence.NewReason(st.Code, textsafe.Line(st.Detail, evidence.MaxReasonDetail)), true
}

// firstDominant returns the first match of phrases that dominates the page.
func (p *page) firstDominant(phrases []phrase, media int) (match, bool) {
	for _, m := range p.find(phrases) {
		if p.dominant(m, media) {
			return m, true
		}
	}
	return match{}, false
}

// reasons gives one reason per code of ms, the first match of each.
func (p *page) reasons(ms []match) []evidence.Reason {
	var rs []evidence.Reason
	for _, m := range ms {
		if !hasCode(rs, m.phrase.code) {
			rs = append(rs, evidence.NewReason(m.phrase.code, p.quote(m)))
		}
	}
	return rs
}

func hasCode(rs []evidence.Reason, code string) bool {
	for _, r := range rs {
		if r.Code == code {
			return true
		}
	}
	return false
}

// hostPath returns u as lower-case "host/path" with "www." and "m." dropped; "" if u is not
// an http(s) URL with a host.
func hostPath(u string) string {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return ""
	}
	h := strings.ToLower(pu.Hostname())
	h = strings.TrimPrefix(strings.TrimPrefix(h, "www."), "m.")
	return h + strings.ToLower(pu.EscapedPath())
}

// loginURL reports whether u is a login page, and returns it capped for a detail.
func loginURL(u string) (string, bool) {
	hp := hostPath(u)
	if hp == "" {
		return "", false
	}
	for _, l := range loginURLs {
		if strings.HasPrefix(hp, l) || strings.HasPrefix(hp+"/", l) {
			return capRunes(u, 160), true
		}
	}
	return "", false
}

// blockedURL returns the bot-check marker u contains, if any.
func blockedURL(u string) (phrase, bool) {
	if hostPath(u) == "" {
		return phrase{}, false
	}
	lu := strings.ToLower(u)
	for _, b := range blockedURLs {
		if strings.Contains(lu, b.text) {
			return b, true
		}
	}
	return phrase{}, false
}
