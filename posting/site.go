package posting

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// Site is the exact reader of one site's markup: a site profile's part of the posting record
// (see package capture/sites). Extract calls it on each parsed document; what it returns is
// cleaned and capped like everything else read from the page, and its times are resolved by
// Extract's clock. A Site never keeps the nodes it is given.
//
// A Site is used only when its Post recognises the post's document (the main document, or
// the frame holding the main content): then the post's fields it gives win over the generic
// reader's (the page metadata's stay where it gives none), and the comments of every document
// its Comments recognises are its comments only. When Post does not recognise the post's
// document (the site changed its markup), nothing of the Site is used: the generic reading
// stands, the record's Platform stays "generic" and a note says the profile did not match.
type Site struct {
	// Platform names the site family; it becomes evidence.Posting.Platform when the Site
	// recognised the post.
	Platform string
	// Name is the site's name for people ("DC Inside"), used in notes.
	Name string
	// Post reads the post's own fields from the document holding the post; ok is false when
	// the document does not have the site's post markup. base, the document's address, is
	// never nil (an empty URL when the document has no usable one).
	Post func(doc *html.Node, base *url.URL) (post SitePost, ok bool)
	// Comments reads the comments one document shows, in page order; ok is false when the
	// document has none of the site's comment markup (a list the site shows empty is ok with
	// no comments).
	Comments func(doc *html.Node, base *url.URL) (comments []SiteComment, ok bool)
}

// SiteText is a value as the page shows it and where it was read ("attr:title",
// "markup:span.date_time").
type SiteText struct {
	Text   string
	Source string
}

// SitePost is the post's own fields as a Site reads them; empty fields were not found.
type SitePost struct {
	// Where names the element the post was read at ("div.gallview_head").
	Where    string
	PostID   string
	Title    string
	Author   evidence.Person
	Posted   SiteText
	Modified SiteText
	// Views, Likes and Comments are counts as shown ("조회 1,234", "12").
	Views, Likes, Comments SiteText
}

// SiteComment is one comment as a Site reads it.
type SiteComment struct {
	// ID is the site's identifier of the comment; ParentID its parent's, "" for a top-level
	// comment.
	ID, ParentID string
	// ParentIndex is, for a site that shows no identifiers of its comments, the position in
	// the list returned (1 for the first) of the comment this one replies to, 0 for none;
	// only an earlier comment counts, and ParentID wins when both are given.
	ParentIndex int
	Author      evidence.Person
	Time        SiteText
	Text        string
	Deleted     bool
	Hidden      bool
	// Where names the markup it was read from ("li.ub-content").
	Where string
}

// Text returns the visible text of n as the generic reader reads it: block elements and <br>
// become line breaks, scripts, styles, buttons and control characters are left out, empty
// lines dropped. It reads about limit bytes at most. For site readers.
func Text(n *html.Node, limit int) string { return text(n, limit, nil) }

// Line returns the visible text of n on one line (see Text).
func Line(n *html.Node, limit int) string { return line(n, limit, nil) }

// MaskedIP returns s without its parentheses when it is a partial address as boards show it
// ("(121.134)", "121.♡.34.56"), else "".
func MaskedIP(s string) string { return maskedIP(s) }

// siteComments converts what x.in.Site read from document i into raw comments.
func (x *extractor) siteComments(doc *html.Node, base *url.URL, i, limit int) ([]*rawComment, bool) {
	s := x.in.Site
	if s == nil || s.Comments == nil || !x.siteRead {
		return nil, false
	}
	list, ok := s.Comments(doc, orEmpty(base))
	if !ok {
		return nil, false
	}
	out := make([]*rawComment, 0, min(len(list), limit))
	for k, sc := range list {
		if len(out) >= limit {
			break
		}
		rc := &rawComment{kind: "site", source: "site:" + s.Platform + " " + orDefault(sc.Where, "markup"),
			key: "d" + strconv.Itoa(i) + ".s" + strconv.Itoa(k)}
		rc.siteID = siteID(sc.ID)
		if p := siteID(sc.ParentID); p != "" && p != rc.siteID {
			rc.parentSiteID = p
		} else if p == "" && sc.ParentIndex > 0 && sc.ParentIndex <= k {
			rc.parentKey = "d" + strconv.Itoa(i) + ".s" + strconv.Itoa(sc.ParentIndex-1)
		}
		rc.c.Author = cleanPerson(sc.Author)
		if sc.Time.Text != "" {
			rc.c.Time = x.ck.resolve(sc.Time.Text, orDefault(sc.Time.Source, "text"))
		}
		rc.c.Text, rc.cut = cappedBlock(sc.Text, maxText)
		rc.c.Deleted, rc.c.Hidden = sc.Deleted, sc.Hidden
		markState(&rc.c)
		out = append(out, rc)
	}
	return out, true
}

// sitePost reads the post with x.in.Site from the post's document; siteRead says whether
// it recognised it: only then are the site's readings used, of the post and the comments.
func (x *extractor) sitePost() {
	s := x.in.Site
	if s == nil || s.Post == nil {
		return
	}
	m := x.mainDoc()
	if m < 0 {
		return
	}
	x.sitePosted, x.siteRead = s.Post(x.parsed[m], orEmpty(parseBase(x.in.Docs[m].URL, x.in.PageURL)))
}

// applySitePost applies the post's fields x.in.Site read (sitePost) over the generic ones.
func (x *extractor) applySitePost() {
	if !x.siteRead {
		return
	}
	s, sp := x.in.Site, x.sitePosted
	where := "site:" + s.Platform + " " + orDefault(sp.Where, "markup")
	set := func(dst *string, v string, max int, field string) {
		if v, _ = capped(v, max); v != "" {
			*dst = v
			x.source(field, where)
		}
	}
	set(&x.p.PostID, sp.PostID, maxID, "post_id")
	set(&x.p.Title, sp.Title, maxTitle, "title")
	a := cleanPerson(sp.Author)
	if a.Nickname != "" && x.p.Author.Nickname != "" && x.p.Author.Nickname != a.Nickname {
		x.note("the page metadata names the author %q, the %s markup %q; the markup's is kept", x.p.Author.Nickname, s.Name, a.Nickname)
	}
	set(&x.p.Author.Nickname, a.Nickname, maxName, "author.nickname")
	set(&x.p.Author.AccountID, a.AccountID, maxID, "author.account_id")
	set(&x.p.Author.MaskedIP, a.MaskedIP, maxID, "author.masked_ip")
	set(&x.p.Author.ProfileURL, a.ProfileURL, maxURL, "author.profile_url")
	for _, t := range []struct {
		dst   **evidence.PageTime
		v     SiteText
		field string
	}{{&x.p.Posted, sp.Posted, "posted"}, {&x.p.Modified, sp.Modified, "modified"}} {
		if t.v.Text == "" {
			continue
		}
		pt := x.ck.resolve(t.v.Text, where+" "+orDefault(t.v.Source, "text"))
		if pt.KST == "" && *t.dst != nil && (*t.dst).KST != "" {
			continue // the metadata's time parsed; the markup's did not
		}
		*t.dst = pt
		x.source(t.field, pt.Source)
	}
	for _, c := range []struct {
		kind countKind
		v    SiteText
	}{{kindViews, sp.Views}, {kindLikes, sp.Likes}, {kindComments, sp.Comments}} {
		t := cleanLine(c.v.Text)
		if t == "" {
			continue
		}
		n, ok := parseCount(t)
		if !ok {
			n, ok = countFromText(t, c.kind)
		}
		if ok {
			*x.counts.slot(c.kind) = nil
			x.counts.set(c.kind, n, t, where+" "+orDefault(c.v.Source, "text"))
		}
	}
}

// siteNote says, when a Site was given and read nothing, that the generic reader was used.
func (x *extractor) siteNote() {
	s := x.in.Site
	if s == nil {
		return
	}
	if x.siteRead {
		x.p.Platform = s.Platform
		return
	}
	x.note("the page is on %s, but its markup did not match the %s profile (the site may have changed it); the generic reader was used", s.Name, s.Name)
}

// cleanPerson cleans and caps a person a Site read.
func cleanPerson(p evidence.Person) evidence.Person {
	var out evidence.Person
	out.Nickname, _ = capped(p.Nickname, maxName)
	if id := strings.TrimSpace(p.AccountID); validID(id) {
		out.AccountID, _ = capped(id, maxID)
	}
	out.MaskedIP = maskedIP(p.MaskedIP)
	if u := strings.TrimSpace(p.ProfileURL); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		out.ProfileURL, _ = capped(u, maxURL)
	}
	return out
}

// siteID returns s as a comment identifier, "" when it is none.
func siteID(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxID || !validID(s) {
		return ""
	}
	return s
}

// CleanLine returns s on one line as every value of the record is: invalid UTF-8 replaced,
// control, bidirectional and zero-width characters removed, white space collapsed.
func CleanLine(s string) string { return cleanLine(s) }

// orEmpty is u, or an empty URL for a nil u: a Site is never given a nil address.
func orEmpty(u *url.URL) *url.URL {
	if u == nil {
		return &url.URL{}
	}
	return u
}

// Selector names n for a Source as the record's own sources do: its tag, then #id or its
// first class ("span.u_cbox_count"), cleaned.
func Selector(n *html.Node) string { return selector(n) }
