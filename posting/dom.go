package posting

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"evidentia/pagemeta"
	"evidentia/textsafe"
)

// maxHTML is the number of bytes of one document that are parsed; the rest is ignored (and a
// note says so). The DOM artifacts keep the whole document.
const maxHTML = 32 << 20

// maxWalkDepth bounds the depth of every walk over a parsed document. The HTML parser refuses
// documents nested deeper than 512 elements, and parse flattens those, so real walks stay far
// below it; the bound is a second guard.
const maxWalkDepth = 600

// parse parses htmlDoc (see pagemeta.ParseHTML: a document nested too deeply is parsed again
// with its deepest tags dropped and their text kept; flattened says so).
func parse(htmlDoc string) (doc *html.Node, flattened bool) { return pagemeta.ParseHTML(htmlDoc) }

// attr returns the value of attribute key (lowercase) of n, "" when absent.
func attr(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n has the attribute key.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// hasClass reports whether the class list of n holds tok (case-sensitive, as CSS is).
func hasClass(n *html.Node, tok string) bool {
	if n == nil || n.Type != html.ElementNode {
		return false
	}
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == tok {
			return true
		}
	}
	return false
}

// classWith returns the first class of n that starts with prefix, "" if none.
func classWith(n *html.Node, prefix string) string {
	for _, f := range strings.Fields(attr(n, "class")) {
		if strings.HasPrefix(f, prefix) {
			return f
		}
	}
	return ""
}

// isElem reports whether n is an element named tag ("" for any element).
func isElem(n *html.Node, tag string) bool {
	return n != nil && n.Type == html.ElementNode && (tag == "" || n.Data == tag)
}

// walk calls visit for n and its descendants in document order, without recursion and never
// deeper than maxWalkDepth below n. visit returns false to skip the node's descendants.
func walk(n *html.Node, visit func(*html.Node) bool) {
	if n == nil {
		return
	}
	type frame struct {
		n     *html.Node
		depth int
	}
	stack := []frame{{n, 0}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !visit(f.n) || f.depth >= maxWalkDepth {
			continue
		}
		// Push the children in reverse so that they pop in document order.
		var kids []*html.Node
		for c := f.n.FirstChild; c != nil; c = c.NextSibling {
			kids = append(kids, c)
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, frame{kids[i], f.depth + 1})
		}
	}
}

// find returns the first element below root (root excluded) for which match is true, without
// entering the elements for which stop is true (stop may be nil).
func find(root *html.Node, match, stop func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(root, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if n == root {
			return true
		}
		if n.Type != html.ElementNode {
			return false
		}
		if stop != nil && stop(n) {
			return false
		}
		if match(n) {
			found = n
			return false
		}
		return true
	})
	return found
}

// byClass returns a matcher for elements with the class tok.
func byClass(tok string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, tok) }
}

// skipText lists the elements whose content is never visible text.
var skipText = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "head": true,
	"title": true, "svg": true, "math": true, "iframe": true, "object": true, "select": true,
	"textarea": true, "button": true,
}

// inline lists the phrasing elements that do not separate words.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "dfn": true, "em": true, "font": true, "i": true, "kbd": true, "label": true,
	"mark": true, "q": true, "s": true, "samp": true, "small": true, "span": true,
	"strong": true, "sub": true, "sup": true, "time": true, "u": true, "var": true,
	"wbr": true, "del": true, "ins": true, "img": true,
}

// text returns the visible text of n, without the elements for which stop is true (nil for
// none), read up to about limit bytes. Block elements and <br> become line breaks; see
// cleanBlock for what is removed. It never recurses.
func text(n *html.Node, limit int, stop func(*html.Node) bool) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if b.Len() > limit {
			return false
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			return false
		case html.ElementNode:
			if c != n && (skipText[c.Data] || (stop != nil && stop(c))) {
				return false
			}
			if c.Data == "br" || !inline[c.Data] {
				b.WriteByte('\n')
			}
		}
		return true
	})
	s := b.String()
	if len(s) > limit+utf8.UTFMax {
		s = s[:limit]
	}
	return cleanBlock(s)
}

// line returns the text of n on one line (cleaned, white space collapsed).
func line(n *html.Node, limit int, stop func(*html.Node) bool) string {
	return cleanLine(text(n, limit, stop))
}

// dropRune reports whether r is removed from every value: control characters (but for line
// breaks and tabs, which become spaces), bidirectional controls, zero-width and other format
// characters, Hangul fillers and the like: textsafe.Unsafe's list, except that U+FFFD, which
// stands for invalid UTF-8, is kept visible.
func dropRune(r rune) bool {
	return r != utf8.RuneError && textsafe.Unsafe(r)
}

// cleanLine returns s on one line: invalid UTF-8 replaced by U+FFFD, the characters dropRune
// refuses removed, white space runs collapsed to one space, trimmed.
func cleanLine(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case dropRune(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanBlock is cleanLine for a block of text: each line is cleaned and empty lines are
// dropped, lines are joined with "\n".
func cleanBlock(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' }) {
		if l = cleanLine(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// capped cleans s to one line and cuts it to max runes with textsafe.Cap's mark; cut reports
// a cut.
func capped(s string, max int) (string, bool) {
	s = cleanLine(s)
	c := textsafe.Cap(s, max)
	return c, c != s
}

// trimParens removes one pair of enclosing parentheses or brackets and the spaces inside.
func trimParens(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range [][2]string{{"(", ")"}, {"[", "]"}, {"（", "）"}} {
		if strings.HasPrefix(s, p[0]) && strings.HasSuffix(s, p[1]) && len(s) >= len(p[0])+len(p[1]) {
			return strings.TrimSpace(s[len(p[0]) : len(s)-len(p[1])])
		}
	}
	return s
}

// maskedIPRE matches the partial addresses boards show beside anonymous authors: "121.134",
// "(1.214)", gnuboard's "121.♡.34.56", "211.234.*.*".
var maskedIPRE = regexp.MustCompile(`^\d{1,3}(?:\.(?:\d{1,3}|[♡*xX]{1,3})){1,3}$`)

// maskedIP returns s without parentheses when it is a masked address, else "".
func maskedIP(s string) string {
	s = trimParens(cleanLine(s))
	if maskedIPRE.MatchString(s) {
		return s
	}
	return ""
}

// selector names n for Sources: tag, then #id or the first class ("span.u_cbox_count").
func selector(n *html.Node) string {
	if n == nil {
		return ""
	}
	s := n.Data
	if id := attr(n, "id"); id != "" && len(id) <= 40 {
		s += "#" + id
	} else if f := strings.Fields(attr(n, "class")); len(f) > 0 && len(f[0]) <= 40 {
		s += "." + f[0]
	}
	return cleanLine(s)
}

// isScreenReaderOnly reports whether n is a label shown only to screen readers (gnuboard's
// span.sound_only, Naver's span.blind), which is not part of a value's visible text.
func isScreenReaderOnly(n *html.Node) bool {
	return n.Type == html.ElementNode && (hasClass(n, "sound_only") || hasClass(n, "blind") || hasClass(n, "sr-only") || hasClass(n, "screen-reader-text"))
}

// prevElement returns the element sibling before n, nil when there is none.
func prevElement(n *html.Node) *html.Node {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return p
		}
		if p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" {
			return nil
		}
	}
	return nil
}
