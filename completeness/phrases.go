package completeness

import "evidentia/evidence"

// A phrase is a site's wording that marks a page as something other than the posting. Phrases
// are matched after folding (fold): NFKC, lower case, curly quotes made straight, "…" made
// "...", and every space removed, so "로그인 후 이용" also matches "로그인후 이용" and
// "Sign in to confirm you’re not a bot" matches with either apostrophe.
//
// Where a phrase comes from: "sourced" phrases were seen quoted from the real page in public
// material (issue trackers, news, blogs) while this list was written; the others are from
// general knowledge of the sites and of common Korean and English site wording, and have not
// been checked against the live sites. Sites change their wording; a phrase that no longer
// matches makes Judge say less, never more (the verdict falls through to the next rule).
type phrase struct {
	code string // the evidence.Reason code a match gives
	text string // as the page shows it
	key  string // text folded
	// letters are the letters and digits of text
	letters int
}

func ph(code, text string) phrase {
	return phrase{code: code, text: text, key: fold(text), letters: letters(text)}
}

// deletedPhrases: the site says the posting is gone (rule 2).
var deletedPhrases = []phrase{
	// Korean portals and communities (Naver blog/cafe/news, Daum, DC Inside, Tistory, ...).
	ph(evidence.ReasonDeletedNotice, "삭제된 게시물입니다"),
	ph(evidence.ReasonDeletedNotice, "삭제된 게시글입니다"),
	ph(evidence.ReasonDeletedNotice, "삭제된 글입니다"), // sourced: Tistory "관리자 삭제된 글입니다" (a blogger's report)
	ph(evidence.ReasonDeletedNotice, "삭제된 기사입니다"),
	ph(evidence.ReasonDeletedNotice, "존재하지 않는 게시물입니다"),
	ph(evidence.ReasonDeletedNotice, "존재하지 않는 게시글입니다"),
	ph(evidence.ReasonDeletedNotice, "삭제되었거나 존재하지 않는"),
	ph(evidence.ReasonDeletedNotice, "삭제되었거나 없는 게시글"), // sourced: Naver cafe (newstomato.com report)
	ph(evidence.ReasonDeletedNotice, "게시물이 삭제되었거나"),
	ph(evidence.ReasonDeletedNotice, "게시글이 삭제되었거나"),
	ph(evidence.ReasonDeletedNotice, "해당 게시글은 삭제"),
	ph(evidence.ReasonDeletedNotice, "해당 게시물은 삭제"), // DC Inside "해당 게시물은 삭제되었습니다"
	ph(evidence.ReasonDeletedNotice, "이 게시물은 삭제"),
	ph(evidence.ReasonDeletedNotice, "이 게시글은 삭제"),
	ph(evidence.ReasonDeletedNotice, "관리자에 의해 삭제된"),
	ph(evidence.ReasonDeletedNotice, "동영상을 더 이상 재생할 수 없습니다"),
	ph(evidence.ReasonDeletedNotice, "페이지를 찾을 수 없습니다"),
	// X (Twitter).
	ph(evidence.ReasonDeletedNotice, "This post is unavailable"),
	ph(evidence.ReasonDeletedNotice, "This Tweet is unavailable"), // sourced: nitter issues
	ph(evidence.ReasonDeletedNotice, "This Tweet was deleted"),
	ph(evidence.ReasonDeletedNotice, "This post was deleted"),
	ph(evidence.ReasonDeletedNotice, "this page doesn't exist"),
	ph(evidence.ReasonDeletedNotice, "This account doesn't exist"), // sourced: sherlock PR on X
	// Instagram, Facebook, Threads.
	ph(evidence.ReasonDeletedNotice, "Sorry, this page isn't available"), // sourced: Instagram (third-party blog pages quoting it)
	ph(evidence.ReasonDeletedNotice, "This page isn't available"),
	ph(evidence.ReasonDeletedNotice, "This content isn't available"),
	// YouTube and generic.
	ph(evidence.ReasonDeletedNotice, "This video has been removed"),
	ph(evidence.ReasonDeletedNotice, "This video isn't available anymore"),
	ph(evidence.ReasonDeletedNotice, "This video is no longer available"),
	ph(evidence.ReasonDeletedNotice, "Video unavailable"),
	ph(evidence.ReasonDeletedNotice, "Post not found"),
	ph(evidence.ReasonDeletedNotice, "Page not found"),
}

// loginPhrases: the site asks to log in before it shows the posting (rule 3).
var loginPhrases = []phrase{
	ph(evidence.ReasonLoginNotice, "로그인하고 게시물 보기"),
	ph(evidence.ReasonLoginNotice, "로그인 후 이용"),
	ph(evidence.ReasonLoginNotice, "로그인 후 볼 수"),
	ph(evidence.ReasonLoginNotice, "로그인 후 확인"),
	ph(evidence.ReasonLoginNotice, "로그인이 필요"),
	ph(evidence.ReasonLoginNotice, "로그인하셔야"),
	ph(evidence.ReasonLoginNotice, "회원만 볼 수"),
	ph(evidence.ReasonLoginNotice, "회원만 이용"),
	ph(evidence.ReasonLoginNotice, "카페 멤버만"),
	ph(evidence.ReasonLoginNotice, "멤버만 볼 수"),
	ph(evidence.ReasonLoginNotice, "Log in to see"),
	ph(evidence.ReasonLoginNotice, "Log in to continue"),
	ph(evidence.ReasonLoginNotice, "Sign in to continue"),
	ph(evidence.ReasonLoginNotice, "Sign in to view"),
	ph(evidence.ReasonLoginNotice, "You must log in"),
	ph(evidence.ReasonLoginNotice, "You must be logged in"),
	ph(evidence.ReasonLoginNotice, "Log in to X"),
	ph(evidence.ReasonLoginNotice, "Sign in to X"),
	ph(evidence.ReasonLoginNotice, "Log in to Instagram"),
	ph(evidence.ReasonLoginNotice, "Log into Facebook"),
	ph(evidence.ReasonLoginNotice, "Log in to Facebook"),
	ph(evidence.ReasonLoginNotice, "Phone number, username, or email"), // Instagram's login form
}

// blockedPhrases: a bot check, a limit, a refusal or an age gate (rule 4). "Sign in to confirm
// you're not a bot" and "Sign in to confirm your age" are here, not among the login phrases:
// the site asks for a login to lift a block, not to show a members' posting.
var blockedPhrases = []phrase{
	ph(evidence.ReasonCaptcha, "Sign in to confirm you're not a bot"), // sourced: YouTube (yt-dlp issues)
	ph(evidence.ReasonCaptcha, "confirm you're not a bot"),
	ph(evidence.ReasonCaptcha, "captcha"), // also reCAPTCHA, hCaptcha
	ph(evidence.ReasonCaptcha, "자동입력 방지"),
	ph(evidence.ReasonCaptcha, "자동입력방지"),
	ph(evidence.ReasonCaptcha, "로봇이 아닙니다"),
	ph(evidence.ReasonCaptcha, "I'm not a robot"),
	ph(evidence.ReasonCaptcha, "Verify you are human"),
	ph(evidence.ReasonBotCheck, "Just a moment..."), // sourced: Cloudflare's challenge title (scraper issues)
	ph(evidence.ReasonBotCheck, "Checking your browser"),
	ph(evidence.ReasonBotCheck, "Verifying you are human"),
	ph(evidence.ReasonBotCheck, "Checking if the site connection is secure"),
	ph(evidence.ReasonBotCheck, "needs to review the security of your connection"),
	ph(evidence.ReasonRateLimited, "Too Many Requests"),
	ph(evidence.ReasonRateLimited, "unusual traffic"),
	ph(evidence.ReasonRateLimited, "Rate limit exceeded"),
	ph(evidence.ReasonRateLimited, "비정상적인 트래픽"),
	ph(evidence.ReasonRateLimited, "요청이 너무 많"),
	ph(evidence.ReasonAccessDenied, "Access Denied"),
	ph(evidence.ReasonAccessDenied, "you have been blocked"),
	ph(evidence.ReasonAccessDenied, "접근이 거부"),
	ph(evidence.ReasonAccessDenied, "접근이 차단"),
	ph(evidence.ReasonAgeGate, "Sign in to confirm your age"),
	ph(evidence.ReasonAgeGate, "Age-restricted adult content"), // sourced: X (nitter issue)
	ph(evidence.ReasonAgeGate, "age-restricted"),
	ph(evidence.ReasonAgeGate, "age restricted"),
	ph(evidence.ReasonAgeGate, "19세 이상"),
	ph(evidence.ReasonAgeGate, "19세 미만"),
	ph(evidence.ReasonAgeGate, "성인 인증"),
	ph(evidence.ReasonAgeGate, "성인인증"),
	ph(evidence.ReasonAgeGate, "청소년유해매체물"),
	ph(evidence.ReasonAgeGate, "청소년 유해매체물"),
}

// loginURLs: a final address on one of these is a login page (rule 3), matched as
// "host/path" prefixes after the scheme, "www." and "m." are dropped.
var loginURLs = []string{
	"nid.naver.com/nidlogin",
	"logins.daum.net/",
	"accounts.kakao.com/login",
	"accounts.google.com/",
	"instagram.com/accounts/login",
	"x.com/i/flow/login",
	"twitter.com/i/flow/login",
	"x.com/login",
	"twitter.com/login",
	"facebook.com/login",
	"threads.net/login",
	"threads.com/login",
	"tiktok.com/login",
}

// blockedURLs: a final address containing one of these is a bot check (rule 4).
var blockedURLs = []phrase{
	ph(evidence.ReasonRateLimited, "google.com/sorry/"),
	ph(evidence.ReasonBotCheck, "__cf_chl_"),                    // sourced: Cloudflare's challenge marker, anti-bot tools' issues
	ph(evidence.ReasonBotCheck, "/cdn-cgi/challenge-platform/"), // sourced: anti-bot tools' issues
}
