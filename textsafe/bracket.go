package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bracket is Line for a renderer that draws text with a Korean font (the PDF report, the
// window): s capped at max characters (MaxLine when max <= 0), the cut marked as Cap marks it,
// and every character Unsafe refuses written as its code point in brackets, "[U+202E]", an
// invalid byte as "[0xFF]". Korean fonts (Nanum Gothic, Noto Sans KR) draw a backslash as a
// won sign, which would show Line's `\u202e` as "₩u202e"; the brackets read the same in any
// font.
func Bracket(s string, max int) string {
	if max <= 0 {
		max = MaxLine
	}
	s = capRunes(s, max)
	if Clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, "[0x%02X]", s[i])
		case Unsafe(r):
			fmt.Fprintf(&b, "[U+%04X]", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
