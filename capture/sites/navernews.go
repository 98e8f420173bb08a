package sites

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Naver News: n.news.naver.com/article/OID/AID (and /mnews/article/, the comment view
// /article/comment/OID/AID), news.naver.com's old read.naver?oid=&aid=, m.news.naver.com,
// and the entertainment and sports forms (entertain.naver.com/article/OID/AID,
// m.entertain.naver.com, sports.news.naver.com, m.sports.naver.com).
//
// Article head (forkonlp/N2H4; Naver's pages as served): div.media_end_head with the press
// logo a.media_end_head_top_logo img[alt], h2#title_area, em.media_end_head_journalist_name,
// span.media_end_head_info_datestamp_time[data-date-time] (입력) and
// [data-modify-date-time] (수정), the body article#dic_area. Comments are the cbox module
// (div#cbox_module): li.u_cbox_comment[data-info="commentNo:'N',parentCommentNo:'P',
// replyLevel:L,..."], span.u_cbox_nick, span.u_cbox_id (the masked account, "abcd****"),
// span.u_cbox_contents, span.u_cbox_date[data-value] (the exact time; the text is "21분
// 전"), a.u_cbox_btn_more (about 20 more per click), a.u_cbox_btn_reply opening
// div.u_cbox_reply_area, span.u_cbox_count (the count). CleanBot hides abusive comments: the
// profile switches it off (a.u_cbox_cleanbot_setbutton, input.u_cbox_layer_cleanbot2_checkbox,
// button.u_cbox_layer_cleanbot2_extrabtn) and records the comments it had hidden.
func init() {
	register(&Profile{
		Name: "naver_news",
		Site: "Naver News",
		Hosts: []string{"n.news.naver.com", "news.naver.com", "m.news.naver.com", "entertain.naver.com",
			"m.entertain.naver.com", "sports.news.naver.com", "m.sports.naver.com"},
		Page:    naverNewsPage,
		Prepare: cboxPrepareJS,
		Expand:  "a.u_cbox_btn_more, a.u_cbox_btn_reply, .u_cbox_paginate a.u_cbox_btn_more",
		Reader:  &posting.Site{Post: naverNewsPost, Comments: cboxComments},
		State:   naverNewsState,
	})
}

var (
	nnArticleRE = regexp.MustCompile(`^/(?:mnews/|)(?:article|hotissue/article|ranking/article)/(?:comment/)?(\d{3,4})/(\d{6,12})/?$`)
	nnSportsRE  = regexp.MustCompile(`^/(?:news|article)/(\d{3,4})/(\d{6,12})/?$`)
	// nnReadRE is the path of the old article addresses that name it by ?oid=&aid=.
	nnReadRE = regexp.MustCompile(`(?:^|/)(?:read|news)(?:\.naver|\.nhn)?$`)
)

func naverNewsPage(u *url.URL) bool {
	if nnArticleRE.MatchString(u.Path) {
		return true
	}
	if query(u, "oid") != "" && query(u, "aid") != "" && nnReadRE.MatchString(u.Path) {
		return true
	}
	return strings.Contains(u.Hostname(), "sports") && nnSportsRE.MatchString(u.Path)
}

var (
	nnHead       = sel("div.media_end_head, div.NewsEndMain_article_head, div.news_headline")
	nnTitle      = sel("#title_area, h2.media_end_head_headline, h2.end_tit, h4.title")
	nnPress      = sel("a.media_end_head_top_logo img[alt], .press_logo img[alt]")
	nnJournalist = sel("em.media_end_head_journalist_name, span.byline_s, .byline_p span")
	nnPosted     = sel("span.media_end_head_info_datestamp_time[data-date-time], span._ARTICLE_DATE_TIME")
	nnModified   = sel("span.media_end_head_info_datestamp_time[data-modify-date-time], span._ARTICLE_MODIFY_DATE_TIME")
	nnCount      = sel("span.u_cbox_count, #comment_count, .media_end_head_cmtcount_button")
)

// naverNewsPost reads the article's head: title, journalist and press, the entry and
// modification times, the comment count, and OID/AID as the post's ID.
func naverNewsPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	head := one(doc, nnHead)
	if head == nil {
		if one(doc, cboxModule) == nil {
			return posting.SitePost{}, false
		}
		head = doc // the comment view page: the article's title in its head, the comments
	}
	p := posting.SitePost{Where: where(head)}
	p.Title = line(one(head, nnTitle))
	if j := line(one(head, nnJournalist)); j != "" {
		p.Author.Nickname = j
	}
	if press := attr(one(head, nnPress), "alt"); press != "" {
		if p.Author.Nickname != "" {
			p.Author.Nickname += " (" + press + ")"
		} else {
			p.Author.Nickname = press
		}
	}
	if t := one(head, nnPosted); t != nil {
		if v := attr(t, "data-date-time"); v != "" {
			p.Posted = posting.SiteText{Text: v, Source: "attr:data-date-time"}
		}
	}
	if t := one(head, nnModified); t != nil {
		if v := attr(t, "data-modify-date-time"); v != "" {
			p.Modified = posting.SiteText{Text: v, Source: "attr:data-modify-date-time"}
		}
	}
	if c := one(doc, nnCount); c != nil {
		p.Comments = posting.SiteText{Text: line(c), Source: where(c)}
	}
	if m := nnArticleRE.FindStringSubmatch(pathOf(base)); m != nil {
		p.PostID = m[1] + "/" + m[2]
	} else if oid, aid := cleanID(query(base, "oid")), cleanID(query(base, "aid")); oid != "" && aid != "" {
		p.PostID = oid + "/" + aid
	}
	return p, true
}

var (
	cboxModule   = sel("div#cbox_module, div.u_cbox, div[id^=naverComment]")
	cboxItems    = sel("li.u_cbox_comment")
	cboxNick     = sel("span.u_cbox_nick")
	cboxID       = sel("span.u_cbox_id")
	cboxContents = sel("span.u_cbox_contents")
	cboxDeleted  = sel(".u_cbox_delete_contents, .u_cbox_type_delete")
	cboxHidden   = sel(".u_cbox_cleanbot_contents, .u_cbox_secret_contents")
	cboxReplies  = sel("div.u_cbox_reply_area")
	cboxDate     = sel("span.u_cbox_date")
	cboxNoRE     = regexp.MustCompile(`commentNo\s*:\s*'(\d{1,20})'`)
	cboxParRE    = regexp.MustCompile(`parentCommentNo\s*:\s*'(\d{1,20})'`)
	cboxLvlRE    = regexp.MustCompile(`replyLevel\s*:\s*(\d{1,2})`)
	cboxClassRE  = regexp.MustCompile(`^cbox_module__comment_(\d{1,20})$`)
)

// cboxComments reads Naver's cbox comment module (news, blog, and others that embed it).
func cboxComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, cboxModule) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	for _, li := range all(doc, cboxItems) {
		info := attr(li, "data-info")
		c := posting.SiteComment{Where: "li.u_cbox_comment"}
		if m := cboxNoRE.FindStringSubmatch(info); m != nil {
			c.ID = m[1]
		} else {
			for _, f := range strings.Fields(attr(li, "class")) {
				if m := cboxClassRE.FindStringSubmatch(f); m != nil {
					c.ID = m[1]
				}
			}
		}
		if m := cboxLvlRE.FindStringSubmatch(info); m != nil && m[1] != "1" {
			if p := cboxParRE.FindStringSubmatch(info); p != nil && p[1] != c.ID {
				c.ParentID = p[1]
			}
		}
		if c.ParentID == "" {
			// A reply shown inside its parent's reply area.
			if area := ancestor(li, cboxReplies); area != nil {
				if pli := ancestor(area, cboxItems); pli != nil {
					if m := cboxNoRE.FindStringSubmatch(attr(pli, "data-info")); m != nil {
						c.ParentID = m[1]
					}
				}
			}
		}
		// The item's own parts only, not those of the replies inside it.
		own := func(s cascadia.Matcher) *html.Node { return ownOf(li, s, cboxItems) }
		// span.u_cbox_nick shows the masked account ("nacj****"); some modules show a name
		// there and the masked account in span.u_cbox_id.
		c.Author.Nickname = line(own(cboxNick))
		c.Author.AccountID = strings.Trim(line(own(cboxID)), "() ")
		if c.Author.AccountID == "" && strings.Contains(c.Author.Nickname, "*") {
			c.Author.AccountID = c.Author.Nickname
		}
		if d := own(cboxDate); d != nil {
			if v := attr(d, "data-value"); v != "" {
				c.Time = posting.SiteText{Text: v, Source: "span.u_cbox_date attr:data-value"}
			} else {
				c.Time = posting.SiteText{Text: line(d), Source: "span.u_cbox_date text"}
			}
		}
		switch {
		case own(cboxDeleted) != nil || strings.Contains(info, "deleted:true"):
			c.Deleted = true
			c.Text = block(own(cboxDeleted))
		case own(cboxHidden) != nil:
			c.Hidden = true
			c.Text = block(own(cboxHidden))
		default:
			c.Text = block(own(cboxContents))
		}
		if strings.Contains(info, "secret:true") || strings.Contains(info, "blindReport:true") || classOf(li, "u_cbox_type_cleanbot") {
			c.Hidden = true
		}
		out = append(out, c)
	}
	return out, true
}

// naverNewsState recognises Naver's notices in place of an article.
func naverNewsState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, nnHead) != nil {
		return State{}, false
	}
	return notice(doc, "Naver", evidence.VerdictDeleted, evidence.ReasonDeletedNotice,
		"존재하지 않는 기사입니다", "삭제된 기사입니다", "페이지를 찾을 수 없습니다", "요청하신 페이지를 찾을 수 없습니다")
}

// cboxPrepareJS switches CleanBot off in a cbox comment module: it opens the setting
// (a.u_cbox_cleanbot_setbutton), clears input.u_cbox_layer_cleanbot2_checkbox when checked and
// confirms (button.u_cbox_layer_cleanbot2_extrabtn). Its value is {Did, Hidden}: what it did,
// and the IDs of the comments CleanBot had hidden: those shown as hidden before, and those
// that appeared only once it was off.
const cboxPrepareJS = `(async () => {
  const out = {Did: [], Failed: [], Hidden: []};
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const ids = () => {
    const m = new Map();
    for (const li of document.querySelectorAll("li.u_cbox_comment")) {
      const x = /commentNo\s*:\s*'(\d{1,20})'/.exec(li.getAttribute("data-info") || "");
      if (x) m.set(x[1], li.matches(".u_cbox_type_cleanbot") || !!li.querySelector(".u_cbox_cleanbot_contents"));
    }
    return m;
  };
  const set = document.querySelector(".u_cbox_cleanbot_setbutton");
  if (!set) return out;
  const before = ids();
  set.click();
  let box = null;
  // The checkbox itself, not its wrapper div.u_cbox_layer_cleanbot2_checkbox, which comes first.
  const find = () => document.querySelector("#cleanbot_dialog_checkbox_cbox_module") ||
    document.querySelector(".u_cbox_layer_cleanbot2_checkbox input[type=checkbox], input.u_cbox_layer_cleanbot2_checkbox");
  for (let i = 0; i < 40 && !(box = find()); i++) await sleep(50);
  if (!box) { out.Failed.push("the CleanBot setting did not open; CleanBot may still hide comments"); return out; }
  // The layer marks the state with .is_checked on .u_cbox_layer_cleanbot2_checkbox.
  const on = box.checked === true || !!document.querySelector(".u_cbox_layer_cleanbot2_checkbox.is_checked");
  if (!on) {
    out.Did.push("CleanBot was already off");
    // Closed without saving: the confirm button would store the setting.
    const close = document.querySelector(".u_cbox_layer_cleanbot2_closebtn");
    if (close) close.click();
    return out;
  }
  box.click();
  const ok = document.querySelector("button.u_cbox_layer_cleanbot2_extrabtn, .u_cbox_layer_cleanbot2_extrabtn");
  if (!ok) { out.Failed.push("the CleanBot setting has no confirm button; CleanBot may still hide comments"); return out; }
  ok.click();
  // The list once it changed and then held still for two looks in a row (a half-drawn list
  // would show fewer comments, and mark none).
  const key = m => [...m.keys()].join(",");
  let after = before, last = "", changed = false;
  for (let i = 0; i < 80; i++) {
    await sleep(50);
    const now = ids(), k = key(now);
    changed = changed || k !== key(before);
    if (changed && k === last) { after = now; break; }
    last = k;
  }
  for (const [k, hidden] of before) if (hidden) out.Hidden.push(k);
  for (const k of after.keys()) if (!before.has(k)) out.Hidden.push(k);
  out.Did.push("switched the CleanBot filter off so that the comments it hides are shown; " + out.Hidden.length +
    " of the first " + after.size + " comments shown had been hidden by it and are marked hidden (comments loaded later by \"more\" cannot be told apart and are not marked)");
  return out;
})()`
