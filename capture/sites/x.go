package sites

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// X (Twitter): a post's page x.com/USER/status/ID (twitter.com, mobile.twitter.com,
// mobile.x.com; /i/web/status/ID; /USER/status/ID/photo/N), and the conversation under it as
// far as X shows it.
//
// Markup (a saved x.com article in an F# parser's test, found by code search; scrapers and
// extensions quoted in the research notes): article[data-testid="tweet"][role="article"], in it
// div[data-testid="User-Name"] holding the display name's link (a[href="/USER"]), the
// "@USER" link and the permalink a[href="/USER/status/ID"] around time[datetime] (ISO UTC),
// div[data-testid="tweetText"], and div[role="group"] whose aria-label counts the post ("2
// replies, 12 reposts, 47 likes, 2 bookmarks, 3053 views"), with buttons
// [data-testid="reply"|"retweet"|"like"] labelled "47 Likes. Like" and the views link
// a[href$="/analytics"] ("3053 views. View post analytics"). On a post's page the
// conversation's replies are further articles after the post's own.
//
// Sensitive media (browsertrix-behaviors src/site/twitter.ts, read only): the warning holds a
// link to /settings/content_you_see, and its "Show" control is a div[role="button"] three
// levels above it; Prepare clicks it, whatever the language. Login wall: the address
// /i/flow/login or /login, else a page with no post and X's login controls
// ([data-testid="loginButton"], a[href="/login"], [data-testid="sheetDialog"]). Gone:
// "Hmm...this page doesn’t exist", "This post is unavailable" (older "This Tweet is
// unavailable", which X also shows for posts it limits), "This account doesn’t exist", "This
// account has been suspended".
func init() {
	register(&Profile{
		Name:    "x",
		Site:    "X (Twitter)",
		Hosts:   []string{"x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
		Page:    xPage,
		Prepare: xPrepareJS,
		// A long reply's "Show more" opens that reply in the app, in place of the post.
		Refuse: `[data-testid="tweet-text-show-more-link"]`,
		Reader: &posting.Site{Post: xPost, Comments: xComments},
		State:  xState,
		Limits: xLimits,
	})
}

var (
	xStatusRE = regexp.MustCompile(`^/(?:([A-Za-z0-9_]{1,15})|i/web|i)/status(?:es)?/(\d{1,20})(?:/(?:photo|video)/\d{1,2}|/?)$`)
	xLinkRE   = regexp.MustCompile(`^/([A-Za-z0-9_]{1,15})/status/(\d{1,20})(?:/|$)`)
	xLoginRE  = regexp.MustCompile(`^/(?:i/flow/login|login|i/flow/signup)(?:/|$)`)
)

// xPage recognises a post's page, and X's login flow the page may send the browser to.
func xPage(u *url.URL) bool {
	return xStatusID(u) != "" || xLoginRE.MatchString(u.Path)
}

// xStatusID is the post the address names, "" for none.
func xStatusID(u *url.URL) string {
	if u == nil {
		return ""
	}
	if m := xStatusRE.FindStringSubmatch(u.Path); m != nil {
		return m[2]
	}
	return ""
}

var (
	xArticle  = sel(`article[data-testid="tweet"]`)
	xUserName = sel(`div[data-testid="User-Name"]`)
	xText     = sel(`div[data-testid="tweetText"]`)
	xPermTime = sel(`a[href*="/status/"] time[datetime]`)
	xGroup    = sel(`div[role="group"][aria-label]`)
	xLinks    = sel(`a[href]`)

	xCountRE = map[string]*regexp.Regexp{
		"replies": regexp.MustCompile(`(?i)([\d,.]+[KkMm]?)\s+(?:replies|reply)\b|답글\s*([\d,.]+[천만]?)`),
		"likes":   regexp.MustCompile(`(?i)([\d,.]+[KkMm]?)\s+likes?\b|마음에 들어요\s*([\d,.]+[천만]?)`),
		"views":   regexp.MustCompile(`(?i)([\d,.]+[KkMm]?)\s+views?\b|조회수\s*([\d,.]+[천만]?)`),
	}
)

// xTweet is one article as X renders it.
type xTweet struct {
	n      *html.Node
	id     string
	author evidence.Person
	time   string
	text   string
}

// xTweets reads every post article of the page, in page order; quoted posts inside an article
// are part of it.
func xTweets(doc *html.Node) []xTweet {
	var out []xTweet
	for _, a := range all(doc, xArticle) {
		if ancestor(a, xArticle) != nil {
			continue
		}
		t := xTweet{n: a}
		// The article's own User-Name, time and text: not those of a post it quotes
		// (div[role=link] inside it, with its own User-Name).
		if un := xOwn(a, xUserName); un != nil {
			t.author = xPerson(un)
			if tm := one(un, xPermTime); tm != nil {
				t.time = attr(tm, "datetime")
				if l := ancestor(tm, xLinks); l != nil {
					if m := xLinkRE.FindStringSubmatch(attr(l, "href")); m != nil {
						t.id = m[2]
					}
				}
			}
		}
		if t.time == "" {
			// The post's own page shows the time under the text, as a permalink too.
			for _, tm := range all(a, xPermTime) {
				if l := ancestor(tm, xLinks); l != nil && xQuoted(tm, a) == nil {
					if m := xLinkRE.FindStringSubmatch(attr(l, "href")); m != nil {
						t.time, t.id = attr(tm, "datetime"), m[2]
						break
					}
				}
			}
		}
		t.text = block(xOwn(a, xText))
		out = append(out, t)
	}
	return out
}

// xOwn is the first element under article a matching s that is not in a quoted post.
func xOwn(a *html.Node, s cascadia.Matcher) *html.Node {
	for _, n := range all(a, s) {
		if xQuoted(n, a) == nil {
			return n
		}
	}
	return nil
}

// xQuoted is the quoted post (div[role=link] holding a User-Name) n is in inside article a,
// nil for none.
func xQuoted(n, a *html.Node) *html.Node {
	for p := n.Parent; p != nil && p != a; p = p.Parent {
		if p.Type == html.ElementNode && attr(p, "role") == "link" && p.Data == "div" {
			return p
		}
	}
	return nil
}

// xPerson reads div[data-testid=User-Name]: the display name, "@handle", the profile.
func xPerson(un *html.Node) evidence.Person {
	var p evidence.Person
	for _, a := range all(un, xLinks) {
		h := attr(a, "href")
		if strings.Contains(h, "/status/") {
			continue
		}
		t := plain(a)
		if strings.HasPrefix(t, "@") {
			if cleanID(t[1:]) != "" {
				p.AccountID = t
			}
			continue
		}
		if p.Nickname == "" && t != "" {
			p.Nickname = t
		}
		if u, err := url.Parse(h); err == nil && p.ProfileURL == "" {
			if name := strings.Trim(u.Path, "/"); cleanID(name) != "" && !strings.Contains(name, "/") {
				p.ProfileURL = "https://x.com/" + name
			}
		}
	}
	if p.AccountID == "" && p.ProfileURL != "" {
		p.AccountID = "@" + strings.TrimPrefix(p.ProfileURL, "https://x.com/")
	}
	return p
}

// xFocal is the index of the post the page is about: the article whose permalink is the
// address's post, -1 for none.
func xFocal(ts []xTweet, id string) int {
	for i, t := range ts {
		if t.id == id {
			return i
		}
	}
	return -1
}

// xPost reads the post of the page's address.
func xPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	id := xStatusID(base)
	ts := xTweets(doc)
	f := xFocal(ts, id)
	if id == "" || f < 0 {
		return posting.SitePost{}, false
	}
	t := ts[f]
	p := posting.SitePost{Where: `article[data-testid="tweet"]`, PostID: id, Author: t.author}
	if t.time != "" {
		p.Posted = posting.SiteText{Text: t.time, Source: "time attr:datetime"}
	}
	// The counts: the group's label, else each button's.
	label := attr(xOwn(t.n, xGroup), "aria-label")
	get := func(kind, testid string) posting.SiteText {
		for _, l := range []struct{ text, src string }{{label, `div[role="group"] attr:aria-label`}} {
			if m := xCountRE[kind].FindStringSubmatch(l.text); m != nil {
				return posting.SiteText{Text: orStr(m[1], m[2]), Source: l.src}
			}
		}
		var b *html.Node
		if testid == "views" {
			for _, a := range all(t.n, sel(`a[href$="/analytics"][aria-label]`)) {
				b = a
				break
			}
		} else {
			b = xOwn(t.n, sel(`[data-testid="`+testid+`"][aria-label]`))
		}
		if m := xCountRE[kind].FindStringSubmatch(attr(b, "aria-label")); m != nil {
			return posting.SiteText{Text: orStr(m[1], m[2]), Source: `[data-testid="` + testid + `"] attr:aria-label`}
		}
		return posting.SiteText{}
	}
	p.Comments = get("replies", "reply")
	p.Likes = get("likes", "like")
	p.Views = get("views", "views")
	return p, true
}

// xComments reads the replies shown under the post (the articles after the post's own), each a
// reply to the post; the posts above it (those it replies to) are the conversation's context,
// not its replies.
func xComments(doc *html.Node, base *url.URL) ([]posting.SiteComment, bool) {
	id := xStatusID(base)
	ts := xTweets(doc)
	f := xFocal(ts, id)
	if f < 0 {
		return nil, false
	}
	// Below the replies X shows other posts ("Discover more") and ads: not replies.
	order := map[*html.Node]int{}
	var stop = -1
	i := 0
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > 400 {
			return
		}
		if n.Type == html.ElementNode {
			order[n] = i
			i++
			if stop < 0 && order[n] > order[ts[f].n] && (n.Data == "h2" || attr(n, "role") == "heading") && xDiscoverRE.MatchString(plain(n)) {
				stop = order[n]
			}
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(doc, 0)
	var out []posting.SiteComment
	for _, t := range ts[f+1:] {
		if t.id == "" || t.id == id || (stop >= 0 && order[t.n] > stop) || xPromoted(t.n) {
			continue
		}
		// A reply to the post is a top-level comment of the record (no parent): the page does
		// not show which replies answer other replies.
		c := posting.SiteComment{ID: t.id, Author: t.author, Text: t.text, Where: `article[data-testid="tweet"]`}
		if t.time != "" {
			c.Time = posting.SiteText{Text: t.time, Source: "time attr:datetime"}
		}
		out = append(out, c)
	}
	return out, true
}

// xDiscoverRE matches the headings X puts above posts that are not replies.
var xDiscoverRE = regexp.MustCompile(`(?i)^(discover more|more posts|더 찾아보기|추가 게시물|게시물 더 보기|추천 게시물)`)

// xPromoted reports whether article a is an ad: inside X's ad tracking, or labelled "Ad".
func xPromoted(a *html.Node) bool {
	if ancestor(a, xPlacement) != nil || one(a, xPlacement) != nil {
		return true
	}
	for _, sp := range all(a, xSpan) {
		switch plain(sp) {
		case "Ad", "광고", "Promoted", "프로모션":
			return true
		}
	}
	return false
}

var (
	xPlacement = sel(`[data-testid="placementTracking"]`)
	xSpan      = sel("span")
)

// xState recognises X's login flow, its login prompt in place of the post, and its notices
// for a post or account that is gone.
func xState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && xLoginRE.MatchString(u.Path) {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect,
			Detail: "X sent the browser to its login page (" + u.EscapedPath() + ") in place of the post"}, true
	}
	if xFocal(xTweets(doc), xStatusID(u)) >= 0 {
		return State{}, false
	}
	t := ytNorm(texts(doc, 1<<16))
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `X shows `, ` in place of the post`, "Hmm...this page doesn't exist", "This account doesn't exist", "This account has been suspended",
		"이 페이지는 존재하지 않습니다", "계정이 존재하지 않습니다", "계정이 정지되었습니다"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `X shows `, ` in place of the post; X shows this for a deleted post, but also for one it withholds (a protected account, a block, a limit), so the post may still exist`, "This post is unavailable", "This Post is unavailable", "This Tweet is unavailable", "이 게시물을 볼 수 없습니다"); ok {
		return st, true
	}
	if one(doc, sel(`[data-testid="loginButton"], a[href="/login"], a[href^="/i/flow/login"], [data-testid="sheetDialog"] a[href*="login"]`)) != nil {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginNotice,
			Detail: "X shows its login prompt and no post"}, true
	}
	return State{}, false
}

// xLimits says what X withholds from a visitor who is not logged in.
func xLimits(doc *html.Node, _ *url.URL, _ *evidence.Posting, _ Context) []string {
	if one(doc, sel(`[data-testid="AppTabBar_Home_Link"], [data-testid="SideNav_AccountSwitcher_Button"]`)) != nil {
		return nil
	}
	if one(doc, sel(`[data-testid="loginButton"], a[href="/login"], a[href^="/i/flow/login"], [data-testid="signupButton"]`)) == nil {
		return nil
	}
	return []string{"X showed the post to a visitor who was not logged in; X shows such a visitor fewer of the replies than a logged-in account sees, or none, so replies may be missing"}
}

// xPrepareJS clicks through X's sensitive-media warnings: the warning links to
// /settings/content_you_see, and its "Show" control is the div[role=button] three levels up
// (any language). It clicks nothing else.
const xPrepareJS = `(async () => {
  const out = {Did: [], Failed: [], Hidden: []};
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  let n = 0;
  for (let round = 0; round < 3; round++) {
    let clicked = 0;
    for (const a of document.querySelectorAll('article a[href="/settings/content_you_see"]')) {
      const box = a.parentElement && a.parentElement.parentElement && a.parentElement.parentElement.parentElement;
      if (!box) continue;
      const b = Array.from(box.querySelectorAll('div[role="button"]')).find(x => !x.querySelector("a") && !x.closest("a") && !x.hasAttribute("data-testid"));
      if (!b || b.closest("article") !== a.closest("article")) continue;
      // The warning's own "Show" (a short label in any language), never an action on the post.
      const label = String(b.innerText || "").trim();
      if (label.length > 12 || /like|repost|retweet|reply|follow|block|report|mute|share|좋아요|재게시|리트윗|답글|팔로우|차단|신고|뮤트|공유/i.test(label)) continue;
      try { b.click(); clicked++; } catch (e) {}
    }
    if (!clicked) break;
    n += clicked;
    await sleep(300);
  }
  if (n) out.Did.push("showed the media of " + n + " post" + (n === 1 ? "" : "s") + " that X had covered with its sensitive-content warning");
  return out;
})()`
