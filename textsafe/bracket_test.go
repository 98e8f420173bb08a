package textsafe

import "testing"

func TestBracket(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"김철수 기자", 0, "김철수 기자"},
		{"김\u202e철수", 0, "김[U+202E]철수"},
		{"a\x1b[2Jb", 0, "a[U+001B][2Jb"},
		{"line\nbreak\ttab", 0, "line[U+000A]break[U+0009]tab"},
		{"bad\xffbyte", 0, "bad[0xFF]byte"},
		{"zero\u200bwidth\U000E0041", 0, "zero[U+200B]width[U+E0041]"},
		{"가나다라마", 3, "가나다… (2 more characters)"},
		{`back\slash`, 0, `back\slash`},
	} {
		if got := Bracket(tc.in, tc.max); got != tc.want {
			t.Errorf("Bracket(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
