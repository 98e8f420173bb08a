package posting

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// maxCountText is the number of runes of a count's text that Count.Text keeps.
const maxCountText = 100

// maxCount bounds a claimed count; a larger number is refused as absurd.
const maxCount = 1e12

// numberRE matches the numbers pages show for counts: "1,234", "1.2만", "3.4천", "1.2K", "12억"
// is refused (no page claims that many views of a post), "1.5M".
var numberRE = regexp.MustCompile(`^(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(만|천|[KkMm])?\+?$`)

// parseCount reads a count as shown; ok is false when s is not a count.
func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(trimParens(strings.TrimSpace(s)))
	for _, unit := range []string{"개", "회", "건"} {
		s = strings.TrimSuffix(s, unit)
	}
	s = strings.TrimSpace(s)
	m := numberRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	if err != nil {
		return 0, false
	}
	switch m[2] {
	case "만":
		f *= 10000
	case "천", "K", "k":
		f *= 1000
	case "M", "m":
		f *= 1000000
	case "":
		if strings.Contains(m[1], ".") {
			return 0, false // "1.5" alone is a version or a rating, not a count
		}
	}
	f = math.Round(f)
	if f < 0 || f > maxCount {
		return 0, false
	}
	return int(f), true
}

// countLabels are the words that name each count, as they precede (Korean, "조회 1,234") or
// follow ("1,234 views") the number.
var (
	viewsLabelRE    = regexp.MustCompile(`(?i)^(?:조회\s*수|조회수|조회|읽음|views?|hits?)\s*[:：]?\s*(.+)$`)
	viewsAfterRE    = regexp.MustCompile(`(?i)^(.+?)\s*(?:views?|hits?|회 조회|조회|읽음)$`)
	likesLabelRE    = regexp.MustCompile(`(?i)^(?:공감\s*수|공감|좋아요\s*수|좋아요|추천\s*수|추천수|추천|likes?)\s*[:：]?\s*(.+)$`)
	likesAfterRE    = regexp.MustCompile(`(?i)^(.+?)\s*(?:likes?)$`)
	commentsLabelRE = regexp.MustCompile(`(?i)^(?:전체\s*댓글|댓글\s*수|댓글수|댓글|comments?|replies)\s*[:：]?\s*(.+)$`)
	commentsAfterRE = regexp.MustCompile(`(?i)^(.+?)\s*(?:comments?|개의 댓글)$`)
)

// countKind is one of the counts.
type countKind int

const (
	kindViews countKind = iota
	kindLikes
	kindComments
)

// countFromText reads a labelled count ("조회 1,234", "comments (35)", "35 comments") of kind
// from s; ok is false when s is not one.
func countFromText(s string, kind countKind) (int, bool) {
	s = cleanLine(s)
	if s == "" || len([]rune(s)) > 40 {
		return 0, false
	}
	var before, after *regexp.Regexp
	switch kind {
	case kindViews:
		before, after = viewsLabelRE, viewsAfterRE
	case kindLikes:
		before, after = likesLabelRE, likesAfterRE
	default:
		before, after = commentsLabelRE, commentsAfterRE
	}
	for _, re := range []*regexp.Regexp{before, after} {
		if m := re.FindStringSubmatch(s); m != nil {
			if v, ok := parseCount(m[1]); ok {
				return v, true
			}
		}
	}
	return 0, false
}

// counter collects the first count found of each kind.
type counter struct {
	counts evidence.Counts
}

func (k *counter) slot(kind countKind) **evidence.Count {
	switch kind {
	case kindViews:
		return &k.counts.Views
	case kindLikes:
		return &k.counts.Likes
	default:
		return &k.counts.Comments
	}
}

// set records a count unless one of kind is already known.
func (k *counter) set(kind countKind, v int, text, source string) {
	p := k.slot(kind)
	if *p != nil {
		return
	}
	t, _ := capped(text, maxCountText)
	src, _ := capped(source, maxSource)
	*p = &evidence.Count{Value: v, Text: t, Source: src}
}

func (k *counter) has(kind countKind) bool { return *k.slot(kind) != nil }

// countSelectors are the elements of known markup that hold one count, in order of trust.
// bare means the element holds only the number ("35"), without a label.
var countSelectors = []struct {
	kind  countKind
	match func(*html.Node) bool
	bare  bool
}{
	{kindComments, byClass("u_cbox_count"), true},                                             // Naver cbox
	{kindComments, func(n *html.Node) bool { return attr(n, "id") == "comment_total" }, true}, // DC Inside
	{kindViews, byClass("gall_count"), false},                                                 // DC Inside
	{kindLikes, byClass("gall_reply_num"), false},                                             // DC Inside
	{kindComments, byClass("gall_comment"), false},                                            // DC Inside
	{kindLikes, byClass("u_likeit_text"), true},                                               // Naver reactions
	{kindViews, byClass("wr_hit"), false},                                                     // gnuboard
	{kindComments, byClass("wr_comment"), false},                                              // gnuboard
}

// readCounts reads the counts the markup of root claims, outside comments (skip).
func (k *counter) readCounts(root *html.Node, skip func(*html.Node) bool) {
	for _, cs := range countSelectors {
		if k.has(cs.kind) {
			continue
		}
		n := find(root, cs.match, skip)
		if n == nil {
			continue
		}
		t := line(n, 200, nil)
		if cs.bare {
			if v, ok := parseCount(t); ok {
				k.set(cs.kind, v, t, "markup:"+selector(n))
			}
			continue
		}
		if v, ok := countFromText(t, cs.kind); ok {
			k.set(cs.kind, v, t, "markup:"+selector(n))
		}
	}
	if k.has(kindViews) && k.has(kindLikes) && k.has(kindComments) {
		return
	}
	// Labelled counts in short elements: "조회 1,234", "댓글 35", "Likes 12".
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return n.Type == html.DocumentNode
		}
		if skipText[n.Data] || (skip != nil && skip(n)) {
			return false
		}
		if n.Data == "html" || n.Data == "body" {
			return true
		}
		t := line(n, 120, nil)
		if t == "" || len([]rune(t)) > 40 {
			return len(t) > 0
		}
		// gnuboard labels a count for screen readers only, in the element before it:
		// <span class="sound_only">조회</span><strong>77회</strong>.
		if prev := prevElement(n); prev != nil && isScreenReaderOnly(prev) {
			if l := line(prev, 40, nil); l != "" && len([]rune(l)) <= 10 {
				t = l + " " + t
			}
		}
		found := false
		for _, kind := range []countKind{kindViews, kindLikes, kindComments} {
			if k.has(kind) {
				continue
			}
			if v, ok := countFromText(t, kind); ok {
				k.set(kind, v, t, "text:"+selector(n))
				found = true
			}
		}
		return !found
	})
}
