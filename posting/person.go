package posting

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/pagemeta"
)

// Caps, in runes.
const (
	maxName   = 200   // a nickname or account ID
	maxText   = 10000 // a comment's text
	maxURL    = 2000  // an address
	maxID     = 200   // a post or comment identifier
	maxSource = 200   // a Sources entry
)

// nameClasses are class names that hold an author's name in common board markup, tried after
// the site-specific ones.
var nameClasses = []string{
	"nick", "nickname", "nick_name", "user_name", "username", "user-name", "writer",
	"writer_nick", "author", "author_name", "comment-author", "comment_author", "cmt_nick",
	"cmt_name", "name", "member", "user",
}

// idParamKeys are query parameters of profile links that carry an account ID.
var idParamKeys = []string{"mb_id", "user_id", "userid", "uid", "memberNo", "member_id", "memberid", "id"}

// memberClassRE matches XE/Rhymix's member_123 class on an author link.
var memberClassRE = regexp.MustCompile(`^member_(\d{1,20})$`)

// cboxUserRE matches Naver cbox's _user_id_no_XXXX class on a comment.
var cboxUserRE = regexp.MustCompile(`^_user_id_no_([A-Za-z0-9-]{1,64})$`)

// person reads the author of scope: a comment item or a post's author area. stop marks the
// elements not to enter (nested comments). base resolves profile links.
func person(scope *html.Node, stop func(*html.Node) bool, base *url.URL) evidence.Person {
	var p evidence.Person
	if scope == nil {
		return p
	}
	setName := func(s string) {
		if p.Nickname == "" {
			p.Nickname, _ = capped(s, maxName)
		}
	}
	var nameNode *html.Node

	// DC Inside: span.gall_writer.ub-writer[data-nick][data-uid][data-ip].
	if w := findSelf(scope, func(n *html.Node) bool { return hasAttr(n, "data-nick") }, stop); w != nil {
		setName(attr(w, "data-nick"))
		nameNode = w
		if v := attr(w, "data-uid"); strings.TrimSpace(v) != "" {
			p.AccountID, _ = capped(v, maxName)
		}
		if v := maskedIP(attr(w, "data-ip")); v != "" {
			p.MaskedIP = v
		}
	}
	// Site markup, then microdata, then common class names.
	for _, m := range []func(*html.Node) bool{
		byClass("u_cbox_nick"), // Naver cbox
		byClass("nickname"),    // DC Inside (span.nickname > em)
		byClass("member_plate"),
		func(n *html.Node) bool { return classWith(n, "member_") != "" && isElem(n, "a") }, // XE/Rhymix
		byClass("sv_member"), byClass("sv_guest"), // gnuboard
		func(n *html.Node) bool { return hasClass(n, "fn") }, // WordPress vcard
	} {
		if p.Nickname != "" {
			break
		}
		if n := find(scope, m, stop); n != nil {
			if t := line(n, 1000, nil); t != "" {
				setName(t)
				nameNode = n
			}
		}
	}
	if p.Nickname == "" {
		if n := find(scope, func(n *html.Node) bool { return hasToken(attr(n, "itemprop"), "author") }, stop); n != nil {
			nameNode = n
			if hasAttr(n, "itemscope") {
				if nm := find(n, func(c *html.Node) bool { return hasToken(attr(c, "itemprop"), "name") }, nil); nm != nil {
					setName(propValue(nm))
				}
			} else {
				setName(propValue(n))
			}
		}
	}
	for _, cls := range nameClasses {
		if p.Nickname != "" {
			break
		}
		if n := find(scope, byClass(cls), stop); n != nil {
			if t := line(n, 1000, nil); t != "" && len([]rune(t)) <= 60 {
				setName(t)
				nameNode = n
			}
		}
	}
	// A masked address shown after the name: "ㅇㅇ(121.134)" as one text.
	if p.Nickname != "" && p.MaskedIP == "" {
		if i := strings.LastIndex(p.Nickname, "("); i > 0 {
			if ip := maskedIP(p.Nickname[i:]); ip != "" {
				p.MaskedIP = ip
				p.Nickname = strings.TrimSpace(p.Nickname[:i])
			}
		}
	}

	// Account ID.
	if p.AccountID == "" {
		if n := find(scope, byClass("u_cbox_id"), stop); n != nil { // Naver: "(abcd****)"
			p.AccountID, _ = capped(trimParens(line(n, 400, nil)), maxName)
		}
	}
	if p.AccountID == "" {
		if n := find(scope, func(n *html.Node) bool { return isElem(n, "a") && classWith(n, "member_") != "" }, stop); n != nil {
			for _, f := range strings.Fields(attr(n, "class")) {
				if m := memberClassRE.FindStringSubmatch(f); m != nil {
					p.AccountID = m[1]
					break
				}
			}
		}
	}
	if p.AccountID == "" && nameNode != nil {
		for _, k := range []string{"data-user-id", "data-userid", "data-member-id", "data-uid", "data-id"} {
			if v := strings.TrimSpace(attr(nameNode, k)); v != "" {
				p.AccountID, _ = capped(v, maxName)
				break
			}
		}
	}
	link := authorLink(nameNode, scope)
	if p.AccountID == "" && link != nil {
		if u, err := url.Parse(strings.TrimSpace(attr(link, "href"))); err == nil {
			q := u.Query()
			for _, k := range idParamKeys {
				if v := strings.TrimSpace(q.Get(k)); v != "" && validID(v) {
					p.AccountID, _ = capped(v, maxName)
					break
				}
			}
		}
	}
	if p.AccountID == "" && scope != nil {
		for _, f := range strings.Fields(attr(scope, "class")) {
			if m := cboxUserRE.FindStringSubmatch(f); m != nil {
				p.AccountID = m[1]
				break
			}
		}
	}
	if link != nil {
		if u := resolveHTTP(base, attr(link, "href")); u != "" {
			p.ProfileURL, _ = capped(u, maxURL)
		}
	}

	// Masked IP: span.ip, else a "(1.2.♡.4)" text alone in an element.
	if p.MaskedIP == "" {
		if n := find(scope, byClass("ip"), stop); n != nil {
			p.MaskedIP = maskedIP(line(n, 200, nil))
		}
	}
	if p.MaskedIP == "" {
		if n := find(scope, func(n *html.Node) bool {
			if n.FirstChild == nil || n.FirstChild != n.LastChild || n.FirstChild.Type != html.TextNode {
				return false
			}
			t := strings.TrimSpace(n.FirstChild.Data)
			return strings.HasPrefix(t, "(") && maskedIP(t) != ""
		}, stop); n != nil {
			p.MaskedIP = maskedIP(n.FirstChild.Data)
		}
	}
	if p.Nickname != "" && p.MaskedIP != "" {
		// "ㅇㅇ (121.134)" read from an element holding both.
		p.Nickname = strings.TrimSpace(strings.TrimSuffix(p.Nickname, "("+p.MaskedIP+")"))
	}
	return p
}

// findSelf is find that also considers root itself.
func findSelf(root *html.Node, match, stop func(*html.Node) bool) *html.Node {
	if root != nil && root.Type == html.ElementNode && match(root) {
		return root
	}
	return find(root, match, stop)
}

// authorLink returns the link of the author's name: the name element, its nearest <a>
// ancestor up to scope, or a link inside it; nil when none has a usable href.
func authorLink(name, scope *html.Node) *html.Node {
	if name == nil {
		return nil
	}
	usable := func(n *html.Node) bool {
		h := strings.TrimSpace(attr(n, "href"))
		return isElem(n, "a") && h != "" && !strings.HasPrefix(h, "#") && !strings.HasPrefix(strings.ToLower(h), "javascript:")
	}
	for n, i := name, 0; n != nil && i < 8; n, i = n.Parent, i+1 {
		if usable(n) {
			return n
		}
		if n == scope {
			break
		}
	}
	return find(name, usable, nil)
}

// propValue is the value of a microdata property element: content, datetime, then its text.
func propValue(n *html.Node) string {
	for _, k := range []string{"content", "datetime"} {
		if v := strings.TrimSpace(attr(n, k)); v != "" {
			return v
		}
	}
	return line(n, 2000, nil)
}

// hasToken reports whether the space-separated list s holds tok, ignoring case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// validID reports whether s is a plausible identifier: 1 to maxID characters without white
// space or control characters.
func validID(s string) bool {
	if s == "" || len([]rune(s)) > maxID {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || dropRune(r) || r == '\uFFFD' {
			return false
		}
	}
	return true
}

// resolveHTTP resolves ref against base; "" unless the result is an absolute http(s) URL.
func resolveHTTP(base *url.URL, ref string) string { return pagemeta.ResolveHTTP(base, ref) }
