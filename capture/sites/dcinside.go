package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// DC Inside: galleries (major /board/, minor /mgallery/board/, mini /mini/board/) on
// gall.dcinside.com, and the mobile site m.dcinside.com (/board/GALL/NO, /mini/GALL/NO).
//
// Desktop markup (gurumnyang/dcinside.js src/scraper/post; DC's own pages as served): the
// head div.gallview_head holds span.title_subject, the writer
// div.gall_writer.ub-writer[data-nick][data-uid][data-ip] (data-uid for fixed and semi-fixed
// nicknames, data-ip "121.134" for anonymous ones, shown as span.ip "(121.134)"), the full
// time in span.gall_date[title], and span.gall_count "조회 N", span.gall_reply_num "추천 N",
// span.gall_comment "댓글 N". The page's script fills ul.cmt_list from POST /board/comment/
// (id, no, cmt_id, cmt_no, e_s_n_o, comment_page, _GALLTYPE_): li#comment_li_NO, its replies
// in ul.reply_list#reply_list_PARENT as li#reply_li_NO, each with the same writer markup,
// p.usertxt and span.date_time "09.17 12:40:11"; numbered comment pages are
// viewComments(N) links in div.cmt_paging, which the generic comment-page follower takes.
func init() {
	register(&Profile{
		Name:  "dcinside",
		Site:  "DC Inside",
		Hosts: []string{"gall.dcinside.com", "m.dcinside.com"},
		Page:  dcPage,
		// No Prepare or Expand: the page loads its comments itself, replies included, and
		// its numbered comment pages are followed by the generic comment-page follower.
		Reader: &posting.Site{Post: dcPost, Comments: dcComments},
		State:  dcState,
	})
}

var (
	dcViewRE   = regexp.MustCompile(`^/(?:mgallery/|mini/)?board/view/?$`)
	dcMobileRE = regexp.MustCompile(`^/(?:board|mini)/([A-Za-z0-9_]{1,64})/(\d{1,20})/?$`)
	dcDeleted  = regexp.MustCompile(`^/derror/deleted`)
)

// dcPage recognises a post's page: /board/view/?id=GALL&no=NO on the desktop site (and its
// deletion page), /board/GALL/NO on the mobile one.
func dcPage(u *url.URL) bool {
	if strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), "m.dcinside.com") {
		return dcMobileRE.MatchString(u.Path)
	}
	return (dcViewRE.MatchString(u.Path) && query(u, "no") != "") || dcDeleted.MatchString(u.Path)
}

var (
	dcHead       = sel("div.gallview_head")
	dcWriter     = sel(".gall_writer.ub-writer")
	dcNickname   = sel(".nickname")
	dcIP         = sel("span.ip")
	dcSubject    = sel("span.title_subject")
	dcDate       = sel("span.gall_date")
	dcCount      = sel("span.gall_count")
	dcRecommend  = sel("span.gall_reply_num")
	dcUpNum      = sel("p.up_num")
	dcCommentNum = sel("span.gall_comment")
	dcGallID     = sel("input#gallery_id, input[name=gallery_id], input#id")
	dcNo         = sel("input#no, input[name=no]")

	// Mobile.
	dcmHead     = sel("div.gallview-tit-box")
	dcmTitle    = sel("span.tit")
	dcmInfo     = sel("ul.ginfo2 > li")
	dcmCounts   = sel("div.gall-thum-btm ul.ginfo2 > li, div.gallview-thum-btm ul.ginfo2 > li")
	dcmCmtTotal = sel("input#reple_totalCnt")
	dcmRecomm   = sel("#recomm_btn")
)

// dcPost reads the post's head.
func dcPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	if head := one(doc, dcHead); head != nil {
		return dcDesktopPost(doc, head, base), true
	}
	if head := one(doc, dcmHead); head != nil {
		return dcMobilePost(doc, head, base), true
	}
	return posting.SitePost{}, false
}

func dcDesktopPost(doc, head *html.Node, base *url.URL) posting.SitePost {
	p := posting.SitePost{Where: "div.gallview_head"}
	p.Title = line(one(head, dcSubject))
	if w := one(head, dcWriter); w != nil {
		p.Author = dcPerson(w)
	}
	if d := one(head, dcDate); d != nil {
		if t := attr(d, "title"); t != "" {
			p.Posted = posting.SiteText{Text: t, Source: "span.gall_date attr:title"}
		} else {
			p.Posted = posting.SiteText{Text: line(d), Source: "span.gall_date text"}
		}
	}
	p.Views = posting.SiteText{Text: line(one(head, dcCount)), Source: "span.gall_count"}
	if n := one(doc, dcUpNum); n != nil {
		p.Likes = posting.SiteText{Text: line(n), Source: "p.up_num"}
	} else {
		p.Likes = posting.SiteText{Text: line(one(head, dcRecommend)), Source: "span.gall_reply_num"}
	}
	p.Comments = posting.SiteText{Text: line(one(head, dcCommentNum)), Source: "span.gall_comment"}
	gall, no := query(base, "id"), query(base, "no")
	if gall == "" {
		gall = attr(one(doc, dcGallID), "value")
	}
	if no == "" {
		no = attr(one(doc, dcNo), "value")
	}
	if gall, no = cleanID(gall), cleanID(no); gall != "" && no != "" {
		p.PostID = gall + "/" + no
	}
	return p
}

// dcMobilePost reads m.dcinside.com's head: span.tit, then ul.ginfo2 with the writer
// (a gallog link for a member, "ㅇㅇ(1.234)" for an anonymous writer) and the time.
func dcMobilePost(doc, head *html.Node, base *url.URL) posting.SitePost {
	p := posting.SitePost{Where: "div.gallview-tit-box"}
	p.Title = line(one(head, dcmTitle))
	items := all(head, dcmInfo)
	if len(items) > 0 {
		w := items[0]
		p.Author = dcMobilePerson(w)
	}
	if len(items) > 1 {
		p.Posted = posting.SiteText{Text: line(items[1]), Source: "ul.ginfo2 li text"}
	}
	for _, li := range all(doc, dcmCounts) {
		t := line(li)
		switch {
		case strings.HasPrefix(t, "조회"):
			p.Views = posting.SiteText{Text: t, Source: "ul.ginfo2 li"}
		case strings.HasPrefix(t, "추천"):
			p.Likes = posting.SiteText{Text: t, Source: "ul.ginfo2 li"}
		case strings.HasPrefix(t, "댓글"):
			p.Comments = posting.SiteText{Text: t, Source: "ul.ginfo2 li"}
		}
	}
	if p.Likes.Text == "" {
		p.Likes = posting.SiteText{Text: line(one(doc, dcmRecomm)), Source: "#recomm_btn"}
	}
	if v := attr(one(doc, dcmCmtTotal), "value"); v != "" {
		p.Comments = posting.SiteText{Text: v, Source: "input#reple_totalCnt attr:value"}
	}
	if m := dcMobileRE.FindStringSubmatch(pathOf(base)); m != nil {
		p.PostID = m[1] + "/" + m[2]
	}
	return p
}

// dcPerson reads a writer element: data-nick, data-uid (a member's ID, whose gallog is the
// profile) and data-ip, else the shown nickname and span.ip.
func dcPerson(w *html.Node) evidence.Person {
	p := evidence.Person{Nickname: attr(w, "data-nick"), AccountID: cleanID(attr(w, "data-uid")), MaskedIP: attr(w, "data-ip")}
	if p.Nickname == "" {
		n := one(w, dcNickname)
		p.Nickname = attr(n, "title")
		if p.Nickname == "" {
			p.Nickname = line(n)
		}
	}
	if p.MaskedIP == "" {
		p.MaskedIP = line(one(w, dcIP))
	}
	p.MaskedIP = posting.MaskedIP(p.MaskedIP)
	if p.AccountID != "" {
		p.ProfileURL = "https://gallog.dcinside.com/" + p.AccountID
	}
	return p
}

var dcmNickIP = regexp.MustCompile(`^(.*?)\s*\((\d{1,3}\.\d{1,3})\)$`)

// dcMobilePerson reads a mobile writer: a gallog link names the member, "ㅇㅇ(1.234)" an
// anonymous writer and the masked address.
func dcMobilePerson(n *html.Node) evidence.Person {
	var p evidence.Person
	t := plain(n)
	if m := dcmNickIP.FindStringSubmatch(t); m != nil {
		p.Nickname, p.MaskedIP = m[1], m[2]
	} else {
		p.Nickname = t
	}
	if ip := plain(one(n, dcIP)); ip != "" {
		p.MaskedIP = posting.MaskedIP(ip)
		p.Nickname = strings.TrimSpace(strings.TrimSuffix(t, ip))
	}
	for _, a := range all(n, sel("a[href]")) {
		if u, err := url.Parse(attr(a, "href")); err == nil && strings.Contains(u.Path, "/gallog/") {
			id := cleanID(strings.Trim(strings.TrimPrefix(u.Path[strings.Index(u.Path, "/gallog/"):], "/gallog/"), "/"))
			if id != "" {
				p.AccountID = id
				p.ProfileURL = "https://gallog.dcinside.com/" + id
			}
		}
	}
	return p
}

var (
	dcCmtBox   = sel("div.comment_box, ul.cmt_list")
	dcCmtItems = sel("ul.cmt_list li[id^=comment_li_], ul.cmt_list li[id^=reply_li_]")
	dcReplyUL  = sel("ul.reply_list")
	dcUserTxt  = sel("p.usertxt")
	dcDelReply = sel(".del_reply")
	dcDateTime = sel("span.date_time")
	dcDccon    = sel("img.written_dccon")

	dcmCmtBox   = sel("ul.all-comment-lst")
	dcmCmtItems = sel("ul.all-comment-lst > li.comment, ul.all-comment-lst > li.comment-add")
	dcmNick     = sel(".ginfo-area, .nick")
	dcmUID      = sel("span.blockCommentId")
	dcmDate     = sel("span.date")
	dcmTxt      = sel("p.txt")

	dcItemID = regexp.MustCompile(`^(?:comment|reply)_li_(\d{1,20})$`)
	dcListID = regexp.MustCompile(`^reply_list_(\d{1,20})$`)
)

// dcComments reads the comment list as the page rendered it.
func dcComments(doc *html.Node, base *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, dcCmtBox) != nil {
		var out []posting.SiteComment
		for _, li := range all(doc, dcCmtItems) {
			m := dcItemID.FindStringSubmatch(attr(li, "id"))
			if m == nil {
				continue
			}
			if m[1] == "0" {
				continue // 댓글돌이, DC's advertising bot, is listed with the number 0
			}
			c := posting.SiteComment{ID: m[1], Where: "li#" + strings.SplitN(attr(li, "id"), "_li_", 2)[0] + "_li_N"}
			if ul := ancestor(li, dcReplyUL); ul != nil {
				if pm := dcListID.FindStringSubmatch(attr(ul, "id")); pm != nil {
					c.ParentID = pm[1]
				}
			}
			if w := one(li, dcWriter); w != nil {
				c.Author = dcPerson(w)
			}
			if d := one(li, dcDateTime); d != nil {
				c.Time = posting.SiteText{Text: line(d), Source: "span.date_time text"}
			}
			if del := one(li, dcDelReply); del != nil {
				c.Deleted = true
				c.Text = block(del)
			} else {
				c.Text = block(one(li, dcUserTxt))
				if c.Text == "" {
					if img := one(li, dcDccon); img != nil {
						c.Text = "[디시콘: " + attr(img, "alt") + "]"
					}
				}
			}
			out = append(out, c)
		}
		return out, true
	}
	if one(doc, dcmCmtBox) != nil {
		var out []posting.SiteComment
		var parent string
		for _, li := range all(doc, dcmCmtItems) {
			id := cleanID(attr(li, "no"))
			c := posting.SiteComment{ID: id, Where: "li.comment"}
			if classOf(li, "comment-add") {
				c.Where = "li.comment-add"
				c.ParentID = cleanID(attr(li, "m_no"))
				if c.ParentID == "" {
					c.ParentID = parent
				}
			} else {
				parent = id
			}
			c.Author = dcMobilePerson(one(li, dcmNick))
			c.Author.Nickname = strings.TrimSpace(strings.TrimPrefix(c.Author.Nickname, "글쓴"))
			if uid := cleanID(attr(one(li, dcmUID), "data-info")); uid != "" && c.Author.AccountID == "" {
				c.Author.AccountID = uid
				c.Author.ProfileURL = "https://gallog.dcinside.com/" + uid
			}
			if d := one(li, dcmDate); d != nil {
				c.Time = posting.SiteText{Text: line(d), Source: "span.date text"}
			}
			c.Text = block(one(li, dcmTxt))
			if classOf(li, "del") || strings.Contains(c.Text, "삭제된 댓글") || strings.Contains(c.Text, "삭제되었습니다") {
				c.Deleted = true
			}
			out = append(out, c)
		}
		return out, true
	}
	return nil, false
}

// dcState recognises DC Inside's deletion page (/derror/deleted/..., "삭제된 게시물입니다")
// and its own notices in place of a post.
func dcState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && dcDeleted.MatchString(u.Path) {
		return State{Verdict: evidence.VerdictDeleted, Code: evidence.ReasonDeletedNotice,
			Detail: "DC Inside sent the browser to its deletion page " + u.EscapedPath()}, true
	}
	if one(doc, dcHead) != nil || one(doc, dcmHead) != nil {
		return State{}, false
	}
	if st, ok := notice(doc, "DC Inside", evidence.VerdictDeleted, evidence.ReasonDeletedNotice,
		"삭제된 게시물입니다", "게시물 작성자가 삭제했거나 존재하지 않는 페이지입니다", "해당 게시물은 삭제되었습니다", "존재하지 않는 게시물입니다"); ok {
		return st, true
	}
	if st, ok := notice(doc, "DC Inside", evidence.VerdictBlocked, evidence.ReasonAgeGate, "성인 인증", "성인인증"); ok {
		return st, true
	}
	return State{}, false
}
