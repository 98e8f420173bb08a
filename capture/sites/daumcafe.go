package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Daum Cafe: cafe.daum.net/CAFENAME/BOARD/NO, whose post the page loads into iframe#down
// (name "down") from /_c21_/bbs_read?grpid=GRP&fldid=BOARD&datanum=NO (also numbered hosts
// such as cafe118.daum.net in old links), and the mobile m.cafe.daum.net/CAFENAME/BOARD/NO.
//
// Post markup (public scrapers: a 2019 Selenium crawler, a keyword crawler's selector table,
// a 2025 Selenium crawler of #primaryContent, a Playwright crawler that finds the frame by
// "_c21_/bbs_read"): div.bbs_read_tit with strong.tit_info (its span the board's 말머리),
// div.info_desc div.cover_info with the writer a.link_item[data-nickname] and span.txt_item
// items, one the time "25.11.28 02:42" and one "조회 N"; the body div#user_contents; comments
// div.comment_post > div.box_post. Inside a comment only the container is in the sources:
// the writer a[data-nickname] / .txt_name, span.txt_date and p.desc_info, and the comment's
// number in its id (comment_N) follow Daum's naming and were not verified.
//
// Members-only cafés send a visitor to the Kakao login (accounts.kakao.com, through
// logins.daum.net) or show "카페 회원만 ..." in place of the post: a login wall.
func init() {
	register(&Profile{
		Name:   "daum_cafe",
		Site:   "Daum Cafe",
		Hosts:  []string{"cafe.daum.net", "m.cafe.daum.net"},
		Page:   daumCafePage,
		Expand: "div.comment_post a.link_more, div.comment_post button.btn_more",
		Frames: []string{"down"},
		Reader: &posting.Site{Post: daumCafePost, Comments: daumCafeComments},
		State:  daumCafeState,
	})
}

var (
	dcafePathRE = regexp.MustCompile(`^/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9_-]{1,32})/(\d{1,12})/?$`)
	dcafeReadRE = regexp.MustCompile(`^/_c21_/(?:bbs_read|bbs_search_read)$`)
	dcafeDateRE = regexp.MustCompile(`^\d{2,4}[.\-]\d{1,2}[.\-]\d{1,2}\.?\s+\d{1,2}:\d{2}(?::\d{2})?$`)
	dcafeCmtID  = regexp.MustCompile(`^comment_?(\d{1,20})$`)
)

// daumCafePage recognises a post's page: /CAFENAME/BOARD/NO and the frame's bbs_read.
func daumCafePage(u *url.URL) bool {
	if m := dcafePathRE.FindStringSubmatch(u.Path); m != nil && m[1] != "_c21_" {
		return true
	}
	return dcafeReadRE.MatchString(u.Path) && query(u, "fldid") != ""
}

var (
	dcafeHead    = sel("div.bbs_read_tit, #primaryContent .bbs_read_tit")
	dcafeTitle   = sel("strong.tit_info")
	dcafeWriter  = sel(".cover_info a.link_item, .cover_info a[data-nickname]")
	dcafeItems   = sel(".cover_info span.txt_item, .info_desc span.txt_item")
	dcafeCmtBox  = sel("div.comment_post")
	dcafeCmts    = sel("div.comment_post div.box_post")
	dcafeCmtNick = sel("a[data-nickname], .txt_name")
	dcafeCmtDate = sel("span.txt_date")
	dcafeCmtText = sel("p.desc_info, .txt_detail")
)

// daumCafePost reads the post's head in the bbs_read document: title without the 말머리,
// writer, time and views; the post ID is CAFE/BOARD/NO or GRPID/BOARD/NO.
func daumCafePost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	head := one(doc, dcafeHead)
	if head == nil || one(head, dcafeTitle) == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "div.bbs_read_tit"}
	t := one(head, dcafeTitle)
	p.Title = line(t)
	if h := one(t, sel("span")); h != nil {
		if ht := line(h); ht != "" {
			p.Title = strings.TrimSpace(strings.TrimPrefix(p.Title, ht))
		}
	}
	if w := one(head, dcafeWriter); w != nil {
		p.Author.Nickname = attr(w, "data-nickname")
		if p.Author.Nickname == "" {
			p.Author.Nickname = line(w)
		}
	}
	for _, s := range all(head, dcafeItems) {
		v := line(s)
		switch {
		case dcafeDateRE.MatchString(v) && p.Posted.Text == "":
			p.Posted = posting.SiteText{Text: v, Source: "span.txt_item text"}
		case strings.HasPrefix(v, "조회"):
			p.Views = posting.SiteText{Text: v, Source: "span.txt_item"}
		}
	}
	if c := one(doc, sel(".comment_post .num_count, .comment_post .txt_count")); c != nil {
		p.Comments = posting.SiteText{Text: line(c), Source: where(c)}
	}
	if m := dcafePathRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1] + "/" + m[2] + "/" + m[3]
	} else if g, f, n := cleanID(query(base, "grpid")), cleanID(query(base, "fldid")), cleanID(query(base, "datanum")); f != "" && n != "" {
		p.PostID = strings.TrimPrefix(g+"/", "/") + f + "/" + n
	}
	return p, true
}

// daumCafeComments reads div.comment_post's comments; a reply sits in a box_post marked
// reply (class "reply_post"), under the last top-level comment before it.
var dcafeLi = sel("li")

func daumCafeComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, dcafeCmtBox) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	parent := ""
	for _, b := range all(doc, dcafeCmts) {
		c := posting.SiteComment{Where: "div.comment_post div.box_post"}
		// The comment's own li, inside the comment list: not a layout li around the list.
		holder := b
		if li := ancestor(b, dcafeLi); li != nil && ancestor(li, dcafeCmtBox) != nil {
			holder = li
		}
		if m := dcafeCmtID.FindStringSubmatch(attr(holder, "id")); m != nil {
			c.ID = m[1]
		}
		reply := classOf(holder, "reply_post") || classOf(b, "reply_post")
		if reply {
			c.ParentID = parent
		} else {
			parent = c.ID
		}
		if n := one(b, dcafeCmtNick); n != nil {
			c.Author.Nickname = attr(n, "data-nickname")
			if c.Author.Nickname == "" {
				c.Author.Nickname = line(n)
			}
		}
		if d := one(b, dcafeCmtDate); d != nil {
			c.Time = posting.SiteText{Text: line(d), Source: "span.txt_date text"}
		}
		c.Text = block(one(b, dcafeCmtText))
		if strings.Contains(c.Text, "삭제된 댓글입니다") {
			c.Deleted = true
		}
		out = append(out, c)
	}
	return out, true
}

// daumCafeState recognises a members-only café: the Kakao/Daum login page the browser was sent
// to, or the café's "카페 회원만" notice in place of the post; and Daum's deletion notice.
func daumCafeState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil {
		h := strings.ToLower(u.Hostname())
		if h == "accounts.kakao.com" || h == "logins.daum.net" {
			return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect,
				Detail: "Daum Cafe sent the browser to the login page " + h + u.EscapedPath() + "; the café shows its posts to its members only"}, true
		}
	}
	if one(doc, dcafeHead) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictLoginWall, evidence.ReasonLoginNotice, `Daum Cafe shows `, ` in place of the post`, "카페 회원만", "회원만 볼 수 있", "회원만 읽을 수 있", "카페에 가입"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Daum Cafe shows `, ` in place of the post`, "삭제된 게시글입니다", "존재하지 않는 게시글입니다", "게시글이 삭제되었거나"); ok {
		return st, true
	}
	return State{}, false
}
