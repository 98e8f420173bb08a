package completeness

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The measures of the dominance test (see the package documentation). Letters are Unicode
// letters and digits: a Hangul syllable is one, a space or a punctuation mark none.
const (
	// noticeShare: a line is a notice when the phrase is at least this share of its letters...
	noticeShare = 0.3
	// noticeLine: ...or when the line has at most this many letters (a heading, a button).
	noticeLine = 40
	// contentLine: a line of at least this many letters is a paragraph or a comment and counts
	// in full as content.
	contentLine = 50
	// minTextLine: a shorter line of at least this many letters may be posting text (a line of
	// a poem, a chat message, a one-line post); shorter lines are menu items, buttons, labels.
	minTextLine = 8
	// maxOtherContent: a body notice decides the verdict only when the page's content besides
	// its notices is below this many letters (a deletion or login page has next to none; a
	// short article has several hundred)...
	maxOtherContent = 200
	// maxTitleContent: ...and a notice in the title only when it is below this many (the body
	// is near empty): a title alone never outweighs a body.
	maxTitleContent = 60
	// maxContentBefore: ...and when less content than this comes before it: a notice after a
	// posting is a footer or a comment-box string ("페이지를 찾을 수 없습니다" in a hidden
	// template), not the page's message. Site chrome before a notice is no content.
	maxContentBefore = 120
	// mediaLetters: each image and video of the main content counts as this many letters.
	mediaLetters = 100
	// emojiLetters: for the empty test an emoji counts as this many letters (about a word), so
	// that a reaction post of a few emoji is not empty.
	emojiLetters = 4
	// minLetters: a page with fewer letters than this and no images or videos is empty.
	minLetters = 20
	// maxCandidate: a line of more letters than this cannot be a notice (no phrase is
	// noticeShare of it), so the dominance test does not look for phrases in it.
	maxCandidate = 200
	// maxLines caps the lines looked at, so that a hostile page cannot make Judge slow.
	maxLines = 20000
	// maxLineRunes caps the characters of a line looked at.
	maxLineRunes = 4000
	// maxBytes caps the bytes of text looked at in all (the rest of a longer page is not read:
	// such a page has far more than maxOtherContent letters of content anyway).
	maxBytes = 2 << 20
)

// line is one line of the visible text.
type line struct {
	raw     string // as the page shows it (trimmed)
	key     string // folded for matching; "" for a line longer than maxCandidate (see keyOf)
	letters int    // letters and digits
	title   bool   // the page title, not the body
	notice  bool   // is a notice: holds a phrase of any list that is most of it (noticeLike)
	before  int    // the page's content in the lines before this one (see measure)
}

// page is the visible text of a capture as lines: the title first, then the main document,
// then each frame.
type page struct {
	lines       []line
	bodyLetters int // the body's letters (title excluded), emoji counted in (emojiLetters)
	// content is what the body holds besides its notices, in letters (see the package doc):
	// the long lines in full plus half the longest run of text lines.
	content int
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
			n, emoji := count(raw)
			l := line{raw: raw, letters: n, title: title}
			if n <= maxCandidate {
				l.key = fold(raw)
				for _, list := range allPhrases {
					for _, ph := range list {
						if (!ph.titleOnly || title) && strings.Contains(l.key, ph.key) && noticeLike(ph, l) {
							l.notice = true
						}
					}
				}
			}
			if !title {
				p.bodyLetters += n + emoji*emojiLetters
			}
			p.lines = append(p.lines, l)
		}
	}
	add(strings.ReplaceAll(in.Title, "\n", " "), true)
	add(in.Text, false)
	for _, f := range in.FrameTexts {
		add(f, false)
	}
	p.measure()
	return p
}

// measure sets the content of the page and, for each line, the content before it (see the
// package documentation).
func (p *page) measure() {
	seen := make(map[string]int)
	for _, l := range p.lines {
		if !l.title && l.letters < contentLine {
			seen[l.raw]++
		}
	}
	long, run, best, gap := 0, 0, 0, 0
	for i := range p.lines {
		l := &p.lines[i]
		l.before = long + best/2
		switch {
		case l.title || l.notice:
			gap++
		case l.letters >= contentLine:
			if !chrome(l.raw, l.letters) && !linkRow(l.raw, l.letters) {
				long += l.letters // a paragraph: counts in full, and does not break a run
				continue
			}
			gap++
		case l.letters >= minTextLine && seen[l.raw] == 1 && !chrome(l.raw, l.letters):
			run += l.letters
			gap = 0
		default:
			gap++
		}
		if gap >= 2 {
			run = 0
		}
		best = max(best, run)
	}
	p.content = long + best/2
}

// chrome reports whether a line of n letters looks like site chrome rather than posting text:
// a row of links ("이용약관 | 개인정보처리방침"), a copyright line, a line mostly of digits
// (dates, times, counters: "공감 412 비공감 18") or a list entry with a count ("오늘자 출근길
// [23]").
func chrome(s string, n int) bool {
	ls := strings.ToLower(s)
	if strings.Contains(s, "|") || strings.Contains(s, "©") || strings.Contains(s, "ⓒ") ||
		strings.Contains(ls, "copyright") || strings.Contains(ls, "all rights reserved") {
		return true
	}
	d := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			d++
		}
	}
	if 2*d >= n {
		return true
	}
	if e := s[len(s)-1]; e == ']' || e == ')' {
		if i := strings.LastIndexAny(s, "[("); i >= 0 && isDigits(s[i+1:len(s)-1]) {
			return true
		}
	}
	return false
}

// linkRow reports whether a long line of n letters is a menu the browser laid out as one line
// ("홈 뉴스 정치 경제 사회 생활/문화 IT/과학 세계 랭킹 ..."): under maxCandidate letters, no
// sentence punctuation at all, and not ending like a Korean sentence (…다, …요, …죠, …ㅋ).
// A paragraph or a comment of that length nearly always has one or the other.
func linkRow(s string, n int) bool {
	if n >= maxCandidate || strings.ContainsAny(s, ".,!?…。\"'“”‘’~:;") {
		return false
	}
	last := ' '
	for _, r := range s {
		if unicode.IsLetter(r) {
			last = r
		}
	}
	return !strings.ContainsRune(sentenceEnds, last)
}

// sentenceEnds are the last syllables of Korean sentences, including chat ("ㅋㅋ", "ㅠㅠ").
const sentenceEnds = "다요죠네까지음함임셈냐니자라래어아야군걸데서며고ㅋㅎㅠㅜ"

func isDigits(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// keyOf returns the folded text of line i, folding a long line on demand.
func (p *page) keyOf(i int) string {
	if l := p.lines[i]; l.key != "" || l.letters <= maxCandidate {
		return l.key
	}
	return fold(p.lines[i].raw)
}

// match is a phrase found in a line.
type match struct {
	phrase phrase
	line   int
}

// find returns every match of the phrases in the lines that can be notices, in page order.
func (p *page) find(phrases []phrase) []match {
	var out []match
	for i, l := range p.lines {
		if !l.notice {
			continue
		}
		for _, ph := range phrases {
			if (!ph.titleOnly || l.title) && strings.Contains(l.key, ph.key) {
				out = append(out, match{ph, i})
			}
		}
	}
	return out
}

// findAnywhere returns every match of the phrases in any line, in page order (rule 1).
func (p *page) findAnywhere(phrases []phrase) []match {
	var out []match
	for i, l := range p.lines {
		k := p.keyOf(i)
		for _, ph := range phrases {
			if (!ph.titleOnly || l.title) && strings.Contains(k, ph.key) {
				out = append(out, match{ph, i})
			}
		}
	}
	return out
}

// dominant reports whether m is the page's message rather than a mention: the line is the
// notice (the phrase is most of it, or the line is short), the page has little content besides
// its notices (near none for a notice in the title), and a login or CAPTCHA phrase is not part
// of a comment form.
func (p *page) dominant(m match, media int) bool {
	l := p.lines[m.line]
	if !noticeLike(m.phrase, l) {
		return false
	}
	if m.phrase.formable && p.commentForm(m.line) {
		return false
	}
	other := p.content + max(media, 0)*mediaLetters
	if l.title {
		return other < maxTitleContent
	}
	return other < maxOtherContent && l.before < maxContentBefore
}

// commentWords mark a comment form: a login or CAPTCHA phrase on a line with one of these, or
// within formLines lines of one, asks to log in (or type the code) to comment, not to see the
// posting.
var commentWords = []string{"댓글", "답글", "코멘트", "comment", "reply", "replies"}

// formLines is how far from a comment word a form's login or CAPTCHA line may be (a form's
// heading, then its name, password and code fields).
const formLines = 3

// commentForm reports whether body line i or a body line near it mentions comments.
func (p *page) commentForm(i int) bool {
	for j := max(i-formLines, 0); j <= min(i+formLines, len(p.lines)-1); j++ {
		if p.lines[j].title {
			continue
		}
		ls := strings.ToLower(p.lines[j].raw)
		for _, w := range commentWords {
			if strings.Contains(ls, w) {
				return true
			}
		}
	}
	return false
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
		case r < 0x80:
			if 'A' <= r && r <= 'Z' {
				b.WriteByte(byte(r + 'a' - 'A'))
			} else if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				b.WriteByte(byte(r))
			}
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
	n, _ := count(s)
	return n
}

// count returns the letters and digits of s and its emoji (pictographs and dingbats from
// U+2600 up; not ©, arrows or the ▲ of a caption).
func count(s string) (n, emoji int) {
	for _, r := range s {
		switch {
		case r < 0x80:
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
				n++
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			n++
		case r >= 0x2600 && unicode.Is(unicode.So, r):
			emoji++
		}
	}
	return n, emoji
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
