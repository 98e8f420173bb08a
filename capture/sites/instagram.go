package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Instagram: a post's page, www.instagram.com/p/CODE/ (also /reel/CODE/, /reels/CODE/,
// /tv/CODE/ and /USER/p/CODE/), as a visitor who is not logged in sees it: the post with a
// login prompt, its comments partly or not at all; or a redirect to /accounts/login/.
//
// Markup (webrecorder/browsertrix-behaviors src/site/instagram.ts, read only; public
// scrapers found by the code search): the post is an article (article[role=presentation] in
// the logged-in view, a main section logged out); the header's link a[href="/USER/"] names
// the author; time[datetime] (with a title "May 28, 2026") is the post's time; the caption is
// the first h1 (dir=auto); comments are li items of a ul, a reply's ul inside its comment's li
// opened by a button "View replies (N)", more comments by a button with an svg
// aria-label="Load more comments"; each comment's time is time[datetime] in its permalink
// a[href*="/c/"] (/p/CODE/c/COMMENT/, a reply /p/CODE/c/PARENT/r/REPLY/). A logged-in page
// has [aria-label="New post"]. Not verified against a page served to a visitor: the
// logged-out layout, the comment permalinks' form, the Korean labels and the cookie dialog
// (Meta's "Decline optional cookies", as on Facebook); the fixture is inferred and small.
func init() {
	register(&Profile{
		Name:    "instagram",
		Site:    "Instagram",
		Hosts:   []string{"www.instagram.com", "instagram.com", "m.instagram.com"},
		Page:    igPage,
		Prepare: igPrepareJS,
		Expand:  `button:has(svg[aria-label="Load more comments"]), button:has(svg[aria-label="댓글 더 읽어들이기"])`,
		Reader:  &posting.Site{Post: igPost, Comments: igComments},
		State:   igState,
		Limits:  igLimits,
	})
}

var (
	igPostRE  = regexp.MustCompile(`^/(?:[A-Za-z0-9._]{1,30}/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]{5,64})/?(?:c/\d{1,25}/?(?:r/\d{1,25}/?)?)?$`)
	igUserRE  = regexp.MustCompile(`^/([A-Za-z0-9._]{1,30})/?$`)
	igCmtRE   = regexp.MustCompile(`/c/(\d{1,25})(?:/r/(\d{1,25}))?/?$`)
	igNotUser = map[string]bool{"p": true, "reel": true, "reels": true, "tv": true, "explore": true, "accounts": true, "stories": true, "direct": true}
)

func igPage(u *url.URL) bool { return igPostRE.MatchString(u.Path) }

var (
	igRoot    = sel("article, main")
	igHeader  = sel("header")
	igLink    = sel("a[href]")
	igTime    = sel("time[datetime]")
	igCmtLink = sel(`a[href*="/c/"]`)
	igItem    = sel("li")
	igLogin   = sel(`input[name=password], a[href^="/accounts/login"]`)
	igTextSel = sel("span[dir=auto]")
)

// igUser returns the user an address is the profile of ("/name/" -> "name").
func igUser(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	m := igUserRE.FindStringSubmatch(u.Path)
	if m == nil || igNotUser[m[1]] {
		return ""
	}
	return m[1]
}

func igPerson(user string) evidence.Person {
	return evidence.Person{Nickname: user, AccountID: user, ProfileURL: "https://www.instagram.com/" + user + "/"}
}

// igMain returns the post's article: the one with the header and a time.
func igMain(doc *html.Node) *html.Node {
	for _, a := range all(doc, igRoot) {
		if one(a, igHeader) != nil && one(a, igTime) != nil {
			return a
		}
	}
	return nil
}

// igPost reads the author, the time and the code of the post.
func igPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	a := igMain(doc)
	if a == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: where(a)}
	for _, l := range all(one(a, igHeader), igLink) {
		if u := igUser(attr(l, "href")); u != "" {
			p.Author = igPerson(u)
			break
		}
	}
	// The post's own time: the first outside any comment.
	for _, t := range all(a, igTime) {
		if ancestor(t, igCmtLink) == nil {
			p.Posted = posting.SiteText{Text: attr(t, "datetime"), Source: "time attr:datetime"}
			break
		}
	}
	if m := igPostRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1]
	}
	return p, true
}

// igComments reads the comments: each li holding a comment permalink of its own; the
// identifiers from the permalink, the parent from it or from the li the reply sits in.
func igComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	a := igMain(doc)
	if a == nil {
		return nil, false
	}
	out := []posting.SiteComment{}
	for _, li := range all(a, igItem) {
		var link *html.Node
		for _, l := range all(li, igCmtLink) {
			if ancestor(l, igItem) == li {
				link = l
				break
			}
		}
		if link == nil {
			continue
		}
		m := igCmtRE.FindStringSubmatch(attr(link, "href"))
		if m == nil {
			continue
		}
		c := posting.SiteComment{ID: m[1], Where: "li"}
		if m[2] != "" {
			c.ID, c.ParentID = m[2], m[1]
		} else if pli := ancestor(li, igItem); pli != nil {
			for _, l := range all(pli, igCmtLink) {
				if ancestor(l, igItem) == pli {
					if pm := igCmtRE.FindStringSubmatch(attr(l, "href")); pm != nil && pm[2] == "" {
						c.ParentID = pm[1]
					}
					break
				}
			}
		}
		for _, l := range all(li, igLink) {
			if ancestor(l, igItem) == li {
				if u := igUser(attr(l, "href")); u != "" {
					c.Author = igPerson(u)
					break
				}
			}
		}
		if t := one(link, igTime); t != nil {
			c.Time = posting.SiteText{Text: attr(t, "datetime"), Source: "time attr:datetime"}
		}
		for _, s := range all(li, igTextSel) {
			if ancestor(s, igItem) == li && ancestor(s, igLink) == nil {
				c.Text = block(s)
				break
			}
		}
		out = append(out, c)
	}
	return out, true
}

// igState recognises the login page a visitor is sent to and Instagram's missing-page notice.
func igState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && strings.HasPrefix(u.Path, "/accounts/login") {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect,
			Detail: "Instagram sent the browser to its login page " + u.EscapedPath() + " in place of the post"}, true
	}
	if igMain(doc) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Instagram shows `, ` in place of the post (deleted, or the account is private or gone)`, "Sorry, this page isn't available.", "죄송합니다. 페이지를 사용할 수 없습니다."); ok {
		return st, true
	}
	return State{}, false
}

// igLimits: the post was shown to a visitor who is not logged in, with a login prompt.
func igLimits(doc *html.Node, _ *url.URL, _ *evidence.Posting, _ Context) []string {
	if one(doc, sel(`[aria-label="New post"]`)) == nil && one(doc, igLogin) != nil {
		return []string{"Instagram showed the post to a visitor who is not logged in, with a login prompt; it shows such a visitor only some of the comments, or none"}
	}
	return nil
}

// igPrepareJS refuses optional cookies in Meta's cookie dialog (never "Allow all cookies").
const igPrepareJS = `(async () => {
  const out = {Did: [], Failed: [], Hidden: []};
  const norm = s => String(s || "").replace(/\s+/g, " ").trim();
  const refuse = ["Decline optional cookies", "Only allow essential cookies", "선택적 쿠키 거부", "필수 쿠키만 허용"];
  for (const b of document.querySelectorAll('button, [role="button"]')) {
    const l = norm(b.getAttribute("aria-label") || b.innerText);
    if (refuse.includes(l)) {
      b.click();
      out.Did.push("refused optional cookies in Instagram's cookie dialog (\"" + l + "\")");
      await new Promise(r => setTimeout(r, 300));
      break;
    }
  }
  return out;
})()`
