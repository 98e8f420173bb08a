package pagemeta

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// idParams are the query parameters that carry post, article or comment identifiers on the
// platforms Evidentia captures, matched without regard to case and recorded under the name
// used in the URL.
var idParams = map[string]bool{
	"articleid": true, "aid": true, "oid": true, "no": true, "postid": true, "commentid": true,
	"logno": true, "idxno": true, "wr_id": true, "document_srl": true, "nttid": true,
	"articleno": true, "blogid": true, "clubid": true, "newsid": true, "news_id": true,
}

// idPath is a platform whose URL path holds identifiers.
type idPath struct {
	// host matches the host name (lowercase, without "www.").
	host *regexp.Regexp
	// path matches the path; its submatches are the identifiers named by keys.
	path *regexp.Regexp
	keys []string
}

var idPaths = []idPath{
	{ // https://n.news.naver.com/mnews/article/001/0014567890
		host: regexp.MustCompile(`(^|\.)naver\.com$`),
		path: regexp.MustCompile(`^/(?:mnews/)?article/(?:comment/)?(\d{3})/(\d{6,12})(?:/|$)`),
		keys: []string{"oid", "aid"},
	},
	{ // https://blog.naver.com/someone/223456789012
		host: regexp.MustCompile(`^(m\.)?blog\.naver\.com$`),
		path: regexp.MustCompile(`^/([A-Za-z0-9_-]{1,40})/(\d{6,15})/?$`),
		keys: []string{"blogId", "logNo"},
	},
	{ // https://cafe.naver.com/somecafe/12345
		host: regexp.MustCompile(`^(m\.)?cafe\.naver\.com$`),
		path: regexp.MustCompile(`^/([A-Za-z0-9_-]{1,40})/(\d{1,12})/?$`),
		keys: []string{"cafe", "articleid"},
	},
	{ // https://v.daum.net/v/20240305142201234
		host: regexp.MustCompile(`^(m\.)?v\.daum\.net$`),
		path: regexp.MustCompile(`^/v/([0-9A-Za-z]{6,40})/?$`),
		keys: []string{"daumArticleId"},
	},
	{ // https://x.com/someone/status/1765000000000000000
		host: regexp.MustCompile(`^(mobile\.)?(x|twitter)\.com$`),
		path: regexp.MustCompile(`^/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,25})(?:/|$)`),
		keys: []string{"user", "status"},
	},
	{ // https://www.youtube.com/shorts/abcdefghijk
		host: regexp.MustCompile(`^(m\.)?youtube\.com$`),
		path: regexp.MustCompile(`^/(?:shorts|live|embed)/([A-Za-z0-9_-]{11})(?:/|$)`),
		keys: []string{"v"},
	},
	{ // https://youtu.be/abcdefghijk
		host: regexp.MustCompile(`^youtu\.be$`),
		path: regexp.MustCompile(`^/([A-Za-z0-9_-]{11})/?$`),
		keys: []string{"v"},
	},
	{ // https://www.instagram.com/p/Cabc123/
		host: regexp.MustCompile(`^instagram\.com$`),
		path: regexp.MustCompile(`^/(?:[A-Za-z0-9_.]{1,30}/)?(?:p|reel|tv)/([A-Za-z0-9_-]{5,40})(?:/|$)`),
		keys: []string{"shortcode"},
	},
}

// idsFromURL returns the identifiers in the query and path of the absolute URL raw. Sources
// are source + ":query." + parameter or source + ":path".
func idsFromURL(raw, source string) []postID {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []postID
	if q, err := url.ParseQuery(u.RawQuery); err == nil || len(q) > 0 {
		// Go map order is random: walk the raw query to keep the URL's order.
		for _, pair := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(pair, "=")
			key, err := url.QueryUnescape(k)
			if err != nil || !idParams[strings.ToLower(key)] {
				continue
			}
			if v := q.Get(key); validID(v, 64) {
				out = append(out, postID{key: key, value: v, source: source + ":query." + key})
			}
		}
		if v := q.Get("v"); validID(v, 64) && strings.HasSuffix(strings.ToLower(u.Hostname()), "youtube.com") && u.Path == "/watch" {
			out = append(out, postID{key: "v", value: v, source: source + ":query.v"})
		}
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	for _, p := range idPaths {
		if !p.host.MatchString(host) {
			continue
		}
		m := p.path.FindStringSubmatch(u.EscapedPath())
		if m == nil {
			continue
		}
		for i, key := range p.keys {
			if validID(m[i+1], 64) {
				out = append(out, postID{key: key, value: m[i+1], source: source + ":path"})
			}
		}
		break
	}
	return out
}

// validID reports whether s is a plausible identifier: 1 to max characters without white
// space or control characters.
func validID(s string, max int) bool {
	if s == "" || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}
