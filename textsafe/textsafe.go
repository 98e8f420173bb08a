// Package textsafe is the one output rule for text that came from outside Evidentia: a page, a
// certificate, a PDF, a bundle, a settings file. Such text is shown, never obeyed: control
// characters (C0 but for the line breaks a block of text may keep, DEL, C1), bidirectional
// controls, zero-width and other invisible format characters, line and paragraph separators and
// invalid UTF-8 are written as visible escapes (`\x1b`, `\u202e`, `\xff`), so that nothing from
// a file can move a terminal's cursor, clear its screen, recolour it, reorder what a reader sees
// or hide a part of a line; and length is capped, so that a hostile value cannot fill a screen,
// a window or a report.
//
// Use Line for a value shown on one line (a title, a name, a URL, a problem), Block for a
// multi-line text (a note, a description) and Cap to shorten without escaping (for a renderer
// that does its own escaping). NewWriter is the safety net under a terminal: whatever passes
// through it is escaped by the same rule, whatever its origin.
//
// Backslashes are left as they are: text that merely looks like an escape is harmless.
package textsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Caps for values shown to a person, in characters (runes). The sealed artifacts keep the full
// value; these bound what a screen, a window or a report shows of it.
const (
	// MaxLine is the default cap of a one-line value (titles, names, URLs, problems).
	MaxLine = 2000
	// MaxBlock is the default cap of a multi-line value (descriptions, notes).
	MaxBlock = 20000
)

// Unsafe reports whether r must not be written raw: C0 controls, DEL, C1 controls, the
// bidirectional controls, zero-width and other invisible format characters (Unicode category
// Cf), the line and paragraph separators, the Hangul fillers and the blank braille pattern
// (letters that draw nothing), the replacement for invalid UTF-8, and private use and
// unassigned noncharacters are not; everything else, Hangul and emoji included, is printable.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == '\u2028', r == '\u2029':
		return true
	case r == '\u115f', r == '\u1160', r == '\u3164', r == '\uffa0', r == '\u2800':
		// Hangul fillers and the blank braille pattern: letters that draw nothing, so that
		// "홍길동\u3164" reads as "홍길동".
		return true
	case r == utf8.RuneError:
		return true
	case unicode.Is(unicode.Cf, r): // bidi controls, ZWSP/ZWJ/ZWNJ, word joiner, BOM, tags...
		return true
	case unicode.Is(unicode.Noncharacter_Code_Point, r):
		return true
	}
	return false
}

// Line returns s escaped for one line (line breaks and tabs escaped too) and capped at max
// characters (MaxLine when max <= 0), the cut marked with "…" and how much was left out.
func Line(s string, max int) string {
	if max <= 0 {
		max = MaxLine
	}
	return escape(capRunes(s, max), false)
}

// Block returns s escaped for a block of text that keeps its line breaks and tabs ("\n", "\t";
// a "\r\n" becomes "\n", a lone "\r" is escaped) and capped at max characters (MaxBlock when
// max <= 0).
func Block(s string, max int) string {
	if max <= 0 {
		max = MaxBlock
	}
	return escape(capRunes(strings.ReplaceAll(s, "\r\n", "\n"), max), true)
}

// Cap returns s cut to at most max characters, the cut marked with "…" and the number of
// characters left out; s is returned unchanged when it fits. It does not escape.
func Cap(s string, max int) string { return capRunes(s, max) }

// Clean reports whether s is valid UTF-8 without any character that Unsafe refuses (line breaks
// included). Names that are stored and shown (case names, operators, certificate subjects) must
// be clean.
func Clean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if Unsafe(r) {
			return false
		}
	}
	return true
}

func capRunes(s string, max int) string {
	if max <= 0 || len(s) <= max { // bytes >= runes
		return s
	}
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s
	}
	keep := max
	i := 0
	for k := 0; k < keep; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + fmt.Sprintf("… (%d more characters)", n-keep)
}

// escape writes s with every unsafe rune (and invalid byte) escaped; keepBreaks keeps "\n" and
// "\t".
func escape(s string, keepBreaks bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || (Unsafe(r) && !(keepBreaks && (r == '\n' || r == '\t'))) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepBreaks && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case Unsafe(r):
			writeEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func writeEscape(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case r < 0x80:
		fmt.Fprintf(b, `\x%02x`, r)
	case r <= 0xffff:
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		fmt.Fprintf(b, `\U%08x`, r)
	}
}

// Writer escapes what is written through it by the rule of Block: line breaks and tabs pass,
// every other unsafe character is written as its escape. A UTF-8 sequence (or a "\r\n") split
// across two writes is held until it is complete. It is the safety net under a terminal: a string that
// should have been escaped where it was printed and was not still cannot reach the terminal raw.
// A Writer is not safe for concurrent use; wrap the destination once and share it under a lock
// if needed.
type Writer struct {
	w       io.Writer
	pending []byte // the start of an incomplete UTF-8 sequence
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it. It reports len(p) when the escaped text was written whole.
func (w *Writer) Write(p []byte) (int, error) {
	buf := append(w.pending, p...)
	w.pending = nil
	// Hold back an incomplete sequence at the end (at most 3 bytes).
	cut := len(buf)
	if cut > 0 && buf[cut-1] == '\r' { // it may be the start of a "\r\n"
		cut--
	}
	for k := 1; k <= 3 && k <= cut; k++ {
		c := buf[cut-k]
		if c < 0x80 {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(buf[cut-k : cut]) {
				cut -= k
			}
			break
		}
	}
	w.pending = append([]byte(nil), buf[cut:]...)
	out := escape(strings.ReplaceAll(string(buf[:cut]), "\r\n", "\n"), true)
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held of an incomplete UTF-8 sequence (or a trailing "\r"), escaped.
func (w *Writer) Flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	out := escape(strings.ReplaceAll(string(w.pending), "\r\n", "\n"), true)
	w.pending = nil
	_, err := io.WriteString(w.w, out)
	return err
}
