// Package sites holds the site profiles: what Evidentia knows about each site where election
// slander is posted (DC Inside, Naver News, ...). A profile recognises the site's posting
// pages by host and path, prepares a page before it is expanded (a comment filter switched
// off), names the site's own expansion controls, reads the posting record exactly from the
// site's markup (posting.Site) and recognises the site's own deletion notices, login walls
// and bot checks for the completeness verdict.
//
// A new site is one file: a Profile passed to register in its init function, and one
// fixture under testdata/ with its test. A profile uses only the page's own DOM and the
// requests the page makes itself; everything it reads came from the page and is untrusted.
//
// When a profile's page does not have the markup it knows (the site changed), the capture
// falls back to the generic reader and says so in the method and the verdict.
package sites

import (
	"net"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/html"

	"evidentia/evidence"
	"evidentia/posting"
)

// Profile is what Evidentia knows about one site.
type Profile struct {
	// Name names the profile; it is the posting record's Platform ("dcinside").
	Name string
	// Site is the site's name for people ("DC Inside").
	Site string
	// Hosts are the host names the profile serves: exact ("gall.dcinside.com") or a domain
	// and its subdomains ("*.dcinside.com").
	Hosts []string
	// Page reports whether u (on one of Hosts) is a posting page the profile reads; nil for
	// every page of the hosts. On other pages of its hosts the profile is not used.
	Page func(u *url.URL) bool
	// Prepare is a script run in the page (and in its frames on the same hosts) after it
	// loaded and scrolled, before expansion. Its value is {Did, Failed, Hidden}: what it did
	// and what it could not do, in plain English ("switched the CleanBot filter off"; each
	// failure is a site_preparation_failed reason of the verdict), and the IDs of the comments
	// the site had hidden. It must not navigate away.
	Prepare string
	// Expand is a CSS selector list of the site's own expansion controls ("더보기", "답글"):
	// the generic expansion clicks them even where its vocabulary would not, and still
	// refuses what would vote, report, write or leave the page.
	Expand string
	// Refuse is a CSS selector list of controls the expansion must never click on this site,
	// whatever their label (X's "Show more" on a reply opens that reply in place of the post).
	// They are counted as refused ("site_rule").
	Refuse string
	// Frames are the ids of the frames that hold the post ("cafe_main"): such a frame is the
	// page's main content even when the outer page holds more text (menus, lists).
	Frames []string
	// Reader reads the posting record from the site's markup; register sets its Platform and
	// Name to the profile's Name and Site.
	Reader *posting.Site
	// State recognises, in the document holding the post, a page of the site's own that is
	// not the posting (deleted, login wall, bot check); ok is false for a posting page. u is
	// the address the page ended at, never nil (empty when unknown), as for Limits.
	State func(doc *html.Node, u *url.URL) (s State, ok bool)
	// Limits says what the site withholds from a visitor (comments closed after a time, a
	// chat room shown as its card only); each is a site_limit reason of the verdict.
	Limits func(doc *html.Node, u *url.URL, p *evidence.Posting, c Context) []string
}

// Context is what a profile's Limits may know of the capture.
type Context struct {
	// Started is when the capture started (RFC 3339 UTC), "" when unknown.
	Started string
}

// State is a page of the site's own that is not the posting.
type State struct {
	Verdict evidence.Verdict // VerdictDeleted, VerdictLoginWall or VerdictBlocked
	Code    string           // a reason code (evidence.ReasonDeletedNotice...)
	Detail  string           // what the page shows, in plain English with its words quoted
}

var registry []*Profile

// register adds p; it panics on a profile without a name, site or hosts, or a host already
// registered (a programming error, found by the tests).
func register(p *Profile) {
	if p.Name == "" || p.Site == "" || len(p.Hosts) == 0 || p.Reader == nil {
		panic("sites: incomplete profile " + p.Name)
	}
	for _, o := range registry {
		for _, h := range o.Hosts {
			for _, k := range p.Hosts {
				if h == k {
					panic("sites: host " + h + " in " + o.Name + " and " + p.Name)
				}
			}
		}
	}
	// The reader names the platform and the site as the profile does.
	p.Reader.Platform, p.Reader.Name = p.Name, p.Site
	registry = append(registry, p)
}

// All returns every profile, by name.
func All() []*Profile {
	out := append([]*Profile(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// For returns the profile for the page at rawURL, nil when no profile serves it (another
// site, or a page of the site that is not a posting page).
func For(rawURL string) *Profile {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); ip != nil {
		return nil
	}
	host = strings.TrimSuffix(host, ".")
	var best *Profile
	bestLen := -1
	for _, p := range registry {
		for _, h := range p.Hosts {
			n := hostMatch(h, host)
			if n > bestLen && (p.Page == nil || p.Page(u)) {
				best, bestLen = p, n
			}
		}
	}
	return best
}

// hostMatch returns how exactly pattern matches host: its length for a match (an exact name
// beats a wildcard), -1 for none.
func hostMatch(pattern, host string) int {
	if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
		if host == suffix || strings.HasSuffix(host, "."+suffix) {
			return len(suffix)
		}
		return -1
	}
	if host == pattern {
		return len(pattern) + 1000
	}
	return -1
}

// Serves reports whether p serves the host of u (any page of it).
func (p *Profile) Serves(u *url.URL) bool {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, h := range p.Hosts {
		if hostMatch(h, host) >= 0 {
			return true
		}
	}
	return false
}

// notice returns the State v with reason code when the visible text of doc (its first 64 KiB)
// shows one of words: the first found, quoted in the detail with the site's name.
func notice(doc *html.Node, site string, v evidence.Verdict, code string, words ...string) (State, bool) {
	return noticeOf(texts(doc, 1<<16), v, code, site+" shows ", " in place of the posting", words...)
}

// noticeOf returns the State v with reason code when text t holds one of words: the first of
// them found, quoted between before and after in the detail.
func noticeOf(t string, v evidence.Verdict, code, before, after string, words ...string) (State, bool) {
	for _, w := range words {
		if strings.Contains(t, w) {
			return State{Verdict: v, Code: code, Detail: before + `"` + w + `"` + after}, true
		}
	}
	return State{}, false
}
