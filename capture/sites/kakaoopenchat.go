package sites

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// KakaoTalk open chat: open.kakao.com/o/CODE, the link to a chat room (or an open profile).
// A visitor's browser is shown only the room's card: its name, description, cover, member
// count and host; the messages exist only in the KakaoTalk app (shared notes, sites.md). The
// card's name and description are the page's og:title and og:description, as for any link
// KakaoTalk previews; the card's own markup is not in the public sources, so the profile reads
// the meta first and the card's visible text (a "N명" member count, "방장" host line) second,
// and says in Limits that the messages could not be captured.
func init() {
	register(&Profile{
		Name:   "kakao_openchat",
		Site:   "KakaoTalk open chat",
		Hosts:  []string{"open.kakao.com"},
		Page:   kakaoOpenPage,
		Reader: &posting.Site{Post: kakaoOpenPost, Comments: kakaoOpenComments},
		State:  kakaoOpenState,
		Limits: kakaoOpenLimits,
	})
}

var kakaoOpenRE = regexp.MustCompile(`^/o/([A-Za-z0-9]{4,16})/?$`)

func kakaoOpenPage(u *url.URL) bool { return kakaoOpenRE.MatchString(u.Path) }

var (
	koTitle   = sel(`meta[property="og:title"]`)
	koURL     = sel(`meta[property="og:url"]`)
	koCard    = sel(".wrap_openlink, .openlink_card, .link_openlink, .area_openlink, #openlinkCard")
	koCardTit = sel(".tit_openlink, .tit_card, .link_title, h1, h2, h3, strong")
	koHost    = sel(".txt_host, .host_name, .name_host, .info_host")
	koMembers = regexp.MustCompile(`(?:참여자?|멤버)?\s*([0-9][0-9,]*)\s*명`)
	koHostRE  = regexp.MustCompile(`^(?:방장|호스트)\s*[:·]?\s*(.+)$`)
)

// kakaoOpenPost reads the room's card: title the room's name, author the host where the card
// names one, the post ID the link's code.
func kakaoOpenPost(doc *html.Node, base *url.URL) (posting.SitePost, bool) {
	card := one(doc, koCard)
	title := attr(one(doc, koTitle), "content")
	if card == nil && (title == "" || !kakaoOpenMeta(doc)) {
		return posting.SitePost{}, false
	}
	p := posting.SitePost{Where: "meta og:title"}
	p.Title = title
	if card != nil {
		p.Where = where(card)
		if p.Title == "" {
			p.Title = line(one(card, koCardTit))
		}
		if h := one(card, koHost); h != nil {
			p.Author.Nickname = strings.TrimSpace(koHostRE.ReplaceAllString(line(h), "$1"))
		}
	}
	if m := kakaoOpenRE.FindStringSubmatch(base.Path); m != nil {
		p.PostID = m[1]
	}
	return p, true
}

// kakaoOpenMeta reports whether the page's og:url is an open chat link.
func kakaoOpenMeta(doc *html.Node) bool {
	u, err := url.Parse(attr(one(doc, koURL), "content"))
	return err == nil && strings.EqualFold(u.Hostname(), "open.kakao.com") && strings.HasPrefix(u.Path, "/o/")
}

// kakaoOpenComments: the card has no comments; a recognised card is an empty list, so the
// generic reader does not take the card's lines for comments.
func kakaoOpenComments(doc *html.Node, _ *url.URL) ([]posting.SiteComment, bool) {
	if one(doc, koCard) == nil && !kakaoOpenMeta(doc) {
		return nil, false
	}
	return []posting.SiteComment{}, true
}

// kakaoOpenState recognises a link that no longer leads to a room.
func kakaoOpenState(doc *html.Node, _ *url.URL) (State, bool) {
	if one(doc, koCard) != nil {
		return State{}, false
	}
	t := texts(doc, 1<<14)
	if st, ok := noticeOf(t, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, `KakaoTalk shows `, ` in place of the open chat room`, "유효하지 않은 링크", "존재하지 않는 오픈채팅방", "삭제된 오픈채팅방", "운영정책을 위반하여"); ok {
		return st, true
	}
	return State{}, false
}

// kakaoOpenLimits: only the room's card is public; the messages are in the app only.
func kakaoOpenLimits(doc *html.Node, _ *url.URL, _ *evidence.Posting, _ Context) []string {
	s := "KakaoTalk open chat shows a web visitor only the room's card (its name, description, member count and host); the room's messages exist only in the KakaoTalk app and could not be captured"
	if card := one(doc, koCard); card != nil {
		if m := koMembers.FindStringSubmatch(line(card)); m != nil {
			s += "; the card shows " + m[1] + " members"
		}
	}
	return []string{s}
}
