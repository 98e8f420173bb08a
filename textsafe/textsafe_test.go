package textsafe

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"최민수 기자", "최민수 기자"},
		{"VALID\x1b[2J\x1b[H", `VALID\x1b[2J\x1b[H`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\u202eevil\u202c", `\u202eevil\u202c`},
		{"zero\u200bwidth\u200d\ufeff", `zero\u200bwidth\u200d\ufeff`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"del\x7f", `del\x7f`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"sep\u2028\u2029", `sep\u2028\u2029`},
		{"tag\U000E0041", `tag\U000e0041`},
		{`back\slash \x1b`, `back\slash \x1b`},
		{"emoji 👍 😀", "emoji 👍 😀"},
		{"홍길동\u3164", `홍길동\u3164`},
		{"\u115f\u1160\uffa0\u2800", `\u115f\u1160\uffa0\u2800`},
		{"ㄱㅎ 한글 자모", "ㄱㅎ 한글 자모"},
	} {
		if got := Line(tc.in, 0); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBlockKeepsBreaks(t *testing.T) {
	got := Block("one\r\ntwo\tthree\rfour\x1b[31m", 0)
	want := "one\ntwo\tthree\\rfour\\x1b[31m"
	if got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
}

func TestCap(t *testing.T) {
	s := strings.Repeat("가", 10)
	if got := Cap(s, 10); got != s {
		t.Errorf("Cap at exact length changed it: %q", got)
	}
	got := Line(s, 4)
	if got != "가가가가… (6 more characters)" {
		t.Errorf("Line capped = %q", got)
	}
	// A cut never splits a rune and never leaves an unsafe one behind.
	long := strings.Repeat("\x1b", 5000)
	if l := Line(long, 10); strings.ContainsRune(l, 0x1b) || !utf8.ValidString(l) {
		t.Errorf("capped line %q", l)
	}
}

func TestClean(t *testing.T) {
	for s, want := range map[string]bool{
		"대한민국 경찰청": true, "Kim, Chul-su (KBS)": true, "": true,
		"a\nb": false, "a\x1bb": false, "\u202e": false, "x\u200b": false, "\xff": false,
	} {
		if Clean(s) != want {
			t.Errorf("Clean(%q) = %v, want %v", s, !want, want)
		}
	}
}

// TestWriter feeds the writer byte by byte and in one piece: the same escaped text comes out,
// no control byte passes, and a rune split across writes is kept whole.
func TestWriter(t *testing.T) {
	in := "VALID\n\x1b]0;title\x07 최민수 \u202e\xff 👍\r\nend"
	want := "VALID\n\\x1b]0;title\\x07 최민수 \\u202e\\xff 👍\nend"
	var whole bytes.Buffer
	w := NewWriter(&whole)
	if _, err := w.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var split bytes.Buffer
	w = NewWriter(&split)
	for i := range len(in) {
		if n, err := w.Write([]byte{in[i]}); err != nil || n != 1 {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	w.Flush()
	for name, got := range map[string]string{"whole": whole.String(), "split": split.String()} {
		if got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
		for _, c := range []byte(got) {
			if c < 0x20 && c != '\n' && c != '\t' {
				t.Errorf("%s: control byte %#x passed", name, c)
			}
		}
	}
	// An incomplete sequence at the very end is escaped on Flush, not lost.
	var tail bytes.Buffer
	w = NewWriter(&tail)
	w.Write([]byte("가"[:2]))
	w.Flush()
	if tail.String() != `\xea\xb0` {
		t.Errorf("tail = %q", tail.String())
	}
}

func FuzzLine(f *testing.F) {
	f.Add("VALID\x1b[2J\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s, 50), Block(s, 50)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
			}
			for _, r := range out {
				if Unsafe(r) && r != '\n' && r != '\t' {
					t.Fatalf("unsafe %U out of %q: %q", r, s, out)
				}
			}
		}
	})
}
