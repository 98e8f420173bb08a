package pagemeta

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// maxBylineRunes is the longest text accepted as a byline.
const maxBylineRunes = 80

// maxVisibleText bounds, in bytes, the visible text searched for Korean byline and date
// patterns.
const maxVisibleText = 1 << 20

// bylineCandidate is a byline found in an element; tier orders the kinds of element.
type bylineCandidate struct {
	tier   int
	source string
	value  string
}

// The byline tiers, in the order they win.
const (
	tierBylineClass = iota // class or id containing "byline"
	tierRelAuthor          // <a rel="author">
	tierAuthorClass        // class or id containing author, writer or reporter
	tierAddress            // <address> inside <article>
)

var (
	// reporterRE matches a Korean reporter's byline such as "홍길동 기자" or "김철수 특파원".
	reporterRE = regexp.MustCompile(`(?:^|[^가-힣])([가-힣]{2,4}) ?(기자|특파원|선임기자|객원기자|수습기자|논설위원|편집위원|통신원)(?:[^가-힣]|$)`)
	// labelRE matches labelled writers: "작성자: 홍길동", "글쓴이 홍길동", "글: 홍길동".
	labelRE = regexp.MustCompile(`(?:^|[^가-힣])(글쓴이|작성자|필자|기고자)\s*[:：]?\s*([^\s|·:：,()\[\]<>]{1,30})|(?:^|[^가-힣])(글)\s*[:：]\s*([^\s|·:：,()\[\]<>]{1,30})`)

	dateTextPattern = `(\d{4}\s*[-./년]\s*\d{1,2}\s*[-./월]\s*\d{1,2}\s*[.일]?(?:\s*\([월화수목금토일]\))?` +
		`(?:\s*(?:오전|오후|AM|PM)?\s*\d{1,2}\s*[:시]\s*\d{1,2}(?:\s*분)?(?:\s*:\s*\d{1,2})?)?)`
	// publishedTextRE matches a visible publication time such as "입력 2024.03.05. 오후 2:22".
	publishedTextRE = regexp.MustCompile(`(기사입력|최초입력|입력|등록일|등록|작성일|게재일|게재|발행일|게시일|송고)\s*(?:시간|일시)?\s*[:：]?\s*` + dateTextPattern)
	// modifiedTextRE matches a visible modification time such as "수정 2024-03-05 15:00".
	modifiedTextRE = regexp.MustCompile(`(최종수정|수정일|수정|업데이트|갱신)\s*(?:시간|일시)?\s*[:：]?\s*` + dateTextPattern)
)

// reporterStopwords are words that come before 기자 without being a name.
var reporterStopwords = map[string]bool{
	"사진": true, "취재": true, "담당": true, "전문": true, "현장": true, "영상": true, "해당": true,
	"관련": true, "모든": true, "이번": true, "여기": true, "일선": true, "방송": true, "신문": true,
	"기상": true, "스포츠": true, "연예": true, "정치": true, "경제": true, "사회": true,
}

// readVisible adds bylines and visible publication and modification times, the sources of
// last resort.
func readVisible(doc *html.Node, c *collector) {
	body := findElement(doc, "body", 0)
	if body == nil {
		return
	}
	var found []bylineCandidate
	var walk func(n *html.Node, inComments, inArticle bool, depth int)
	walk = func(n *html.Node, inComments, inArticle bool, depth int) {
		if depth > maxDepth || len(found) >= 32 {
			return
		}
		if n.Type != html.ElementNode {
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				walk(ch, inComments, inArticle, depth+1)
			}
			return
		}
		if skipText[n.Data] {
			return
		}
		class := strings.ToLower(attrVal(n, "class"))
		id := strings.ToLower(attrVal(n, "id"))
		if strings.Contains(class, "comment") || strings.Contains(id, "comment") ||
			strings.Contains(class, "reply") || strings.Contains(id, "reply") {
			inComments = true
		}
		if n.Data == "article" {
			inArticle = true
		}
		if !inComments {
			if tier, source, ok := bylineElement(n, class, id, inArticle); ok {
				if v := bylineValue(textContent(n, 1024)); v != "" {
					found = append(found, bylineCandidate{tier: tier, source: source, value: v})
					return
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, inComments, inArticle, depth+1)
		}
	}
	walk(body, false, false, 0)
	for tier := tierBylineClass; tier <= tierAddress; tier++ {
		for _, f := range found {
			if f.tier == tier {
				c.add(fieldAuthor, groupByline, f.source, f.value)
			}
		}
	}

	text := textContent(body, maxVisibleText)
	if name, role := findReporter(text); name != "" {
		c.add(fieldAuthor, groupByline, "byline:text("+role+")", name+" "+role)
	}
	if m := labelRE.FindStringSubmatch(text); m != nil {
		label, name := m[1], m[2]
		if label == "" {
			label, name = m[3], m[4]
		}
		c.add(fieldAuthor, groupByline, "byline:text("+label+")", name)
	}
	if m := publishedTextRE.FindStringSubmatch(text); m != nil {
		c.add(fieldPublished, groupText, "text:"+m[1], strings.TrimRight(strings.TrimSpace(m[2]), "."))
	}
	if m := modifiedTextRE.FindStringSubmatch(text); m != nil {
		c.add(fieldModified, groupText, "text:"+m[1], strings.TrimRight(strings.TrimSpace(m[2]), "."))
	}
}

// bylineElement reports whether n is an element that may hold a byline, with its tier and a
// source label such as "byline:span.byline".
func bylineElement(n *html.Node, class, id string, inArticle bool) (tier int, source string, ok bool) {
	if n.Data == "a" && hasToken(attrVal(n, "rel"), "author") {
		return tierRelAuthor, "byline:a[rel=author]", true
	}
	if n.Data == "address" && inArticle {
		return tierAddress, "byline:address", true
	}
	best := -1
	for _, tok := range strings.Fields(class) {
		if t := bylineTier(tok); t >= 0 && (best < 0 || t < best) {
			best, source = t, "byline:"+n.Data+"."+tok
		}
	}
	if t := bylineTier(id); t >= 0 && (best < 0 || t < best) {
		best, source = t, "byline:"+n.Data+"#"+id
	}
	if best < 0 {
		return 0, "", false
	}
	return best, source, true
}

// bylineTier returns the tier of a class or id naming a byline, or -1.
func bylineTier(s string) int {
	switch {
	case s == "":
		return -1
	case strings.Contains(s, "byline"):
		return tierBylineClass
	case strings.Contains(s, "authoriz"), strings.Contains(s, "authoris"), strings.Contains(s, "authorit"):
		return -1 // authorize, authorise, authority: not bylines
	case strings.Contains(s, "author"), strings.Contains(s, "writer"), strings.Contains(s, "reporter"):
		return tierAuthorClass
	}
	return -1
}

// bylineValue returns the author shown in the text of a byline element, or "" when the text
// does not look like one. A Korean reporter's byline is kept with its role ("김철수 기자");
// otherwise a leading "By" or Korean label is removed.
func bylineValue(text string) string {
	t := clean(text)
	if t == "" || utf8.RuneCountInString(t) > maxBylineRunes {
		return ""
	}
	if name, role := findReporter(t); name != "" {
		return name + " " + role
	}
	for _, prefix := range []string{"written by", "posted by", "by", "author", "글쓴이", "작성자", "필자", "글", "기자"} {
		if len(t) > len(prefix) && strings.EqualFold(t[:len(prefix)], prefix) {
			rest := t[len(prefix):]
			r, _ := utf8.DecodeRuneInString(rest)
			if r == ' ' || r == ':' || r == '：' || r == '|' {
				t = strings.TrimLeft(rest, " :：|")
				break
			}
		}
	}
	if strings.IndexFunc(t, unicode.IsLetter) < 0 {
		return ""
	}
	return t
}

// findReporter finds the first Korean reporter byline in text, skipping words that are not
// names.
func findReporter(text string) (name, role string) {
	for _, m := range reporterRE.FindAllStringSubmatch(text, 20) {
		if !reporterStopwords[m[1]] {
			return m[1], m[2]
		}
	}
	return "", ""
}

// findElement returns the first element named name in a depth-first walk of n.
func findElement(n *html.Node, name string, depth int) *html.Node {
	if depth > maxDepth {
		return nil
	}
	if n.Type == html.ElementNode && n.Data == name && n.Namespace == "" {
		return n
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if f := findElement(ch, name, depth+1); f != nil {
			return f
		}
	}
	return nil
}
