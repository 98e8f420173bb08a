package report

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"evidentia/assets"
)

// Page geometry, in millimetres: A4 portrait, 20 mm on the left for binding, 15 mm elsewhere.
const (
	pageW       = 210.0
	pageH       = 297.0
	marginL     = 20.0
	marginR     = 15.0
	marginT     = 15.0
	contentW    = pageW - marginL - marginR
	contentTop  = marginT + 9  // below the running header
	bottom      = pageH - 20   // lowest line of content; the footer sits below
	headerBase  = marginT + 3  // baseline of the running header
	headerRule  = marginT + 5  // rule under the running header
	footerRule  = pageH - 15.5 // rule over the footer
	footerBase  = pageH - 11   // baseline of the footer
	ptToMM      = 25.4 / 72
	lineSpacing = 1.45 // line height as a multiple of the font size

	sizeBody  = 9.0
	sizeTable = 8.5
	sizeSmall = 7.5
	sizeHash  = 7.5 // hashes; hashWidth gives the column that holds 64 digits at this size
	padH      = 1.5 // cell padding, horizontal
	padV      = 1.1 // cell padding, vertical

	aliasPages = "{nb}"
)

// The two fonts. fpdf names an embedded UTF-8 font "utf8" + family, without the six-letter
// tag PDF gives a subset (ISO 32000-1, 9.6.4), so readers and pdffonts cannot tell that the
// font is a subset, which it is: fpdf keeps only the glyphs used. The families are chosen so
// that "utf8" + family is as long as "XXXXXX+" + the PostScript name, and tagFonts swaps the
// one for the other in the finished file without moving a byte.
type fontSpec struct {
	psName string
	bytes  func() []byte
	family string
}

var (
	fontRegular = fontSpec{psName: "NanumGothic", bytes: assets.FontRegular}
	fontBold    = fontSpec{psName: "NanumGothicBold", bytes: assets.FontBold}
)

func init() {
	for _, f := range []*fontSpec{&fontRegular, &fontBold} {
		n := len("XXXXXX+"+f.psName) - len("utf8")
		f.family = strings.ToLower(f.psName) + strings.Repeat("x", n-len(f.psName))
	}
}

// coverage reports which runes the report font can draw. Both weights cover the same
// characters; the regular one is asked.
var coverage = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(assets.FontRegular()) })

// doc is the report being laid out: an fpdf document plus the state of the flow. It is used
// by one goroutine.
type doc struct {
	pdf   *fpdf.Fpdf
	t     *texts
	ctx   context.Context
	y     float64 // top of the free space on the current page
	err   error
	glyph map[rune]bool
	font  *sfnt.Font
	fbuf  sfnt.Buffer

	headerLeft  string // running header, left; empty on the cover
	headerRight string // running header, right: the capture being shown
	footerLeft  string
}

func newDoc(ctx context.Context, t *texts) (*doc, error) {
	f, err := coverage()
	if err != nil {
		return nil, fmt.Errorf("report: font: %w", err)
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetMargins(marginL, marginT, marginR)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	// The fonts go in before AliasNbPages: fpdf then seeds each subset with the characters
	// up to '8'. The digits of the page count are safe anyway, since the last page prints
	// its own number, the count, in the same font.
	pdf.AddUTF8FontFromBytes(fontRegular.family, "", fontRegular.bytes())
	pdf.AddUTF8FontFromBytes(fontBold.family, "", fontBold.bytes())
	pdf.AliasNbPages(aliasPages)
	d := &doc{pdf: pdf, t: t, ctx: ctx, glyph: make(map[rune]bool), font: f}
	pdf.SetHeaderFunc(d.header)
	pdf.SetFooterFunc(d.footer)
	pdf.SetLineWidth(0.2)
	return d, pdf.Error()
}

// fail records the first error; later drawing is skipped by the callers checking ok.
func (d *doc) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

func (d *doc) ok() bool {
	if d.err == nil && d.pdf.Err() {
		d.err = fmt.Errorf("report: pdf: %w", d.pdf.Error())
	}
	return d.err == nil
}

// setFont selects the regular or bold face at size points.
func (d *doc) setFont(bold bool, size float64) {
	fam := fontRegular.family
	if bold {
		fam = fontBold.family
	}
	d.pdf.SetFont(fam, "", size)
}

func lineH(size float64) float64 { return size * ptToMM * lineSpacing }

// baseline returns the baseline of a line of text at size whose line box starts at top.
func baseline(top, size float64) float64 {
	return top + lineH(size)/2 + 0.33*size*ptToMM
}

func (d *doc) color(r, g, b int) { d.pdf.SetTextColor(r, g, b) }

// newPage starts a page; it is where the context is checked between pages.
func (d *doc) newPage() {
	if err := d.ctx.Err(); err != nil {
		d.fail(fmt.Errorf("report: %w", err))
	}
	if !d.ok() {
		return
	}
	d.pdf.AddPage()
	d.y = contentTop
}

// ensure starts a new page unless h millimetres are free on this one.
func (d *doc) ensure(h float64) {
	if d.y+h > bottom {
		d.newPage()
	}
}

func (d *doc) header() {
	if d.headerLeft == "" {
		return
	}
	d.setFont(false, sizeSmall)
	d.color(110, 110, 110)
	d.pdf.Text(marginL, headerBase, d.clean(d.headerLeft))
	if d.headerRight != "" {
		r := d.clean(d.headerRight)
		d.pdf.Text(pageW-marginR-d.pdf.GetStringWidth(r), headerBase, r)
	}
	d.pdf.SetDrawColor(170, 170, 170)
	d.pdf.Line(marginL, headerRule, pageW-marginR, headerRule)
	d.color(0, 0, 0)
}

func (d *doc) footer() {
	d.setFont(false, sizeSmall)
	d.color(90, 90, 90)
	d.pdf.SetDrawColor(170, 170, 170)
	d.pdf.Line(marginL, footerRule, pageW-marginR, footerRule)
	d.pdf.Text(marginL, footerBase, d.clean(d.footerLeft))
	// The count is an alias replaced when the file is written; the text is placed as if the
	// alias were as wide as the count, which it nearly is.
	p := fmt.Sprintf(d.t.FooterPage, fmt.Sprint(d.pdf.PageNo()), aliasPages)
	d.pdf.Text(pageW-marginR-d.pdf.GetStringWidth(p), footerBase, p)
	d.color(0, 0, 0)
}

// clean makes s printable with the report font: tabs and line ends become spaces (newlines
// are kept), other control characters are dropped, and a character the font cannot draw is
// written as its code point, [U+1F600], rather than as an empty box.
func (d *doc) clean(s string) string {
	simple := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r == utf8.RuneError || unicode.IsControl(r):
			// dropped: nothing a reader could see
		case r < 0x7f:
			b.WriteRune(r)
		case d.has(r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "[U+%04X]", r)
		}
	}
	return b.String()
}

// has reports whether the font has a glyph for r. fpdf maps only the Basic Multilingual
// Plane, so anything above it is treated as missing.
func (d *doc) has(r rune) bool {
	if r > 0xffff {
		return false
	}
	if v, ok := d.glyph[r]; ok {
		return v
	}
	g, err := d.font.GlyphIndex(&d.fbuf, r)
	v := err == nil && g != 0
	d.glyph[r] = v
	return v
}

// width is the width of s in the current font; s must be clean.
func (d *doc) width(s string) float64 { return d.pdf.GetStringWidth(s) }

// wrap breaks s (clean) into lines no wider than w in the current font. Lines break at
// spaces; a word wider than a line (a URL, a hash, a long token) is broken between
// characters, preferably after a URL delimiter and never inside a %XX escape, and nothing is
// added at the break, so that joining the lines gives the text back.
func (d *doc) wrap(s string, w float64) []string {
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		out = append(out, d.wrapLine(para, w)...)
	}
	return out
}

func (d *doc) wrapLine(s string, w float64) []string {
	if s == "" || d.width(s) <= w {
		return []string{s}
	}
	space := d.width(" ")
	var lines []string
	cur, curW := "", 0.0
	for word := range strings.SplitSeq(s, " ") {
		if word == "" {
			continue
		}
		ww := d.width(word)
		if cur != "" && curW+space+ww <= w {
			cur, curW = cur+" "+word, curW+space+ww
			continue
		}
		if cur != "" && ww > w && w-curW-space > w/4 {
			// A token that needs breaking anyway starts on this line.
			head, rest := d.breakToken(word, w-curW-space)
			lines = append(lines, cur+" "+head)
			cur, curW = "", 0
			word = rest
			ww = d.width(word)
		}
		if cur != "" {
			lines = append(lines, cur)
			cur, curW = "", 0
		}
		for ww > w {
			head, rest := d.breakToken(word, w)
			lines = append(lines, head)
			word = rest
			ww = d.width(word)
		}
		cur, curW = word, ww
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// breakToken splits tok, wider than w, into a head that fits and the rest.
func (d *doc) breakToken(tok string, w float64) (string, string) {
	rs := []rune(tok)
	fit, acc := 0, 0.0
	for i, r := range rs {
		acc += d.width(string(r))
		if acc > w {
			break
		}
		fit = i + 1
	}
	if fit == 0 {
		fit = 1
	}
	cut := fit
	// Prefer to break after a delimiter in the last 40% of the line.
	for i := fit; i > fit*3/5 && i > 1; i-- {
		if strings.ContainsRune("/?&=#;,-_.:)]", rs[i-1]) {
			cut = i
			break
		}
	}
	// Never split %XX.
	for k := 1; k <= 2 && cut-k >= 0; k++ {
		if rs[cut-k] == '%' && cut-k+3 <= len(rs) && cut-k > 0 {
			cut -= k
			break
		}
	}
	return string(rs[:cut]), string(rs[cut:])
}

// para writes s as a paragraph at size, wrapped to the content width, breaking pages.
func (d *doc) para(s string, bold bool, size float64) {
	d.paraAt(marginL, contentW, s, bold, size)
}

func (d *doc) paraAt(x, w float64, s string, bold bool, size float64) {
	if !d.ok() {
		return
	}
	d.setFont(bold, size)
	lh := lineH(size)
	for _, line := range d.wrap(d.clean(s), w) {
		if d.y+lh > bottom {
			d.newPage()
			d.setFont(bold, size)
		}
		d.pdf.Text(x, baseline(d.y, size), line)
		d.y += lh
	}
}

// heading1 starts a titled section: a bold title and a rule.
func (d *doc) heading1(s string) {
	d.ensure(30)
	d.setFont(true, 15)
	d.color(20, 40, 80)
	d.pdf.Text(marginL, baseline(d.y, 15), d.clean(s))
	d.y += lineH(15) + 1
	d.pdf.SetDrawColor(20, 40, 80)
	d.pdf.SetLineWidth(0.4)
	d.pdf.Line(marginL, d.y, pageW-marginR, d.y)
	d.pdf.SetLineWidth(0.2)
	d.color(0, 0, 0)
	d.y += 4
}

// heading2 titles what follows; it moves to a new page unless next millimetres of what
// follows fit under it.
func (d *doc) heading2(s string, next float64) {
	d.y += 3
	d.ensure(lineH(10.5) + 0.8 + next)
	d.setFont(true, 10.5)
	d.color(20, 40, 80)
	d.pdf.Text(marginL, baseline(d.y, 10.5), d.clean(s))
	d.color(0, 0, 0)
	d.y += lineH(10.5) + 0.8
}

// cell is one cell of a table.
type cell struct {
	text string
	bold bool
	hash bool // a digest: set smaller, never wrapped (its column fits it)
	band bool // the only cell of its row, spanning all columns, shaded
	rgb  [3]int
}

func txt(s string) cell  { return cell{text: s} }
func bold(s string) cell { return cell{text: s, bold: true} }
func hash(s string) cell { return cell{text: s, hash: true} }

// column describes a table column: its width in mm and its alignment ('L' or 'R').
type column struct {
	title string
	w     float64
	align byte
	fill  bool // shaded, for the label column of a key/value table
}

// table is a bordered table with an optional title above it and an optional header row,
// repeated on every page the table continues on. A row that does not fit the rest of a page
// moves to the next; a row taller than a page breaks between its lines.
type table struct {
	title  string
	cols   []column
	header bool
	size   float64
}

// laid is a row with its cells wrapped.
type laid struct {
	cells []cell
	lines [][]string
	n     int // lines in the tallest cell
}

func (d *doc) lay(t table, r []cell) laid {
	l := laid{cells: r, lines: make([][]string, len(r)), n: 1}
	for i, c := range r {
		w := t.cols[i].w
		if c.band {
			w = 0
			for _, col := range t.cols {
				w += col.w
			}
		}
		w -= 2 * padH
		if c.hash {
			d.setFont(false, sizeHash)
		} else {
			d.setFont(c.bold, t.size)
		}
		l.lines[i] = d.wrap(d.clean(c.text), w)
		l.n = max(l.n, len(l.lines[i]))
	}
	return l
}

func (d *doc) table(t table, rows [][]cell, links []int) {
	if !d.ok() {
		return
	}
	if t.size == 0 {
		t.size = sizeTable
	}
	lh := lineH(t.size)
	var hdr laid
	lead := 0.0
	if t.header {
		hc := make([]cell, len(t.cols))
		for i, c := range t.cols {
			hc[i] = bold(c.title)
		}
		hdr = d.lay(t, hc)
		lead += float64(hdr.n)*lh + 2*padV
	}
	laidRows := make([]laid, len(rows))
	for i, r := range rows {
		laidRows[i] = d.lay(t, r)
	}
	if len(laidRows) > 0 {
		lead += float64(min(laidRows[0].n, 3))*lh + 2*padV
	}
	if t.title != "" {
		d.heading2(t.title, lead)
	} else {
		d.ensure(lead)
	}
	if t.header {
		d.row(t, hdr, true, 0, nil)
	}
	for i, r := range laidRows {
		link := 0
		if i < len(links) {
			link = links[i]
		}
		var h *laid
		if t.header {
			h = &hdr
		}
		d.row(t, r, false, link, h)
		if !d.ok() {
			return
		}
	}
	d.y += 2
}

// hashWidth is the width a 64-digit hash takes at sizeHash, with cell padding.
func (d *doc) hashWidth() float64 {
	d.setFont(false, sizeHash)
	return math.Ceil(d.width(strings.Repeat("0", 64))+2*padH) + 1
}

func (d *doc) row(t table, r laid, isHeader bool, link int, hdr *laid) {
	lh := lineH(t.size)
	fresh := int((bottom - contentTop - 2*padV - 2*(lh+2*padV)) / lh)
	for start := 0; start < r.n; {
		free := bottom - d.y - 2*padV
		fit := int(math.Floor(free/lh + 1e-6))
		need := r.n - start
		if fit < need && (need <= fresh || fit < 2) {
			// Move the row to a new page when it fits there whole, or when less than two
			// of its lines fit here.
			d.newPage()
			if !d.ok() {
				return
			}
			if t.title != "" {
				d.heading2(t.title+" "+d.t.Continued, 0)
			}
			if hdr != nil {
				d.row(t, *hdr, true, 0, nil)
			}
			continue
		}
		k := min(need, fit)
		h := float64(k)*lh + 2*padV
		x := marginL
		for i, c := range r.cells {
			col := t.cols[i]
			w := col.w
			if c.band {
				w = contentW
			}
			d.pdf.SetDrawColor(140, 140, 140)
			style := "D"
			switch {
			case isHeader:
				d.pdf.SetFillColor(226, 231, 238)
				style = "FD"
			case col.fill || c.band:
				d.pdf.SetFillColor(244, 246, 249)
				style = "FD"
			}
			d.pdf.Rect(x, d.y, w, h, style)
			if c.hash {
				d.setFont(false, sizeHash)
			} else {
				d.setFont(c.bold || isHeader, t.size)
			}
			if c.rgb != [3]int{} {
				d.color(c.rgb[0], c.rgb[1], c.rgb[2])
			}
			for j := start; j < start+k && j < len(r.lines[i]); j++ {
				line := r.lines[i][j]
				tx := x + padH
				if col.align == 'R' {
					tx = x + w - padH - d.width(line)
				}
				d.pdf.Text(tx, baseline(d.y+padV+float64(j-start)*lh, t.size), line)
			}
			d.color(0, 0, 0)
			x += w
		}
		if link != 0 {
			d.pdf.Link(marginL, d.y, contentW, h, link)
		}
		d.y += h
		start += k
	}
}

// kv draws a titled two-column table of labels and values; cells[i], when present, replaces
// the value of rows[i].
func (d *doc) kv(title string, rows [][2]string, cells map[int]cell) {
	t := table{title: title, cols: []column{{w: 42, fill: true}, {w: contentW - 42}}}
	out := make([][]cell, 0, len(rows))
	for i, r := range rows {
		v := txt(r[1])
		if c, ok := cells[i]; ok {
			v = c
		}
		out = append(out, []cell{bold(r[0]), v})
	}
	d.table(t, out, nil)
}

// notice draws a framed note across the content width.
func (d *doc) notice(s string, extra ...cell) {
	if !d.ok() {
		return
	}
	d.setFont(false, sizeBody)
	lines := d.wrap(d.clean(s), contentW-6)
	lh := lineH(sizeBody)
	h := float64(len(lines))*lh + 4 + float64(len(extra))*lineH(sizeHash)
	d.ensure(h + 2)
	d.pdf.SetFillColor(253, 246, 227)
	d.pdf.SetDrawColor(200, 160, 60)
	d.pdf.Rect(marginL, d.y, contentW, h, "FD")
	y := d.y + 2
	d.setFont(false, sizeBody)
	for _, l := range lines {
		d.pdf.Text(marginL+3, baseline(y, sizeBody), l)
		y += lh
	}
	for _, c := range extra {
		d.setFont(c.bold, sizeHash)
		d.pdf.Text(marginL+3, baseline(y, sizeHash), d.clean(c.text))
		y += lineH(sizeHash)
	}
	d.y += h + 3
}
