package evidence

import "evidentia/textsafe"

// Verdict says whether a capture holds the page the investigator asked for, and if not, what
// it holds instead: a login screen, a deletion notice, a bot check, an error page or nothing.
// It is judged from what the capture observed (package completeness) and written to facts.json
// beside the capture's Status; it is a statement about the page, not about the engine: a
// capture can be sealed StatusComplete (every artifact written) and still hold a login wall.
// The names are stored in facts.json, so they never change.
type Verdict string

// The verdicts, in the order package completeness tries them (after the HTTP status).
const (
	// VerdictComplete: the page was captured with nothing noted against it.
	VerdictComplete Verdict = "complete"
	// VerdictIncomplete: the page was captured, but part of it is missing (fewer comments than
	// the page claims, an expansion limit, content still loading, a timeout).
	VerdictIncomplete Verdict = "incomplete"
	// VerdictLoginWall: the capture holds a login screen instead of the posting.
	VerdictLoginWall Verdict = "login_wall"
	// VerdictDeleted: the server or the site says the posting no longer exists.
	VerdictDeleted Verdict = "deleted"
	// VerdictBlocked: a bot check, a rate limit, an access refusal or an age gate stood between
	// the capture and the posting.
	VerdictBlocked Verdict = "blocked"
	// VerdictEmpty: the page showed (next to) nothing: no text to speak of and no images.
	VerdictEmpty Verdict = "empty"
	// VerdictErrorPage: the server answered with an error status (4xx, 5xx).
	VerdictErrorPage Verdict = "error_page"
)

// The reason codes of a Completeness. They are stored in facts.json, so they never change.
const (
	ReasonCommentsFewer  = "comments_fewer_than_claimed" // fewer comments captured than the page states
	ReasonExpansionLimit = "expansion_limit"             // expanding "more" / replies stopped at a limit
	ReasonLazyContent    = "lazy_content_not_loaded"     // lazy content still loading at the end
	ReasonTimedOut       = "capture_timed_out"           // the capture ran out of time
	ReasonPartial        = "capture_partial"             // the engine sealed the capture as partial
	ReasonHTTP404        = "http_404"                    // the main document answered 404 Not Found
	ReasonHTTP410        = "http_410"                    // the main document answered 410 Gone
	ReasonErrorStatus    = "error_status"                // another 4xx or 5xx status
	ReasonDeletedNotice  = "deleted_notice"              // the page says the posting was deleted
	ReasonLoginNotice    = "login_notice"                // the page asks to log in
	ReasonLoginRedirect  = "login_redirect"              // the capture ended on a login page's address
	ReasonCaptcha        = "captcha"                     // a CAPTCHA or "not a robot" check
	ReasonBotCheck       = "bot_check"                   // a browser check (e.g. Cloudflare "Just a moment...")
	ReasonRateLimited    = "rate_limited"                // 429 or "too many requests" / "unusual traffic"
	ReasonAccessDenied   = "access_denied"               // "Access Denied" / "you have been blocked"
	ReasonAgeGate        = "age_gate"                    // an adult / age verification gate
	ReasonNoContent      = "no_content"                  // (next to) no visible text and no images
	ReasonCaptureFailed  = "capture_failed"              // the page could not be captured at all
	// ReasonProfileNotMatched: the page is on a site Evidentia has a profile for, but its
	// markup did not match the profile (the site changed); the generic capture was used.
	ReasonProfileNotMatched = "site_profile_not_matched"
	// ReasonSiteLimit: the site shows less than the posting to a visitor who is not the
	// author or a member (a chat room's card only, comments closed after a time window).
	ReasonSiteLimit = "site_limit"
	// ReasonSitePrepare: the site profile could not prepare the page as it needs (open its
	// comments, switch a hiding filter off), so part of the posting may not be shown.
	ReasonSitePrepare = "site_preparation_failed"
	// ReasonConsent: the site showed its cookie-consent page in place of the posting.
	ReasonConsent = "consent_required"
	// ReasonMediaNotCollected: the page plays a video or audio whose file the capture does
	// not hold (a stream, a file over the limit, an error: the detail says which).
	ReasonMediaNotCollected = "media_not_collected"
)

const (
	// MaxReasonDetail is the number of characters a Reason's Detail keeps.
	MaxReasonDetail = 300
	// CommentsNotStated is CommentCount.Expected when the page states no comment count.
	CommentsNotStated = -1

	completenessKeyPrefix = "completeness."
)

// Completeness is the verdict on a capture and the reasons for it, as written to facts.json.
// Reasons is never nil (an empty list for VerdictComplete, which has no reasons); each other
// verdict has at least one reason, the first being the one that decided it.
type Completeness struct {
	Verdict  Verdict       `json:"verdict"`
	Reasons  []Reason      `json:"reasons"`
	Comments *CommentCount `json:"comments,omitempty"`
}

// CommentCount compares the comments a page claims to have with those the capture holds. It is
// present when the page states a count or the capture holds comments. Expected is the count the
// page states, or CommentsNotStated (-1) when it states none (0 is a stated zero).
type CommentCount struct {
	Expected int `json:"expected"`
	Captured int `json:"captured"`
}

// Reason is one finding behind a verdict: a stable machine code (the Reason constants) and an
// English detail with the evidence (the matched phrase and the line it was found in, the status,
// the counts), capped at MaxReasonDetail characters (a cut is marked with how much was left
// out). Detail may quote the page: show it through textsafe.
type Reason struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// NewReason returns a Reason with detail capped at MaxReasonDetail characters.
func NewReason(code, detail string) Reason {
	return Reason{Code: code, Detail: textsafe.Cap(detail, MaxReasonDetail)}
}

// Verdicts returns every verdict, in the order of the list above.
func Verdicts() []Verdict {
	return []Verdict{VerdictComplete, VerdictIncomplete, VerdictLoginWall, VerdictDeleted,
		VerdictBlocked, VerdictEmpty, VerdictErrorPage}
}

// ReasonCodes returns every reason code.
func ReasonCodes() []string {
	return []string{ReasonCommentsFewer, ReasonExpansionLimit, ReasonLazyContent, ReasonTimedOut,
		ReasonPartial, ReasonHTTP404, ReasonHTTP410, ReasonErrorStatus, ReasonDeletedNotice,
		ReasonLoginNotice, ReasonLoginRedirect, ReasonCaptcha, ReasonBotCheck, ReasonRateLimited,
		ReasonAccessDenied, ReasonAgeGate, ReasonNoContent, ReasonCaptureFailed, ReasonProfileNotMatched,
		ReasonSiteLimit, ReasonConsent, ReasonSitePrepare, ReasonMediaNotCollected}
}

// Known reports whether v is one of the Verdict constants.
func (v Verdict) Known() bool { _, ok := verdictTexts[v]; return ok }

// Key returns the translation key of v ("completeness.login_wall"), the same in every language
// table; "" for a verdict that is not one of the constants.
func (v Verdict) Key() string {
	if !v.Known() {
		return ""
	}
	return completenessKeyPrefix + string(v)
}

// Text returns v in plain words for an investigator, in Korean for lang "ko" and in English for
// any other lang; "" for a verdict that is not one of the constants.
func (v Verdict) Text(lang string) string { return pick(verdictTexts[v], lang) }

// ReasonKey returns the translation key of a reason code ("completeness.reason.expansion_limit");
// "" for a code that is not one of the Reason constants.
func ReasonKey(code string) string {
	if _, ok := reasonTexts[code]; !ok {
		return ""
	}
	return completenessKeyPrefix + "reason." + code
}

// Key returns the translation key of r's code (see ReasonKey).
func (r Reason) Key() string { return ReasonKey(r.Code) }

// Text returns what r's code means in plain words, in Korean for lang "ko" and in English for
// any other lang; "" for an unknown code. The Detail (English, with the evidence) is not
// translated: show it beside the text.
func (r Reason) Text(lang string) string { return pick(reasonTexts[r.Code], lang) }

// KeyTexts returns every completeness translation key with its Korean and English text, for
// the language tables of the GUI and the report (and their tests).
func KeyTexts() map[string][2]string {
	out := make(map[string][2]string, len(verdictTexts)+len(reasonTexts))
	for v, t := range verdictTexts {
		out[v.Key()] = t
	}
	for c, t := range reasonTexts {
		out[ReasonKey(c)] = t
	}
	return out
}

func pick(t [2]string, lang string) string {
	if lang == "ko" {
		return t[0]
	}
	return t[1]
}

// Name returns the short name of v for a list row or a status cell ("로그인 화면", "Login
// wall") in lang ("ko", else English); "" for a verdict that is not one of the constants.
func (v Verdict) Name(lang string) string { return pick(verdictNames[v], lang) }

// Whole reports whether c says the capture holds the whole posting. A capture made before
// verdicts were judged (nil) is taken at its status.
func (c *Completeness) Whole() bool { return c == nil || c.Verdict == VerdictComplete }

// verdictNames are the verdicts' short names: {Korean, English}.
var verdictNames = map[Verdict][2]string{
	VerdictComplete:   {"빠짐없음", "Complete"},
	VerdictIncomplete: {"일부 누락", "Incomplete"},
	VerdictLoginWall:  {"로그인 화면", "Login wall"},
	VerdictDeleted:    {"삭제됨", "Deleted"},
	VerdictBlocked:    {"차단됨", "Blocked"},
	VerdictEmpty:      {"내용 없음", "Empty"},
	VerdictErrorPage:  {"오류 화면", "Error page"},
}

// verdictTexts are the verdicts in plain words: {Korean, English}.
var verdictTexts = map[Verdict][2]string{
	VerdictComplete: {"게시물이 빠짐없이 저장되었습니다.",
		"The posting was captured in full."},
	VerdictIncomplete: {"게시물은 저장되었지만 일부가 빠졌습니다. 아래 사유를 확인하십시오.",
		"The posting was captured, but part of it is missing. See the reasons below."},
	VerdictLoginWall: {"로그인해야 볼 수 있는 화면이 저장되었습니다. 게시물 자체는 저장되지 않았습니다.",
		"A login screen was captured, not the posting itself."},
	VerdictDeleted: {"게시물이 삭제되었거나 존재하지 않는다는 화면이 저장되었습니다. 게시물 자체는 저장되지 않았습니다.",
		"The site says the posting was deleted or does not exist; the posting itself was not captured."},
	VerdictBlocked: {"사이트가 자동 접속 확인(로봇 확인), 접속 제한 또는 성인 인증으로 게시물을 보여주지 않았습니다. 게시물 자체는 저장되지 않았습니다.",
		"The site showed a robot check, an access limit or an age check instead of the posting; the posting itself was not captured."},
	VerdictEmpty: {"화면에 내용이 거의 없습니다. 게시물이 저장되지 않았을 수 있습니다.",
		"The page showed almost nothing; the posting may not have been captured."},
	VerdictErrorPage: {"사이트가 오류 화면을 보냈습니다. 게시물 자체는 저장되지 않았습니다.",
		"The site answered with an error page; the posting itself was not captured."},
}

// reasonTexts are the reason codes in plain words: {Korean, English}.
var reasonTexts = map[string][2]string{
	ReasonCommentsFewer: {"페이지에 표시된 댓글 수보다 적은 댓글이 저장되었습니다.",
		"Fewer comments were captured than the page says it has."},
	ReasonExpansionLimit: {"'더보기'나 답글 펼치기가 정해진 한도에서 멈춰, 펼치지 못한 내용이 있습니다.",
		"Opening \"more\" and replies stopped at a set limit; some content was not opened."},
	ReasonLazyContent: {"저장을 마칠 때 페이지 일부가 아직 불러와지는 중이었습니다.",
		"Part of the page was still loading when the capture ended."},
	ReasonTimedOut: {"정해진 시간 안에 저장을 마치지 못했습니다.",
		"The capture ran out of time before it finished."},
	ReasonPartial: {"저장 과정 일부가 실패하여 일부만 저장되었습니다.",
		"Part of the capture failed, so only part was saved."},
	ReasonHTTP404: {"사이트가 '페이지 없음'(404)으로 답했습니다.",
		"The site answered \"not found\" (404)."},
	ReasonHTTP410: {"사이트가 '영구 삭제됨'(410)으로 답했습니다.",
		"The site answered \"gone\" (410): the page was removed for good."},
	ReasonErrorStatus: {"사이트가 오류 코드로 답했습니다.",
		"The site answered with an error code."},
	ReasonDeletedNotice: {"페이지에 게시물이 삭제되었거나 없다는 안내가 있습니다.",
		"The page says the posting was deleted or does not exist."},
	ReasonLoginNotice: {"페이지가 로그인을 요구합니다.",
		"The page asks the viewer to log in."},
	ReasonLoginRedirect: {"사이트가 로그인 화면으로 보냈습니다.",
		"The site sent the browser to a login page."},
	ReasonCaptcha: {"사이트가 로봇이 아님을 확인하는 문제(캡차)를 냈습니다.",
		"The site asked to prove the viewer is not a robot (CAPTCHA)."},
	ReasonBotCheck: {"사이트가 브라우저 확인 화면을 띄웠습니다.",
		"The site showed a browser check screen."},
	ReasonRateLimited: {"사이트가 접속이 너무 많다며 요청을 제한했습니다.",
		"The site limited access because of too many requests."},
	ReasonAccessDenied: {"사이트가 접근을 거부했습니다.",
		"The site refused access."},
	ReasonAgeGate: {"사이트가 성인 인증이나 나이 확인을 요구합니다.",
		"The site asks for age verification."},
	ReasonNoContent: {"화면에 글자나 이미지가 거의 없습니다.",
		"The page has almost no text and no images."},
	ReasonCaptureFailed: {"페이지를 열지 못해 아무것도 저장하지 못했습니다.",
		"The page could not be opened, so nothing of it was captured."},
	ReasonProfileNotMatched: {"이 사이트의 화면 구조가 알려진 구조와 달라(사이트가 바뀐 것으로 보임) 일반 방식으로 저장했습니다. 작성자 정보나 댓글 일부가 빠졌을 수 있습니다.",
		"The site's page did not have the structure Evidentia knows (the site may have changed), so it was captured the generic way; author details or comments may be missing."},
	ReasonSiteLimit: {"사이트가 로그인하지 않은 방문자에게 게시물의 일부만 보여 줍니다.",
		"The site shows only part of the posting to a visitor who is not logged in or a member."},
	ReasonSitePrepare: {"이 사이트에 필요한 준비(댓글 열기, 숨김 필터 끄기 등)를 하지 못해 게시물 일부가 보이지 않았을 수 있습니다.",
		"The site's page could not be prepared as it needs (comments opened, a hiding filter switched off), so part of the posting may not have been shown."},
	ReasonConsent: {"사이트가 게시물 대신 쿠키 사용 동의 화면을 띄웠습니다.",
		"The site showed its cookie-consent page in place of the posting."},
	ReasonMediaNotCollected: {"게시물이 재생하는 영상이나 음성 파일을 보존하지 못했습니다.",
		"A video or audio the posting plays was not collected as a file."},
}
