package sites

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"evidentia/posting"
)

// maxValue bounds the bytes of one value a profile reads (a title, a name); posting caps
// them again.
const maxValue = 4096

// maxBody bounds the bytes of a comment's text a profile reads.
const maxBody = 64 << 10

// sel compiles a CSS selector; a profile's selectors are constants, so a bad one is a
// programming error found by the tests.
func sel(s string) cascadia.Matcher { return cascadia.MustCompile(s) }

// one returns the first element under n matching s, nil for none or a nil n.
func one(n *html.Node, s cascadia.Matcher) *html.Node {
	if n == nil {
		return nil
	}
	return cascadia.Query(n, s)
}

// all returns the elements under n matching s, in document order.
func all(n *html.Node, s cascadia.Matcher) []*html.Node {
	if n == nil {
		return nil
	}
	return cascadia.QueryAll(n, s)
}

// attr returns attribute key of n, "" when n is nil or has none.
func attr(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// has reports whether n has attribute key.
func has(n *html.Node, key string) bool {
	if n == nil {
		return false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// line is n's visible text on one line, "" for a nil n.
func line(n *html.Node) string {
	if n == nil {
		return ""
	}
	return posting.Line(n, maxValue)
}

// block is n's visible text with its line breaks, "" for a nil n.
func block(n *html.Node) string {
	if n == nil {
		return ""
	}
	return posting.Text(n, maxBody)
}

// classOf reports whether n has class c.
func classOf(n *html.Node, c string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

// ownOf returns the first element under item matching s that is item's own: whose nearest
// ancestor matching items is item (not a nested reply's or another article's); nil for none.
func ownOf(item *html.Node, s, items cascadia.Matcher) *html.Node {
	for _, n := range all(item, s) {
		if ancestor(n, items) == item {
			return n
		}
	}
	return nil
}

// ancestor returns the nearest ancestor of n matching s, nil for none.
func ancestor(n *html.Node, s cascadia.Matcher) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && s.Match(p) {
			return p
		}
	}
	return nil
}

// query returns the value of key in u's query, "" when absent.
func query(u *url.URL, key string) string {
	if u == nil {
		return ""
	}
	return u.Query().Get(key)
}

// idRE matches the identifiers profiles accept from URLs and attributes.
var idRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// cleanID returns s when it is a plausible identifier, else "".
func cleanID(s string) string {
	s = strings.TrimSpace(s)
	if idRE.MatchString(s) {
		return s
	}
	return ""
}

// where names n for a Source: tag, then #id or its first class (posting.Selector).
func where(n *html.Node) string { return posting.Selector(n) }

// texts returns the visible text of the whole document, on one line per block, at most
// limit bytes: for the notices State looks for.
func texts(doc *html.Node, limit int) string {
	body := one(doc, sel("body"))
	if body == nil {
		body = doc
	}
	return posting.Text(body, limit)
}

// plain is all the text under n on one line, buttons included (a nickname shown as a button),
// scripts and styles not; "" for a nil n.
func plain(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(c *html.Node, depth int) {
		if depth > 64 || b.Len() > maxValue {
			return
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			return
		case html.ElementNode:
			if c.Data == "script" || c.Data == "style" || c.Data == "template" {
				return
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	return posting.CleanLine(b.String())
}

// pathOf is u's path, "" for a nil u (a document without a usable address).
func pathOf(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Path
}

// xeMarginRE is the indent of a reply in the XE/Rhymix sketchbook skin's comment list.
var xeMarginRE = regexp.MustCompile(`margin-left\s*:\s*(\d{1,3})%`)

// xeDepth is the reply depth of a comment item of the XE/Rhymix sketchbook skin (FM Korea,
// theqoo): 0 for a comment, 1 and more for a reply (class re, indented 2% a level).
func xeDepth(li *html.Node) int {
	if !classOf(li, "re") {
		return 0
	}
	if m := xeMarginRE.FindStringSubmatch(attr(li, "style")); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n >= 2 {
			return n / 2
		}
	}
	return 1
}

// depthStack links a reply of a flat comment list to the nearest earlier comment at a lesser
// depth.
type depthStack []struct {
	id    string
	depth int
}

// parent is the ID of the nearest earlier comment at a lesser depth than depth, "" for none.
func (s depthStack) parent(depth int) string {
	for k := len(s) - 1; k >= 0; k-- {
		if s[k].depth < depth {
			return s[k].id
		}
	}
	return ""
}

// push records a comment at depth.
func (s *depthStack) push(id string, depth int) {
	*s = append(*s, struct {
		id    string
		depth int
	}{id, depth})
}
