package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Naver Cafe: the old form cafe.naver.com/CAFENAME/ARTICLEID, whose article is in
// iframe#cafe_main (ArticleRead.nhn?clubid=&articleid=), the new forms
// cafe.naver.com/ca-fe/cafes/CAFEID/articles/ARTICLEID and /f-e/cafes/... (an application
// without a frame that loads the article from apis.naver.com/cafe-web/cafe-articleapi/v2.1/
// cafes/{cafeId}/articles/{articleId}?useCafeId=true: writer.id, writer.nick,
// writer.memberLevelName, writeDate in epoch ms; comments from .../comments/pages), and
// m.cafe.naver.com's /ca-fe/web/cafes/... and /CAFENAME/ARTICLEID.
//
// Rendered markup (scrapers and comment bots in the code index: a Playwright comment writer
// that reads li.CommentItem[id] and a#cih{commentId} "live verified", Selenium scrapers of
// div.CommentBox > ul.comment_list, div.ArticlePaginate buttons and .CommentItem--reply, a
// copy of an article page's markup with a#writerInfo{memberId}.nickname): div.ArticleContentBox
// > div.article_header > div.ArticleTitle (a.link_board, h3.title_text) and div.WriterInfo
// (div.nick_box > a/button.nickname[id=writerInfo{ID}], em.nick_level, div.article_info >
// span.date "2024.03.05. 14:22", span.count "조회 123"); comments li.CommentItem[id] (a reply
// li.CommentItem.CommentItem--reply right after its comment) with .comment_nickname,
// .comment_text_view > span.text_comment, .comment_info_date; a deleted comment's
// p.comment_deleted. Numbered comment pages (div.ArticlePaginate buttons) are left to the
// generic comment-page follower; the profile clicks nothing of its own. Members-only cafés say so in place of the article or send the browser to
// nid.naver.com's login page.
func init() {
	register(&Profile{
		Name:   "naver_cafe",
		Site:   "Naver Cafe",
		Hosts:  []string{"cafe.naver.com", "m.cafe.naver.com"},
		Page:   naverCafePage,
		Frames: []string{"cafe_main"},
		Reader: &posting.Site{Post: naverCafePost, Comments: naverCafeComments},
		State:  naverCafeState,
	})
}

var (
	ncNewRE    = regexp.MustCompile(`^/(?:ca-fe|f-e)(?:/web)?/cafes/(\d{1,20})/articles/(\d{1,20})/?$`)
	ncOldRE    = regexp.MustCompile(`^/([a-z0-9][a-z0-9_-]{0,59})/(\d{1,20})/?$`) // café names are lowercase; ArticleList/1 is not a post
	ncReadRE   = regexp.MustCompile(`^/(?:ArticleRead\.nhn|ca-fe/ArticleRead\.nhn)$`)
	ncWriterID = regexp.MustCompile(`^writerInfo([A-Za-z0-9_.-]{1,64})$`)
	ncMember   = regexp.MustCompile(`/cafes/(\d{1,20})/members/([A-Za-z0-9_-]{1,100})`)
)

// naverCafePage recognises an article's page in any of its address forms.
func naverCafePage(u *url.URL) bool {
	if ncNewRE.MatchString(u.Path) || ncOldRE.MatchString(u.Path) {
		return true
	}
	return ncReadRE.MatchString(u.Path) && query(u, "articleid") != ""
}

// ncIDs returns the café (its number or its name) and the article's number from the address.
func ncIDs(u *url.URL) (cafe, article string) {
	if u == nil {
		return "", ""
	}
	if m := ncNewRE.FindStringSubmatch(u.Path); m != nil {
		return m[1], m[2]
	}
	if ncReadRE.MatchString(u.Path) {
		return cleanID(query(u, "clubid")), cleanID(query(u, "articleid"))
	}
	if m := ncOldRE.FindStringSubmatch(u.Path); m != nil {
		return m[1], m[2]
	}
	return "", ""
}

var (
	ncBox      = sel("div.ArticleContentBox")
	ncTitle    = sel("div.ArticleTitle h3.title_text, div.ArticleTitle .title_text")
	ncWriter   = sel("div.WriterInfo")
	ncNick     = sel(".nick_box .nickname, .nick_box .nick, .profile_info .nickname")
	ncDate     = sel("div.article_info span.date, div.article_info .date")
	ncViews    = sel("div.article_info span.count")
	ncCmtCount = sel("div.ArticleTool a.button_comment strong.num, div.ArticleTool .button_comment .num, div.CommentBox .comment_title .num")
	ncLikes    = sel("div.ReplyBox .like_article em.u_cnt._count, div.ArticleTool em.u_cnt._count")
	ncLinks    = sel("a[href]")
)

// naverCafePost reads the article's head from div.ArticleContentBox.
func naverCafePost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	box := one(doc, ncBox)
	if box == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "div.ArticleContentBox"}
	p.Title = line(one(box, ncTitle))
	if w := one(box, ncWriter); w != nil {
		if n := one(w, ncNick); n != nil {
			p.Author.Nickname = plain(n)
			if m := ncWriterID.FindStringSubmatch(attr(n, "id")); m != nil {
				p.Author.AccountID = m[1]
			}
		}
		for _, a := range all(w, ncLinks) {
			if m := ncMember.FindStringSubmatch(attr(a, "href")); m != nil {
				p.Author.ProfileURL = "https://cafe.naver.com/ca-fe/cafes/" + m[1] + "/members/" + m[2]
				break
			}
		}
		if d := one(w, ncDate); d != nil {
			p.Posted = posting.SiteText{Text: line(d), Source: "div.article_info span.date text"}
		}
		if v := one(w, ncViews); v != nil {
			p.Views = posting.SiteText{Text: line(v), Source: "div.article_info span.count"}
		}
	}
	if c := one(doc, ncCmtCount); c != nil {
		p.Comments = posting.SiteText{Text: line(c), Source: where(c)}
	}
	if l := one(doc, ncLikes); l != nil {
		if t := line(l); t != "" {
			p.Likes = posting.SiteText{Text: t, Source: "em.u_cnt._count"}
		}
	}
	if cafe, article := ncIDs(base); cafe != "" && article != "" {
		p.PostID = cafe + "/" + article
	}
	return p, true
}

var (
	ncCmtBox   = sel("div.CommentBox, ul.comment_list")
	ncCmtItems = sel("ul.comment_list li.CommentItem")
	ncCmtNick  = sel(".comment_nickname")
	ncCmtText  = sel(".comment_text_view")
	ncCmtDate  = sel(".comment_info_date")
	ncCmtDel   = sel(".comment_deleted")
	ncCihRE    = regexp.MustCompile(`^cih(\d{1,20})$`)
)

// naverCafeComments reads ul.comment_list: each li.CommentItem is a comment, a
// .CommentItem--reply a reply to the comment before it.
func naverCafeComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, ncCmtBox) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	parent := ""
	for _, li := range all(doc, ncCmtItems) {
		id := cleanID(attr(li, "id"))
		if id == "" {
			for _, a := range all(li, sel("a[id^=cih]")) {
				if m := ncCihRE.FindStringSubmatch(attr(a, "id")); m != nil {
					id = m[1]
					break
				}
			}
		}
		c := posting.SiteComment{ID: id, Where: "li.CommentItem"}
		if classOf(li, "CommentItem--reply") {
			c.Where = "li.CommentItem--reply"
			c.ParentID = parent
		} else {
			parent = id
		}
		c.Author.Nickname = plain(one(li, ncCmtNick))
		if d := one(li, ncCmtDate); d != nil {
			c.Time = posting.SiteText{Text: line(d), Source: "span.comment_info_date text"}
		}
		if del := one(li, ncCmtDel); del != nil {
			c.Deleted = true
			c.Text = block(del)
		} else {
			c.Text = block(one(li, ncCmtText))
			if strings.Contains(c.Text, "삭제된 댓글입니다") && c.Author.Nickname == "" {
				c.Deleted = true
			}
		}
		out = append(out, c)
	}
	return out, true
}

// naverCafeState recognises Naver Cafe's pages in place of an article: the login page it
// sends a visitor to, a members-only notice, a deleted or missing article.
func naverCafeState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && strings.EqualFold(u.Hostname(), "nid.naver.com") {
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect,
			Detail: "Naver Cafe sent the browser to Naver's login page " + u.Hostname() + u.EscapedPath()}, true
	}
	if one(doc, ncBox) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictLoginWall, evidence.ReasonLoginNotice, `Naver Cafe shows `, ` in place of the article: only the café's logged-in members see it`, "카페 멤버만 볼 수 있습니다", "멤버만 볼 수 있습니다", "카페 멤버만 이용할 수 있습니다", "멤버에게만 공개된 게시글입니다"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Naver Cafe shows `, ` in place of the article`, "삭제되었거나 존재하지 않는 게시글입니다", "삭제된 게시글입니다", "존재하지 않는 게시글입니다", "삭제되었거나 없는 게시글입니다"); ok {
		return st, true
	}
	return State{}, false
}
