package sites

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// theqoo (더쿠): theqoo.net/BOARD/NUMBER (/hot/N, /square/N, ...), theqoo.net/NUMBER and
// /index.php?mid=BOARD&document_srl=N. The site runs Rhymix with the sketchbook5_ajax skin and
// serves the same host to phones.
//
// Markup (verified against public notes and scrapers, 2024-2026: a read-only reconnaissance of
// the live site, 2026-07, for div.rd[data-docSrl], div.theqoo_document_header with
// strong.cate, span.title and div.count_container "<i class="far fa-eye"></i> 5,892 <i
// class="far fa-comment-dots"></i> 70", .btm_area .side.fr > span "2026.07.15 09:52", the
// writer "무명의 더쿠", the body article[itemprop=articleBody] .xe_content and the
// csrf-token meta; several collectors for the comment API): the page loads its comments
// itself by POST /index.php, a JSON body {"act":"dispTheqooContentCommentListTheqoo",
// "document_srl":N,"cpage":0} with the page's X-CSRF-Token (without it:
// {"error":-1,"errorDetail":"ERR_CSRF_CHECK_FAILED"}); the answer holds comment_list (srl,
// ct the comment's HTML, rd "20260916232553", ind the reply depth, -1 for a comment),
// now_comment_page (cpage 0 is the newest page) and added_number (the number of the
// page's first comment; the site numbers each comment beside "무명의 더쿠"). The list is
// rendered as sketchbook5's ul.fdb_lst_ul > li#comment_N.fdb_itm (replies .re) with
// div.comment_N_0.xe_content and span.date; earlier pages come with the .show_more control.
// To a visitor who is not logged in, a comment less than an hour old comes as
// <span class="commentWarningMessage">비회원은 작성한 지 1시간 이내의 댓글은 읽을 수
// 없습니다.</span>: the reader marks it hidden and Limits says so.
//
// Not verified: the exact markup the page script renders (the class of the comment number,
// the date's text form, the reply classes; taken from sketchbook5 and a 2021 scraper), the
// reply parent (the API names none; the reader takes the nearest comment above at a lesser
// depth), and the text of a deleted post's page.
func init() {
	register(&Profile{
		Name:   "theqoo",
		Site:   "theqoo",
		Hosts:  []string{"theqoo.net", "www.theqoo.net"},
		Page:   tqPage,
		Expand: ".show_more",
		Reader: &posting.Site{Post: tqPost, Comments: tqComments},
		State:  tqState,
		Limits: tqLimits,
	})
}

var (
	tqPathRE  = regexp.MustCompile(`^/(?:([A-Za-z0-9_]{1,64})/)?(\d{6,20})/?$`)
	tqCmtIDRE = regexp.MustCompile(`^comment_(\d{1,20})$`)
	tqNumRE   = regexp.MustCompile(`^\d{1,6}\.?\s*`)
)

// tqPage recognises a post's page.
func tqPage(u *url.URL) bool {
	if tqPathRE.MatchString(u.Path) {
		return true
	}
	return query(u, "document_srl") != "" && (u.Path == "/" || u.Path == "/index.php" || u.Path == "")
}

var (
	tqHeader  = sel("div.theqoo_document_header")
	tqTitle   = sel("span.title")
	tqCount   = sel("div.count_container")
	tqDate    = sel(".btm_area .side.fr > span")
	tqSide    = sel(".btm_area .side")
	tqRD      = sel("div.rd")
	tqList    = sel("ul.fdb_lst_ul")
	tqItems   = sel("ul.fdb_lst_ul > li.fdb_itm")
	tqMeta    = sel(".meta")
	tqNick    = sel(".nick, b")
	tqCmtDate = sel("span.date")
	tqCmtText = sel(".xe_content")
	tqWarning = sel(".commentWarningMessage")
)

// tqPost reads the post's head.
func tqPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	h := one(doc, tqHeader)
	if h == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "div.theqoo_document_header"}
	p.Title = line(one(h, tqTitle))
	if c := one(h, tqCount); c != nil {
		p.Views = posting.SiteText{Text: tqAfterIcon(c, "fa-eye"), Source: "div.count_container i.fa-eye"}
		p.Comments = posting.SiteText{Text: tqAfterIcon(c, "fa-comment-dots"), Source: "div.count_container i.fa-comment-dots"}
	}
	rd := ancestor(h, tqRD)
	if rd == nil {
		rd = doc
	}
	if d := one(rd, tqDate); d != nil {
		p.Posted = posting.SiteText{Text: line(d), Source: ".btm_area .side.fr span text"}
	}
	for _, s := range all(rd, tqSide) {
		if classOf(s, "fr") {
			continue
		}
		// The writer is the side's own text ("무명의 더쿠"); a.link is the origin board.
		var b strings.Builder
		for k := s.FirstChild; k != nil; k = k.NextSibling {
			if k.Type == html.TextNode {
				b.WriteString(k.Data)
			} else if k.Type == html.ElementNode && k.Data != "a" {
				b.WriteString(plain(k))
			}
		}
		if n := posting.CleanLine(b.String()); n != "" {
			p.Author.Nickname = n
			break
		}
	}
	if base != nil {
		if m := tqPathRE.FindStringSubmatch(base.Path); m != nil {
			p.PostID = m[2]
		} else {
			p.PostID = cleanID(query(base, "document_srl"))
		}
	}
	if p.PostID == "" {
		p.PostID = cleanID(attr(rd, "data-docsrl"))
	}
	return p, true
}

// tqAfterIcon is the text that follows the icon i.ICON in c ("5,892").
func tqAfterIcon(c *html.Node, icon string) string {
	for k := c.FirstChild; k != nil; k = k.NextSibling {
		if k.Type == html.ElementNode && k.Data == "i" && classOf(k, icon) {
			for t := k.NextSibling; t != nil; t = t.NextSibling {
				if t.Type == html.ElementNode {
					break
				}
				if v := strings.TrimSpace(t.Data); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// tqComments reads the comment list the page rendered.
func tqComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, tqList) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	var stack depthStack
	for _, li := range all(doc, tqItems) {
		m := tqCmtIDRE.FindStringSubmatch(attr(li, "id"))
		if m == nil {
			continue
		}
		c := posting.SiteComment{ID: m[1], Where: "li.fdb_itm"}
		depth := xeDepth(li)
		if depth > 0 {
			c.ParentID = stack.parent(depth)
		}
		stack.push(c.ID, depth)
		if meta := one(li, tqMeta); meta != nil {
			c.Author.Nickname = tqNumRE.ReplaceAllString(line(one(meta, tqNick)), "")
			if d := one(meta, tqCmtDate); d != nil {
				c.Time = posting.SiteText{Text: line(d), Source: "span.date text"}
			}
		}
		body := one(li, tqCmtText)
		c.Text = block(body)
		switch {
		case one(body, tqWarning) != nil:
			c.Hidden = true
		case strings.Contains(c.Text, "삭제된 댓글입니다"):
			c.Deleted = true
		}
		out = append(out, c)
	}
	return out, true
}

// tqHiddenNotice is what theqoo shows a visitor who is not logged in in place of a comment
// less than an hour old.
const tqHiddenNotice = "비회원은 작성한 지 1시간 이내의 댓글은 읽을 수 없습니다"

// tqLimits says that theqoo withholds recent comments from a visitor who is not logged in,
// when the page shows that it did.
func tqLimits(doc *html.Node, _ *url.URL, _ *evidence.Posting, _ Context) []string {
	n := len(all(doc, sel("ul.fdb_lst_ul .commentWarningMessage")))
	if n == 0 && !strings.Contains(texts(doc, 1<<20), tqHiddenNotice) {
		return nil
	}
	what := strconv.Itoa(n) + " comments"
	if n == 1 {
		what = "1 comment"
	} else if n == 0 {
		what = "comments"
	}
	return []string{"theqoo withholds comments less than an hour old from visitors who are not logged in: " + what +
		` showed only "` + tqHiddenNotice + `." in place of the text, which was not captured (capture again later, or logged in)`}
}

// tqState recognises theqoo's notices in place of a post.
func tqState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, tqHeader) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `theqoo shows `, ` in place of the post`, "삭제된 게시물입니다", "삭제된 게시물", "존재하지 않는 게시물입니다", "대상을 찾을 수 없습니다"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictLoginWall, evidence.ReasonLoginNotice, `theqoo shows `, ` in place of the post`, "로그인 후에 바로 열람 가능합니다", "로그인이 필요합니다", "권한이 없습니다"); ok {
		return st, true
	}
	return State{}, false
}
