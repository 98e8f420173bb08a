package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"evidentia/evidence"
	"evidentia/pagemeta"
	"evidentia/textsafe"
)

// Build writes the report for in as an unsigned PDF to w.
//
// The report is A4 portrait in in.Lang: a cover, a summary table of the captures, one section
// per capture starting on a new page (facts, the full-page screenshot cut into page-high
// slices, artifacts, method notes and custody events), and a closing hash confirmation. Each
// capture's ManifestJSON is attached as AttachmentName(ID). Every page carries the report ID
// and "page N / M" in its footer.
//
// Build reads the screenshots (the tiles when the capture has them) through open, by digest,
// and checks every byte it reads against the artifact's digest and size: an Opener error is
// returned, and bytes that do not match return an error wrapping ErrArtifactMismatch. An image
// that is intact but cannot be decoded is not an error: the report shows a notice in its
// place and still lists the file and its hash. Screenshots of different captures are
// prepared concurrently, at most runtime.GOMAXPROCS at a time; everything else runs on the
// calling goroutine.
//
// Build returns an error wrapping ErrBadInput, before writing anything, when in has no
// captures, an unknown Lang, no ReportID or GeneratedAt, or a capture without a sealed
// Manifest whose CaptureID is its ID, without ManifestJSON hashing to ManifestSHA256, or with
// an ID used twice; and when open is nil. It returns ctx.Err() (wrapped) when ctx ends first,
// checked between captures and between pages; nothing is written to w then either.
//
// The output depends only on in and the artifacts' bytes: dates come from in.GeneratedAt and
// nothing is random. (fpdf orders image objects of equal width as Go's map iteration does, so
// two builds of a report with several images may differ in the order of those objects in the
// file; the pages, their text and images, and the attachments do not.)
//
// Build assembles the whole file in memory and writes it to w with a single Write at the
// end. It does not change in and does not keep w, open or anything it was given.
func Build(ctx context.Context, w io.Writer, in Input, open Opener) error {
	t, err := validate(in, open)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	preps, wait := prepareAll(ctx, in.Captures, open)
	defer wait()
	defer cancel()

	d, err := newDoc(ctx, t)
	if err != nil {
		return err
	}
	setInfo(d.pdf, in, t)
	d.footerLeft = fmt.Sprintf(t.FooterReport, in.ReportID)

	d.cover(in)
	links := make([]int, len(in.Captures))
	for i := range links {
		links[i] = d.pdf.AddLink()
	}
	d.headerLeft = t.HeaderTitle
	if in.Case.Number != "" {
		d.headerLeft += " · " + in.Case.Number
	} else if in.Case.Name != "" {
		d.headerLeft += " · " + in.Case.Name
	}
	d.summary(in, links)
	for i, c := range in.Captures {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		var p prepared
		select {
		case p = <-preps[i]:
		case <-ctx.Done():
			return fmt.Errorf("report: %w", ctx.Err())
		}
		if p.err != nil {
			return fmt.Errorf("report: capture %s: %w", c.ID, p.err)
		}
		num, total := in.number(i)
		d.capture(num, total, c, p, links[i])
		if !d.ok() {
			return d.err
		}
	}
	d.hashes(in)
	if !d.ok() {
		return d.err
	}

	atts := make([]fpdf.Attachment, len(in.Captures))
	for i, c := range in.Captures {
		atts[i] = fpdf.Attachment{
			Content:     c.ManifestJSON,
			Filename:    AttachmentName(c.ID),
			Description: fmt.Sprintf(t.AttachmentDesc, c.ID, c.ManifestSHA256),
		}
	}
	d.pdf.SetAttachments(atts)

	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	out, err := tagFonts(buf.Bytes(), in.ReportID)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// firstNumber is the number of the report's first capture: 1, or its place in a set of volumes.
func (in *Input) firstNumber() int {
	if in.Volume != nil {
		return in.Volume.First
	}
	return 1
}

// number returns the number of the i-th capture and how many captures are numbered in all.
func (in *Input) number(i int) (num, total int) {
	if v := in.Volume; v != nil {
		return v.First + i, v.Total
	}
	return i + 1, len(in.Captures)
}

// validate checks in against Build's contract and returns the strings of its language.
func validate(in Input, open Opener) (*texts, error) {
	t, ok := textsFor(in.Lang)
	if !ok {
		return nil, fmt.Errorf("%w: unknown language %q", ErrBadInput, in.Lang)
	}
	switch {
	case len(in.Captures) == 0:
		return nil, fmt.Errorf("%w: no captures", ErrBadInput)
	case in.Volume != nil && (in.Volume.Number < 1 || in.Volume.Number > in.Volume.Of || in.Volume.First < 1 ||
		in.Volume.First+len(in.Captures)-1 > in.Volume.Total):
		return nil, fmt.Errorf("%w: volume %+v does not fit %d captures", ErrBadInput, *in.Volume, len(in.Captures))
	case in.ReportID == "":
		return nil, fmt.Errorf("%w: no report ID", ErrBadInput)
	case in.GeneratedAt.IsZero():
		return nil, fmt.Errorf("%w: no generation time", ErrBadInput)
	case open == nil:
		return nil, fmt.Errorf("%w: no opener", ErrBadInput)
	}
	seen := make(map[string]bool)
	for i, c := range in.Captures {
		switch {
		case c.ID == "":
			return nil, fmt.Errorf("%w: capture %d has no ID", ErrBadInput, i+1)
		case seen[c.ID]:
			return nil, fmt.Errorf("%w: capture %s appears twice", ErrBadInput, c.ID)
		case c.Manifest == nil:
			return nil, fmt.Errorf("%w: capture %s has no manifest", ErrBadInput, c.ID)
		case c.Manifest.CaptureID != c.ID:
			return nil, fmt.Errorf("%w: capture %s has the manifest of %s", ErrBadInput, c.ID, c.Manifest.CaptureID)
		case !c.Manifest.Status.Sealed():
			return nil, fmt.Errorf("%w: capture %s is %s, not sealed", ErrBadInput, c.ID, c.Manifest.Status)
		case len(c.ManifestJSON) == 0:
			return nil, fmt.Errorf("%w: capture %s has no manifest JSON", ErrBadInput, c.ID)
		case evidence.SumBytes(c.ManifestJSON) != c.ManifestSHA256:
			return nil, fmt.Errorf("%w: capture %s: manifest JSON does not hash to %s", ErrBadInput, c.ID, c.ManifestSHA256)
		}
		seen[c.ID] = true
	}
	return t, nil
}

func setInfo(pdf *fpdf.Fpdf, in Input, t *texts) {
	title := t.Title
	if in.Case.Number != "" {
		title += " - " + in.Case.Number
	}
	pdf.SetTitle(title, true)
	if in.Case.Name != "" {
		pdf.SetSubject(in.Case.Name, true)
	}
	if in.Operator != "" {
		pdf.SetAuthor(in.Operator, true)
	}
	pdf.SetKeywords(in.ReportID, true)
	pdf.SetCreator("Evidentia "+in.AppVersion, true)
	pdf.SetProducer("Evidentia "+in.AppVersion+" (fpdf)", true)
	if in.Lang == Korean {
		pdf.SetLang("ko-KR")
	} else {
		pdf.SetLang("en")
	}
	pdf.SetCreationDate(in.GeneratedAt.UTC())
	pdf.SetModificationDate(in.GeneratedAt.UTC())
}

// tagFonts gives the embedded font subsets their subset names (see fontSpec), in place.
func tagFonts(b []byte, seed string) ([]byte, error) {
	for _, f := range []fontSpec{fontRegular, fontBold} {
		old := []byte("/utf8" + f.family)
		sum := sha256.Sum256([]byte(seed + "\x00" + f.psName))
		tag := make([]byte, 6)
		for i := range tag {
			tag[i] = 'A' + sum[i]%26
		}
		repl := []byte("/" + string(tag) + "+" + f.psName)
		if len(repl) != len(old) {
			return nil, fmt.Errorf("report: font name %s: lengths differ", f.psName)
		}
		if bytes.Count(b, old) == 0 {
			continue // the face was not used
		}
		b = bytes.ReplaceAll(b, old, repl)
	}
	return b, nil
}

// Time and number formatting.

// seoul is the zone report times are shown in.
var seoul = evidence.KST()

func (d *doc) kst(t time.Time) string {
	if t.IsZero() {
		return d.t.NotRecorded
	}
	return t.In(seoul).Format("2006-01-02 15:04:05 KST")
}

// kst2 is kst on two lines, date and time, for narrow columns.
func (d *doc) kst2(t time.Time) string {
	if t.IsZero() {
		return d.t.NotRecorded
	}
	return t.In(seoul).Format("2006-01-02\n15:04:05 KST")
}

func (d *doc) utc(t time.Time) string {
	if t.IsZero() {
		return d.t.NotRecorded
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func (d *doc) both(t time.Time) string {
	if t.IsZero() {
		return d.t.NotRecorded
	}
	return d.kst(t) + "\n" + d.utc(t)
}

func (d *doc) orNot(s string) string {
	if strings.TrimSpace(s) == "" {
		return d.t.NotRecorded
	}
	return s
}

func (d *doc) yesNo(b bool) string {
	if b {
		return d.t.Yes
	}
	return d.t.No
}

// group writes n with thousands separators (evidence.GroupDigits).
func group(n int64) string { return evidence.GroupDigits(n) }

func (d *doc) statusText(s evidence.Status) (string, [3]int) {
	switch s {
	case evidence.StatusComplete:
		return d.t.StatusComplete, [3]int{20, 110, 40}
	case evidence.StatusPartial:
		return d.t.StatusPartial, [3]int{170, 100, 0}
	case evidence.StatusFailed:
		return d.t.StatusFailed, [3]int{180, 30, 30}
	}
	return string(s), [3]int{}
}

func (d *doc) roleText(r string) string {
	switch r {
	case evidence.RoleScreenshot:
		return d.t.RoleScreenshot
	case evidence.RoleTile:
		return d.t.RoleTile
	case evidence.RoleViewport:
		return d.t.RoleViewport
	case evidence.RoleDocument:
		return d.t.RoleDocument
	case evidence.RoleDOM:
		return d.t.RoleDOM
	case evidence.RoleMHTML:
		return d.t.RoleMHTML
	case evidence.RoleWARC:
		return d.t.RoleWARC
	case evidence.RoleText:
		return d.t.RoleText
	case evidence.RoleFacts:
		return d.t.RoleFacts
	}
	return r
}

// actionText translates the custody actions the report has words for (texts.action, by
// evidence.Action.Key); others are shown as they are.
func (d *doc) actionText(a string) string {
	if s := d.t.action(evidence.Action(a).Key()); s != "" {
		return s
	}
	return a
}

func (d *doc) eventKind(k string) string {
	switch k {
	case evidence.EventDialog:
		return d.t.EvDialog
	case evidence.EventDownload:
		return d.t.EvDownload
	case evidence.EventPopup:
		return d.t.EvPopup
	case evidence.EventNavigation:
		return d.t.EvNavigation
	case evidence.EventTimeout:
		return d.t.EvTimeout
	case evidence.EventError:
		return d.t.EvError
	case evidence.EventNote:
		return d.t.EvNote
	}
	return k
}

// host returns the host of the capture's final (else requested) URL.
func host(f *evidence.Facts) string {
	for _, s := range []string{f.FinalURL, f.RequestedURL} {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			return u.Host
		}
	}
	return ""
}

// truncate shortens s to at most n characters, at a space when one is near.
func truncate(s string, n int) string {
	rs := []rune(strings.Join(strings.Fields(s), " "))
	if len(rs) <= n {
		return string(rs)
	}
	cut := n - 1
	for i := cut; i > n*3/4; i-- {
		if rs[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(rs[:cut])) + "…"
}

func sortedPairs(m map[string]string, sep string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = line(k, 100) + sep + line(m[k], 1000)
	}
	return strings.Join(lines, "\n")
}

// Sections.

func (d *doc) cover(in Input) {
	t := d.t
	d.newPage()
	d.setFont(true, 22)
	d.color(20, 40, 80)
	title := d.clean(t.Title)
	d.pdf.Text(marginL+(contentW-d.width(title))/2, 48, title)
	d.pdf.SetDrawColor(20, 40, 80)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(marginL+contentW/4, 55, marginL+contentW*3/4, 55)
	d.pdf.SetLineWidth(0.2)
	d.color(0, 0, 0)
	d.y = 66

	rows := [][2]string{{t.CaseName, d.orNot(in.Case.Name)}, {t.CaseNumber, d.orNot(in.Case.Number)}}
	if in.Case.Description != "" {
		rows = append(rows, [2]string{t.CaseDescription, in.Case.Description})
	}
	if in.Case.LawArticle != "" {
		rows = append(rows, [2]string{t.LawArticle, in.Case.LawArticle})
	}
	d.kv(t.CoverCaseHdr, rows, nil)

	var nc, np, nf, notWhole int
	for _, c := range in.Captures {
		if v := c.Manifest.Facts.Completeness; v != nil && v.Verdict != evidence.VerdictComplete {
			notWhole++
		}
		switch c.Manifest.Status {
		case evidence.StatusComplete:
			nc++
		case evidence.StatusPartial:
			np++
		case evidence.StatusFailed:
			nf++
		}
	}
	sig := t.NotSigned
	if in.Signer != "" {
		sig = fmt.Sprintf(t.SignedBy, in.Signer)
	}
	rows = [][2]string{
		{t.ReportID, in.ReportID},
		{t.GeneratedKST, d.kst(in.GeneratedAt)},
		{t.GeneratedUTC, d.utc(in.GeneratedAt)},
		{t.Operator, d.orNot(in.Operator)},
		{t.Unit, d.orNot(in.Unit)},
		{t.AppVersion, d.orNot(in.AppVersion)},
		{t.AppSHA256, d.orNot(string(in.AppSHA256))},
		{t.CaptureCount, fmt.Sprintf(t.CaptureCountFmt, len(in.Captures), nc, np, nf)},
		{t.Signature, sig},
	}
	if notWhole > 0 {
		rows[7][1] += "\n" + fmt.Sprintf(t.NotWholeFmt, notWhole)
	}
	if v := in.Volume; v != nil {
		rows = append(rows, [2]string{t.VolumeLabel, fmt.Sprintf(t.VolumeFmt, v.Number, v.Of, v.First, v.First+len(in.Captures)-1, v.Total)})
	}
	cells := map[int]cell{}
	if in.AppSHA256 != "" {
		cells[6] = hash(string(in.AppSHA256))
	}
	cells[8] = bold(sig)
	d.kv(t.CoverRptHdr, rows, cells)

	d.y += 3
	d.para(t.CoverIntro, false, sizeBody)
	d.y += 2
	if in.Signer != "" {
		d.para(t.SignedNote, false, sizeBody)
	} else {
		d.para(t.UnsignedNote, false, sizeBody)
	}
}

func (d *doc) summary(in Input, links []int) {
	t := d.t
	d.newPage()
	d.setFont(true, 15)
	d.pdf.Bookmark(t.SummaryTitle, 0, -1)
	d.heading1(t.SummaryTitle)
	cols := []column{
		{title: t.ColNo, w: 12, align: 'R'},
		{title: t.ColCaptured, w: 27},
		{title: t.ColSite, w: 38},
		{title: t.ColTitle},
		{title: t.ColStatus, w: 20},
	}
	cols[3].w = contentW - 12 - 27 - 38 - 20
	rows := make([][]cell, len(in.Captures))
	for i, c := range in.Captures {
		f := &c.Manifest.Facts
		title := line(f.Metadata.Title, pagemeta.MaxTitle)
		if strings.TrimSpace(title) == "" {
			title = t.Untitled
		}
		status, rgb := d.statusText(c.Manifest.Status)
		if v := f.Completeness; v != nil && v.Verdict != evidence.VerdictComplete {
			// A capture sealed complete may hold a login screen: never "complete" alone.
			status += " · " + d.verdictName(v.Verdict)
			rgb = verdictRed
		}
		site := line(host(f), 300)
		rows[i] = []cell{
			txt(strconv.Itoa(in.firstNumber() + i)),
			txt(d.kst2(f.Collection.StartedAt)),
			txt(site),
			txt(truncate(title, 90)),
			{text: status, bold: true, rgb: rgb},
		}
	}
	d.table(table{cols: cols, header: true}, rows, links)
}

// capture writes the section of capture c, number num of total.
func (d *doc) capture(num, total int, c Capture, p prepared, link int) {
	t := d.t
	m := c.Manifest
	f := &m.Facts
	heading := fmt.Sprintf(t.CaptureHeading, num, total)
	d.headerRight = heading + " · " + c.ID
	d.newPage()
	if !d.ok() {
		return
	}
	d.pdf.SetLink(link, 0, -1)
	d.setFont(true, 15)
	d.pdf.Bookmark(d.clean(heading+" "+truncate(line(f.Metadata.Title, pagemeta.MaxTitle), 40)), 0, -1)
	d.heading1(heading)

	d.identification(c)
	// What the page says about itself, apart and labelled.
	d.claims(f)
	d.posting(p.post, p.postNote, f.Metadata, f.Collection.StartedAt)
	d.media(f.Media, f.MediaTool)
	d.redirects(f.Redirects)
	d.collection(&f.Collection)
	d.network(&f.Network)
	d.browser(&f.Browser)

	d.screenshot(c, p.shot)
	d.artifacts(m)
	d.method(&f.Method)
	d.custody(c.Custody)
	d.headerRight = ""
}

// identification writes what Evidentia observed of capture c: its ID and status, the
// addresses, the HTTP status and the start.
func (d *doc) identification(c Capture) {
	t := d.t
	m := c.Manifest
	f := &m.Facts
	status, rgb := d.statusText(m.Status)
	if v := f.Completeness; v != nil && v.Verdict != evidence.VerdictComplete {
		status += " · " + d.verdictName(v.Verdict) // sealed complete is not the whole posting
		rgb = verdictRed
	}
	st := cell{text: status, bold: true, rgb: rgb}
	if m.Reason != "" {
		st.text += " - " + t.Reason + ": " + m.Reason
	}
	observed := d.orNot(evidence.NetworkRows(&f.Network).Value(evidence.FactHTTPStatus))
	rows := [][2]string{
		{t.CaptureID, c.ID},
		{t.Status, st.text},
	}
	cells := map[int]cell{1: st}
	if v := f.Completeness; v != nil { // none for a capture made before verdicts
		vc := d.completeness(v)
		cells[len(rows)] = vc
		rows = append(rows, [2]string{t.Completeness, vc.text})
	}
	rows = append(rows, [][2]string{
		{t.RequestedURL, d.orNot(line(f.RequestedURL, pagemeta.MaxURL))},
		{t.FinalURL, d.orNot(line(f.FinalURL, pagemeta.MaxURL))},
		{t.Host, d.orNot(line(host(f), 300))},
		{t.HTTPStatus, observed},
		{t.Started, d.both(f.Collection.StartedAt)},
	}...)
	d.kv(t.Identification, rows, cells)
}

// verdictRed is the colour of a verdict that says the posting was not captured in full, that
// of a failed status; verdictGreen that of a complete one.
var (
	verdictRed   = [3]int{180, 30, 30}
	verdictGreen = [3]int{20, 110, 40}
)

// completeness is the cell of c's verdict in the identification: the verdict in plain words
// (evidence.Verdict.Text), one line per reason (evidence.Reason.Text) with its detail, which may
// quote the page, escaped (line), capped and labelled as the matched text, never as an observed
// fact; then the comment count. A verdict other than complete is set in bold red.
func (d *doc) completeness(c *evidence.Completeness) cell {
	t := d.t
	text := c.Verdict.Text(t.LangCode)
	if text == "" {
		text = fmt.Sprintf(t.VerdictUnknown, line(string(c.Verdict), 50))
	}
	lines := []string{text}
	for _, r := range c.Reasons {
		l := r.Text(t.LangCode)
		if l == "" {
			l = fmt.Sprintf(t.ReasonUnknown, line(r.Code, 50))
		}
		if det := strings.TrimSpace(r.Detail); det != "" {
			l += "\n  " + fmt.Sprintf(t.ReasonMatched, line(det, evidence.MaxReasonDetail))
		}
		lines = append(lines, "• "+l)
	}
	if n := c.Comments; n != nil {
		if n.Expected == evidence.CommentsNotStated {
			lines = append(lines, fmt.Sprintf(t.CommentsNoCount, group(int64(n.Captured))))
		} else {
			lines = append(lines, fmt.Sprintf(t.CommentsCount, group(int64(n.Captured)), group(int64(n.Expected))))
		}
	}
	out := cell{text: strings.Join(lines, "\n"), rgb: verdictGreen}
	if c.Verdict != evidence.VerdictComplete {
		out.bold, out.rgb = true, verdictRed
	}
	return out
}

// verdictName is the short name of a verdict (evidence.Verdict.Name), for the status cells.
func (d *doc) verdictName(v evidence.Verdict) string {
	if n := v.Name(d.t.LangCode); n != "" {
		return n
	}
	return fmt.Sprintf(d.t.VerdictUnknown, line(string(v), 50))
}

// media writes the video and audio sources of the page and what was kept of each: the file's
// name, type and size and what ffprobe read from it, or why nothing was kept. The player's
// duration is the page's value and is labelled so.
func (d *doc) media(items []evidence.MediaItem, tool *evidence.MediaToolRun) {
	if len(items) == 0 && tool == nil {
		return
	}
	t := d.t
	defer func() {
		if tool == nil {
			return
		}
		head := line(tool.Tool, 40)
		if tool.Version != "" {
			head += " " + line(tool.Version, 60)
		}
		text := fmt.Sprintf(t.MediaToolFmt, head, line(tool.Note, 400))
		if len(tool.Command) > 0 {
			text += "\n" + line(strings.Join(tool.Command, " "), 600)
		}
		d.para(text, false, sizeTable)
	}()
	if len(items) == 0 {
		d.heading2(t.Media, 10)
		return
	}
	var rs [][]cell
	for j, it := range items {
		kind := t.MediaVideo
		if it.Kind == "audio" {
			kind = t.MediaAudio
		}
		src := kind + " · " + line(it.Element, 200) + "\n" + line(it.URL, pagemeta.MaxURL)
		if it.Frame != "" {
			src += "\n(" + fmt.Sprintf(t.CommentFrameFmt, line(it.Frame, 300)) + ")"
		}
		kept := t.MediaNotKept
		if it.Artifact != "" {
			kept = line(it.Artifact, 100) + "\n" + fmt.Sprintf(t.MediaFmt, d.orNot(line(it.MediaType, 100)), evidence.GroupDigits(it.Bytes)+" B")
			if p := it.Probe; p != nil {
				probe := fmt.Sprintf("%.1f s", p.DurationS)
				if p.Width > 0 && p.Height > 0 {
					probe += fmt.Sprintf(", %d×%d", p.Width, p.Height)
				}
				for _, c := range []string{p.VideoCodec, p.AudioCodec} {
					if c != "" {
						probe += ", " + line(c, 40)
					}
				}
				kept += "\nffprobe: " + probe
			}
		}
		if it.Note != "" {
			kept += "\n" + line(it.Note, 400)
		}
		if it.PlayerDuration > 0 {
			kept += "\n" + fmt.Sprintf(t.MediaPlayer, it.PlayerDuration)
		}
		rs = append(rs, []cell{txt(strconv.Itoa(j + 1)), txt(src), txt(kept)})
	}
	half := (contentW - 10) / 2
	d.table(table{title: t.Media, header: true, size: sizeTable - 0.5, cols: []column{
		{title: t.ColNo, w: 10, align: 'R'}, {title: t.MediaSource, w: half}, {title: t.MediaKept, w: contentW - 10 - half}}}, rs, nil)
}

// redirects writes the redirect chain that led to the final URL.
func (d *doc) redirects(hops []evidence.RedirectHop) {
	t := d.t
	if len(hops) == 0 {
		d.heading2(t.Redirects, 10)
		d.para(t.NoRedirects, false, sizeTable)
	} else {
		cols := []column{
			{title: t.HopNo, w: 10, align: 'R'},
			{title: t.HopStatus, w: 30},
			{title: t.HopURL + " → " + t.HopLocation, w: contentW - 40},
		}
		var rs [][]cell
		for j, h := range hops {
			s := strconv.Itoa(h.Status)
			if h.StatusText != "" {
				s += " " + line(h.StatusText, 100)
			}
			if h.RemoteIP != "" {
				s += "\n" + line(h.RemoteIP, 100)
			}
			rs = append(rs, []cell{txt(strconv.Itoa(j + 1)), txt(s), txt(line(h.URL, pagemeta.MaxURL) + "\n→ " + d.orNot(line(h.Location, pagemeta.MaxURL)))})
		}
		d.table(table{title: t.Redirects, cols: cols, header: true}, rs, nil)
	}
}

// collection writes who collected the capture, where and when (evidence.CollectionRows).
func (d *doc) collection(col *evidence.Collection) {
	t := d.t
	var rows [][2]string
	cells := map[int]cell{}
	for _, r := range evidence.CollectionRows(col) {
		v := d.orNot(r.Value)
		switch r.Key {
		case evidence.FactStarted, evidence.FactFinished:
			v = d.both(r.Time)
		case evidence.FactLocalIPs:
			v = r.Value
		case evidence.FactProgram:
			v = fmt.Sprintf(t.ProgramFmt, d.orNot(r.Value))
		case evidence.FactAppSHA256:
			cells[len(rows)] = hash(r.Value)
		}
		rows = append(rows, [2]string{t.factLabel(r.Key), v})
	}
	d.kv(t.Collection, rows, cells)
}

// network writes what the main document's response said and how it travelled.
func (d *doc) network(nw *evidence.Network) {
	t := d.t
	facts := evidence.NetworkRows(nw)
	fact := func(key string) [2]string { return [2]string{t.factLabel(key), d.orNot(facts.Value(key))} }
	headers := t.HeadersRecon
	if nw.RawHeadersRecorded {
		headers = t.HeadersRaw
	}
	rows := [][2]string{
		fact(evidence.FactHTTPStatus),
		fact(evidence.FactServer),
		fact(evidence.FactProtocol),
		fact(evidence.FactContentType),
		{t.Resources, fmt.Sprintf(t.ResourcesFmt, nw.Resources, nw.FailedResources)},
		{t.Headers, headers},
	}
	if nw.TLS == nil {
		rows = append(rows, [2]string{t.TLSProtocol, t.NoTLS})
		d.kv(t.NetworkTitle, rows, nil)
		return
	}
	rows = append(rows, fact(evidence.FactTLSProtocol), fact(evidence.FactCipher))
	if facts.Value(evidence.FactKeyExchange) != "" {
		rows = append(rows, fact(evidence.FactKeyExchange))
	}
	rows = append(rows, fact(evidence.FactCertSubject), fact(evidence.FactCertIssuer))
	if facts.Value(evidence.FactCertSANs) != "" {
		rows = append(rows, fact(evidence.FactCertSANs))
	}
	v := facts.Row(evidence.FactCertValidity)
	rows = append(rows, [2]string{t.factLabel(v.Key), fmt.Sprintf(t.ValidityFmt, d.utc(v.From), d.utc(v.To))})
	d.kv(t.NetworkTitle, rows, nil)
}

// browser writes the browser that made the capture (evidence.BrowserRows).
func (d *doc) browser(br *evidence.Browser) {
	t := d.t
	var rows [][2]string
	for _, r := range evidence.BrowserRows(br) {
		v := d.orNot(r.Value)
		if r.Key == evidence.FactViewport && len(r.Parts) == 3 {
			v = fmt.Sprintf(t.ViewportFmt, r.Parts[0], r.Parts[1], r.Parts[2])
		}
		rows = append(rows, [2]string{t.factLabel(r.Key), v})
	}
	d.kv(t.BrowserTitle, rows, nil)
}

// claims writes the table of the page's claims about itself (pagemeta.Claims), titled
// t.ClaimsTitle (repeated, "continued", on every page the table runs on) with t.ClaimsNote in
// its first row: one row per claim, each with where it was found; a claimed time is shown in
// KST and as the page gave it, and one later than the capture is set in red with
// t.AfterCapture. When the page stated nothing, the title and t.NoClaims.
func (d *doc) claims(f *evidence.Facts) {
	t := d.t
	cs := pagemeta.Claims(f.Metadata, f.Collection.StartedAt)
	if len(cs) == 0 {
		d.heading2(t.ClaimsTitle, 10)
		d.para(t.NoClaims, false, sizeTable)
		return
	}
	rows := [][]cell{{{text: t.ClaimsNote, band: true}}}
	for _, c := range cs {
		value := line(c.Value, len(c.Value)) // capped by Claims already
		v := value
		if !c.Time.IsZero() {
			v = d.kst(c.Time)
			if value != "" {
				v += "\n" + fmt.Sprintf(t.AsGiven, value)
			}
		} else if c.Field == "published_time" || c.Field == "modified_time" {
			v = fmt.Sprintf(t.AsGiven, value) + "\n" + t.NotATime
		}
		if c.AfterCapture {
			v += "\n" + t.AfterCapture
		}
		if c.Source != "" {
			v += "\n" + fmt.Sprintf(t.ClaimSource, line(c.Source, len(c.Source)))
		}
		vc := txt(v)
		if c.AfterCapture {
			vc = cell{text: v, bold: true, rgb: [3]int{180, 30, 30}}
		}
		rows = append(rows, []cell{bold(d.claimLabel(c.Field)), vc})
	}
	d.table(table{title: t.ClaimsTitle, cols: []column{{w: 42, fill: true}, {w: contentW - 42}}}, rows, nil)
}

// reportMaxComments is the number of comments a report lists for one capture, each text cut
// at reportCommentChars characters; posting.json holds them all.
const (
	reportMaxComments  = 300
	reportCommentChars = 400
)

// posting writes the posting record p (see evidence.PostingRows and CommentLines), labelled
// as read from the page, and its comments in page order, replies indented; note, when set,
// says why the record could not be read. What the page's claims already show (claimed) is
// not repeated (see evidence.PostingRows); a time later than the capture's start is flagged
// in red as the claims' are (pagemeta.AfterCapture). A capture without a record (made before Evidentia
// wrote one, or failed) has no such section.
func (d *doc) posting(p *evidence.Posting, note string, claimed evidence.Metadata, started time.Time) {
	t := d.t
	if note != "" {
		d.heading2(t.PostingTitle, 10)
		d.para(fmt.Sprintf(t.PostingUnread, line(note, 300)), true, sizeTable)
		return
	}
	if p == nil {
		return
	}
	rows := [][]cell{{{text: t.PostingNote, band: true}}}
	for _, r := range evidence.PostingRows(p, &claimed) {
		v := r.Value
		switch r.Key {
		case evidence.FactPosted, evidence.FactPostModified:
			v = fmt.Sprintf(t.AsGiven, r.Value)
			if !r.Time.IsZero() {
				v = d.kst(r.Time) + "\n" + v
			} else {
				v += "\n" + t.NotATime
			}
			if len(r.Parts) == 2 && r.Parts[1] != "" {
				v += "\n" + fmt.Sprintf(t.ResolvedFrom, r.Parts[1])
			}
			if len(r.Parts) >= 1 && r.Parts[0] != "" {
				v += "\n" + fmt.Sprintf(t.ClaimSource, r.Parts[0])
			}
			if pagemeta.AfterCapture(r.Time, started) {
				rows = append(rows, []cell{bold(t.factLabel(r.Key)), {text: v + "\n" + t.AfterCapture, bold: true, rgb: verdictRed}})
				continue
			}
		case evidence.FactCommentsCaptured:
			if len(r.Parts) == 4 {
				v = fmt.Sprintf(t.CapturedFmt, r.Value, atoi(r.Parts[1]), atoi(r.Parts[2]), atoi(r.Parts[3]))
			}
		}
		label := bold(t.factLabel(r.Key))
		rows = append(rows, []cell{label, txt(v)})
	}
	d.table(table{title: t.PostingTitle, cols: []column{{w: 42, fill: true}, {w: contentW - 42}}}, rows, nil)

	lines, left := evidence.CommentLines(p, reportMaxComments, reportCommentChars)
	if len(lines) == 0 {
		return // the captured-comments row says 0
	}
	// When the comments come from more than one comment page, each says which, by the site's
	// own number for the page where the pager showed one.
	multi := false
	for _, l := range lines {
		multi = multi || l.Page > 1
	}
	crow := make([][]cell, 0, len(lines))
	for _, l := range lines {
		text := l.Text
		if l.Depth > 0 {
			text = strings.Repeat("↳ ", min(l.Depth, 4)) + t.ReplyMark + " " + text
		}
		switch {
		case l.Deleted:
			text = t.CommentDeleted + " " + text
		case l.Hidden:
			text = t.CommentHidden + " " + text
		}
		var where []string
		if multi {
			pg := l.PageLabel
			if pg == "" {
				pg = strconv.Itoa(l.Page)
			}
			where = append(where, fmt.Sprintf(t.CommentPageFmt, pg))
		}
		if l.Frame != "" {
			where = append(where, fmt.Sprintf(t.CommentFrameFmt, l.Frame))
		}
		if len(where) > 0 {
			text += "\n(" + strings.Join(where, ", ") + ")"
		}
		when := l.TimeText
		if !l.Time.IsZero() {
			when = d.kst(l.Time)
		}
		crow = append(crow, []cell{txt(strconv.Itoa(l.N)), txt(d.orNot(l.Author)), txt(when), txt(text)})
	}
	d.table(table{title: t.CommentsTitle, header: true, size: sizeTable - 0.5, cols: []column{
		{title: t.ColNo, w: 10, align: 'R'}, {title: t.ColAuthor, w: 34}, {title: t.ColTime, w: 30}, {title: t.ColComment, w: contentW - 74}}}, crow, nil)
	if left > 0 {
		d.para(fmt.Sprintf(t.CommentsLeftFmt, left), true, sizeTable)
	}
}

// atoi is strconv.Atoi for a number Evidentia wrote itself; 0 for anything else.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// claimLabel names the Metadata field of a claim.
func (d *doc) claimLabel(field string) string {
	t := d.t
	switch field {
	case "title":
		return t.PageTitle
	case "author":
		return t.Author
	case "site_name":
		return t.SiteName
	case "published_time":
		return t.Published
	case "modified_time":
		return t.Modified
	case "lang":
		return t.Language
	case "description":
		return t.Description
	case "canonical_url":
		return t.CanonicalURL
	case "post_ids":
		return t.PostIDs
	}
	return field
}

// line is a value from outside Evidentia (the page, its server, its certificate) made safe for
// one line of the report: capped at max characters, every control, line break, bidi or
// zero-width character written as its code point, [U+202E] (textsafe.Bracket: the report font
// draws a backslash as a won sign, so textsafe.Line's \u202e would read "₩u202e").
func line(s string, max int) string { return textsafe.Bracket(s, max) }

func (d *doc) screenshot(c Capture, sh *shot) {
	t := d.t
	if sh == nil || len(sh.parts) == 0 {
		d.heading2(t.Screenshot, 12)
		d.notice(t.NoScreenshot)
		return
	}
	var slices int
	for _, p := range sh.parts {
		if p.jpeg != nil {
			slices++
		}
	}
	k := 0
	name := ""
	if len(sh.sources) > 0 {
		name = sh.sources[0].Name
		if len(sh.sources) > 1 {
			name += " … " + sh.sources[len(sh.sources)-1].Name
		}
	}
	for j, p := range sh.parts {
		if !d.ok() {
			return
		}
		switch p.notice {
		case "missing":
			d.heading2(t.Screenshot, 12)
			d.notice(fmt.Sprintf(t.ShotNotInManif, p.name))
			continue
		case "undecodable":
			d.heading2(t.Screenshot, 20)
			d.notice(fmt.Sprintf(t.ShotUndecoded, p.art.Name, p.decError),
				cell{text: t.ShotHashLabel + " " + string(p.art.SHA256)})
			continue
		}
		k++
		d.newPage()
		if !d.ok() {
			return
		}
		// Caption: what this is, and the hashes of the originals it comes from.
		d.setFont(true, sizeBody)
		cap1 := d.clean(t.Screenshot + " " + fmt.Sprintf(t.ShotPageFmt, k, slices) + " — " + name)
		d.pdf.Text(marginL, baseline(d.y, sizeBody), d.fit(cap1, contentW*0.62))
		d.setFont(false, sizeSmall)
		rowsText := fmt.Sprintf(t.ShotRowsFmt, group(int64(p.y0+1)), group(int64(p.y1)), group(int64(sh.total)))
		d.pdf.Text(pageW-marginR-d.width(rowsText), baseline(d.y, sizeBody), rowsText)
		y := d.y + 3.9
		for n, src := range p.from {
			if n == 2 {
				d.setFont(false, sizeSmall)
				d.pdf.Text(marginL, baseline(y, sizeHash), fmt.Sprintf(t.ShotMoreTiles, len(p.from)-2))
				break
			}
			a := sh.sources[src]
			d.setFont(false, sizeSmall)
			label := d.clean(t.ShotOriginal + " " + a.Name)
			d.pdf.Text(marginL, baseline(y, sizeHash), label)
			d.setFont(false, sizeHash)
			hs := t.ShotHashLabel + " " + string(a.SHA256)
			d.pdf.Text(pageW-marginR-d.width(hs), baseline(y, sizeHash), hs)
			y += 3.9
		}
		top := contentTop + shotCaptionH
		name := fmt.Sprintf("shot-%s-%03d", c.ID, j)
		d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(p.jpeg))
		h := float64(p.h) * contentW / float64(p.w)
		d.pdf.ImageOptions(name, marginL, top, contentW, h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		d.pdf.SetDrawColor(160, 160, 160)
		d.pdf.Rect(marginL, top, contentW, h, "D")
		d.y = top + h + 4
	}
}

// fit shortens s (clean, current font) with an ellipsis until it is at most w wide.
func (d *doc) fit(s string, w float64) string {
	if d.width(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 && d.width(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func (d *doc) artifacts(m *evidence.Manifest) {
	t := d.t
	hw := d.hashWidth()
	cols := []column{
		{title: t.ArtName + " / " + t.ArtRole},
		{title: t.ArtSize, w: 22, align: 'R'},
		{title: t.SHA256, w: hw},
	}
	cols[0].w = contentW - 22 - hw
	rows := make([][]cell, len(m.Artifacts))
	for i, a := range m.Artifacts {
		rows[i] = []cell{txt(a.Name + "\n" + d.roleText(a.Role)), txt(group(a.Size)), hash(string(a.SHA256))}
	}
	d.table(table{title: t.Artifacts, cols: cols, header: true}, rows, nil)
}

func (d *doc) method(me *evidence.Method) {
	t := d.t
	mode := d.orNot(me.ScreenshotMode)
	if len(me.Tiles) > 0 {
		mode += " (" + fmt.Sprintf(t.ShotTilesFmt, len(me.Tiles)) + ")"
	}
	rows := [][2]string{
		{t.Timeout, d.orNot(me.Timeout)},
		{t.WaitStrategy, d.orNot(me.WaitStrategy)},
		{t.LoadEvent, d.yesNo(me.LoadEventFired)},
		{t.NetworkQuiet, d.yesNo(me.NetworkQuiet)},
		{t.Scrolling, fmt.Sprintf(t.ScrollFmt, me.ScrollSteps, group(int64(me.ScrollHeight)))},
		{t.ReachedBottom, d.yesNo(me.ReachedBottom)},
		{t.PageHeight, fmt.Sprintf(t.Pixels, group(int64(me.PageHeight)))},
		{t.ScreenshotMode, mode},
	}
	if me.ScrollReason != "" {
		rows = append(rows, [2]string{t.ScrollReason, line(me.ScrollReason, 400)})
	}
	if si := me.Site; si != nil {
		name := line(si.Site, 60) + " (" + line(si.Profile, 40) + ")"
		v := fmt.Sprintf(t.SiteNotMatched, name)
		if si.Matched {
			v = fmt.Sprintf(t.SiteMatched, name)
		}
		for i, p := range si.Prepared {
			if i >= 5 {
				break
			}
			v += "\n" + line(p, 300)
		}
		rows = append(rows, [2]string{t.SiteProfile, v})
	}
	if me.ScrollTarget != "" {
		rows = append(rows, [2]string{t.ScrollTarget, me.ScrollTarget})
	}
	if me.Layout != "" {
		rows = append(rows, [2]string{t.Layout, me.Layout})
	}
	if len(me.Options) > 0 {
		rows = append(rows, [2]string{t.Options, sortedPairs(me.Options, " = ")})
	}
	d.kv(t.Method, rows, nil)

	if len(me.Events) == 0 {
		d.heading2(t.Events, 10)
		d.para(t.NoEvents, false, sizeTable)
	} else {
		cols := []column{
			{title: t.EvTime, w: 27},
			{title: t.EvKind, w: 27},
			{title: t.EvDetail, w: contentW - 54},
		}
		rows := make([][]cell, len(me.Events))
		for i, e := range me.Events {
			// A dialog's message and an address come from the page.
			detail := line(e.Detail, 1000)
			if e.URL != "" {
				detail = strings.TrimSpace(detail + "\n" + line(e.URL, pagemeta.MaxURL))
			}
			rows[i] = []cell{txt(d.kst2(e.At)), txt(d.eventKind(e.Kind)), txt(detail)}
		}
		d.table(table{title: t.Events, cols: cols, header: true}, rows, nil)
	}

	d.heading2(t.Reconstructed, 10)
	if len(me.Reconstructed) == 0 {
		d.para(t.NoneRecon, false, sizeTable)
	} else {
		for _, r := range me.Reconstructed {
			d.setFont(false, sizeTable)
			d.ensure(lineH(sizeTable))
			d.pdf.Text(marginL+1, baseline(d.y, sizeTable), "·")
			d.paraAt(marginL+4, contentW-4, r, false, sizeTable)
		}
	}
}

func (d *doc) custody(evs []CustodyEvent) {
	t := d.t
	if len(evs) == 0 {
		d.heading2(t.Custody, 10)
		d.para(t.NoCustody, false, sizeTable)
		return
	}
	cols := []column{
		{title: t.CuSeq, w: 12, align: 'R'},
		{title: t.CuTime, w: 27},
		{title: t.CuActor, w: 30},
		{title: t.CuAction, w: 26},
		{title: t.CuDetails, w: contentW - 95},
	}
	rows := make([][]cell, len(evs))
	for i, e := range evs {
		rows[i] = []cell{txt(strconv.FormatInt(e.Seq, 10)), txt(d.kst2(e.At)), txt(line(e.Actor, 200)), txt(d.actionText(e.Action)), txt(sortedPairs(e.Details, ": "))}
	}
	d.table(table{title: t.Custody, cols: cols, header: true}, rows, nil)
}

func (d *doc) hashes(in Input) {
	t := d.t
	d.headerRight = ""
	d.newPage()
	if !d.ok() {
		return
	}
	d.setFont(true, 15)
	d.pdf.Bookmark(t.HashTitle, 0, -1)
	d.heading1(t.HashTitle)
	d.para(t.HashIntro, false, sizeBody)
	d.y += 2
	hw := d.hashWidth()
	cols := []column{
		{title: t.HashFile},
		{title: t.SHA256, w: hw},
	}
	cols[0].w = contentW - hw
	var rows [][]cell
	for i, c := range in.Captures {
		num, total := in.number(i)
		rows = append(rows, []cell{{text: fmt.Sprintf(t.CaptureHeading, num, total) + " · " + t.HashCapture + " " + c.ID, bold: true, band: true}})
		for _, a := range c.Manifest.Artifacts {
			rows = append(rows, []cell{txt(a.Name), hash(string(a.SHA256))})
		}
		rows = append(rows, []cell{bold(fmt.Sprintf(t.HashManifest, AttachmentName(c.ID))), hash(string(c.ManifestSHA256))})
	}
	d.table(table{cols: cols, header: true}, rows, nil)

	d.heading2(t.HowTo, 20)
	d.para(t.HowFileIntro, false, sizeBody)
	d.commands([][2]string{
		{t.HowWindows, "certutil -hashfile FILE SHA256"},
		{t.HowMacOS, "shasum -a 256 FILE"},
		{t.HowLinux, "sha256sum FILE"},
	})
	d.para(t.HowSigIntro, false, sizeBody)
	d.commands([][2]string{
		{t.HowAcrobat, ""},
		{t.HowPoppler, "pdfsig report.pdf"},
		{t.HowEvidentia, "evidentia verify report.pdf"},
	})
	d.para(t.HowAttach, false, sizeBody)
	d.commands([][2]string{
		{t.HowAttachList, "pdfdetach -list report.pdf"},
		{t.HowAttachSave, "pdfdetach -saveall report.pdf"},
	})
	d.y += 2
	d.para(t.HowURLNote, false, sizeSmall)
}

// commands lists command lines under labels, indented.
func (d *doc) commands(cmds [][2]string) {
	lh := lineH(sizeBody)
	for _, c := range cmds {
		d.ensure(lh)
		if !d.ok() {
			return
		}
		d.setFont(false, sizeBody)
		label := d.clean(c[0])
		d.pdf.Text(marginL+5, baseline(d.y, sizeBody), label)
		if c[1] != "" {
			x := marginL + 5 + max(32, d.width(label)+3)
			d.setFont(true, sizeBody)
			d.pdf.Text(x, baseline(d.y, sizeBody), c[1])
		}
		d.y += lh
	}
	d.y += 1.5
}
