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

// Telegram: the public web preview of a channel, t.me/s/CHANNEL (and telegram.me), one post
// highlighted in it, t.me/s/CHANNEL/ID, and one post's embed, t.me/CHANNEL/ID?embed=1.
// The plain t.me/CHANNEL/ID page shows the post inside a frame of its embed and is captured the
// generic way; t.me/s/CHANNEL/ID gives the same post with this profile.
//
// Markup (JustAnotherArchivist/snscrape snscrape/modules/telegram.py, medialab/minet
// minet/telegram/scraper.py, webrecorder/browsertrix-behaviors src/site/telegram.ts, read
// only): section.tgme_channel_history holds div.tgme_widget_message[data-post="chan/123"];
// a.tgme_widget_message_owner_name in div.tgme_widget_message_author names the channel and
// span.tgme_widget_message_from_author a post's signed author; div.tgme_widget_message_text
// is the text; div.tgme_widget_message_footer a.tgme_widget_message_date[href] > time[datetime]
// the time; span.tgme_widget_message_views the views ("12.4K"); span.tgme_widget_message_meta
// says "edited"; service messages (div.service_message) are skipped. The channel's head is
// div.tgme_channel_info (.tgme_channel_info_header_title, .tgme_channel_info_header_username,
// div.tgme_channel_info_counter with span.counter_value and span.counter_type). Older posts
// load from a.tme_messages_more[data-before] at the top (scrolling up). The embed of a deleted
// or unknown post is div.tgme_widget_message_error "Post not found".
//
// What is recorded: a URL naming a post records that post (the channel is its author, a signed
// author in the nickname) and no comments: a channel's discussion comments are not on the web
// preview (only in the app), which the record cannot tell from a post without any. A channel
// URL records the channel as the posting (its title and @name) and every post the preview
// shows as a comment, numbered by its post number, so that each is kept with its own time
// and text; when the preview has older posts to load, a site_limit says the record holds
// only the latest.
func init() {
	register(&Profile{
		Name:   "telegram",
		Site:   "Telegram",
		Hosts:  []string{"t.me", "telegram.me", "www.telegram.me"},
		Page:   tgPage,
		Reader: &posting.Site{Post: tgPost, Comments: tgComments},
		State:  tgState,
		Limits: tgLimits,
	})
}

var (
	tgPreviewRE = regexp.MustCompile(`^/s/([A-Za-z0-9_]{3,64})(?:/(\d{1,12}))?/?$`)
	tgPostRE    = regexp.MustCompile(`^/([A-Za-z0-9_]{3,64})/(\d{1,12})/?$`)
	tgDataPost  = regexp.MustCompile(`^([A-Za-z0-9_]{3,64})/(\d{1,12})$`)
)

// tgTarget returns the channel and the post number the address names ("" for a channel).
func tgTarget(u *url.URL) (channel, post string, ok bool) {
	m := tgPreviewRE.FindStringSubmatch(u.Path)
	if m == nil {
		if m = tgPostRE.FindStringSubmatch(u.Path); m == nil || query(u, "embed") == "" {
			return "", "", false
		}
	}
	if tgReserved[strings.ToLower(m[1])] {
		return "", "", false
	}
	return m[1], m[2], true
}

// tgReserved are t.me's own first path segments, never a channel's name.
var tgReserved = map[string]bool{"joinchat": true, "addstickers": true, "addemoji": true, "share": true, "proxy": true,
	"socks": true, "iv": true, "login": true, "contact": true, "addlist": true, "boost": true, "bg": true,
	"setlanguage": true, "confirmphone": true, "invoice": true, "addtheme": true, "s": true, "c": true, "k": true, "a": true}

func tgPage(u *url.URL) bool {
	_, _, ok := tgTarget(u)
	return ok
}

var (
	tgMessage    = sel("div.tgme_widget_message[data-post]")
	tgMore       = sel("a.tme_messages_more[data-before]")
	tgOwner      = sel("a.tgme_widget_message_owner_name")
	tgFromAuthor = sel(".tgme_widget_message_from_author")
	tgText       = sel("div.tgme_widget_message_text")
	tgDate       = sel("a.tgme_widget_message_date time[datetime], .tgme_widget_message_date time[datetime], time[datetime]")
	tgViews      = sel("span.tgme_widget_message_views")
	tgInfo       = sel("div.tgme_channel_info")
	tgInfoTitle  = sel(".tgme_channel_info_header_title")
	tgInfoUser   = sel(".tgme_channel_info_header_username")
	tgHistory    = sel("section.tgme_channel_history")
	tgError      = sel("div.tgme_widget_message_error")
)

// tgMessages returns the posts of the document (not service messages), by channel/number.
func tgMessages(doc *html.Node) []*html.Node {
	var out []*html.Node
	for _, m := range all(doc, tgMessage) {
		if !classOf(m, "service_message") && tgDataPost.MatchString(attr(m, "data-post")) {
			out = append(out, m)
		}
	}
	return out
}

// tgFind returns the post chan/no of the document, nil when it does not show it.
func tgFind(doc *html.Node, channel, no string) *html.Node {
	for _, m := range tgMessages(doc) {
		if strings.EqualFold(attr(m, "data-post"), channel+"/"+no) {
			return m
		}
	}
	return nil
}

// tgChannelPerson is the channel as an author: its @name, title and address.
func tgChannelPerson(channel, title string) evidence.Person {
	p := evidence.Person{Nickname: title, AccountID: cleanID(channel)}
	if p.AccountID != "" {
		p.ProfileURL = "https://t.me/" + p.AccountID
	}
	return p
}

// tgChannelOf returns the channel name of a t.me link ("https://t.me/chan" -> "chan").
func tgChannelOf(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if h != "t.me" && h != "telegram.me" {
		return ""
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(seg) == 0 || seg[0] == "s" && len(seg) > 1 {
		if len(seg) > 1 {
			return cleanID(seg[1])
		}
		return ""
	}
	return cleanID(seg[0])
}

// tgMessagePerson is who a post shows as its author: the channel (owner name link), with the
// signed author's name when the channel signs posts.
func tgMessagePerson(m *html.Node, channel string) evidence.Person {
	owner := one(m, tgOwner)
	name := line(owner)
	if ch := tgChannelOf(attr(owner, "href")); ch != "" {
		channel = ch
	}
	p := tgChannelPerson(channel, name)
	if from := line(one(m, tgFromAuthor)); from != "" {
		if p.Nickname != "" {
			p.Nickname = from + " (" + p.Nickname + ")"
		} else {
			p.Nickname = from
		}
	}
	return p
}

func tgTime(m *html.Node) posting.SiteText {
	if t := one(m, tgDate); t != nil {
		if v := attr(t, "datetime"); v != "" {
			return posting.SiteText{Text: v, Source: "time attr:datetime"}
		}
		return posting.SiteText{Text: line(t), Source: "time text"}
	}
	return posting.SiteText{}
}

// tgPost reads the post the address names, or the channel's head for a channel address.
func tgPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	channel, no, ok := tgTarget(base)
	if !ok {
		return posting.SitePost{}, false
	}
	if no != "" {
		m := tgFind(doc, channel, no)
		if m == nil {
			return posting.SitePost{}, false
		}
		ch, _, _ := strings.Cut(attr(m, "data-post"), "/")
		p := posting.SitePost{Where: "div.tgme_widget_message[data-post]", PostID: ch + "/" + no}
		p.Author = tgMessagePerson(m, ch)
		p.Posted = tgTime(m)
		if v := line(one(m, tgViews)); v != "" {
			p.Views = posting.SiteText{Text: v, Source: "span.tgme_widget_message_views"}
		}
		return p, true
	}
	info := one(doc, tgInfo)
	if info == nil || one(doc, tgHistory) == nil {
		return posting.SitePost{}, false
	}
	title := line(one(info, tgInfoTitle))
	p := posting.SitePost{Where: "div.tgme_channel_info", PostID: channel, Title: title}
	user := strings.TrimPrefix(line(one(info, tgInfoUser)), "@")
	if cleanID(user) == "" {
		user = channel
	}
	p.Author = tgChannelPerson(user, title)
	return p, true
}

// tgComments reads, for a channel address, every post the preview shows (oldest first, as
// the page lists them); for a post's address none: the web preview shows no discussion.
func tgComments(doc *html.Node, base *url.URL) ([]posting.SiteComment, bool) {
	channel, no, ok := tgTarget(base)
	if !ok {
		return nil, false
	}
	if no != "" {
		if tgFind(doc, channel, no) == nil {
			return nil, false
		}
		return []posting.SiteComment{}, true
	}
	if one(doc, tgHistory) == nil {
		return nil, false
	}
	out := []posting.SiteComment{}
	for _, m := range tgMessages(doc) {
		ch, n, _ := strings.Cut(attr(m, "data-post"), "/")
		c := posting.SiteComment{ID: n, Where: "div.tgme_widget_message[data-post]"}
		c.Author = tgMessagePerson(m, ch)
		c.Time = tgTime(m)
		c.Text = block(one(m, tgText))
		out = append(out, c)
	}
	return out, true
}

// tgState recognises the embed's "Post not found", and a post missing from the channel's
// preview while both its neighbours are shown, the one before it not an album.
func tgState(doc *html.Node, u *url.URL) (State, bool) {
	if e := one(doc, tgError); e != nil && len(tgMessages(doc)) == 0 {
		return State{Verdict: evidence.VerdictDeleted, Code: evidence.ReasonDeletedNotice,
			Detail: `Telegram shows "` + line(e) + `" in place of the post`}, true
	}
	channel, no, ok := tgTarget(u)
	if !ok || no == "" || one(doc, tgHistory) == nil || tgFind(doc, channel, no) != nil {
		return State{}, false
	}
	// Telegram numbers a channel's posts one by one: a post whose two neighbours are both
	// shown, the one before it a single post (an album takes several numbers under one), and
	// which is not shown itself, was deleted.
	want, _ := strconv.Atoi(no)
	var prev, next *html.Node
	for _, m := range all(doc, tgMessage) {
		ch, n, _ := strings.Cut(attr(m, "data-post"), "/")
		if !strings.EqualFold(ch, channel) {
			continue
		}
		switch k, _ := strconv.Atoi(n); k {
		case want - 1:
			prev = m
		case want + 1:
			next = m
		}
	}
	if prev != nil && next != nil && one(prev, tgGrouped) == nil {
		return State{Verdict: evidence.VerdictDeleted, Code: evidence.ReasonDeletedNotice,
			Detail: "Telegram's preview of " + channel + " shows posts " + strconv.Itoa(want-1) + " and " + strconv.Itoa(want+1) + " but not post " + no + " between them: it was deleted"}, true
	}
	return State{}, false
}

var tgGrouped = sel(".tgme_widget_message_grouped_wrap, .tgme_widget_message_grouped")

// tgLimits says what the web preview of a channel leaves out: the older posts it would load
// as the page is scrolled up (its a.tme_messages_more link, a link to another page the
// expansion does not follow).
func tgLimits(doc *html.Node, u *url.URL, _ *evidence.Posting, _ Context) []string {
	_, no, ok := tgTarget(u)
	if !ok || no != "" || one(doc, tgMore) == nil {
		return nil
	}
	return []string{"Telegram's web preview of a channel shows its latest posts only; the older ones were not loaded, so the record holds the posts the page showed"}
}
