package posting

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// rawComment is a comment as read from one document, before duplicates are merged and
// identifiers assigned.
type rawComment struct {
	c evidence.Comment
	// key identifies the comment inside this Extract ("d0.m3").
	key string
	// siteID is the site's identifier, "" when the page gives none.
	siteID string
	// parentKey is the key of the parent read from nesting; parentSiteID the site's
	// identifier of the parent when only that is known.
	parentKey, parentSiteID string
	// kind is where it was read: "markup" or "json-ld".
	kind string
	// source names the markup or type it was read from ("markup:li.u_cbox_comment").
	source string
	// node is the item element (markup only), container its parent and indent its level key.
	node, container *html.Node
	indent          float64
	hasIndent       bool
	inReplyArea     bool
	// wholeText is true when no text element was found and the item's whole text was kept.
	wholeText bool
	cut       bool
}

var (
	idPatterns = []*regexp.Regexp{
		regexp.MustCompile(`^comment_li_(\d{1,30})$`), // DC Inside
		regexp.MustCompile(`^reply_li_(\d{1,30})$`),   // DC Inside replies
		regexp.MustCompile(`^c_(\d{1,30})$`),          // gnuboard
		regexp.MustCompile(`^(?:li-)?comment[-_]?(\d{1,30})$`),
		regexp.MustCompile(`^(?:cmt|reply)[-_]?(\d{1,30})$`),
	}
	cboxModuleRE  = regexp.MustCompile(`^cbox_module__comment_(\d{1,30})$`)
	dataInfoNoRE  = regexp.MustCompile(`commentNo\s*:\s*'([^']{1,64})'`)
	dataInfoParRE = regexp.MustCompile(`parentCommentNo\s*:\s*'([^']{1,64})'`)
	dataInfoLvlRE = regexp.MustCompile(`replyLevel\s*:\s*(\d{1,3})`)
	replyListRE   = regexp.MustCompile(`^reply_list_(\d{1,30})$`)
	depthClassRE  = regexp.MustCompile(`^(?:depth|level|lv)[-_]?(\d{1,2})$`)
	marginLeftRE  = regexp.MustCompile(`(?i)margin-left\s*:\s*(\d{1,5}(?:\.\d+)?)`)
	genericItemRE = regexp.MustCompile(`^(?:li-)?(?:comment|cmt|reply)[-_]?\d{1,30}$`)
)

// itemKind returns the name of the comment markup n is an item of ("li.u_cbox_comment"), or
// "" when n is no comment item.
func itemKind(n *html.Node) string {
	if n == nil || n.Type != html.ElementNode {
		return ""
	}
	id := attr(n, "id")
	switch {
	case hasClass(n, "u_cbox_comment"):
		return "li.u_cbox_comment" // Naver cbox (news, blog, sports...)
	case strings.HasPrefix(id, "comment_li_") || strings.HasPrefix(id, "reply_li_"):
		return "li.ub-content" // DC Inside
	case hasClass(n, "fdb_itm"):
		return "li.fdb_itm" // XE/Rhymix feedback list
	case n.Data == "article" && strings.HasPrefix(id, "c_") && inBoVC(n):
		return "section#bo_vc article" // gnuboard
	}
	if it := attr(n, "itemtype"); it != "" && n.Data != "html" && n.Data != "body" {
		for _, f := range strings.Fields(it) {
			f = strings.TrimRight(strings.ToLower(f), "/")
			if strings.HasSuffix(f, "schema.org/comment") || strings.HasSuffix(f, "schema.org/usercomments") {
				return "microdata:Comment"
			}
		}
	}
	switch n.Data {
	case "li", "article", "div", "section", "tr", "dl":
	default:
		return ""
	}
	if n.Data == "li" && hasClass(n, "comment") && strings.HasPrefix(id, "comment-") {
		return "li.comment" // WordPress
	}
	for _, k := range []string{"data-comment-id", "data-commentid", "data-comment-no", "data-comment_srl", "data-comment-srl"} {
		if strings.TrimSpace(attr(n, k)) != "" {
			return n.Data + "[" + k + "]"
		}
	}
	if genericItemRE.MatchString(id) && n.FirstChild != nil {
		return n.Data + "#comment-N"
	}
	return ""
}

// inBoVC reports whether n is inside gnuboard's comment section (section#bo_vc).
func inBoVC(n *html.Node) bool {
	for p, i := n.Parent, 0; p != nil && i < 12; p, i = p.Parent, i+1 {
		if attr(p, "id") == "bo_vc" {
			return true
		}
	}
	return false
}

// isItem reports whether n is a comment item.
func isItem(n *html.Node) bool { return itemKind(n) != "" }

// replyAreaClasses mark containers of replies whose parent is the comment before them.
var replyAreaClasses = []string{"u_cbox_reply_area", "reply_list", "reply_box", "children", "replies", "reply_area", "comment-replies", "re_list"}

// markupComments reads the comment items of doc in document order. base resolves links;
// limit bounds how many are read.
func markupComments(doc *html.Node, base *url.URL, ck *clock, docIndex int, limit int) []*rawComment {
	var out []*rawComment
	keyOf := map[*html.Node]string{}
	walk(doc, func(n *html.Node) bool {
		if len(out) >= limit {
			return false
		}
		if n.Type != html.ElementNode {
			return n.Type == html.DocumentNode
		}
		if skipText[n.Data] && n.Data != "head" {
			return false
		}
		kind := itemKind(n)
		if kind == "" {
			return true
		}
		rc := readItem(n, kind, base, ck)
		rc.key = "d" + strconv.Itoa(docIndex) + ".m" + strconv.Itoa(len(out))
		keyOf[n] = rc.key
		// Nesting: the nearest enclosing item is the parent; a reply area without one means
		// the comment before.
		for p, i := n.Parent, 0; p != nil && i < maxWalkDepth; p, i = p.Parent, i+1 {
			if k, ok := keyOf[p]; ok {
				rc.parentKey = k
				break
			}
			if rc.parentSiteID == "" {
				if m := replyListRE.FindStringSubmatch(attr(p, "id")); m != nil {
					rc.parentSiteID = m[1]
				} else if v := strings.TrimSpace(attr(p, "p-no")); v != "" && validID(v) {
					rc.parentSiteID = v
				}
			}
			if !rc.inReplyArea {
				for _, c := range replyAreaClasses {
					if hasClass(p, c) {
						rc.inReplyArea = true
						break
					}
				}
			}
		}
		out = append(out, rc)
		return true
	})
	return out
}

// readItem reads one comment item.
func readItem(n *html.Node, kind string, base *url.URL, ck *clock) *rawComment {
	stop := func(c *html.Node) bool { return c != n && isItem(c) }
	rc := &rawComment{kind: "markup", source: "markup:" + kind, node: n, container: n.Parent}
	rc.siteID = itemID(n)
	info := attr(n, "data-info")
	if m := dataInfoLvlRE.FindStringSubmatch(info); m != nil && m[1] != "1" {
		if p := dataInfoParRE.FindStringSubmatch(info); p != nil && p[1] != rc.siteID {
			rc.parentSiteID = p[1]
		}
	}
	if v := strings.TrimSpace(attr(n, "data-parent-id")); v != "" && validID(v) {
		rc.parentSiteID = v
	}
	rc.c.Author = person(n, stop, base)
	rc.c.Time = itemTime(n, stop, ck)

	body := find(n, isBody, stop)
	for _, cls := range bodyClasses[8:] {
		if body != nil {
			break
		}
		body = find(n, byClass(cls), stop)
	}
	var t string
	if body != nil {
		t = text(body, 4*maxText, nil)
	} else {
		t = text(n, 4*maxText, stop)
		rc.wholeText = t != ""
	}
	rc.c.Text, rc.cut = cappedBlock(t, maxText)

	// Deleted and hidden: data-info flags, classes, then the words the page shows.
	if strings.Contains(info, "deleted:true") {
		rc.c.Deleted = true
	}
	if strings.Contains(info, "secret:true") || strings.Contains(info, "blindReport:true") || strings.Contains(info, "visible:false") {
		rc.c.Hidden = true
	}
	walk(n, func(c *html.Node) bool {
		if c != n && stop(c) {
			return false
		}
		if c.Type != html.ElementNode {
			return c.Type == html.DocumentNode
		}
		for _, f := range strings.Fields(attr(c, "class")) {
			switch f {
			case "u_cbox_delete_contents", "u_cbox_type_delete", "deleted", "is-deleted", "comment-deleted", "del_reply", "deleted_comment":
				rc.c.Deleted = true
			case "u_cbox_secret_contents", "u_cbox_type_secret", "u_cbox_cleanbot", "u_cbox_type_cleanbot", "cleanbot", "secret", "comment-secret", "blinded", "is-hidden", "comment-hidden":
				rc.c.Hidden = true
			}
		}
		if c.Data == "img" && strings.Contains(attr(c, "alt"), "비밀") {
			rc.c.Hidden = true // gnuboard's icon_secret.gif "비밀글"
		}
		return true
	})
	if rc.c.Text == "" && rc.c.Deleted {
		if d := find(n, byClass("u_cbox_delete_contents"), stop); d != nil {
			rc.c.Text, _ = cappedBlock(text(d, 4*maxText, nil), maxText)
		}
	}
	markState(&rc.c)

	// Indentation for flat lists (gnuboard margin-left in px, XE in %, depth-N classes).
	if m := marginLeftRE.FindStringSubmatch(attr(n, "style")); m != nil {
		rc.indent, _ = strconv.ParseFloat(m[1], 64)
		rc.hasIndent = true
	} else {
		for _, f := range strings.Fields(attr(n, "class")) {
			if m := depthClassRE.FindStringSubmatch(f); m != nil {
				rc.indent, _ = strconv.ParseFloat(m[1], 64)
				rc.hasIndent = true
				break
			}
			if f == "re" || f == "reply" {
				rc.indent, rc.hasIndent = 1, true
			}
		}
	}
	return rc
}

// deletedPhrases and hiddenPhrases are what pages show in place of a removed comment.
var (
	deletedPhrases = []string{"삭제된 댓글입니다", "삭제된 댓글", "댓글이 삭제되었습니다", "해당 댓글은 삭제되었습니다",
		"작성자에 의해 삭제", "작성자가 삭제하였습니다", "작성자가 삭제했습니다", "this comment has been deleted", "this comment was deleted", "[deleted]", "comment deleted"}
	hiddenPhrases = []string{"클린봇", "숨김 처리", "숨김처리", "숨겨진 댓글", "블라인드 처리", "임시 블라인드", "비밀 댓글", "비밀댓글",
		"this comment has been hidden", "this comment is hidden", "hidden by"}
)

// markState sets Deleted or Hidden from the comment's text when it is one of the notices
// pages show instead of a comment (a short text containing the phrase).
func markState(c *evidence.Comment) {
	t := strings.ToLower(c.Text)
	if len([]rune(t)) > 80 {
		return
	}
	for _, p := range deletedPhrases {
		if strings.Contains(t, p) {
			c.Deleted = true
		}
	}
	for _, p := range hiddenPhrases {
		if strings.Contains(t, p) {
			c.Hidden = true
		}
	}
}

// bodyClasses hold a comment's text, in order of trust.
var bodyClasses = []string{
	"u_cbox_contents", "usertxt", "cmt_contents", "comment-content", "comment_content",
	"xe_content", "comment-text", "comment_text", "comment-body-text", "cmt_txt", "cmt_text",
	"comment_txt", "reply_text", "text_comment", "comment-message", "message", "content", "text",
	"txt", "u_cbox_delete_contents", "u_cbox_secret_contents", "u_cbox_cleanbot_contents", "del_reply",
}

// isBody reports whether n holds a comment's text.
func isBody(n *html.Node) bool {
	if p := attr(n, "itemprop"); hasToken(p, "text") || hasToken(p, "commentText") {
		return true
	}
	for _, c := range bodyClasses[:8] {
		if hasClass(n, c) {
			return true
		}
	}
	return false
}

// itemID reads the site's identifier of a comment item, "" when there is none.
func itemID(n *html.Node) string {
	if m := dataInfoNoRE.FindStringSubmatch(attr(n, "data-info")); m != nil && validID(m[1]) {
		return m[1]
	}
	for _, k := range []string{"data-comment-id", "data-commentid", "data-comment-no", "data-comment_srl", "data-comment-srl", "data-cid", "data-no"} {
		if v := strings.TrimSpace(attr(n, k)); v != "" && validID(v) {
			return v
		}
	}
	id := attr(n, "id")
	for _, re := range idPatterns {
		if m := re.FindStringSubmatch(id); m != nil {
			return m[1]
		}
	}
	for _, f := range strings.Fields(attr(n, "class")) {
		if m := cboxModuleRE.FindStringSubmatch(f); m != nil {
			return m[1]
		}
	}
	// DC Inside keeps the number on div.cmt_info / div.reply_info.
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if (hasClass(c, "cmt_info") || hasClass(c, "reply_info")) && validID(strings.TrimSpace(attr(c, "data-no"))) {
			return strings.TrimSpace(attr(c, "data-no"))
		}
	}
	if v := strings.TrimSpace(attr(n, "itemid")); v != "" && validID(v) {
		return v
	}
	return ""
}

// timeClasses hold a comment's time in common board markup.
var timeClasses = []string{
	"u_cbox_date", "date_time", "gall_date", "bo_vc_hdinfo", "comment-date", "comment_date",
	"comment-time", "cmt_date", "regdate", "date", "datetime", "time", "timestamp", "comment-metadata",
}

// itemTime reads the time of the comment item n.
func itemTime(n *html.Node, stop func(*html.Node) bool, ck *clock) *evidence.PageTime {
	if e := find(n, byClass("u_cbox_date"), stop); e != nil {
		if pt := elemTime(e, ck); pt != nil {
			return pt
		}
	}
	if e := find(n, func(c *html.Node) bool { return isElem(c, "time") }, stop); e != nil {
		if pt := elemTime(e, ck); pt != nil {
			return pt
		}
	}
	if e := find(n, func(c *html.Node) bool {
		p := attr(c, "itemprop")
		return hasToken(p, "dateCreated") || hasToken(p, "datePublished") || hasToken(p, "commentTime")
	}, stop); e != nil {
		if pt := elemTime(e, ck); pt != nil {
			return pt
		}
	}
	for _, cls := range timeClasses[1:] {
		if e := find(n, byClass(cls), stop); e != nil {
			if pt := elemTime(e, ck); pt != nil {
				return pt
			}
		}
	}
	return nil
}

// timeAttrs are the attributes that state a time in machine form, tried before the text.
var timeAttrs = []string{"datetime", "data-value", "data-date", "data-time", "data-date-time", "data-timestamp", "content", "title"}

// elemTime reads the time element e states: an attribute that parses, else its visible text.
func elemTime(e *html.Node, ck *clock) *evidence.PageTime {
	for _, k := range timeAttrs {
		v := strings.TrimSpace(attr(e, k))
		if v == "" {
			continue
		}
		if pt, st := ck.try(v, "attr:"+k); pt != nil && pt.KST != "" {
			ck.record(st, pt.Text)
			return pt
		}
	}
	t := line(e, 400, isScreenReaderOnly)
	if t == "" {
		return nil
	}
	if nested := find(e, func(c *html.Node) bool { return isElem(c, "time") }, nil); nested != nil && nested != e {
		return elemTime(nested, ck)
	}
	return ck.resolve(t, "text")
}

// cappedBlock cuts the cleaned block s to max runes.
func cappedBlock(s string, max int) (string, bool) {
	s = cleanBlock(s)
	r := []rune(s)
	if len(r) <= max {
		return s, false
	}
	return string(r[:max]) + "… (" + strconv.Itoa(len(r)-max) + " more characters)", true
}
