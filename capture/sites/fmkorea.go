package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// FM Korea (에펨코리아): www.fmkorea.com/NUMBER, /BOARD/NUMBER, /index.php?mid=BOARD&document_srl=N
// (and /?document_srl=N), the same on m.fmkorea.com. The site runs XE/Rhymix with a skin
// derived from sketchbook5.
//
// Markup (verified against public scrapers' fixtures and notes taken from the live pages:
// FMK-Blind's design notes on "member_{UID} member_plate"; two pytest fixtures of a
// fmkorea scraper, 2025-06, with div.rd[data-docsrl], span.date.m_no "2025.06.02 16:33",
// h1.np_18px span.np_18px_span, div.btm_area div.side.fr "조회 수 <b>N</b>", li#comment_N.fdb_itm,
// replies li.fdb_itm.re with style margin-left and a.findParent onclick="return
// findComment(PARENT)"; sketchbook5's comment template for the depth margins and bd_pg
// pagination; a Playwright collector's notes on the security page): the head div.rd_hd holds
// the title, the writer a.member_plate with a member_N class (N is the member number; no
// public profile page), the time and the counts; the body is .rd_body article .xe_content.
// Comments are server-rendered in ul.fdb_lst_ul; best comments are repeated at the top as
// li.comment_best copies (id comment_N_), which the reader leaves out. Comment pages are
// ?cpage=N links in sketchbook5's div.bd_pg (the page opens on the newest), each loading
// another document: the generic comment-page follower opens each in a tab of its own, and
// the reader reads every page's list. The bot check is FM Korea's own
// "에펨코리아 보안 시스템" page (HTTP 430, a WASM check at /mc/mc.php setting a cookie).
//
// Not verified: the text of a deleted post's page and of a deleted comment, and the markup
// of anonymous boards (read here as any writer without a member_N class).
func init() {
	register(&Profile{
		Name:   "fmkorea",
		Site:   "FM Korea",
		Hosts:  []string{"www.fmkorea.com", "m.fmkorea.com", "fmkorea.com"},
		Page:   fmkPage,
		Reader: &posting.Site{Post: fmkPost, Comments: fmkComments},
		State:  fmkState,
	})
}

var (
	fmkPathRE   = regexp.MustCompile(`^/(?:([A-Za-z0-9_]{1,64})/)?(\d{6,20})/?$`)
	fmkMemberRE = regexp.MustCompile(`^member_(\d{1,20})$`)
	fmkCmtIDRE  = regexp.MustCompile(`^comment_(\d{1,20})$`)
	fmkFindRE   = regexp.MustCompile(`findComment\(\s*(\d{1,20})\s*\)`)
)

// fmkPage recognises a post's page: /NUMBER, /BOARD/NUMBER or document_srl in the query.
func fmkPage(u *url.URL) bool {
	if fmkPathRE.MatchString(u.Path) {
		return true
	}
	return query(u, "document_srl") != "" && (u.Path == "/" || u.Path == "/index.php" || u.Path == "")
}

var (
	fmkRD      = sel("div.rd")
	fmkHead    = sel("div.rd_hd")
	fmkTitle   = sel("h1.np_18px span.np_18px_span, h1.np_18px")
	fmkDate    = sel("span.date.m_no, .top_area span.date")
	fmkWriter  = sel(".btm_area .side a.member_plate, .btm_area .side a[class*=member_]")
	fmkCounts  = sel(".btm_area .side.fr > span")
	fmkCmtList = sel("ul.fdb_lst_ul")
	fmkCmtItem = sel("ul.fdb_lst_ul > li.fdb_itm")
	fmkCmtMeta = sel(".meta")
	fmkCmtWho  = sel("a.member_plate, a[class*=member_], b")
	fmkCmtDate = sel("span.date")
	fmkCmtText = sel(".comment-content .xe_content, .xe_content")
	fmkFind    = sel("a.findParent")
)

// fmkPost reads the post's head.
func fmkPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	head := one(doc, fmkHead)
	if head == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "div.rd_hd"}
	p.Title = line(one(head, fmkTitle))
	if w := one(head, fmkWriter); w != nil {
		p.Author = fmkPerson(w)
	}
	if d := one(head, fmkDate); d != nil {
		p.Posted = posting.SiteText{Text: line(d), Source: "span.date.m_no text"}
	}
	for _, s := range all(head, fmkCounts) {
		t := line(s)
		n := posting.SiteText{Text: line(one(s, sel("b"))), Source: "div.side.fr span b"}
		switch {
		case strings.HasPrefix(t, "조회"):
			p.Views = n
		case strings.HasPrefix(t, "추천"):
			p.Likes = n
		case strings.HasPrefix(t, "댓글"):
			p.Comments = n
		}
	}
	p.PostID = fmkPostID(doc, base)
	return p, true
}

// fmkPostID is the document number: from the address, else div.rd[data-docsrl].
func fmkPostID(doc *html.Node, base *url.URL) string {
	if base != nil {
		if m := fmkPathRE.FindStringSubmatch(base.Path); m != nil {
			return m[2]
		}
		if id := cleanID(query(base, "document_srl")); id != "" {
			return id
		}
	}
	return cleanID(attr(one(doc, fmkRD), "data-docsrl"))
}

// fmkPerson reads a writer link: its text (after the level icon) and the member number of
// its member_N class.
func fmkPerson(a *html.Node) evidence.Person {
	p := evidence.Person{Nickname: plain(a)}
	for _, f := range strings.Fields(attr(a, "class")) {
		if m := fmkMemberRE.FindStringSubmatch(f); m != nil {
			p.AccountID = m[1]
			break
		}
	}
	return p
}

// fmkComments reads ul.fdb_lst_ul as the page shows it (one comment page).
func fmkComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, fmkCmtList) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	var stack depthStack
	for _, li := range all(doc, fmkCmtItem) {
		if classOf(li, "comment_best") {
			continue // a copy of a comment shown again at the top as a best comment
		}
		m := fmkCmtIDRE.FindStringSubmatch(attr(li, "id"))
		if m == nil {
			continue
		}
		c := posting.SiteComment{ID: m[1], Where: "li.fdb_itm"}
		depth := xeDepth(li)
		if depth > 0 {
			if f := one(li, fmkFind); f != nil {
				if pm := fmkFindRE.FindStringSubmatch(attr(f, "onclick")); pm != nil {
					c.ParentID = pm[1]
				}
			}
			if c.ParentID == "" {
				c.ParentID = stack.parent(depth) // no findComment link
			}
		}
		stack.push(c.ID, depth)
		if meta := one(li, fmkCmtMeta); meta != nil {
			if w := one(meta, fmkCmtWho); w != nil {
				c.Author = fmkPerson(w)
			}
			if d := one(meta, fmkCmtDate); d != nil {
				c.Time = posting.SiteText{Text: line(d), Source: "span.date text"}
			}
		}
		c.Text = block(one(li, fmkCmtText))
		if strings.Contains(c.Text, "삭제된 댓글입니다") || strings.Contains(c.Text, "삭제 되었습니다") {
			c.Deleted = true
		}
		out = append(out, c)
	}
	return out, true
}

// fmkState recognises FM Korea's security page and its notices in place of a post.
func fmkState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, fmkHead) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	title := line(one(doc, sel("title")))
	for _, w := range []string{"에펨코리아 보안 시스템", "잠시 기다리면 사이트에 자동으로 접속됩니다"} {
		if strings.Contains(t, w) || strings.Contains(title, w) {
			return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonBotCheck,
				Detail: `FM Korea shows its bot check ("` + w + `") in place of the post`}, true
		}
	}
	if one(doc, sel(`script[src*="/mc/mc.php"]`)) != nil {
		return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonBotCheck,
			Detail: "FM Korea shows its bot check (the /mc/mc.php browser check) in place of the post"}, true
	}
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `FM Korea shows `, ` in place of the post`, "삭제된 게시물입니다", "존재하지 않는 게시물입니다", "대상을 찾을 수 없습니다", "요청하신 게시물이 존재하지 않습니다"); ok {
		return st, true
	}
	return State{}, false
}
