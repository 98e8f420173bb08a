package sites

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Daum News: v.daum.net/v/ARTICLEID (17 digits, the time it was sent and a serial), its older
// hosts news.v.daum.net, v.media.daum.net and m.media.daum.net, and the entertainment and
// sports forms entertain.v.daum.net/v/ID and sports.v.daum.net/v/ID (today both are served at
// v.daum.net/v/ID as well).
//
// Article head (public scrapers of 2020-2026: a 2026 parser test fixture of Daum's markup, the
// ARGOS LABS news_daum Selenium module changed 2023-06 to 2024-08, scrapy spiders of 2022-2023):
// div.head_view with h3.tit_view[data-translation], div.info_view (span.info_view in older
// pages) holding span.txt_info for the reporter ("이상현 기자") and span.txt_info "입력
// <span class=num_date>2026. 9. 27. 09:54</span>" and "수정 ...", the press as a#kakaoServiceLogo
// and meta og:article:author, the exact time it was sent as meta og:regDate
// ("20260927095437"), and the body div.article_view section with p[dmcf-ptype=general].
//
// Comments are "타임톡" since 2023-06-08 (Kakao's notice magazine.daum.net/daumnews_notice/
// 647550cca5eaaa378414a69a; press reports of that day): a chat opened from
// div.inner_ttalk a in the head into the frame named timetalkFrame, whose
// div.body_timetalk ul holds li.safebot (the SafeBot notice, not a talk) and one li per
// talk with em.chat_nick, span.txt_time ("3분 전", "방금 전") and p.txt_message (the ARGOS
// LABS module). Talks carry no identifier in that markup and no total is shown (OhmyNews,
// 2023-06-12). Talks can be read only while the article's timetalk is open: 24 hours from
// the time it was sent (the notice), 48 hours since the service left beta on 2025-03-31
// (Yonhap, Newsis, MBN of that day); afterwards the area is gone and nobody can read them.
// Limits says so: from the page's own closing notice, or from the article's time and the
// capture's start.
func init() {
	register(&Profile{
		Name: "daum_news",
		Site: "Daum News",
		Hosts: []string{"v.daum.net", "news.v.daum.net", "v.media.daum.net", "m.media.daum.net",
			"entertain.v.daum.net", "sports.v.daum.net"},
		Page:    daumNewsPage,
		Prepare: daumNewsPrepareJS,
		// "더보기" in the chat loads earlier talks (its markup is not in the public sources;
		// button.btn_more and a.link_more are the names Daum uses elsewhere).
		Expand: ".body_timetalk button.btn_more, .body_timetalk a.link_more",
		Reader: &posting.Site{Post: daumNewsPost, Comments: timetalkComments},
		State:  daumNewsState,
		Limits: daumNewsLimits,
	})
}

var daumNewsRE = regexp.MustCompile(`^/v/(\d{17})/?$`)

func daumNewsPage(u *url.URL) bool { return daumNewsRE.MatchString(u.Path) }

var (
	dnHead     = sel("div.head_view")
	dnTitle    = sel("h3.tit_view")
	dnInfo     = sel(".info_view span.txt_info")
	dnDate     = sel("span.num_date")
	dnRegDate  = sel(`meta[property="og:regDate"]`)
	dnPressTag = sel(`meta[property="og:article:author"]`)
	dnLogo     = sel("#kakaoServiceLogo")
	dnTalk     = sel("div.inner_ttalk, #timetalkFrame, iframe[name=timetalkFrame]")
)

// daumNewsPost reads the article's head: title, reporter and press, the times it was sent
// (og:regDate to the second, else 입력) and modified (수정), and the article ID.
func daumNewsPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	head := one(doc, dnHead)
	if head == nil || one(head, dnTitle) == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "div.head_view"}
	p.Title = line(one(head, dnTitle))
	var entered, modified string
	for _, s := range all(head, dnInfo) {
		t := line(s)
		d := one(s, dnDate)
		switch {
		case d != nil && strings.HasPrefix(t, "입력"):
			entered = line(d)
		case d != nil && strings.HasPrefix(t, "수정"):
			modified = line(d)
		case d != nil:
			if entered == "" {
				entered = line(d)
			}
		case p.Author.Nickname == "":
			p.Author.Nickname = t
		}
	}
	press := attr(one(doc, dnPressTag), "content")
	if press == "" {
		press = line(one(doc, dnLogo))
	}
	if press != "" {
		if p.Author.Nickname != "" {
			p.Author.Nickname += " (" + press + ")"
		} else {
			p.Author.Nickname = press
		}
	}
	if v := attr(one(doc, dnRegDate), "content"); v != "" {
		p.Posted = posting.SiteText{Text: v, Source: "meta og:regDate attr:content"}
	} else if entered != "" {
		p.Posted = posting.SiteText{Text: entered, Source: "span.txt_info 입력 span.num_date text"}
	}
	if modified != "" {
		p.Modified = posting.SiteText{Text: modified, Source: "span.txt_info 수정 span.num_date text"}
	}
	if m := daumNewsRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1]
	}
	return p, true
}

var (
	ttBody  = sel("div.body_timetalk")
	ttItems = sel("div.body_timetalk ul > li")
	ttNick  = sel("em.chat_nick")
	ttTime  = sel("span.txt_time")
	ttText  = sel("p.txt_message")
)

// timetalkComments reads the talks of the timetalk frame, oldest first as the chat shows them;
// the SafeBot notice (li.safebot) is not a talk. The markup gives no talk identifiers.
func timetalkComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, ttBody) == nil {
		return nil, false
	}
	var out []posting.SiteComment
	for _, li := range all(doc, ttItems) {
		if classOf(li, "safebot") || one(li, ttNick) == nil {
			continue
		}
		c := posting.SiteComment{Where: "div.body_timetalk li"}
		c.Author.Nickname = line(one(li, ttNick))
		if t := one(li, ttTime); t != nil {
			c.Time = posting.SiteText{Text: line(t), Source: "span.txt_time text"}
		}
		c.Text = block(one(li, ttText))
		out = append(out, c)
	}
	return out, true
}

// daumNewsState recognises Daum's notice in place of an article (the wording is not in the
// public sources; these are Daum's usual phrases).
func daumNewsState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, dnHead) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Daum News shows `, ` in place of the article`, "삭제된 기사입니다", "존재하지 않는 기사입니다", "요청하신 페이지를 찾을 수 없습니다", "기사가 삭제되었거나"); ok {
		return st, true
	}
	return State{}, false
}

// timetalkFinal is when the timetalk left beta and its window became 48 hours (2025-03-31 KST).
var timetalkFinal = time.Date(2025, 3, 31, 0, 0, 0, 0, evidence.KST())

// timetalkStart is when the timetalk replaced Daum's comments (2023-06-08 KST); older comments
// are no longer shown at all.
var timetalkStart = time.Date(2023, 6, 8, 0, 0, 0, 0, evidence.KST())

// timetalkWindow is how long Daum shows an article's timetalk after it was sent at posted.
func timetalkWindow(posted time.Time) time.Duration {
	if posted.Before(timetalkFinal) {
		return 24 * time.Hour
	}
	return 48 * time.Hour
}

// daumNewsClosed are the page's own words for a closed timetalk (not in the public sources:
// OhmyNews saw the area vanish; these are the phrases Daum's notices use).
var daumNewsClosed = []string{"타임톡이 종료되었습니다", "타임톡이 종료된 기사", "종료된 타임톡", "댓글 서비스가 종료"}

// daumNewsLimits says when the article's timetalk was closed to everybody at the capture: by
// the page's own words, else because the capture started after its window.
func daumNewsLimits(doc *html.Node, _ *url.URL, p *evidence.Posting, c Context) []string {
	posted, okPosted := pageTimeUTC(p.Posted)
	started, okStarted := time.Parse(time.RFC3339, c.Started)
	if okPosted && okStarted == nil {
		w := timetalkWindow(posted)
		hours := int(w / time.Hour)
		when := posted.In(evidence.KST()).Format("2006-01-02 15:04 MST")
		switch {
		case posted.Before(timetalkStart):
			return []string{fmt.Sprintf("Daum News no longer shows comments written before its 타임톡 began on 2023-06-08; this article was published at %s, so its comments could not be captured", when)}
		case started.Sub(posted) > w:
			return []string{fmt.Sprintf("Daum News shows an article's comments (타임톡) only for %d hours after publication; this article was published at %s, %s before the capture started, so its comments could not be captured",
				hours, when, roughAge(started.Sub(posted)))}
		}
	}
	t := texts(doc, 1<<16)
	for _, w := range daumNewsClosed {
		if strings.Contains(t, w) {
			return []string{`Daum News says the article's comments (타임톡) are closed ("` + w + `"); they are shown only for a limited time after publication and could not be captured`}
		}
	}
	if !okPosted && one(doc, dnTalk) == nil {
		return []string{"Daum News shows an article's comments (타임톡) only for 24 hours (48 hours since 2025-03-31) after publication; the page shows no 타임톡 and its publication time could not be read, so its comments may have closed before the capture"}
	}
	return nil
}

// pageTimeUTC is the UTC time of t, false when it has none.
func pageTimeUTC(t *evidence.PageTime) (time.Time, bool) {
	if t == nil || t.UTC == "" {
		return time.Time{}, false
	}
	v, err := time.Parse(time.RFC3339, t.UTC)
	return v, err == nil
}

// roughAge says d in days or hours ("3 days", "30 hours").
func roughAge(d time.Duration) string {
	if d >= 72*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d hours", int(d/time.Hour))
}

// daumNewsPrepareJS opens the timetalk (div.inner_ttalk a), whose chat the page loads into the
// frame timetalkFrame, and waits for the frame. It clicks only that control.
const daumNewsPrepareJS = `(async () => {
  const out = {Did: [], Failed: [], Hidden: []};
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const open = document.querySelector("div.inner_ttalk a");
  if (!open) return out;
  // Only the control that opens the chat in this page: no link that loads another one.
  const href = (open.getAttribute("href") || "").trim();
  const target = (open.getAttribute("target") || "").toLowerCase();
  if ((href && !/^(#|javascript:\s*(void\s*\(?\s*0\s*\)?\s*;?|;)?\s*$)/i.test(href)) || (target && target !== "_self")) {
    out.Failed.push("the 타임톡 (timetalk) control is a link to another page; it was not clicked and the talks may be missing");
    return out;
  }
  if (!document.querySelector("iframe[name=timetalkFrame]")) open.click();
  let f = null;
  for (let i = 0; i < 60 && !(f = document.querySelector("iframe[name=timetalkFrame]")); i++) await sleep(50);
  if (!f) { out.Failed.push("the 타임톡 (timetalk) chat did not open; its talks may be missing"); return out; }
  for (let i = 0; i < 60; i++) {
    try { if (f.contentDocument && f.contentDocument.querySelector(".body_timetalk li")) break; } catch (e) { break; }
    await sleep(50);
  }
  out.Did.push("opened the 타임톡 (timetalk) chat, where Daum News shows the article's comments");
  return out;
})()`
