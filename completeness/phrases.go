package completeness

import "evidentia/evidence"

// A phrase is a site's wording that marks a page as something other than the posting. Phrases
// are matched after folding (fold): NFKC, lower case, and only letters and digits kept (spaces,
// punctuation, symbols and invisible characters dropped), so "로그인 후 이용" also matches
// "로그인후 이용" and "Sign in to confirm you’re not a bot" matches with either apostrophe.
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
	// titleOnly: the phrase counts only in the page title (it is too common in a body:
	// Cloudflare's Korean title "잠시만 기다리십시오…" is also a loading message).
	titleOnly bool
	// formable: the phrase also sits in a comment form ("댓글을 작성하려면 로그인이 필요합니다",
	// "자동입력 방지 문자를 입력하세요"): login and CAPTCHA phrases (see commentForm).
	formable bool
}

func ph(code, text string) phrase {
	return phrase{code: code, text: text, key: fold(text), letters: letters(text),
		formable: code == evidence.ReasonLoginNotice || code == evidence.ReasonCaptcha}
}

// inTitle is ph for a phrase that counts only in the page title.
func inTitle(code, text string) phrase {
	p := ph(code, text)
	p.titleOnly = true
	return p
}

// allPhrases are the three lists a notice line is recognised by.
var allPhrases = [][]phrase{deletedPhrases, loginPhrases, blockedPhrases}

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
	// YouTube, Korean interface.
	ph(evidence.ReasonDeletedNotice, "동영상을 사용할 수 없음"),
	ph(evidence.ReasonDeletedNotice, "삭제된 동영상입니다"),
	ph(evidence.ReasonDeletedNotice, "이 동영상은 더 이상 제공되지 않습니다"),
	ph(evidence.ReasonDeletedNotice, "계정이 해지되어 동영상을 더 이상 볼 수 없습니다"), // sourced: iusm.co.kr news report quoting the notice
	// Instagram, Facebook, X, Korean interface.
	ph(evidence.ReasonDeletedNotice, "페이지를 사용할 수 없습니다"), // Instagram "죄송합니다. 페이지를 사용할 수 없습니다."
	ph(evidence.ReasonDeletedNotice, "이 콘텐츠는 현재 이용할 수 없습니다"),
	ph(evidence.ReasonDeletedNotice, "이 게시물은 삭제되었습니다"), // also matched by "이 게시물은 삭제"
	ph(evidence.ReasonDeletedNotice, "이 페이지는 존재하지 않습니다"),
	ph(evidence.ReasonDeletedNotice, "계정이 정지되었습니다"),
	// X (Twitter). A suspended account's posts are gone from public view: deleted.
	ph(evidence.ReasonDeletedNotice, "This post is unavailable"),
	ph(evidence.ReasonDeletedNotice, "This Tweet is unavailable"), // sourced: nitter issues
	ph(evidence.ReasonDeletedNotice, "This Tweet was deleted"),
	ph(evidence.ReasonDeletedNotice, "This post was deleted"),
	ph(evidence.ReasonDeletedNotice, "this page doesn't exist"),
	ph(evidence.ReasonDeletedNotice, "This account doesn't exist"), // sourced: sherlock PR on X
	ph(evidence.ReasonDeletedNotice, "Hmm...this page doesn't exist"),
	ph(evidence.ReasonDeletedNotice, "This post is from a suspended account"),
	ph(evidence.ReasonDeletedNotice, "Account suspended"), // sourced: gutfeeling/twitass#3 ("I got the message \"Account suspended\"")
	// Instagram, Facebook, Threads.
	ph(evidence.ReasonDeletedNotice, "Sorry, this page isn't available"), // sourced: Instagram (mgp25/Instagram-API#497 quotes the page's HTML)
	ph(evidence.ReasonDeletedNotice, "This page isn't available"),
	ph(evidence.ReasonDeletedNotice, "This content isn't available"), // sourced: Facebook "Sorry, this content isn't available right now" (wit-ai/wit#2123)
	// YouTube and generic.
	ph(evidence.ReasonDeletedNotice, "This video has been removed"), // sourced: "Video unavailable / This video has been removed by the uploader" (oven-sh/awesome-bun#29)
	ph(evidence.ReasonDeletedNotice, "This video isn't available anymore"),
	ph(evidence.ReasonDeletedNotice, "This video is no longer available"),
	ph(evidence.ReasonDeletedNotice, "Video unavailable"), // sourced: yt-dlp error text, oven-sh/awesome-bun#29
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
	ph(evidence.ReasonLoginNotice, "멤버에게만 공개된 게시글"),
	ph(evidence.ReasonLoginNotice, "카페에 가입하면 볼 수 있습니다"),
	ph(evidence.ReasonLoginNotice, "가입하면 바로 글을 볼 수"),
	// Naver blog: posts for the blogger or the neighbours only (a login as one of them).
	ph(evidence.ReasonLoginNotice, "비공개 포스트"),
	ph(evidence.ReasonLoginNotice, "이웃공개 포스트"),
	ph(evidence.ReasonLoginNotice, "서로이웃에게만 공개된 글"),
	// Instagram, Facebook, X, YouTube, Korean interface. Protected and private posts are
	// for approved followers only: a login wall.
	ph(evidence.ReasonLoginNotice, "로그인하여 사진 및 동영상 보기"),
	ph(evidence.ReasonLoginNotice, "페이스북에 로그인"),
	ph(evidence.ReasonLoginNotice, "이 게시물은 보호되어 있습니다"),
	ph(evidence.ReasonLoginNotice, "이 동영상은 비공개 동영상입니다"),
	ph(evidence.ReasonLoginNotice, "These posts are protected"),
	ph(evidence.ReasonLoginNotice, "This video is private"),                               // sourced: youtube-dl#25635 (error text quoting the page)
	ph(evidence.ReasonLoginNotice, "Sign in if you've been granted access to this video"), // sourced: yt-dlp issues ("Private video. Sign in if ...")
	ph(evidence.ReasonLoginNotice, "Log in to see"),
	ph(evidence.ReasonLoginNotice, "Log in to continue"),
	ph(evidence.ReasonLoginNotice, "Sign in to continue"),
	ph(evidence.ReasonLoginNotice, "Sign in to view"),
	ph(evidence.ReasonLoginNotice, "You must log in"), // sourced: Facebook "You must log in to continue." (MartinBraquet/no-login#6, streamlink#3481)
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
	ph(evidence.ReasonCaptcha, "Verify you are human"), // sourced: Cloudflare Turnstile (SerenityOS#22529, FlareSolverr#1660)
	ph(evidence.ReasonCaptcha, "사람인지 확인하십시오"),
	ph(evidence.ReasonBotCheck, "Just a moment..."), // sourced: Cloudflare's challenge title (scraper issues)
	ph(evidence.ReasonBotCheck, "Checking your browser"),
	ph(evidence.ReasonBotCheck, "Verifying you are human"), // sourced: Cloudflare challenge HTML (FlareSolverr#1660)
	ph(evidence.ReasonBotCheck, "Checking if the site connection is secure"),
	ph(evidence.ReasonBotCheck, "needs to review the security of your connection"), // sourced: FlareSolverr#1660
	ph(evidence.ReasonBotCheck, "사이트 연결이 안전한지 확인하는 중"),
	inTitle(evidence.ReasonBotCheck, "잠시만 기다리십시오"), // Cloudflare's Korean "Just a moment..."
	ph(evidence.ReasonRateLimited, "Too Many Requests"),
	ph(evidence.ReasonRateLimited, "unusual traffic"),
	ph(evidence.ReasonRateLimited, "Rate limit exceeded"),
	ph(evidence.ReasonRateLimited, "비정상적인 트래픽"),
	ph(evidence.ReasonRateLimited, "요청이 너무 많"),
	ph(evidence.ReasonAccessDenied, "Access Denied"),
	ph(evidence.ReasonAccessDenied, "you have been blocked"),
	ph(evidence.ReasonAccessDenied, "접근이 거부"),
	ph(evidence.ReasonAccessDenied, "접근이 차단"),
	ph(evidence.ReasonAccessDenied, "해당 국가 도메인에서 사용할 수 없는 콘텐츠"), // sourced: YouTube legal block (imaeil.com, zdnet.co.kr reports)
	ph(evidence.ReasonAgeGate, "Sign in to confirm your age"),
	ph(evidence.ReasonAgeGate, "Age-restricted adult content"), // sourced: X (nitter issue)
	ph(evidence.ReasonAgeGate, "age-restricted"),
	ph(evidence.ReasonAgeGate, "age restricted"),
	ph(evidence.ReasonAgeGate, "19세 이상만"), // not "19세 이상": a menu's "19세 이상 이용 가능" link, a film's rating
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
