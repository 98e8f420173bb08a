package sites

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// YouTube: videos (www.youtube.com/watch?v=ID, /shorts/ID, /live/ID, youtu.be/ID,
// m.youtube.com) and community posts (/post/ID, /channel/UC.../community?lb=ID,
// /@handle/community?lb=ID).
//
// The watch page carries its player response inline (yt-dlp yt_dlp/extractor/youtube/_video.py,
// egbertbouman/youtube-comment-downloader downloader.py: `var ytInitialPlayerResponse = {...};`):
// videoDetails.videoId, title, channelId, author, viewCount; microformat.playerMicroformatRenderer
// .uploadDate (ISO, "appears to be in US/Pacific timezone"), publishDate, ownerProfileUrl (the
// @handle); playabilityStatus.status and reason, errorScreen.playerErrorMessageRenderer
// .reason/.subreason and errorScreen.playerCaptchaViewModel for the pages that are not the video
// ("Sign in to confirm you’re not a bot", LOGIN_REQUIRED). The page's meta itemprop uploadDate,
// datePublished, channelId and interactionCount are the fallbacks yt-dlp uses. The profile reads
// the player response only when its videoId is the page's.
//
// The rendered page (userscripts and scrapers found by code search; see the research notes):
// ytd-watch-metadata with #title h1 yt-formatted-string, ytd-video-owner-renderer
// ytd-channel-name a, the description ytd-text-inline-expander#description-inline-expander with
// tp-yt-paper-button#expand (vanyauhalin/.config expand-youtube-description.ts); the like button
// like-button-view-model, whose label yt-dlp reads ("like this video along with N other
// people"). Comments are ytd-comments#comments: ytd-comments-header-renderer #count ("댓글 N개"),
// then ytd-comment-thread-renderer, each holding ytd-comment-view-model (older builds
// ytd-comment-renderer) with a#author-text (href /@handle or /channel/UC...), #content-text and
// #published-time-text a: a relative time ("3일 전", "(수정됨)" when edited) linking to
// /watch?v=ID&lc=COMMENT_ID, a reply's ID being PARENT_ID.REPLY. The page loads the comments
// as they scroll into view and the replies when ytd-comment-replies-renderer #more-replies is
// clicked ("답글 N개"), both by continuations of /youtubei/v1/next (yt-dlp _comment_entries:
// commentThreadRenderer, commentViewModel, continuationItemRenderer, commentEntityPayload).
// Community posts are ytd-backstage-post-thread-renderer with ytd-backstage-post-renderer
// (#author-text, #content-text, #published-time-text a linking to the post, #vote-count-middle).
// A deleted video's page shows "This video isn't available anymore" (div.promo-title in a
// public transcript API's selectors; link checkers quote it). The consent interstitial is
// consent.youtube.com/m?continue=... (yt-dlp youtube:consent).
func init() {
	register(&Profile{
		Name:  "youtube",
		Site:  "YouTube",
		Hosts: []string{"www.youtube.com", "youtube.com", "m.youtube.com", "youtu.be"},
		Page:  ytPage,
		// Only the description's and the comments' own controls; never the like, share or
		// subscribe buttons of ytd-watch-metadata.
		Expand: "ytd-text-inline-expander#description-inline-expander #expand, ytd-watch-metadata tp-yt-paper-button#expand, " +
			"ytd-comment-replies-renderer #more-replies button, ytd-comment-replies-renderer #more-replies-sub-thread button, " +
			"ytd-comment-replies-renderer ytd-continuation-item-renderer button, ytd-comments ytd-continuation-item-renderer #button button, " +
			"ytd-comment-view-model tp-yt-paper-button#more, ytd-comment-renderer tp-yt-paper-button#more, ytd-backstage-post-renderer tp-yt-paper-button#more",
		Reader: &posting.Site{Post: ytPost, Comments: ytComments},
		State:  ytState,
	})
}

var (
	ytVideoIDRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	ytPathIDRE   = regexp.MustCompile(`^/(?:shorts|live|embed)/([A-Za-z0-9_-]{11})/?$`)
	ytPostPathRE = regexp.MustCompile(`^/post/([A-Za-z0-9_-]{8,64})/?$`)
	ytCommRE     = regexp.MustCompile(`^/(?:channel/UC[A-Za-z0-9_-]{22}|@[^/]{1,100}|c/[^/]{1,100}|user/[^/]{1,100})/(?:community|posts)/?$`)
)

// ytPage recognises a video's page and a community post's.
func ytPage(u *url.URL) bool {
	return ytVideoID(u) != "" || ytPostID(u) != ""
}

// ytVideoID is the video the address names, "" for none.
func ytVideoID(u *url.URL) string {
	if u == nil {
		return ""
	}
	if strings.EqualFold(u.Hostname(), "youtu.be") {
		if id := strings.Trim(u.Path, "/"); ytVideoIDRE.MatchString(id) {
			return id
		}
		return ""
	}
	if u.Path == "/watch" || u.Path == "/watch/" {
		if id := query(u, "v"); ytVideoIDRE.MatchString(id) {
			return id
		}
	}
	if m := ytPathIDRE.FindStringSubmatch(u.Path); m != nil {
		return m[1]
	}
	return ""
}

// ytPostID is the community post the address names, "" for none.
func ytPostID(u *url.URL) string {
	if u == nil {
		return ""
	}
	if m := ytPostPathRE.FindStringSubmatch(u.Path); m != nil {
		return m[1]
	}
	if ytCommRE.MatchString(u.Path) {
		return cleanID(query(u, "lb"))
	}
	return ""
}

// ytText is YouTube's text object: simpleText or runs.
type ytText struct {
	SimpleText string `json:"simpleText"`
	Runs       []struct {
		Text string `json:"text"`
	} `json:"runs"`
}

func (t ytText) String() string {
	if t.SimpleText != "" {
		return t.SimpleText
	}
	var b strings.Builder
	for _, r := range t.Runs {
		b.WriteString(r.Text)
	}
	return b.String()
}

// ytPlayer is the part of ytInitialPlayerResponse the profile reads.
type ytPlayer struct {
	PlayabilityStatus struct {
		Status      string `json:"status"`
		Reason      string `json:"reason"`
		ErrorScreen struct {
			PlayerErrorMessageRenderer *struct {
				Reason    ytText `json:"reason"`
				Subreason ytText `json:"subreason"`
			} `json:"playerErrorMessageRenderer"`
			PlayerCaptchaViewModel json.RawMessage `json:"playerCaptchaViewModel"`
		} `json:"errorScreen"`
	} `json:"playabilityStatus"`
	VideoDetails struct {
		VideoID   string `json:"videoId"`
		Title     string `json:"title"`
		ChannelID string `json:"channelId"`
		Author    string `json:"author"`
		ViewCount string `json:"viewCount"`
	} `json:"videoDetails"`
	Microformat struct {
		R struct {
			UploadDate        string `json:"uploadDate"`
			PublishDate       string `json:"publishDate"`
			OwnerProfileURL   string `json:"ownerProfileUrl"`
			ExternalChannelID string `json:"externalChannelId"`
			OwnerChannelName  string `json:"ownerChannelName"`
		} `json:"playerMicroformatRenderer"`
	} `json:"microformat"`
}

// maxPlayerJSON bounds the inline player response the profile parses.
const maxPlayerJSON = 8 << 20

// ytPlayerResponse finds `ytInitialPlayerResponse = {...}` in the page's inline scripts.
func ytPlayerResponse(doc *html.Node) (*ytPlayer, bool) {
	for _, s := range all(doc, sel("script")) {
		if has(s, "src") || s.FirstChild == nil {
			continue
		}
		var b strings.Builder
		for c := s.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		src := b.String()
		i := strings.Index(src, "ytInitialPlayerResponse")
		if i < 0 {
			continue
		}
		rest := src[i+len("ytInitialPlayerResponse"):]
		rest = strings.TrimLeft(rest, " \t\r\n\"']")
		if !strings.HasPrefix(rest, "=") {
			continue
		}
		obj := jsonObject(strings.TrimLeft(rest[1:], " \t\r\n"), maxPlayerJSON)
		if obj == "" {
			continue
		}
		var p ytPlayer
		if json.Unmarshal([]byte(obj), &p) == nil {
			return &p, true
		}
	}
	return nil, false
}

// jsonObject returns the JSON object at the start of s (braces matched outside strings), ""
// when s does not start with one or it is longer than limit.
func jsonObject(s string, limit int) string {
	if !strings.HasPrefix(s, "{") {
		return ""
	}
	depth, inStr, esc := 0, false, false
	for i := 0; i < len(s) && i < limit; i++ {
		c := s[i]
		switch {
		case inStr:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return s[:i+1]
			}
		}
	}
	return ""
}

var (
	ytWatchMeta  = sel("ytd-watch-metadata")
	ytTitle      = sel("ytd-watch-metadata #title h1 yt-formatted-string, ytd-watch-metadata #title h1 yt-attributed-string, ytd-watch-metadata h1")
	ytOwnerName  = sel("ytd-watch-metadata ytd-video-owner-renderer ytd-channel-name a, ytd-watch-metadata #owner ytd-channel-name a, ytd-video-owner-renderer ytd-channel-name a")
	ytLikeButton = sel("ytd-watch-metadata like-button-view-model button, ytd-watch-metadata #segmented-like-button button")
	ytLikeText   = sel("ytd-watch-metadata like-button-view-model .yt-spec-button-shape-next__button-text-content")
	ytCount      = sel("ytd-comments ytd-comments-header-renderer #count")
	ytMeta       = func(name string) string { return `meta[itemprop="` + name + `"]` }

	ytBackstage     = sel("ytd-backstage-post-thread-renderer ytd-backstage-post-renderer, ytd-backstage-post-renderer")
	ytBackAuthor    = sel("#author-text")
	ytBackTime      = sel("#published-time-text a")
	ytBackVotes     = sel("#vote-count-middle")
	ytLikeAlongRE   = regexp.MustCompile(`(?i)along with ([\d,]+) other`)
	ytLikeKoRE      = regexp.MustCompile(`([\d,]+)\s*명`)
	ytChannelPathRE = regexp.MustCompile(`^/channel/(UC[A-Za-z0-9_-]{22})/?`)
	ytHandlePathRE  = regexp.MustCompile(`^/(@[^/?#]{1,100})/?`)
)

// ytPost reads a video's page (the player response, then the rendered metadata) or a community
// post's.
func ytPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	if id := ytVideoID(base); id != "" {
		return ytVideoPost(doc, base, id)
	}
	if id := ytPostID(base); id != "" {
		return ytBackstagePost(doc, base, id)
	}
	return posting.SitePost{}, false
}

func ytVideoPost(doc *html.Node, base *url.URL, id string) (posting.SitePost, bool) {
	pr, okJSON := ytPlayerResponse(doc)
	if okJSON && pr.VideoDetails.VideoID != id {
		okJSON = false // another video's (the page navigated inside itself) or none
	}
	meta := one(doc, ytWatchMeta)
	if !okJSON && meta == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "watch page", PostID: id}
	// The title and the channel's name as the page shows them, else as the player response has them.
	p.Title = line(one(doc, ytTitle))
	if p.Title == "" && okJSON {
		p.Title = posting.CleanLine(pr.VideoDetails.Title)
	}
	p.Author.Nickname = line(one(doc, ytOwnerName))
	if okJSON {
		d, m := pr.VideoDetails, pr.Microformat.R
		if p.Author.Nickname == "" {
			p.Author.Nickname = posting.CleanLine(orStr(d.Author, m.OwnerChannelName))
		}
		p.Author.AccountID = ytChannelID(orStr(d.ChannelID, m.ExternalChannelID))
		p.Author.ProfileURL = ytProfileURL(m.OwnerProfileURL, p.Author.AccountID)
		switch {
		case m.UploadDate != "":
			p.Posted = posting.SiteText{Text: m.UploadDate, Source: "ytInitialPlayerResponse microformat.uploadDate"}
		case m.PublishDate != "":
			p.Posted = posting.SiteText{Text: m.PublishDate, Source: "ytInitialPlayerResponse microformat.publishDate"}
		}
		if digitsOnly(d.ViewCount) {
			p.Views = posting.SiteText{Text: d.ViewCount, Source: "ytInitialPlayerResponse videoDetails.viewCount"}
		}
	}
	if p.Author.AccountID == "" {
		p.Author.AccountID = ytChannelID(attr(one(doc, sel(ytMeta("channelId"))), "content"))
		p.Author.ProfileURL = ytProfileURL("", p.Author.AccountID)
	}
	if p.Posted.Text == "" {
		for _, k := range []string{"uploadDate", "datePublished"} {
			if v := attr(one(doc, sel(ytMeta(k))), "content"); v != "" {
				p.Posted = posting.SiteText{Text: v, Source: "meta itemprop=" + k}
				break
			}
		}
	}
	if p.Views.Text == "" {
		if v := attr(one(doc, sel(ytMeta("interactionCount"))), "content"); digitsOnly(v) {
			p.Views = posting.SiteText{Text: v, Source: "meta itemprop=interactionCount"}
		}
	}
	if b := one(doc, ytLikeButton); b != nil {
		l := attr(b, "aria-label")
		if m := ytLikeAlongRE.FindStringSubmatch(l); m != nil {
			p.Likes = posting.SiteText{Text: m[1], Source: "like-button-view-model button attr:aria-label"}
		} else if m := ytLikeKoRE.FindStringSubmatch(l); m != nil {
			p.Likes = posting.SiteText{Text: m[1], Source: "like-button-view-model button attr:aria-label"}
		}
	}
	if p.Likes.Text == "" {
		if t := line(one(doc, ytLikeText)); t != "" {
			p.Likes = posting.SiteText{Text: t, Source: "like-button-view-model text"}
		}
	}
	if c := one(doc, ytCount); c != nil {
		p.Comments = posting.SiteText{Text: line(c), Source: "ytd-comments-header-renderer #count"}
	}
	return p, true
}

// ytBackstagePost reads a community post: its author, its relative time and its likes.
func ytBackstagePost(doc *html.Node, base *url.URL, id string) (posting.SitePost, bool) {
	post := one(doc, ytBackstage)
	if post == nil {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "ytd-backstage-post-renderer", PostID: id}
	p.Author = ytPerson(one(post, ytBackAuthor), base)
	if t := one(post, ytBackTime); t != nil {
		p.Posted = posting.SiteText{Text: line(t), Source: "#published-time-text a text"}
	}
	p.Likes = posting.SiteText{Text: line(one(post, ytBackVotes)), Source: "#vote-count-middle"}
	if c := one(doc, ytCount); c != nil {
		p.Comments = posting.SiteText{Text: line(c), Source: "ytd-comments-header-renderer #count"}
	}
	return p, true
}

// ytChannelID returns s when it is a channel ID (UC and 22 characters), else "".
func ytChannelID(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 24 && strings.HasPrefix(s, "UC") && cleanID(s) == s {
		return s
	}
	return ""
}

// ytProfileURL is the channel's address: its @handle's (ownerProfileUrl, made https) when
// known, else /channel/ID.
func ytProfileURL(owner, channelID string) string {
	if u, err := url.Parse(strings.TrimSpace(owner)); err == nil && u.Path != "" &&
		(strings.EqualFold(u.Hostname(), "www.youtube.com") || strings.EqualFold(u.Hostname(), "youtube.com")) {
		if m := ytHandlePathRE.FindStringSubmatch(u.Path); m != nil {
			return "https://www.youtube.com/" + m[1]
		}
	}
	if channelID != "" {
		return "https://www.youtube.com/channel/" + channelID
	}
	return ""
}

// ytPerson reads an author link: its text, the channel ID or @handle of its address.
func ytPerson(a *html.Node, base *url.URL) evidence.Person {
	var p evidence.Person
	if a == nil {
		return p
	}
	p.Nickname = line(a)
	href := attr(a, "href")
	if href == "" {
		if in := one(a, sel("a[href]")); in != nil {
			href = attr(in, "href")
		} else if out := ancestor(a, sel("a[href]")); out != nil {
			href = attr(out, "href")
		}
	}
	u, err := url.Parse(href)
	if err != nil || href == "" {
		return p
	}
	if m := ytChannelPathRE.FindStringSubmatch(u.Path); m != nil {
		p.AccountID = m[1]
		p.ProfileURL = "https://www.youtube.com/channel/" + m[1]
	} else if m := ytHandlePathRE.FindStringSubmatch(u.Path); m != nil {
		if h, err := url.PathUnescape(m[1]); err == nil {
			p.AccountID = h
			p.ProfileURL = "https://www.youtube.com/" + m[1]
		}
	}
	return p
}

var (
	ytComments_ = sel("ytd-comments#comments, ytd-comments")
	ytCommentEl = sel("ytd-comment-view-model, ytd-comment-renderer")
	ytThread    = sel("ytd-comment-thread-renderer")
	ytReplies   = sel("ytd-comment-replies-renderer")
	ytTimeLink  = sel("#published-time-text a")
)

// ytComments reads the comment threads the page rendered and the replies it opened.
var (
	ytPublished  = sel("#published-time-text a")
	ytAuthorText = sel("#author-text")
	ytContent    = sel("#content-text")
)

func ytComments(doc *html.Node, base *url.URL) ([]posting.SiteComment, bool) {
	box := one(doc, ytComments_)
	if box == nil {
		return nil, false
	}
	var out []posting.SiteComment
	for _, n := range all(box, ytCommentEl) {
		if ancestor(n, ytCommentEl) != nil {
			continue // a comment's markup inside another's (none on YouTube's pages)
		}
		c := posting.SiteComment{Where: n.Data}
		own := func(s cascadia.Matcher) *html.Node { return ownOf(n, s, ytCommentEl) }
		if a := own(ytPublished); a != nil {
			c.Time = posting.SiteText{Text: line(a), Source: "#published-time-text a text"}
			if u, err := base.Parse(attr(a, "href")); err == nil {
				c.ID = cleanID(query(u, "lc"))
			}
		}
		c.Author = ytPerson(own(ytAuthorText), base)
		c.Text = block(own(ytContent))
		c.ParentID = ytParent(n)
		if c.ParentID == "" && strings.Contains(c.ID, ".") && ancestor(n, ytReplies) != nil {
			c.ParentID = c.ID[:strings.Index(c.ID, ".")]
		}
		out = append(out, c)
	}
	return out, true
}

// ytParent is the ID of the comment n replies to: the top comment of the thread whose replies
// hold n; "" for a top comment.
func ytParent(n *html.Node) string {
	t := ancestor(n, ytThread)
	if t == nil {
		return ""
	}
	top := ytTop(t)
	if top != n {
		if r := ancestor(n, ytReplies); r != nil && ancestor(r, ytThread) == t {
			return ytID(top)
		}
		return ""
	}
	// n opens a thread: a reply when the thread sits in another thread's replies.
	if r := ancestor(t, ytReplies); r != nil {
		if outer := ancestor(r, ytThread); outer != nil {
			return ytID(ytTop(outer))
		}
	}
	return ""
}

// ytTop is the top comment of thread t: its first comment outside its replies.
func ytTop(t *html.Node) *html.Node {
	for _, c := range all(t, ytCommentEl) {
		if ancestor(c, ytThread) != t {
			continue
		}
		if r := ancestor(c, ytReplies); r != nil && ancestor(r, ytThread) == t {
			continue
		}
		return c
	}
	return nil
}

// ytID is the comment ID of comment element c (the lc parameter of its time's link).
func ytID(c *html.Node) string {
	if c == nil {
		return ""
	}
	for _, a := range all(c, ytTimeLink) {
		if ancestor(a, ytCommentEl) != c {
			continue
		}
		if u, err := url.Parse(attr(a, "href")); err == nil {
			return cleanID(query(u, "lc"))
		}
	}
	return ""
}

// ytState recognises YouTube's pages in place of a video: the consent interstitial, the bot
// check, an age or sign-in gate, and a video that is gone.
func ytState(doc *html.Node, u *url.URL) (State, bool) {
	if u != nil && strings.EqualFold(u.Hostname(), "consent.youtube.com") {
		return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonConsent,
			Detail: "YouTube sent the browser to its cookie consent page (consent.youtube.com" + u.EscapedPath() +
				") in place of the video; it asks to accept or reject cookies before showing anything"}, true
	}
	var why []string
	captcha := false
	if pr, ok := ytPlayerResponse(doc); ok {
		ps := pr.PlayabilityStatus
		id := ytVideoID(u)
		if (id == "" || pr.VideoDetails.VideoID == "" || pr.VideoDetails.VideoID == id) && ps.Status != "" && ps.Status != "OK" {
			why = append(why, ps.Reason)
			if r := ps.ErrorScreen.PlayerErrorMessageRenderer; r != nil {
				why = append(why, r.Reason.String(), r.Subreason.String())
			}
			captcha = len(ps.ErrorScreen.PlayerCaptchaViewModel) > 0 && string(ps.ErrorScreen.PlayerCaptchaViewModel) != "null"
			if st, ok := ytClassify(strings.Join(why, " "), ps.Status, captcha); ok {
				return st, true
			}
		}
	}
	// No player response (or one that plays): the error the page shows.
	var shown []string
	for _, n := range all(doc, sel("#error-screen #reason, yt-playability-error-supported-renderers #reason, div.promo-title, #error-screen #subreason, yt-playability-error-supported-renderers #subreason, div.promo-body")) {
		if t := line(n); t != "" {
			shown = append(shown, t)
		}
	}
	if len(shown) > 0 {
		return ytClassify(strings.Join(shown, " "), "", false)
	}
	if one(doc, ytWatchMeta) == nil && one(doc, ytBackstage) == nil {
		t := ytNorm(texts(doc, 1<<16))
		if st, ok := noticeOf(t, evidence.VerdictBlocked, evidence.ReasonCaptcha, `YouTube shows its bot check `, ` in place of the video`, "Sign in to confirm you're not a bot", "로그인하여 봇이 아님을 확인하세요"); ok {
			return st, true
		}
	}
	return State{}, false
}

// ytNorm makes the typographic apostrophe YouTube uses ("you’re") plain.
func ytNorm(s string) string { return strings.ReplaceAll(s, "’", "'") }

// ytClassify judges the reason YouTube gives for not showing the video.
func ytClassify(reason, status string, captcha bool) (State, bool) {
	r := posting.CleanLine(ytNorm(reason))
	if r == "" && !captcha {
		return State{}, false
	}
	lr := strings.ToLower(r)
	q := `"` + r + `"`
	switch {
	case captcha || strings.Contains(lr, "not a bot") || strings.Contains(r, "봇이 아님"):
		return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonCaptcha,
			Detail: "YouTube shows its bot check in place of the video: " + q}, true
	case strings.Contains(lr, "confirm your age") || strings.Contains(r, "연령"):
		return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonAgeGate,
			Detail: "YouTube asks to sign in to confirm the viewer's age: " + q}, true
	case strings.Contains(lr, "private video") || strings.Contains(lr, "video is private") || strings.Contains(r, "비공개"):
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginNotice,
			Detail: "YouTube says the video is private (only accounts the owner allowed can see it): " + q}, true
	}
	if strings.Contains(lr, "in your country") || strings.Contains(r, "국가") {
		return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonAccessDenied,
			Detail: "YouTube does not show the video in the capture's region: " + q}, true
	}
	// Removed for good: said in so many words.
	for _, w := range []string{"isn't available anymore", "no longer available", "has been removed", "removed by the uploader",
		"account associated with this video has been terminated", "더 이상 볼 수 없", "삭제된 동영상", "삭제되었습니다"} {
		if strings.Contains(lr, w) {
			return State{Verdict: evidence.VerdictDeleted, Code: evidence.ReasonDeletedNotice,
				Detail: "YouTube shows in place of the video: " + q}, true
		}
	}
	// "Video unavailable" alone is also what YouTube shows for a video blocked or limited for
	// this visitor: not a deletion.
	for _, w := range []string{"video unavailable", "video is unavailable", "사용할 수 없"} {
		if strings.Contains(lr, w) {
			return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonAccessDenied,
				Detail: "YouTube shows \"video unavailable\" in place of the video (it says so for removed videos and for videos blocked or limited for this visitor alike): " + q}, true
		}
	}
	switch status {
	case "LOGIN_REQUIRED":
		return State{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginNotice,
			Detail: "YouTube asks to sign in before it shows the video: " + q}, true
	case "ERROR", "UNPLAYABLE":
		return State{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonAccessDenied,
			Detail: "YouTube does not play the video to this visitor (it may be limited by region or otherwise): " + q}, true
	}
	return State{}, false
}

func orStr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func digitsOnly(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
