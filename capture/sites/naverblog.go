package sites

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Naver Blog: blog.naver.com/BLOGID/LOGNO and blog.naver.com/PostView.naver?blogId=&logNo=
// (.nhn too), m.blog.naver.com/BLOGID/LOGNO and m.blog.naver.com/PostView.naver?... The
// desktop page is a shell holding iframe#mainFrame with PostView.naver (served from
// blog.naver.com too): the post is read from that frame's document, which the capture marks
// as the main content.
//
// PostView markup (a PostView.naver page of 2023-11 kept in a public repository as a string,
// read through the code index; mikf/gallery-dl gallery_dl/extractor/naverblog.py; scrapers
// in the code index): SmartEditor ONE's div.se-viewer with div.se-documentTitle holding
// div.blog2_series (the category), div.se-module-text.se-title-text (the title),
// div.blog2_container > span.writer > span.nick > a[href=https://blog.naver.com/BLOGID] and
// span.se_publishDate.pcol2 ("2024. 3. 5. 14:22", or "4시간 전" for a recent post), the body
// div.se-main-container with img[data-lazy-src]. Older editors: SE2's div.se_doc_viewer
// (h3.se_textarea) and the oldest div#postViewArea, their date p._postAddDate. The page's
// script sets var blogId = '...', var blogNo = '...', var nickName = '...' (the serialised DOM
// keeps inline scripts' text). Below the post, div.area_comment holds
// a#Comi{LOGNO}.btn_comment._cmtList with em#commentCount._commentCount, the floating bar
// a#btn_comment_2 with em#floating_bottom_commentCount, and the hidden
// div#naverComment_201_{LOGNO}_ct (div.commentbox_header with strong._currentPageNo,
// span._lastPageNo, a._naverCommentPrev/_naverCommentNext; a._naverCommentWriteBtn writes)
// into whose div#naverComment_201_{LOGNO} the cbox module (ticket blog, objectId
// {blogNo}_201_{logNo}, groupId {blogNo}; var naverCommentApiProxyURL
// 'https://apis.naver.com/commentBox/blogid') renders li.u_cbox_comment items, a commenter's
// name being a.u_cbox_name[href=https://blog.naver.com/THEIRID] around span.u_cbox_nick,
// numbered pages a.u_cbox_page > span.u_cbox_num_page. The comment list opens only when the
// button is clicked: Prepare clicks it. Secret comments (비밀 댓글) are shown only to the blog's
// owner and their writer. The restricted and missing pages (m.blog.naver.com's
// div.error_wrap > div.error > h1.error_h1 "이웃에게만 공개된 글입니다.", "서로이웃에게만 공개된
// 게시물입니다.", "비공개 게시물입니다.", "삭제된 게시물입니다."...) come from a public test
// fixture said to match two fetched private posts.
func init() {
	register(&Profile{
		Name:    "naver_blog",
		Site:    "Naver Blog",
		Hosts:   []string{"blog.naver.com", "m.blog.naver.com"},
		Page:    naverBlogPage,
		Prepare: nbPrepareJS,
		Expand:  "a.u_cbox_btn_more, a.u_cbox_btn_reply",
		Reader:  &posting.Site{Post: naverBlogPost, Comments: naverBlogComments},
		State:   naverBlogState,
		Limits:  naverBlogLimits,
	})
}

var (
	nbPathRE     = regexp.MustCompile(`^/([A-Za-z0-9_-]{1,50})/(\d{4,20})/?$`)
	nbPostViewRE = regexp.MustCompile(`^/PostView\.n(?:aver|hn)$`)
)

// naverBlogPage recognises a post: /BLOGID/LOGNO or PostView.naver?blogId=&logNo= on either
// host.
func naverBlogPage(u *url.URL) bool {
	if nbPathRE.MatchString(u.Path) {
		return true
	}
	return nbPostViewRE.MatchString(u.Path) && query(u, "blogId") != "" && query(u, "logNo") != ""
}

var (
	nbViewer     = sel("div.se-viewer, div.se-main-container, div.se_doc_viewer, div#postViewArea")
	nbHead       = sel("div.se-documentTitle, div.se_documentTitle, div.se_title, div.htitle")
	nbTitle      = sel("div.se-title-text, .se_title h3.se_textarea, h3.se_textarea, span.pcol1.itemSubjectfont, .htitle span.pcol1")
	nbNick       = sel("div.blog2_container span.nick, span.writer span.nick, .blog_author .nick, .nick")
	nbNickLink   = sel("a[href]")
	nbDate       = sel("span.se_publishDate, p._postAddDate, span._postAddDate, p.date._postAddDate")
	nbCount      = sel("em#commentCount, em#floating_bottom_commentCount, em._commentCount")
	nbLikes      = sel("div.area_sympathy em.u_cnt._count, div.area_sympathy span.u_cnt._count")
	nbScripts    = sel("script")
	nbBlogIDVar  = regexp.MustCompile(`var\s+blogId\s*=\s*'([A-Za-z0-9_-]{1,50})'`)
	nbNickVar    = regexp.MustCompile(`var\s+nickName\s*=\s*'([^'\\\n]{1,100})'`)
	nbLogNoVar   = regexp.MustCompile(`var\s+logNo\s*=\s*'(\d{4,20})'`)
	nbBlogHostRE = regexp.MustCompile(`^(?:m\.)?blog\.naver\.com$`)
)

// nbScriptVars reads var blogId, var nickName and var logNo from the page's inline scripts.
func nbScriptVars(doc *html.Node) (blogID, nick, logNo string) {
	for _, s := range all(doc, nbScripts) {
		if s.FirstChild == nil || s.FirstChild.Type != html.TextNode {
			continue
		}
		t := s.FirstChild.Data
		if len(t) > 1<<20 {
			t = t[:1<<20]
		}
		if m := nbBlogIDVar.FindStringSubmatch(t); m != nil && blogID == "" {
			blogID = m[1]
		}
		if m := nbNickVar.FindStringSubmatch(t); m != nil && nick == "" {
			nick = posting.CleanLine(m[1])
		}
		if m := nbLogNoVar.FindStringSubmatch(t); m != nil && logNo == "" {
			logNo = m[1]
		}
	}
	return blogID, nick, logNo
}

// nbIDs returns the blog ID and the post's number from the address, else from the script.
func nbIDs(doc *html.Node, base *url.URL) (blogID, logNo string) {
	if base != nil {
		if m := nbPathRE.FindStringSubmatch(base.Path); m != nil && !nbPostViewRE.MatchString(base.Path) {
			blogID, logNo = m[1], m[2]
		} else {
			blogID, logNo = cleanID(query(base, "blogId")), cleanID(query(base, "logNo"))
		}
	}
	sid, _, sno := nbScriptVars(doc)
	if blogID == "" {
		blogID = sid
	}
	if logNo == "" {
		logNo = sno
	}
	return blogID, logNo
}

// naverBlogPost reads the post's head from PostView's document (or the mobile page).
func naverBlogPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	viewer := one(doc, nbViewer)
	if viewer == nil {
		return posting.SitePost{}, false
	}
	head := one(doc, nbHead)
	if head == nil {
		head = doc
	}
	p := posting.SitePost{Where: where(viewer)}
	p.Title = line(one(head, nbTitle))
	if p.Title == "" {
		p.Title = line(one(doc, nbTitle))
	}
	blogID, logNo := nbIDs(doc, base)
	_, nick, _ := nbScriptVars(doc)
	// The writer's nickname, never one inside the comment list (when no head was found and
	// the whole document is searched).
	if n := one(head, nbNick); n != nil && ancestor(n, cboxModule) == nil {
		if t := plain(n); t != "" {
			nick = t
		}
		if a := one(n, nbNickLink); a != nil && blogID == "" {
			blogID = nbBlogIDFromHref(attr(a, "href"))
		}
	}
	p.Author.Nickname = nick
	if blogID != "" {
		p.Author.AccountID = blogID
		p.Author.ProfileURL = "https://blog.naver.com/" + blogID
	}
	if d := one(doc, nbDate); d != nil {
		p.Posted = posting.SiteText{Text: line(d), Source: where(d) + " text"}
	}
	if c := one(doc, nbCount); c != nil {
		if t := line(c); t != "" {
			p.Comments = posting.SiteText{Text: t, Source: where(c)}
		}
	}
	if l := one(doc, nbLikes); l != nil {
		if t := line(l); t != "" {
			p.Likes = posting.SiteText{Text: t, Source: "div.area_sympathy em.u_cnt._count"}
		}
	}
	if blogID != "" && logNo != "" {
		p.PostID = blogID + "/" + logNo
	}
	return p, true
}

// nbBlogIDFromHref returns the blog ID of a link to https://blog.naver.com/BLOGID (or
// PostList.naver?blogId=), "" for any other link.
func nbBlogIDFromHref(h string) string {
	u, err := url.Parse(strings.TrimSpace(h))
	if err != nil || !nbBlogHostRE.MatchString(strings.ToLower(u.Hostname())) {
		return ""
	}
	if id := cleanID(query(u, "blogId")); id != "" {
		return id
	}
	p := strings.Trim(u.Path, "/")
	if p == "" || strings.Contains(p, "/") || strings.Contains(p, ".") {
		return ""
	}
	return cleanID(p)
}

var nbCboxName = sel("a.u_cbox_name[href]")

// naverBlogComments reads the cbox module as news does (cboxComments), and adds what the
// blog's module shows besides: a commenter's name links to their own blog, whose ID is their
// account.
func naverBlogComments(doc *html.Node, base *url.URL) ([]posting.SiteComment, bool) {
	list, ok := cboxComments(doc, base)
	if !ok {
		return nil, false
	}
	items := all(doc, cboxItems)
	if len(items) != len(list) {
		return list, true
	}
	for i, li := range items {
		for _, a := range all(li, nbCboxName) {
			if ancestor(a, cboxItems) != li {
				continue
			}
			if id := nbBlogIDFromHref(attr(a, "href")); id != "" {
				list[i].Author.AccountID = id
				list[i].Author.ProfileURL = "https://blog.naver.com/" + id
			}
			break
		}
	}
	return list, true
}

var nbErrorH1 = sel("div.error_wrap h1.error_h1, div.error h1, h1.error_h1, div.error_content, p.error_desc")

// naverBlogState recognises Naver Blog's notices in place of a post: a deleted or missing
// post, and posts shown only to the blog's neighbours, mutual neighbours or owner. A page with
// the post's markup is the post, whatever else it says.
func naverBlogState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, nbViewer) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<16)
	if h := one(doc, nbErrorH1); h != nil {
		t = line(h) + "\n" + t
	}
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `Naver Blog shows `, ` in place of the post`, "삭제되었거나 존재하지 않는 게시물입니다", "삭제된 게시물입니다", "존재하지 않는 게시물입니다"); ok {
		return st, true
	}
	if st, ok := noticeOf(t, evidence.VerdictLoginWall, evidence.ReasonLoginNotice, `Naver Blog shows `, ` in place of the post: only a logged-in reader the blog allows sees it`, "서로이웃에게만 공개된 게시물입니다", "이웃에게만 공개된 글입니다", "이웃에게만 공개된 게시물입니다", "비공개 게시물입니다", "로그인이 필요합니다"); ok {
		return st, true
	}
	return State{}, false
}

// naverBlogLimits says how many comments are secret (비밀 댓글): Naver Blog shows their text
// only to the blog's owner and the comment's writer.
func naverBlogLimits(_ *html.Node, _ *url.URL, p *evidence.Posting, _ Context) []string {
	n := 0
	for _, c := range p.Comments {
		if c.Hidden && strings.Contains(c.Text, "비밀") {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	what := fmt.Sprintf("%d comments are", n)
	if n == 1 {
		what = "1 comment is"
	}
	return []string{what + ` secret ("비밀 댓글"): Naver Blog shows their text only to the blog's owner and the comment's writer`}
}

// nbPrepareJS opens the post's comment list: PostView keeps div#naverComment_201_{logNo}_ct
// hidden until a#Comi{logNo} (or the floating bar's a#btn_comment_2) is clicked, which loads
// the cbox module. It waits for the list's first items. Its value is {Did, Hidden}.
const nbPrepareJS = `(async () => {
  const out = {Did: [], Failed: [], Hidden: []};
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const box = document.querySelector('div[id^="naverComment_201_"][id$="_ct"]');
  if (!box) return out;
  const logNo = box.id.replace(/^naverComment_201_/, "").replace(/_ct$/, "");
  const shown = () => box.style.display !== "none" && getComputedStyle(box).display !== "none";
  const loaded = () => !!box.querySelector("ul.u_cbox_list, li.u_cbox_comment, .u_cbox_comment_none");
  if (shown() && loaded()) { out.Did.push("the comment list was already open"); return out; }
  const btn = document.getElementById("Comi" + logNo) || document.getElementById("btn_comment_2");
  if (!btn) { out.Failed.push("the comment list is closed and its button (#Comi" + logNo + ") was not found; comments were not opened"); return out; }
  btn.click();
  for (let i = 0; i < 80 && !loaded(); i++) await sleep(50);
  (loaded() ? out.Did : out.Failed).push(loaded() ? "opened the comment list (#" + btn.id + ")" : "clicked #" + btn.id + " but the comment list did not load");
  return out;
})()`
