package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Clien (클리앙): www.clien.net/service/board/BOARD/SN (and m.clien.net, the same paths).
//
// Markup (verified against public scrapers and apps, 2018-2026: a serverless collector's
// detail parser for h3.post_subject span, div.post_author span.view_count strong (views),
// a.symph_count strong (likes), a.post_reply span (the comment count), div.comment_row,
// div.comment_view, span.timestamp "2026-04-18 16:53:35" and rows .blocked left out; a
// Playwright collector for .post_author .view_count.date with .lastdate (수정일), the
// .view_count.ip and div.comment_row[data-role=comment-row][data-comment-sn] with
// .comment_view[data-comment-view=SN] and its hidden input[data-comment-modify]; two mobile
// app parsers (m.clien.net's div.content_view, div.post_subject span, div.post_date,
// div.author_ip, span.contact_name span.nickname or span.nickimg img[alt] for a nickname
// shown as an image, comment rows with data-author-id, .re for a reply, span.ip_address in
// div.comment_ip, the full time in span.timestamp inside div.comment_time, and a deleted
// comment's row "<span>삭제 되었습니다.</span>"); the comment API
// /service/api/board/BOARD/SN/comment?param={"order":"date","po":0,"ps":100} answering
// [{commentSn, boardSn, comment, oriComment, member{userId, ...}}]): the page is
// server-rendered with its comments; replies are flat rows after their comment.
//
// Not verified: where the post's writer ID is on the desktop page (the reader takes
// data-author-id from the post's head when present and otherwise leaves it out), a public
// profile address (none is given), the text of a deleted post's page, and a reply's parent
// (the rows name none: the reader takes the comment row above it that is not a reply).
func init() {
	register(&Profile{
		Name:   "clien",
		Site:   "Clien",
		Hosts:  []string{"www.clien.net", "m.clien.net", "clien.net"},
		Page:   clienPage,
		Reader: &posting.Site{Post: clienPost, Comments: clienComments},
		State:  clienState,
	})
}

var clienPathRE = regexp.MustCompile(`^/service/board/([A-Za-z0-9_]{1,64})/(\d{1,20})/?$`)

func clienPage(u *url.URL) bool { return clienPathRE.MatchString(u.Path) }

var (
	clienSubject  = sel("h3.post_subject, div.post_subject")
	clienDate     = sel(".post_author .view_count.date, div.post_time div.post_date")
	clienLastDate = sel(".lastdate")
	clienViews    = sel(".post_author .view_count:not(.date):not(.ip), div.post_time div.view_count")
	clienIP       = sel(".post_author .view_count.ip, .post_author .author_ip, div.author_ip")
	clienContact  = sel(".post_info .post_contact .contact_name, .post_view .post_contact .contact_name, .post_info .nickname")
	clienLikes    = sel("a.symph_count strong, .symph_area .symph_count strong")
	clienReplyCnt = sel("a.post_reply span")
	clienAuthorID = sel(".post_title[data-author-id], .post_info[data-author-id], .post_contact[data-author-id]")
	clienRows     = sel("div.comment_row")
	clienCmtBox   = sel("div.post_comment, div.comment_row")
	clienCmtNick  = sel(".nickname, .nickimg")
	clienCmtIP    = sel("span.ip_address")
	clienCmtTime  = sel(".comment_time .timestamp, span.timestamp")
	clienCmtView  = sel(".comment_view")
	clienDateRE   = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?`)
)

// clienPost reads the post's head.
func clienPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	subj := one(doc, clienSubject)
	if subj == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: where(subj)}
	for _, s := range all(subj, sel("span")) {
		if !classOf(s, "post_category") && s.Parent == subj {
			p.Title = line(s)
			break
		}
	}
	if p.Title == "" {
		p.Title = line(subj)
	}
	if d := one(doc, clienDate); d != nil {
		full := plain(d)
		last := one(d, clienLastDate)
		if m := clienDateRE.FindString(full); m != "" {
			p.Posted = posting.SiteText{Text: m, Source: where(d) + " text"}
		}
		if last != nil {
			if m := clienDateRE.FindString(plain(last)); m != "" {
				p.Modified = posting.SiteText{Text: m, Source: "span.lastdate text"}
			}
		} else if ms := clienDateRE.FindAllString(full, 2); len(ms) == 2 && strings.Contains(full, "수정") {
			p.Modified = posting.SiteText{Text: ms[1], Source: where(d) + " text (수정일)"}
		}
	}
	if v := one(doc, clienViews); v != nil {
		t := line(one(v, sel("strong")))
		if t == "" {
			t = line(v)
		}
		p.Views = posting.SiteText{Text: t, Source: where(v)}
	}
	if l := one(doc, clienLikes); l != nil {
		p.Likes = posting.SiteText{Text: line(l), Source: "symph_count strong"}
	}
	if c := one(doc, clienReplyCnt); c != nil {
		p.Comments = posting.SiteText{Text: line(c), Source: "a.post_reply span"}
	}
	if c := one(doc, clienContact); c != nil {
		p.Author = clienPerson(c)
	}
	p.Author.MaskedIP = posting.MaskedIP(strings.TrimSpace(strings.TrimPrefix(plain(one(doc, clienIP)), "ip")))
	if a := one(doc, clienAuthorID); a != nil {
		p.Author.AccountID = cleanID(attr(a, "data-author-id"))
	}
	if m := clienPathRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1] + "/" + m[2]
	}
	return p, true
}

// clienPerson reads a nickname: span.nickname's text (its span[title] when it has one), or
// the alt of the image Clien shows for an image nickname (span.nickimg img).
func clienPerson(n *html.Node) evidence.Person {
	var p evidence.Person
	if nick := one(n, sel(".nickname")); nick != nil || classOf(n, "nickname") {
		if nick == nil {
			nick = n
		}
		if t := one(nick, sel("span[title]")); t != nil {
			p.Nickname = attr(t, "title")
		}
		if p.Nickname == "" {
			p.Nickname = plain(nick)
		}
	}
	if p.Nickname == "" {
		if img := one(n, sel(".nickimg img[alt], img[alt]")); img != nil {
			p.Nickname = attr(img, "alt")
		}
	}
	return p
}

// clienComments reads the comment rows as the page shows them.
func clienComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, clienCmtBox) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	parent := ""
	for _, row := range all(doc, clienRows) {
		if classOf(row, "blocked") {
			continue // a comment of a member the visitor blocked: Clien shows no text
		}
		sn := cleanID(attr(row, "data-comment-sn"))
		c := posting.SiteComment{ID: sn, Where: "div.comment_row"}
		if strings.TrimSpace(plain(row)) == "삭제 되었습니다." && one(row, clienCmtView) == nil {
			c.Deleted = true
			c.Text = "삭제 되었습니다."
			if classOf(row, "re") {
				c.ParentID = parent
			} else {
				parent = sn // its replies' parent, "" when the row names none
			}
			out = append(out, c)
			continue
		}
		if classOf(row, "re") {
			c.ParentID = parent
		} else {
			parent = sn
		}
		if nick := one(row, clienCmtNick); nick != nil {
			c.Author = clienPerson(nick.Parent)
		}
		c.Author.AccountID = cleanID(attr(row, "data-author-id"))
		c.Author.MaskedIP = posting.MaskedIP(plain(one(row, clienCmtIP)))
		if t := one(row, clienCmtTime); t != nil {
			if m := clienDateRE.FindString(plain(t)); m != "" {
				c.Time = posting.SiteText{Text: m, Source: "span.timestamp text"}
			} else {
				c.Time = posting.SiteText{Text: line(t), Source: "span.timestamp text"}
			}
		}
		c.Text = block(one(row, clienCmtView))
		if c.Text == "삭제 되었습니다." {
			c.Deleted = true
		}
		out = append(out, c)
	}
	return out, true
}

// clienState recognises Clien's notices in place of a post.
func clienState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, clienSubject) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Clien shows `, ` in place of the post`, "삭제된 게시물입니다", "삭제된 게시글입니다", "존재하지 않는 게시물입니다", "존재하지 않는 게시글입니다", "게시물이 존재하지 않습니다"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictLoginWall, evidence.ReasonLoginNotice, `Clien shows `, ` in place of the post`, "로그인이 필요합니다", "로그인 후 이용", "회원만 이용"); ok {
		return st, true
	}
	return State{}, false
}
