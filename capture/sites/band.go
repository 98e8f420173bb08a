package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Naver Band: a post's page, band.us/band/BAND/post/NO (www.band.us, the mobile m.band.us).
// A public band's posts are readable logged out; a closed band's send the visitor to its login
// page (auth.band.us).
//
// Markup (HOTDOGGYDOGGY/AFTERLOG src/importers/band/html.ts, collector/src/page/extractPost.ts
// and tests/fixtures/band/post-synthetic.html, which reproduce a post page saved from band.us;
// Band crawlers found by the code search read the same classes): the post is
// article.cPostCard (div[data-viewname=DPostDetailView]); div.postWriter holds
// .postWriterInfoWrap with the writer's name (.text, a link to the post) and their band
// description (.memo), .postListInfoWrap with time.time (its title the full time when the text
// is short) and span.readCount "7 읽음"; the body is .postBody .txtBody; the comment count is
// .dPostCountView .comment .count. Comments are .dPostCommentMainView .cComment, each with
// [data-viewname=DCommentView] > .itemWrap: .writeInfo strong.name, span.nickname, p.txt
// ._commentContent and .func time.time[title]; a reply is a .cComment inside its parent's
// div.sReplyList. Earlier comments load from button[data-uiselector=previousCommentButton]
// ("이전 댓글"). Band shows no identifiers of members or comments in the page: comments get
// assigned ones and replies are linked by position. Deletion (삭제된 게시글입니다, 존재하지 않는
// 게시글) is as crawlers test for it; the wording of Band's own notices was not seen in a saved
// page.
func init() {
	register(&Profile{
		Name:   "band",
		Site:   "Naver Band",
		Hosts:  []string{"band.us", "www.band.us", "m.band.us"},
		Page:   bandPage,
		Expand: `button[data-uiselector="previousCommentButton"], .prevComment`,
		Reader: &posting.Site{Post: bandPost, Comments: bandComments},
		State:  bandState,
	})
}

var bandPostRE = regexp.MustCompile(`^/band/([A-Za-z0-9_-]{1,64})/post/(\d{1,20})/?$`)

func bandPage(u *url.URL) bool { return bandPostRE.MatchString(u.Path) }

var (
	bandCard      = sel("article.cPostCard, [data-viewname=DPostDetailView]")
	bandWriter    = sel(".postWriterInfoWrap .text")
	bandTime      = sel(".postWriterInfoWrap time, .postListInfoWrap time")
	bandRead      = sel(".postListInfoWrap .readCount")
	bandCmtCount  = sel(".dPostCountView .comment .count")
	bandCmtMain   = sel(".dPostCommentMainView")
	bandComment   = sel(".dPostCommentMainView .cComment")
	bandCmtNode   = sel(".cComment")
	bandItem      = sel(".itemWrap")
	bandName      = sel(".writeInfo .name")
	bandContent   = sel("._commentContent, p.txt")
	bandCmtTime   = sel(".func time, time")
	bandReplyList = sel(".sReplyList")
)

// bandPost reads the post's head: the writer, the time, the readers and the comment count.
func bandPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	card := one(doc, bandCard)
	if card == nil || one(card, bandWriter) == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: where(card)}
	p.Author.Nickname = line(one(card, bandWriter))
	if t := one(card, bandTime); t != nil {
		p.Posted = bandTimeOf(t)
	}
	if r := line(one(card, bandRead)); r != "" {
		p.Views = posting.SiteText{Text: r, Source: ".postListInfoWrap .readCount"} // "41 읽음"
	}
	if c := line(one(card, bandCmtCount)); c != "" {
		p.Comments = posting.SiteText{Text: c, Source: ".dPostCountView .comment .count"}
	}
	if m := bandPostRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1] + "/" + m[2]
	}
	return p, true
}

// bandTimeOf is a time element's full time (its title) or, without one, its text.
func bandTimeOf(t *html.Node) posting.SiteText {
	if v := attr(t, "title"); v != "" {
		return posting.SiteText{Text: v, Source: "time attr:title"}
	}
	return posting.SiteText{Text: line(t), Source: "time text"}
}

// bandComments reads the comment list: each .cComment's own item (not its replies'), and the
// position of the comment a reply sits under.
func bandComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	card := one(doc, bandCard)
	if card == nil || one(card, bandCmtMain) == nil {
		return nil, false
	}
	nodes := all(card, bandComment)
	index := map[*html.Node]int{}
	out := []posting.SiteComment{}
	for _, n := range nodes {
		// The item of this comment, not one of a reply inside it.
		var item *html.Node
		for _, it := range all(n, bandItem) {
			if ancestor(it, bandCmtNode) == n {
				item = it
				break
			}
		}
		if item == nil {
			continue // a layout the profile does not know; the generic reader's text stays in the page
		}
		c := posting.SiteComment{Where: "div.cComment"}
		if list := ancestor(n, bandReplyList); list != nil {
			if parent := ancestor(list, bandCmtNode); parent != nil {
				c.ParentIndex = index[parent]
			}
		}
		c.Author.Nickname = line(one(item, bandName))
		c.Text = block(one(item, bandContent))
		if t := one(item, bandCmtTime); t != nil {
			c.Time = bandTimeOf(t)
		}
		out = append(out, c)
		index[n] = len(out)
	}
	return out, true
}

// bandState recognises Band's login page (a closed band) and its notices in place of a post.
func bandState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && (strings.EqualFold(u.Hostname(), "auth.band.us") || strings.HasPrefix(u.Path, "/login")) {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect,
			Detail: "Naver Band sent the browser to its login page " + u.Hostname() + u.EscapedPath() + ": the band's posts are for its members"}, true
	}
	if one(doc, bandCard) != nil {
		return State{}, false
	}
	if one(doc, sel("input[type=password]")) != nil {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginNotice,
			Detail: "Naver Band shows a login form in place of the post"}, true
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Naver Band shows `, ` in place of the post`, "삭제된 게시글입니다", "존재하지 않는 게시글", "삭제되었거나 존재하지 않는"); ok {
		return st, true
	}
	return State{}, false
}
