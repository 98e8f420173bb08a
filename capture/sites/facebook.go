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

// Facebook: a post's page as a visitor who is not logged in sees it: /PAGE/posts/ID,
// /permalink.php?story_fbid=&id=, /story.php, /groups/GROUP/posts/ID (and /permalink/ID),
// /photo/?fbid=, /photo.php, /share/p/CODE (which redirects to the post), on www., web. and
// m.facebook.com.
//
// Markup (webrecorder/browsertrix-behaviors src/site/facebook.ts, read only; public
// Playwright and Selenium scrapers found by the code search): the post is a div[role=article]
// without aria-label (in a div[role=dialog] on a single post's page); its text is
// [data-ad-rendering-role=story_message], [data-ad-comet-preview=message] or
// [data-ad-preview=message]; the author is the first link of its heading (h2/h3/strong a); its
// time is the text of the post's permalink (a[href*="/posts/"], "3h", "May 28 at 9:04 PM").
// Comments are div[role=article][aria-label^="Comment by"] / [aria-label^="Reply by"], each
// with its permalink a[href*="comment_id="] (comment_id, and reply_comment_id for a reply)
// whose text is the time ("2h"), the author's link, and the text in div[dir=auto]. The comment
// filter is a div[role=button][aria-haspopup=menu] ("Most relevant") whose menu's last
// div[role=menuitem] is "All comments". "View more comments" and "View N replies" are
// div[role=button] the generic expansion's vocabulary takes. The class names are generated
// and change; the profile reads none. Not verified against a page served to a visitor: the
// cookie dialog's buttons ("Decline optional cookies", "Only allow essential cookies"), the
// Korean labels, and the exact login overlay; the fixture is inferred from the scrapers'
// selectors.
func init() {
	register(&Profile{
		Name:    "facebook",
		Site:    "Facebook",
		Hosts:   []string{"www.facebook.com", "facebook.com", "web.facebook.com", "m.facebook.com"},
		Page:    fbPage,
		Prepare: fbPrepareJS,
		Reader:  &posting.Site{Post: fbPost, Comments: fbComments},
		State:   fbState,
		Limits:  fbLimits,
	})
}

var fbPostPathRE = regexp.MustCompile(`^/(?:[A-Za-z0-9.]{1,80}/posts/[A-Za-z0-9]{1,80}|groups/[A-Za-z0-9._-]{1,80}/(?:posts|permalink)/\d{1,25}|share/p/[A-Za-z0-9]{1,40}|photo|photo\.php|permalink\.php|story\.php)/?$`)

func fbPage(u *url.URL) bool { return fbPostPathRE.MatchString(u.Path) }

var (
	fbArticle   = sel("div[role=article]")
	fbMessage   = sel(`[data-ad-rendering-role=story_message], [data-ad-comet-preview=message], [data-ad-preview=message]`)
	fbHeading   = sel("h2 a[href], h3 a[href], strong a[href]")
	fbPermalink = sel(`a[href*="/posts/"], a[href*="story_fbid="], a[href*="/permalink/"]`) // not photo.php?fbid=: a photo
	fbCmtLink   = sel(`a[href*="comment_id="]`)
	fbCmtText   = sel("div[dir=auto]")
	fbLink      = sel("a[href]")
	fbLoginForm = sel(`form[action*="login"], input[name=email][type], input[name=pass]`)
	fbDialog    = sel("div[role=dialog]")
	fbNumRE     = regexp.MustCompile(`^\d{1,25}$`)
	fbPostIDRE  = regexp.MustCompile(`/(?:posts|permalink)/([A-Za-z0-9]{1,80})`)
)

// fbIsComment reports whether an article is a comment: it has a comment permalink of its
// own or is labelled as one.
func fbIsComment(a *html.Node) bool {
	l := attr(a, "aria-label")
	return strings.HasPrefix(l, "Comment by") || strings.HasPrefix(l, "Reply by") || fbOwn(a, fbCmtLink) != nil
}

// fbOwn returns the first element under article a matching s that is not inside an article
// nested in it.
func fbOwn(a *html.Node, s cascadia.Matcher) *html.Node { return ownOf(a, s, fbArticle) }

// fbMain returns the post's article: the first that is not a comment, in the dialog first.
func fbMain(doc *html.Node) *html.Node {
	for _, root := range []*html.Node{one(doc, fbDialog), doc} {
		for _, a := range all(root, fbArticle) {
			if !fbIsComment(a) && one(a, fbMessage) != nil {
				return a
			}
		}
	}
	return nil
}

// fbPerson reads an author link: the name, and the account from profile.php?id=N, /people/NAME/N
// or the first path segment.
func fbPerson(a *html.Node) evidence.Person {
	p := evidence.Person{Nickname: line(a)}
	u, err := url.Parse(attr(a, "href"))
	if err != nil {
		return p
	}
	if id := u.Query().Get("id"); strings.HasSuffix(u.Path, "profile.php") && fbNumRE.MatchString(id) {
		p.AccountID, p.ProfileURL = id, "https://www.facebook.com/profile.php?id="+id
		return p
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(seg) >= 4 && seg[0] == "groups" && seg[2] == "user" && fbNumRE.MatchString(seg[3]):
		p.AccountID, p.ProfileURL = seg[3], "https://www.facebook.com/profile.php?id="+seg[3]
	case len(seg) >= 3 && seg[0] == "people" && fbNumRE.MatchString(seg[2]):
		p.AccountID, p.ProfileURL = seg[2], "https://www.facebook.com/profile.php?id="+seg[2]
	case len(seg) >= 1 && cleanID(seg[0]) != "" && !strings.Contains(seg[0], ".php") && seg[0] != "groups":
		p.AccountID, p.ProfileURL = seg[0], "https://www.facebook.com/"+seg[0]
	}
	return p
}

// fbPost reads the post's author, time and identifier.
func fbPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	a := fbMain(doc)
	if a == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "div[role=article]"}
	if h := fbOwn(a, fbHeading); h != nil {
		p.Author = fbPerson(h)
	}
	if l := fbOwn(a, fbPermalink); l != nil {
		t := attr(l, "aria-label")
		if t == "" {
			t = line(l)
		}
		p.Posted = posting.SiteText{Text: t, Source: "permalink text"}
		if m := fbPostIDRE.FindStringSubmatch(attr(l, "href")); m != nil {
			p.PostID = m[1]
		}
	}
	if m := fbPostIDRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1]
	} else if id := cleanID(query(base, "story_fbid")); id != "" {
		p.PostID = id
	} else if id := cleanID(query(base, "fbid")); id != "" {
		p.PostID = id
	}
	return p, true
}

// fbComments reads the comments: the identifiers from each comment's own permalink
// (comment_id, reply_comment_id), the author, the time as shown, the text.
func fbComments(doc *html.Node, base *url.URL) ([]posting.SiteComment, bool) {
	if fbMain(doc) == nil {
		return nil, false
	}
	post := ""
	if m := fbPostIDRE.FindStringSubmatch(pathOf(base)); m != nil {
		post = m[1]
	}
	out := []posting.SiteComment{}
	for _, a := range all(doc, fbArticle) {
		if !fbIsComment(a) {
			continue
		}
		c := posting.SiteComment{Where: "div[role=article][aria-label]"}
		link := fbOwn(a, fbCmtLink)
		if m := fbPostIDRE.FindStringSubmatch(attr(link, "href")); link != nil && m != nil && post != "" && m[1] != post {
			continue // a comment on another post the page shows
		}
		if link != nil {
			if u, err := url.Parse(attr(link, "href")); err == nil {
				id, reply := u.Query().Get("comment_id"), u.Query().Get("reply_comment_id")
				if fbNumRE.MatchString(reply) {
					c.ID, c.ParentID = reply, id
				} else if fbNumRE.MatchString(id) {
					c.ID = id
				}
			}
			c.Time = posting.SiteText{Text: line(link), Source: "comment permalink text"}
		}
		for _, l := range all(a, fbLink) {
			if l != link && ancestor(l, fbArticle) == a && line(l) != "" && !strings.Contains(attr(l, "href"), "comment_id=") {
				c.Author = fbPerson(l)
				break
			}
		}
		if t := fbOwn(a, fbCmtText); t != nil {
			c.Text = block(t)
		}
		out = append(out, c)
	}
	return out, true
}

// fbState recognises Facebook's login page and notices in place of a post.
func fbState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && (u.Path == "/login" || u.Path == "/login.php" || strings.HasPrefix(u.Path, "/login/")) {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect,
			Detail: "Facebook sent the browser to its login page " + u.EscapedPath() + " in place of the post"}, true
	}
	if fbMain(doc) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Facebook shows `, ` in place of the post (deleted, or shown only to some people)`, "This content isn't available right now", "This content isn't available at the moment", "이 콘텐츠는 현재 이용할 수 없습니다"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictLoginWall, evidence.ReasonLoginNotice, `Facebook shows `, ` in place of the post`, "You must log in to continue", "Log into Facebook", "Log in to Facebook", "Facebook에 로그인"); ok {
		return st, true
	}
	return State{}, false
}

// fbLimits: a login prompt over a readable post (Facebook shows a visitor only some comments).
func fbLimits(doc *html.Node, _ *url.URL, _ *evidence.Posting, _ Context) []string {
	if one(doc, fbLoginForm) != nil {
		return []string{"Facebook showed a login prompt over the post; to a visitor who is not logged in it shows only some of the comments"}
	}
	return nil
}

// fbPrepareJS dismisses the cookie dialog with its refusal of optional cookies (never "Allow
// all"), closes the login prompt that covers a post, and switches the comment filter from
// "Most relevant" to "All comments". Its value is {Did: [...]}.
const fbPrepareJS = `(async () => {
  const out = {Did: [], Failed: [], Hidden: []};
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const norm = s => String(s || "").replace(/\s+/g, " ").trim();
  const label = el => norm(el.getAttribute("aria-label") || el.getAttribute("title") || el.innerText);
  const buttons = root => [...(root || document).querySelectorAll('[role="button"], button')];
  const refuse = ["Decline optional cookies", "Only allow essential cookies", "선택적 쿠키 거부", "필수 쿠키만 허용"];
  for (const b of buttons()) {
    const l = label(b);
    if (refuse.includes(l)) { b.click(); out.Did.push("refused optional cookies in Facebook's cookie dialog (\"" + l + "\")"); await sleep(300); break; }
  }
  for (const d of document.querySelectorAll('div[role="dialog"]')) {
    if (!d.querySelector('form[action*="login"], input[name="pass"]')) continue;
    const close = d.querySelector('[aria-label="Close"], [aria-label="닫기"]');
    if (close) { close.click(); out.Did.push("closed Facebook's login prompt over the post"); await sleep(300); }
  }
  const sortLabels = /^(Most relevant|Top comments|Newest|관련성 높은 순|최신순)$/;
  const filter = buttons().find(b => b.getAttribute("aria-haspopup") === "menu" && sortLabels.test(label(b)));
  if (filter) {
    const was = label(filter);
    filter.click();
    let item = null;
    for (let i = 0; i < 40 && !item; i++) {
      await sleep(50);
      item = [...document.querySelectorAll('div[role="menu"] [role="menuitem"]')].find(m => /^(All comments|모든 댓글)/.test(norm(m.innerText)));
    }
    if (item) {
      item.click();
      await sleep(300);
      out.Did.push("switched Facebook's comment filter from \"" + was + "\" to \"All comments\"");
    } else {
      out.Failed.push("Facebook's comment filter \"" + was + "\" has no \"All comments\"; comments it leaves out were not shown");
    }
  }
  return out;
})()`
