// Package weburl decides which web addresses Evidentia captures and writes them in the one form
// the browser is given: Normalize checks and normalises what an operator typed or pasted,
// Display turns a normalised address back into the form a person reads in a report, and
// Extract finds the addresses in free text (a chat message, an e-mail, a CSV column).
//
// Only http and https addresses are captured. Everything else (file:, javascript:, data:,
// chrome:, about:, blob:, view-source:, ftp:, mailto:, ...) is refused, as are addresses with a
// user name or password before the host (https://bank.example@evil.example/ is a phishing
// trick), control characters, bad hosts and bad ports. Every refusal wraps one of the
// sentinel errors of this package, so callers can test it with errors.Is.
//
// The package has no state and every function is safe for concurrent use.
package weburl

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Sentinel errors returned (wrapped) by Normalize.
var (
	// ErrEmpty is returned for an empty or blank address.
	ErrEmpty = errors.New("weburl: no address given")
	// ErrScheme is returned for any scheme other than http and https.
	ErrScheme = errors.New("weburl: only http and https addresses can be captured")
	// ErrMalformed is returned for text that is not a well formed address.
	ErrMalformed = errors.New("weburl: malformed address")
	// ErrHost is returned when the host is missing or is not a valid host name or IP address.
	ErrHost = errors.New("weburl: invalid host")
	// ErrPort is returned for a port that is empty, not a number, or outside 1-65535.
	ErrPort = errors.New("weburl: invalid port")
	// ErrUserinfo is returned for an address with a user name or password before the host
	// (user:pass@host). Such addresses are a known phishing trick and are never captured.
	ErrUserinfo = errors.New("weburl: addresses with a user name or password are refused")
	// ErrControl is returned for an address containing control characters (newlines, tabs,
	// NUL, ...) anywhere but at its ends.
	ErrControl = errors.New("weburl: address contains control characters")
)

// MaxLength is the longest address, in bytes after trimming, that Normalize accepts. Chromium
// refuses to navigate to longer URLs.
const MaxLength = 2 * 1024 * 1024

// Normalize checks the address raw and returns it in the form given to the browser, or an
// error wrapping one of the package's sentinel errors.
//
// The rules, in order:
//   - Leading and trailing white space is removed; nothing left is ErrEmpty.
//   - Control characters (C0, DEL, C1) are ErrControl; invalid UTF-8 and addresses longer
//     than MaxLength are ErrMalformed.
//   - An explicit scheme is lowercased and must be http or https (ErrScheme otherwise) and be
//     followed by "//" (ErrMalformed otherwise: "http:example.com" is refused, not guessed).
//     A name followed by a colon and a port number ("localhost:8080") is a host, not a
//     scheme, unless it is a well-known scheme such as tel, mailto or data.
//     Without a scheme the address is taken as host[:port][/path][?query][#fragment] and
//     https:// is put in front: "example.com/a", "네이버.com", "localhost:8080/x",
//     "127.0.0.1:3000" and "[::1]:8080" are all accepted. A leading "//" is allowed.
//   - A "@" before the end of the host is ErrUserinfo; a backslash before the query is
//     ErrMalformed (browsers read it as "/", so the address is ambiguous).
//   - The host must be present and valid (ErrHost): no spaces or percent signs; an
//     internationalised domain name is converted to punycode with the IDNA Lookup profile of
//     golang.org/x/net/idna; an ASCII name is lowercased and must consist of labels of 1-63
//     letters, digits, "-" and "_" (253 bytes in all, a final dot allowed); a name whose last
//     label is numeric must be a dotted-quad IPv4 address; an IPv6 address must be in
//     brackets and have no zone.
//   - A port must be 1-65535 (ErrPort). It is written without leading zeros and dropped when
//     it is the scheme's default (80 for http, 443 for https).
//   - An empty path becomes "/". In the path, query and fragment every byte that is not a
//     printable ASCII character allowed there (non-ASCII letters such as Hangul, spaces,
//     quotes, <, >, `, {, }, |, ^, a second "#", and a backslash in query or fragment) is
//     percent-encoded as UTF-8; existing %XX escapes are kept as they are and a "%" not
//     followed by two hex digits becomes %25. The fragment is kept.
//
// The result is an absolute, printable-ASCII URL that net/url parses, whose scheme is http or
// https and whose host is not empty. Normalize is idempotent: Normalize of its own output
// returns the output unchanged.
func Normalize(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrEmpty
	}
	if len(s) > MaxLength {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxLength)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: %s is not valid UTF-8 text", ErrMalformed, quote(s))
	}
	for _, r := range s {
		if isControl(r) {
			return "", fmt.Errorf("%w: %U in %s", ErrControl, r, quote(s))
		}
	}

	scheme, rest, err := splitScheme(s)
	if err != nil {
		return "", err
	}

	// rest is authority followed by path, query and fragment.
	end := strings.IndexAny(rest, "/?#\\")
	authority, tail := rest, ""
	if end >= 0 {
		authority, tail = rest[:end], rest[end:]
	}
	if strings.HasPrefix(tail, `\`) {
		return "", fmt.Errorf("%w: a backslash after the host in %s", ErrMalformed, quote(s))
	}
	if strings.Contains(authority, "@") {
		return "", fmt.Errorf("%w: %s", ErrUserinfo, quote(s))
	}
	host, port, hasPort, err := splitHostPort(authority, s)
	if err != nil {
		return "", err
	}
	host, err = normalizeHost(host, s)
	if err != nil {
		return "", err
	}
	port, err = normalizePort(port, hasPort, scheme, s)
	if err != nil {
		return "", err
	}

	pathPart, query, fragment, hasQuery, hasFragment := splitTail(tail)
	if strings.Contains(pathPart, `\`) {
		return "", fmt.Errorf("%w: a backslash in the path of %s", ErrMalformed, quote(s))
	}
	if pathPart == "" {
		pathPart = "/"
	}

	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(escapePart(pathPart, partPath))
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(escapePart(query, partQuery))
	}
	if hasFragment {
		b.WriteByte('#')
		b.WriteString(escapePart(fragment, partFragment))
	}
	out := b.String()

	// Last line of defence: the result must be something net/url agrees with.
	u, err := url.Parse(out)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrMalformed, quote(s), err)
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%w: %s", ErrMalformed, quote(s))
	}
	return out, nil
}

// splitScheme returns the lowercased scheme of s ("https" when s has none) and what follows
// the "//" after it.
func splitScheme(s string) (scheme, rest string, err error) {
	if strings.HasPrefix(s, "//") {
		return "https", s[2:], nil
	}
	i := strings.IndexAny(s, ":/?#\\")
	if i <= 0 || s[i] != ':' || !isSchemeName(s[:i]) {
		// No scheme: a bare host, host:port, [v6]:port, or host/path.
		return "https", s, nil
	}
	name, after := s[:i], s[i+1:]
	if !strings.HasPrefix(after, "//") && looksLikePort(after) && !knownSchemes[strings.ToLower(name)] {
		// "localhost:8080/x", "example.com:8443": a host and port, not a scheme.
		return "https", s, nil
	}
	scheme = strings.ToLower(name)
	if scheme != "http" && scheme != "https" {
		if strings.Contains(name, ".") && !strings.HasPrefix(after, "//") {
			// "example.com:abc" is a host with a bad port, not a scheme called example.com.
			return "", "", fmt.Errorf("%w: %q in %s", ErrPort, after, quote(s))
		}
		return "", "", fmt.Errorf("%w, not %q (in %s)", ErrScheme, scheme+":", quote(s))
	}
	if !strings.HasPrefix(after, "//") {
		return "", "", fmt.Errorf("%w: %s needs \"//\" after %q", ErrMalformed, quote(s), name+":")
	}
	return scheme, after[2:], nil
}

// knownSchemes are schemes that are never read as a host name, even when a number follows
// the colon ("tel:112" is a telephone number, not the host tel on port 112).
var knownSchemes = map[string]bool{
	"about": true, "blob": true, "chrome": true, "chrome-extension": true, "data": true,
	"edge": true, "file": true, "filesystem": true, "ftp": true, "intent": true,
	"javascript": true, "mailto": true, "market": true, "sms": true, "tel": true,
	"view-source": true, "ws": true, "wss": true, "http": true, "https": true,
}

// isSchemeName reports whether s is a URI scheme: a letter, then letters, digits, + - or ".".
func isSchemeName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// looksLikePort reports whether s starts with one or more digits followed by the end of s or
// one of / ? #.
func looksLikePort(s string) bool {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n > 0 && (n == len(s) || strings.IndexByte("/?#", s[n]) >= 0)
}

// splitHostPort splits an authority (without user info) into host and port. hasPort says
// whether there was a colon, so that "host:" (an empty port) can be told from "host".
func splitHostPort(authority, s string) (host, port string, hasPort bool, err error) {
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return "", "", false, fmt.Errorf("%w: unclosed \"[\" in %s", ErrHost, quote(s))
		}
		host, rest := authority[:end+1], authority[end+1:]
		switch {
		case rest == "":
			return host, "", false, nil
		case rest[0] == ':':
			return host, rest[1:], true, nil
		default:
			return "", "", false, fmt.Errorf("%w: %q after the IPv6 address in %s", ErrHost, rest, quote(s))
		}
	}
	i := strings.LastIndexByte(authority, ':')
	if i < 0 {
		return authority, "", false, nil
	}
	if strings.IndexByte(authority[:i], ':') >= 0 {
		return "", "", false, fmt.Errorf("%w: an IPv6 address must be written in brackets, as [::1], in %s", ErrHost, quote(s))
	}
	return authority[:i], authority[i+1:], true, nil
}

func normalizeHost(host, s string) (string, error) {
	if host == "" {
		return "", fmt.Errorf("%w: no host name in %s", ErrHost, quote(s))
	}
	if strings.HasPrefix(host, "[") {
		inner := host[1 : len(host)-1]
		if strings.Contains(inner, "%") {
			return "", fmt.Errorf("%w: IPv6 zones are not allowed in %s", ErrHost, quote(s))
		}
		a, err := netip.ParseAddr(inner)
		if err != nil || !a.Is6() {
			return "", fmt.Errorf("%w: %q is not an IPv6 address", ErrHost, inner)
		}
		return "[" + a.String() + "]", nil
	}
	if strings.ContainsFunc(host, unicode.IsSpace) {
		return "", fmt.Errorf("%w: the host %q contains a space", ErrHost, host)
	}
	if strings.Contains(host, "%") {
		return "", fmt.Errorf("%w: the host %q contains a percent sign", ErrHost, host)
	}
	ascii := isASCII(host)
	if ascii {
		host = strings.ToLower(host)
	}
	if !ascii || hasPunycodeLabel(host) {
		conv, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", fmt.Errorf("%w: %q is not a valid internationalised domain name: %w", ErrHost, host, err)
		}
		host = conv
	}
	if err := checkASCIIHost(host); err != nil {
		return "", err
	}
	return host, nil
}

func hasPunycodeLabel(host string) bool {
	for _, l := range strings.Split(host, ".") {
		if strings.HasPrefix(l, "xn--") {
			return true
		}
	}
	return false
}

// checkASCIIHost validates a lowercase ASCII host name or IPv4 address.
func checkASCIIHost(host string) error {
	name := strings.TrimSuffix(host, ".")
	if name == "" {
		return fmt.Errorf("%w: %q has no name", ErrHost, host)
	}
	if len(name) > 253 {
		return fmt.Errorf("%w: %q is longer than 253 characters", ErrHost, host)
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" {
			return fmt.Errorf("%w: %q has an empty label", ErrHost, host)
		}
		if len(l) > 63 {
			return fmt.Errorf("%w: %q has a label longer than 63 characters", ErrHost, host)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("%w: %q contains %q", ErrHost, host, string(rune(c)))
			}
		}
	}
	if last := labels[len(labels)-1]; isDigits(last) {
		a, err := netip.ParseAddr(name)
		if err != nil || !a.Is4() {
			return fmt.Errorf("%w: %q is neither a host name nor an IPv4 address", ErrHost, host)
		}
	}
	return nil
}

// normalizePort checks a port and returns it without leading zeros, or "" when there is none
// or it is the scheme's default.
func normalizePort(port string, hasPort bool, scheme, s string) (string, error) {
	if !hasPort {
		return "", nil
	}
	if port == "" {
		return "", fmt.Errorf("%w: empty port in %s", ErrPort, quote(s))
	}
	if !isDigits(port) {
		return "", fmt.Errorf("%w: %q in %s", ErrPort, port, quote(s))
	}
	trimmed := strings.TrimLeft(port, "0")
	if trimmed == "" || len(trimmed) > 5 {
		return "", fmt.Errorf("%w: %s is outside 1-65535 in %s", ErrPort, port, quote(s))
	}
	n, err := strconv.Atoi(trimmed)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%w: %s is outside 1-65535 in %s", ErrPort, port, quote(s))
	}
	if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
		return "", nil
	}
	return strconv.Itoa(n), nil
}

// splitTail splits what follows the authority into path, query and fragment.
func splitTail(tail string) (pathPart, query, fragment string, hasQuery, hasFragment bool) {
	if i := strings.IndexByte(tail, '#'); i >= 0 {
		tail, fragment, hasFragment = tail[:i], tail[i+1:], true
	}
	if i := strings.IndexByte(tail, '?'); i >= 0 {
		tail, query, hasQuery = tail[:i], tail[i+1:], true
	}
	return tail, query, fragment, hasQuery, hasFragment
}

type part int

const (
	partPath part = iota
	partQuery
	partFragment
)

// escapePart percent-encodes the bytes of s that may not appear literally in the given part
// of a URL. Valid %XX escapes are kept; a stray "%" becomes %25.
func escapePart(s string, p part) string {
	const upperhex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				b.WriteByte(c)
				continue
			}
			b.WriteString("%25")
			continue
		}
		if mustEscape(c, p) {
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func mustEscape(c byte, p part) bool {
	if c <= ' ' || c >= 0x7f {
		return true
	}
	switch c {
	case '"', '<', '>', '`', '{', '}', '|', '^', '\\':
		return true
	case '#':
		return true // only possible in the fragment: the first "#" starts it
	case '?':
		return p == partPath // cannot happen: the first "?" starts the query
	}
	return false
}

// Display returns the address u in the form a person reads: the host in Unicode (IDNA
// Lookup profile) and percent-escapes that encode printable non-ASCII text (such as Hangul)
// decoded in the path, query and fragment. ASCII escapes (%20, %2F, %3F, ...) and escapes of
// invisible or bidirectional-control characters stay encoded, so the result cannot be
// misread. Display is for reports and screens, never for navigation; a u that net/url cannot
// parse, or that has no host, is returned unchanged.
func Display(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Opaque != "" {
		return u
	}
	host := p.Host
	name, port := host, ""
	if !strings.HasPrefix(host, "[") {
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			name, port = host[:i], host[i:]
		}
		if uni, err := idna.Lookup.ToUnicode(name); err == nil {
			name = uni
		}
	}
	var b strings.Builder
	b.WriteString(p.Scheme)
	b.WriteString("://")
	if p.User != nil {
		b.WriteString(p.User.String())
		b.WriteByte('@')
	}
	b.WriteString(name)
	b.WriteString(port)
	b.WriteString(decodeReadable(p.EscapedPath()))
	if p.ForceQuery || p.RawQuery != "" {
		b.WriteByte('?')
		b.WriteString(decodeReadable(p.RawQuery))
	}
	if p.Fragment != "" || p.RawFragment != "" {
		b.WriteByte('#')
		b.WriteString(decodeReadable(p.EscapedFragment()))
	}
	return b.String()
}

// decodeReadable decodes the runs of %XX escapes in s that form valid UTF-8 for printable
// non-ASCII characters, leaving everything else as it is.
func decodeReadable(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		// Collect a run of consecutive escapes.
		j := i
		var raw []byte
		for j+2 < len(s) && s[j] == '%' && isHex(s[j+1]) && isHex(s[j+2]) {
			raw = append(raw, unhex(s[j+1])<<4|unhex(s[j+2]))
			j += 3
		}
		if j == i {
			b.WriteByte('%')
			i++
			continue
		}
		// Decode rune by rune; keep the escapes of anything not worth showing.
		k, pos := 0, i
		for k < len(raw) {
			r, size := utf8.DecodeRune(raw[k:])
			if r >= 0x80 && r != utf8.RuneError && unicode.IsPrint(r) {
				b.WriteRune(r)
			} else {
				b.WriteString(s[pos : pos+3*size])
			}
			k += size
			pos += 3 * size
		}
		i = j
	}
	return b.String()
}

func isHex(c byte) bool {
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

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool {
	return r < 0x20 || (0x7f <= r && r <= 0x9f)
}

// quote quotes s for an error message, shortening very long input.
func quote(s string) string {
	const max = 200
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}
