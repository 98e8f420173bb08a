package weburl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Extract returns the web addresses found in free text (a chat message, an e-mail, a CSV
// column, a Korean sentence), normalised with Normalize, without duplicates, in the order of
// their first appearance. Candidates that Normalize refuses (user info, bad hosts, ...) are
// left out; Extract never returns an error.
//
// What counts as an address:
//   - text starting with http:// or https:// (any case) that is not directly preceded by an
//     ASCII letter or digit;
//   - text starting with "www." (any case) that is not directly preceded by an ASCII letter,
//     digit or one of . - _ @ / : %, and whose host has at least three labels ending in an
//     alphabetic top-level domain, such as www.example.com (https:// is put in front).
//
// Where an address ends:
//   - at white space, a control character, or one of < > " ` { } | ^ \;
//   - at non-ASCII punctuation and symbols (「」『』、。“”‘’… and full-width forms such as （）);
//   - at Hangul, Han, Hiragana or Katakana that directly follows an ASCII letter, an ASCII
//     digit, "," or ";": in "https://naver.com에서" or "https://blog.naver.com/id/123을" the
//     Korean particle is not part of the address. Korean text after "/", "=", "-", "_", "."
//     and the like is kept,
//     so https://ko.wikipedia.org/wiki/대한민국 is found whole. The consequence, accepted for
//     simplicity, is that a particle written directly after a Korean path segment
//     (".../wiki/서울에서") stays in the address;
//   - where a new http:// or https:// address begins right after "," or ";" (an unquoted CSV
//     row or a list).
//
// Then trailing characters that end sentences or enclose the address (. , ; : ! ? ' " *)
// are removed, and so are closing ")" and "]" that have no matching opening bracket in the
// address (so https://en.wikipedia.org/wiki/Go_(game) keeps its parenthesis).
func Extract(text string) []string {
	var out []string
	seen := make(map[string]bool)
	for i := 0; i < len(text); {
		n := startLen(text, i)
		if n == 0 {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		end := scanEnd(text, i, n)
		cand := trimTrailing(text[i:end])
		i = end
		if len(cand) <= n {
			continue
		}
		www := n == len("www.")
		u, err := Normalize(cand)
		if err != nil || (www && !plausibleWWW(u)) {
			continue
		}
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// startLen returns the length of the address prefix (http://, https:// or www.) that starts
// text at i, or 0 when no address starts there.
func startLen(text string, i int) int {
	var prev rune = -1
	if i > 0 {
		prev, _ = utf8.DecodeLastRuneInString(text[:i])
	}
	if n := schemeLen(text[i:]); n > 0 {
		if isASCIIAlnum(prev) {
			return 0
		}
		return n
	}
	if hasPrefixFold(text[i:], "www.") {
		if isASCIIAlnum(prev) || strings.ContainsRune(".-_@/:%", prev) {
			return 0
		}
		return len("www.")
	}
	return 0
}

// schemeLen returns the length of an http:// or https:// prefix of s, or 0.
func schemeLen(s string) int {
	switch {
	case hasPrefixFold(s, "https://"):
		return len("https://")
	case hasPrefixFold(s, "http://"):
		return len("http://")
	}
	return 0
}

// scanEnd returns the index in text where the address that starts at i, with a prefix of n
// bytes, ends.
func scanEnd(text string, i, n int) int {
	j := i + n
	var prev rune = '/'
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isURLRune(r) {
			break
		}
		if isEastAsian(r) && (isASCIIAlnum(prev) || prev == ',' || prev == ';') {
			break
		}
		if (prev == ',' || prev == ';') && schemeLen(text[j:]) > 0 {
			break
		}
		prev = r
		j += size
	}
	return j
}

// isURLRune reports whether r may be part of an address found in text.
func isURLRune(r rune) bool {
	if r == utf8.RuneError {
		return false
	}
	if r < 0x80 {
		if r <= ' ' || r == 0x7f {
			return false
		}
		return !strings.ContainsRune("<>\"`{}|^\\", r)
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// isEastAsian reports whether r is Hangul, Han, Hiragana or Katakana.
func isEastAsian(r rune) bool {
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// trimTrailing removes sentence punctuation and unmatched closing brackets from the end of s.
func trimTrailing(s string) string {
	openParen, closeParen := strings.Count(s, "("), strings.Count(s, ")")
	openBracket, closeBracket := strings.Count(s, "["), strings.Count(s, "]")
	for s != "" {
		switch s[len(s)-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '*':
		case ')':
			if openParen >= closeParen {
				return s
			}
			closeParen--
		case ']':
			if openBracket >= closeBracket {
				return s
			}
			closeBracket--
		default:
			return s
		}
		s = s[:len(s)-1]
	}
	return s
}

// plausibleWWW reports whether the normalised address u, found from a bare "www." prefix,
// has a host of at least three labels ending in an alphabetic or punycode top-level domain.
func plausibleWWW(u string) bool {
	rest := u[strings.Index(u, "://")+3:]
	if i := strings.IndexAny(rest, "/:"); i >= 0 {
		rest = rest[:i]
	}
	labels := strings.Split(strings.TrimSuffix(rest, "."), ".")
	if len(labels) < 3 {
		return false
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
