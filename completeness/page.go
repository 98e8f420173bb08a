package completeness

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The measures of the dominance test (see Judge). Letters are Unicode letters and digits: a
// Hangul syllable is one, a space or a punctuation mark none.
const (
	// noticeShare: a line is a notice when the phrase is at least this share of its letters...
	noticeShare = 0.3
	// noticeLine: ...or when the line has at most this many letters (a heading, a button).
	noticeLine = 40
	// contentLine: a line of at least this many letters is content (a paragraph, a comment);
	// shorter lines are menus, buttons, list titles and labels and do not count.
	contentLine = 50
	// maxOtherContent: a notice decides the verdict only when the content outside the notice
	// lines is below this many letters (a deletion or login page has next to none; a short
	// article has several hundred)...
	maxOtherContent = 200
	// mediaLetters: ...counting each image and video of the main content as this many letters.
	mediaLetters = 100
	// maxPosition: the notice must start within this share of the page's letters (not in the
	// footer)...
	maxPosition = 0.85
	// tinyPage: ...unless the page has fewer letters than this (then position says nothing).
	tinyPage = 300
	// minLetters: a page with fewer letters than this and no images or videos is empty.
	minLetters = 20
	// maxLines caps the lines looked at, so that a hostile page cannot make Judge slow.
	maxLines = 20000
	// maxLineRunes caps the characters of a line looked at.
	maxLineRunes = 4000
	// maxBytes caps the bytes of text looked at in all (the rest of a longer page is not read:
	// such a page is long, and a notice at its end would fail the position test anyway).
	maxBytes = 2 << 20
)

// line is one line of the visible text.
type line struct {
	raw     string // as the page shows it (trimmed)
	key     string // folded for matching
	letters int    // letters and digits
	start   int    // letters of the page before this line
	title   bool   // the page title, not the body
	phrase  bool   // contains a phrase of any list
	notice  bool   // is a notice: contains a phrase of any list that is most of it (noticeLike)
}

// page is the visible text of a capture as lines: the title first, then the main document,
// then each frame.
type page struct {
	lines       []line
	letters     int // all lines' letters, the title's included
	bodyLetters int // the body's letters (title excluded)
}

func newPage(in Input) *page {
	p := &page{}
	budget := maxBytes
	add := func(s string, title bool) {
		for raw := range strings.SplitSeq(s, "\n") {
			if len(p.lines) >= maxLines || budget <= 0 {
				return
			}
			budget -= len(raw) + 1
			raw = strings.TrimSpace(capRunes(raw, maxLineRunes))
			if raw == "" {
				continue
			}
			l := line{raw: raw, key: fold(raw), letters: letters(raw), start: p.letters, title: title}
			for _, list := range [][]phrase{deletedPhrases, loginPhrases, blockedPhrases} {
				for _, ph := range list {
					if strings.Contains(l.key, ph.key) {
						l.phrase = true
						l.notice = l.notice || noticeLike(ph, l)
					}
				}
			}
			p.letters += l.letters
			if !title {
				p.bodyLetters += l.letters
			}
			p.lines = append(p.lines, l)
		}
	}
	add(strings.ReplaceAll(in.Title, "\n", " "), true)
	add(in.Text, false)
	for _, f := range in.FrameTexts {
		add(f, false)
	}
	return p
}

// match is a phrase found in a line.
type match struct {
	phrase phrase
	line   int
}

// find returns every match of the phrases, in page order.
func (p *page) find(phrases []phrase) []match {
	var out []match
	for i, l := range p.lines {
		if !l.phrase {
			continue
		}
		for _, ph := range phrases {
			if strings.Contains(l.key, ph.key) {
				out = append(out, match{ph, i})
			}
		}
	}
	return out
}

// otherContent returns the letters of the content lines that are not notices (a paragraph
// that quotes a phrase is content), with the media counted in: what the page has besides its
// notices.
func (p *page) otherContent(media int) int {
	n := max(media, 0) * mediaLetters
	for _, l := range p.lines {
		if !l.title && !l.notice && l.letters >= contentLine {
			n += l.letters
		}
	}
	return n
}

// dominant reports whether m is the page's message rather than a mention: the line is the
// notice (the phrase is most of it, or the line is short), it is not in the page's last part,
// and the page has little content besides its notices.
func (p *page) dominant(m match, media int) bool {
	l := p.lines[m.line]
	if !noticeLike(m.phrase, l) {
		return false
	}
	if p.letters >= tinyPage && float64(l.start) > maxPosition*float64(p.letters) {
		return false
	}
	return p.otherContent(media) < maxOtherContent
}

// quote is the evidence of m for a Reason's detail.
func (p *page) quote(m match) string {
	l := p.lines[m.line]
	where := "page text"
	if l.title {
		where = "page title"
	}
	return `matched "` + m.phrase.text + `" in the ` + where + `: "` + capRunes(l.raw, 160) + `"`
}

// fold prepares text for matching: NFKC, lower case, letters and digits only. Spaces,
// punctuation and symbols are dropped, and so are the characters that draw nothing: format
// characters (zero-width space and joiners, word joiner, soft hyphen, byte order mark) and
// the Hangul fillers. A page cannot then dodge a phrase with "삭제된\u200b게시물입니다",
// "로그인·이 필요합니다" or curly quotes, and phrase and page are folded alike.
func fold(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3164' || r == '\u115f' || r == '\u1160' || r == '\uffa0':
			continue // Hangul fillers
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// noticeLike reports whether the line l, which holds ph, is the notice itself rather than a
// sentence that mentions it: ph is at least noticeShare of its letters, or l is short.
func noticeLike(ph phrase, l line) bool {
	return l.letters <= noticeLine || float64(ph.letters) >= noticeShare*float64(l.letters)
}

// letters counts the letters and digits of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// capRunes cuts s to at most n characters, marking a cut with "…".
func capRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
