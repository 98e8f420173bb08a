package wacz

import (
	"encoding/base64"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

var wwwPrefix = regexp.MustCompile(`^(https?://)www\d*\.`)

// whatwgHost maps a host the way a WHATWG URL parser does (UTS #46, non-transitional, no
// STD3 rules), to its ASCII (punycode) form.
var whatwgHost = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false), idna.CheckHyphens(false), idna.BidiRule())

// SURT returns the Sort-friendly URI Reordering Transform of an http(s) URL, the index key of
// a CDXJ line, exactly as webrecorder's warcio.js (getSurt, used by ReplayWeb.page and
// archiveweb.page) computes it:
//
//   - a leading "www." (or "www2." and the like) is removed from the host;
//   - the whole URL is lowercased, then parsed as a WHATWG URL: an internationalised host
//     becomes punycode, a default port is dropped, non-ASCII path and query bytes are
//     percent-encoded (after the lowercasing, so their hex digits stay upper case), dot
//     segments are resolved, the fragment and user info are dropped;
//   - the host labels are reversed and joined with commas, then ")" and the path;
//   - the query parameters are sorted (as strings) and kept, empty values included.
//
// Other URLs (and ones that do not parse) are returned unchanged, as warcio.js does.
// Example: "https://www.Example.com:443/a/b?z=1&a=2#top" -> "com,example)/a/b?a=2&z=1".
func SURT(rawURL string) string {
	if !strings.HasPrefix(rawURL, "https:") && !strings.HasPrefix(rawURL, "http:") {
		return rawURL
	}
	n := wwwPrefix.ReplaceAllString(rawURL, "$1")
	host, port, path, query, ok := parseHTTPURL(strings.ToLower(n))
	if !ok {
		return n
	}
	labels := strings.Split(host, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	var b strings.Builder
	b.WriteString(strings.Join(labels, ","))
	if port != "" {
		b.WriteString(":" + port)
	}
	b.WriteString(")")
	b.WriteString(path)
	if query != "" {
		params := strings.Split(query, "&")
		sort.Strings(params)
		b.WriteString("?" + strings.Join(params, "&"))
	}
	return b.String()
}

// parseHTTPURL splits a lowercased http(s) URL as a WHATWG URL parser would, returning the
// ASCII host, the port unless it is the scheme's default, the percent-encoded path with dot
// segments resolved, and the percent-encoded query without "?".
func parseHTTPURL(s string) (host, port, path, query string, ok bool) {
	scheme, rest, _ := strings.Cut(s, ":")
	defPort := "80"
	if scheme == "https" {
		defPort = "443"
	}
	rest = strings.TrimLeft(rest, `/\`)
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	end := strings.IndexAny(rest, `/\?`)
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	host = authority
	if strings.HasPrefix(authority, "[") {
		i := strings.IndexByte(authority, ']')
		if i < 0 {
			return "", "", "", "", false
		}
		host, port = authority[:i+1], strings.TrimPrefix(authority[i+1:], ":")
	} else if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		host, port = authority[:i], authority[i+1:]
	}
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || p < 0 || p > 65535 {
			return "", "", "", "", false
		}
		port = strconv.Itoa(p)
		if port == defPort {
			port = ""
		}
	}
	if host == "" {
		return "", "", "", "", false
	}
	if !strings.HasPrefix(host, "[") {
		h, err := whatwgHost.ToASCII(percentDecode(host))
		if err != nil || h == "" {
			return "", "", "", "", false
		}
		host = h
	}
	rawPath, rawQuery, hasQuery := strings.Cut(rest, "?")
	path = resolveDots(percentEncode(strings.ReplaceAll(rawPath, `\`, "/"), pathSet))
	if hasQuery {
		query = percentEncode(rawQuery, querySet)
	}
	return host, port, path, query, true
}

const (
	pathSet  = " \"#<>?`{}"
	querySet = " \"#<>'"
)

// percentEncode encodes C0 controls, bytes above 0x7E and the characters of set.
func percentEncode(s, set string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || strings.IndexByte(set, c) >= 0 {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// resolveDots removes "." and ".." segments (also written %2e) from an absolute path.
func resolveDots(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(p[1:], "/")
	var out []string
	for i, seg := range segs {
		last := i == len(segs)-1
		switch strings.ToLower(seg) {
		case ".", "%2e":
			if last {
				out = append(out, "")
			}
		case "..", ".%2e", "%2e.", "%2e%2e":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// maxPostQuery is how much of a request body goes into an index key (warcio.js
// DEFAULT_MAX_QUERY_SIZE).
const maxPostQuery = 4096

// postKeyURL returns the URL under which ReplayWeb.page looks up the response to a non-GET
// request, as warcio.js's CDX indexer (postToGetUrl) writes it: the body as query parameters
// (form bodies as they are, anything else base64 in __wb_post_data) after __wb_method=.
// It returns the body form it used, and ok=false for GET. JSON and multipart bodies are
// written as base64 here, where warcio.js flattens them into parameters: their index keys
// will not match what ReplayWeb.page computes for them.
func postKeyURL(url, method, contentType string, body []byte) (key, reqBody string, ok bool) {
	if method == "" || method == "GET" {
		return "", "", false
	}
	mime, _, _ := strings.Cut(contentType, ";")
	var q string
	if strings.TrimSpace(strings.ToLower(mime)) == "application/x-www-form-urlencoded" {
		q = string(body)
	} else {
		// btoa over a "binary string": each byte one char, i.e. base64 of the bytes.
		q = "__wb_post_data=" + base64.StdEncoding.EncodeToString(body)
	}
	if len(q) > maxPostQuery {
		q = q[:maxPostQuery]
	}
	reqBody = q
	q = decodeURI(q)
	sep := "?"
	if strings.Index(url, "?") > 0 {
		sep = "&"
	}
	return url + sep + "__wb_method=" + method + "&" + q, reqBody, true
}

// decodeURI is JavaScript's decodeURI: percent escapes of UTF-8 sequences are decoded, except
// those of the reserved characters ;/?:@&=+$,#. A malformed escape makes it fail; warcio.js
// then uses "".
func decodeURI(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		var raw []byte
		j := i
		for j+2 < len(s) && s[j] == '%' && ishex(s[j+1]) && ishex(s[j+2]) {
			raw = append(raw, unhex(s[j+1])<<4|unhex(s[j+2]))
			j += 3
			if utf8.FullRune(raw) {
				break
			}
		}
		if len(raw) == 0 {
			return ""
		}
		r, size := utf8.DecodeRune(raw)
		if r == utf8.RuneError || size != len(raw) {
			return ""
		}
		if r < 0x80 && strings.ContainsRune(";/?:@&=+$,#", r) {
			b.WriteString(s[i:j])
		} else {
			b.WriteRune(r)
		}
		i = j
	}
	return b.String()
}
