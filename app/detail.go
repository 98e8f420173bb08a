package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/evidence"
	"evidentia/pagemeta"
	"evidentia/store"
	"evidentia/textsafe"
	"evidentia/workflow"
)

// detailKey names an open detail window: one per capture and main window.
type detailKey struct {
	u  *ui
	id string
}

// detailWindows are the open detail windows (touched on the main goroutine only).
var detailWindows = map[detailKey]*detailView{}

// showDetail opens the window that shows the capture id (a full ID): the screenshot, the facts,
// the artifacts with their SHA-256, the custody log, notes and tags, and the actions capture
// again, verify and create report. When it is open already, it is brought to the front.
func (u *ui) showDetail(id string) {
	if d, ok := detailWindows[detailKey{u, id}]; ok {
		d.w.RequestFocus()
		return
	}
	d := newDetailView(u, id)
	d.w.Show()
	d.load()
}

// detailView is one capture's window. Its fields are touched on the main goroutine only.
//
// Notes and tags are added as new custody records (workflow.Annotate); the sealed capture is
// never changed. "Save copies" (export) copies the artifacts, checked against their SHA-256, with
// their plain names into a new folder inside one the user chooses, with the sealed manifest,
// records the custody event "exported", and opens that folder: the stored objects themselves
// (named by hash, read-only) are never shown for editing.
type detailView struct {
	u      *ui
	id     string
	w      fyne.Window
	ctx    context.Context // cancelled when the window closes
	cancel context.CancelFunc

	rec    *store.Record
	events []store.Event
	// post is the capture's posting record (nil when it has none or it could not be read:
	// postErr then says why).
	post    *evidence.Posting
	postErr error

	title    *widget.Label
	address  *widget.Label
	status   *widget.Label
	again    *widget.Button
	verify   *widget.Button
	report   *widget.Button
	export   *widget.Button
	viewer   *imageViewer
	tabs     *container.AppTabs
	info     *fyne.Container
	files    *fyne.Container
	custody  *fyne.Container
	notes    *fyne.Container
	copyBtns map[string]*widget.Button // by artifact name; "" for the manifest

	noteEntry *widget.Entry
	tagEntry  *widget.Entry
	addNote   *widget.Button
	noteMsg   *widget.Label

	// pending counts the window's background work; tests wait on it.
	pending sync.WaitGroup
}

// newDetailView builds the window of capture id, empty until show.
func newDetailView(u *ui, id string) *detailView {
	d := &detailView{u: u, id: id, copyBtns: map[string]*widget.Button{}}
	d.ctx, d.cancel = context.WithCancel(u.ctx)
	d.w = u.a.NewWindow(T("detail.window"))
	d.w.SetIcon(Icon)
	d.w.Resize(fyne.NewSize(1100, 780))
	key := detailKey{u, id}
	detailWindows[key] = d
	d.w.SetOnClosed(func() {
		d.cancel()
		if detailWindows[key] == d {
			delete(detailWindows, key)
		}
	})

	d.title = widget.NewLabelWithStyle(T("detail.loading"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.title.Wrapping = fyne.TextWrapWord
	d.address = widget.NewLabel("")
	d.address.Wrapping = fyne.TextWrapBreak
	d.address.Selectable = true
	d.status = widget.NewLabel("")
	d.again = widget.NewButtonWithIcon(T("detail.again"), theme.ViewRefreshIcon(), d.captureAgain)
	d.verify = widget.NewButtonWithIcon(T("detail.verify"), theme.ConfirmIcon(), d.runVerify)
	d.report = widget.NewButtonWithIcon(T("main.report"), theme.DocumentIcon(), d.createReport)
	d.export = widget.NewButtonWithIcon(T("detail.export"), theme.FolderOpenIcon(), d.chooseExport)
	for _, b := range []*widget.Button{d.again, d.verify, d.report, d.export} {
		b.Disable()
	}
	d.viewer = newImageViewer(d.w)

	d.info = container.NewVBox()
	d.files = container.NewVBox()
	d.custody = container.NewVBox()
	d.notes = container.NewVBox()
	d.noteEntry = widget.NewMultiLineEntry()
	d.noteEntry.SetPlaceHolder(T("detail.notePlaceholder"))
	d.noteEntry.SetMinRowsVisible(3)
	d.noteEntry.Wrapping = fyne.TextWrapWord
	d.tagEntry = widget.NewEntry()
	d.tagEntry.SetPlaceHolder(T("detail.tagsPlaceholder"))
	d.addNote = widget.NewButtonWithIcon(T("detail.addNote"), theme.ContentAddIcon(), d.annotate)
	d.addNote.Disable()
	d.noteMsg = widget.NewLabel("")
	d.noteMsg.Importance = widget.DangerImportance
	d.noteMsg.Wrapping = fyne.TextWrapWord
	d.noteMsg.Hide()
	noteHelp := note(T("detail.noteHelp"), fyne.TextWrapWord)
	noteForm := container.NewVBox(noteHelp, d.noteEntry,
		container.NewBorder(nil, nil, nil, d.addNote, d.tagEntry), d.noteMsg, widget.NewSeparator())

	d.tabs = container.NewAppTabs(
		container.NewTabItem(T("detail.tabInfo"), container.NewVScroll(d.info)),
		container.NewTabItem(T("detail.tabFiles"), container.NewVScroll(d.files)),
		container.NewTabItem(T("detail.tabCustody"), container.NewVScroll(d.custody)),
		container.NewTabItem(T("detail.tabNotes"), container.NewBorder(noteForm, nil, nil, nil, container.NewVScroll(d.notes))),
	)
	actions := container.NewHBox(d.again, d.verify, d.report)
	header := container.NewVBox(d.title, d.address, container.NewBorder(nil, nil, d.status, actions))
	body := container.NewHSplit(d.viewer.content, d.tabs)
	body.Offset = 0.5
	d.w.SetContent(container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, body))
	for key, fn := range map[fyne.KeyName]func(){fyne.KeyEqual: d.viewer.zoomIn, fyne.KeyPlus: d.viewer.zoomIn,
		fyne.KeyMinus: d.viewer.zoomOut, fyne.Key0: func() { d.viewer.setZoom(1) }} {
		d.w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) {
				if d.viewer.width > 0 {
					fn()
				}
			})
	}
	return d
}

// load reads the capture and its custody log in the background, then shows them.
func (d *detailView) load() {
	d.u.goPending(&d.pending, func() {
		rec, err := d.u.st.Capture(d.ctx, d.id)
		var events []store.Event
		if err == nil {
			events, err = d.u.st.Custody(d.ctx, rec.ID)
		}
		var post *evidence.Posting
		var postErr error
		if err == nil {
			post, postErr = readPosting(d.ctx, d.u.st, rec)
		}
		if d.ctx.Err() != nil {
			return
		}
		onMain(func() {
			if err != nil {
				d.showLoadError(err)
				return
			}
			d.post, d.postErr = post, postErr
			d.show(rec, events)
		})
	})
}

// showLoadError says why the capture cannot be shown; Verify stays available to say more.
func (d *detailView) showLoadError(err error) {
	d.title.SetText(T("detail.cannotShow"))
	d.address.SetText(friendly(err))
	d.verify.Enable()
	d.viewer.setMessage(T("detail.noImage"))
}

// show fills the window with rec and its custody events, and starts loading the screenshot.
func (d *detailView) show(rec *store.Record, events []store.Event) {
	d.rec = rec
	d.w.SetTitle(T("detail.window") + " — " + captureTitle(*rec))
	d.title.SetText(captureTitle(*rec))
	d.address.SetText(rec.URL)
	text, imp := listStatus(rec.Status, completenessOf(rec))
	if rec.Reason != "" {
		text += " — " + friendlyReason(rec.Reason)
	}
	d.status.SetText(text)
	d.status.Importance = imp
	d.status.Refresh()
	d.again.Enable()
	d.verify.Enable()
	if rec.Status.Sealed() {
		d.report.Enable()
		d.export.Enable()
		d.addNote.Enable()
	}
	d.fillInfo()
	d.fillFiles()
	d.setEvents(events)
	d.viewer.load(d.ctx, d.u, rec, &d.pending)
}

// setEvents shows the custody log and the notes and tags drawn from it.
func (d *detailView) setEvents(events []store.Event) {
	d.events = events
	d.fillCustody()
	d.fillNotes()
	d.tabs.Items[2].Text = T("detail.tabCustody") + " (" + strconv.Itoa(len(events)) + ")"
	d.tabs.Items[3].Text = T("detail.tabNotes") + " (" + strconv.Itoa(len(workflow.Annotations(events))) + ")"
	d.tabs.Refresh()
}

// reloadCustody reads the custody log again (after a note, a verification, a report).
func (d *detailView) reloadCustody() {
	if d.rec == nil {
		return
	}
	id := d.rec.ID
	d.u.goPending(&d.pending, func() {
		events, err := d.u.st.Custody(d.ctx, id)
		if d.ctx.Err() != nil {
			return
		}
		onMain(func() {
			if err != nil {
				d.showError(err)
				return
			}
			d.setEvents(events)
		})
	})
}

// showError shows err on the detail window, in plain words.
func (d *detailView) showError(err error) {
	if err == nil || errors.Is(err, errCancelled) || errors.Is(err, context.Canceled) {
		return
	}
	dialog.NewInformation(T("Error"), friendly(err), d.w).Show()
}

// formTime shows t in the display zone with its UTC offset; "" for the zero time.
func formTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(displayZone).Format("2006-01-02 15:04:05 (UTC-07:00)")
}

// field is one line of a facts section.
type field struct{ name, value string }

// section is a bold heading over name/value lines, as pairs for a form layout; lines with an
// empty value are left out, and so is a section without lines.
func section(title string, fields ...field) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, f := range fields {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		name := widget.NewLabelWithStyle(f.name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		value := widget.NewLabel(f.value)
		value.Wrapping = fyne.TextWrapBreak
		value.Selectable = true
		out = append(out, name, value)
	}
	if len(out) == 0 {
		return nil
	}
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Importance = widget.HighImportance
	return append([]fyne.CanvasObject{head, widget.NewLabel("")}, out...)
}

// claimsSection is the group of what the page says about itself (pagemeta.Claims), under the
// label detail.secPage and a note saying it was not verified, as pairs for a form layout: a
// claimed time in the display zone and as the page gave it, one later than the capture in red
// with detail.afterCapture, and each value with where it was found. Every value is capped (by
// pagemeta.Claims) and escaped with textsafe.Bracket, whose [U+202E] reads the same in the
// Korean font (which draws a backslash as a won sign). Nothing when the page stated nothing.
func claimsSection(md evidence.Metadata, started time.Time) []fyne.CanvasObject {
	cs := pagemeta.Claims(md, started)
	if len(cs) == 0 {
		return nil
	}
	head := widget.NewLabelWithStyle(T("detail.secPage"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Importance = widget.HighImportance
	head.Wrapping = fyne.TextWrapWord
	out := []fyne.CanvasObject{widget.NewLabel(""), head, widget.NewLabel(""), note(T("detail.claimsNote"), fyne.TextWrapWord)}
	for _, c := range cs {
		shown := textsafe.Bracket(c.Value, len(c.Value)) // capped by Claims already
		v := shown
		if !c.Time.IsZero() {
			v = formTime(c.Time) + "\n" + T("detail.asGiven", map[string]any{"Value": shown})
		}
		if c.AfterCapture {
			v += "\n" + T("detail.afterCapture")
		}
		if c.Source != "" {
			v += "\n" + T("detail.claimSource", map[string]any{"Source": textsafe.Bracket(c.Source, len(c.Source))})
		}
		name := widget.NewLabelWithStyle(claimName(c.Field), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		value := widget.NewLabel(v)
		value.Wrapping = fyne.TextWrapBreak
		value.Selectable = true
		if c.AfterCapture {
			value.Importance = widget.DangerImportance
		}
		out = append(out, name, value)
	}
	return out
}

// readPosting reads the posting record of rec from st, checked against its digest: nil, nil
// when the capture has none.
func readPosting(ctx context.Context, st *store.Store, rec *store.Record) (*evidence.Posting, error) {
	if rec.Manifest == nil {
		return nil, nil
	}
	for _, a := range rec.Manifest.Artifacts {
		if a.Role != evidence.RolePosting {
			continue
		}
		r, err := st.OpenArtifact(ctx, a.SHA256)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(r, evidence.MaxPostingBytes+1))
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		return evidence.DecodePosting(b)
	}
	return nil, nil
}

// detailMaxComments is the number of comments the detail window lists; posting.json and the
// report hold more.
const detailMaxComments = 100

// postingSection is the group of the posting record p (evidence.PostingRows and
// CommentLines), under detail.secPosting and a note that it was read from the page, as pairs
// for a form layout: the rows, then the first detailMaxComments comments in page order, one
// per line, without repeating what the claims section shows (claimed, see
// evidence.PostingRows); a time later than the capture's start (started) in red with
// detail.afterCapture, as in the claims section. err, when set, says why the record could
// not be read. Nothing without a record.
func postingSection(p *evidence.Posting, err error, claimed *evidence.Metadata, started time.Time) []fyne.CanvasObject {
	if p == nil && err == nil {
		return nil
	}
	head := widget.NewLabelWithStyle(T("detail.secPosting"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Importance = widget.HighImportance
	head.Wrapping = fyne.TextWrapWord
	out := []fyne.CanvasObject{widget.NewLabel(""), head, widget.NewLabel("")}
	if err != nil {
		msg := widget.NewLabel(T("detail.postingUnread", map[string]any{"Reason": friendly(err)}))
		msg.Wrapping = fyne.TextWrapWord
		msg.Importance = widget.DangerImportance
		return append(out, msg)
	}
	out = append(out, note(T("detail.postingNote"), fyne.TextWrapWord))
	pair := func(name, value string, late bool) {
		n := widget.NewLabelWithStyle(name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapBreak
		v.Selectable = true
		if late {
			v.Importance = widget.DangerImportance
		}
		out = append(out, n, v)
	}
	for _, r := range evidence.PostingRows(p, claimed) {
		v, late := r.Value, false
		switch r.Key {
		case evidence.FactPosted, evidence.FactPostModified:
			v = T("detail.asGiven", map[string]any{"Value": r.Value})
			if !r.Time.IsZero() {
				v = formTime(r.Time) + "\n" + v
			}
			if len(r.Parts) == 2 && r.Parts[1] != "" {
				v += "\n" + T("detail.resolved", map[string]any{"How": r.Parts[1]})
			}
			if len(r.Parts) >= 1 && r.Parts[0] != "" {
				v += "\n" + T("detail.claimSource", map[string]any{"Source": r.Parts[0]})
			}
			if late = pagemeta.AfterCapture(r.Time, started); late {
				v += "\n" + T("detail.afterCapture")
			}
		case evidence.FactCommentsCaptured:
			if len(r.Parts) == 4 {
				v = T("detail.commentsCaptured", map[string]any{"All": r.Value, "Replies": r.Parts[1], "Deleted": r.Parts[2], "Hidden": r.Parts[3]})
			}
		}
		pair(postingRowName(r.Key), v, late)
	}
	lines, left := evidence.CommentLines(p, detailMaxComments, 300)
	var b strings.Builder
	for _, l := range lines {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. %s", l.N, strings.Repeat("↳ ", min(l.Depth, 4)))
		if l.Author != "" {
			b.WriteString(l.Author)
		}
		switch {
		case !l.Time.IsZero():
			b.WriteString(" · " + formTime(l.Time))
		case l.TimeText != "":
			b.WriteString(" · " + l.TimeText)
		}
		switch {
		case l.Deleted:
			b.WriteString(" · " + T("detail.commentDeleted"))
		case l.Hidden:
			b.WriteString(" · " + T("detail.commentHidden"))
		}
		b.WriteString("\n    " + l.Text)
	}
	if left > 0 {
		b.WriteString("\n" + T("detail.commentsLeft", map[string]any{"Count": left}))
	}
	if b.Len() > 0 {
		pair(T("detail.comments"), b.String(), false)
	}
	return out
}

// postingRowName names a row of evidence.PostingRows.
func postingRowName(key string) string {
	switch key {
	case evidence.FactPlatform:
		return T("detail.platform")
	case evidence.FactPostID:
		return T("detail.postID")
	case evidence.FactPostTitle:
		return T("detail.pageTitle")
	case evidence.FactPostAuthor:
		return T("detail.author")
	case evidence.FactPosted:
		return T("detail.posted")
	case evidence.FactPostModified:
		return T("detail.modified")
	case evidence.FactViews:
		return T("detail.views")
	case evidence.FactLikes:
		return T("detail.likes")
	case evidence.FactCommentsStated:
		return T("detail.commentsStated")
	case evidence.FactCommentsCaptured:
		return T("detail.commentsCapturedName")
	}
	return key
}

// claimName names the Metadata field of a claim.
func claimName(field string) string {
	switch field {
	case "title":
		return T("detail.pageTitle")
	case "author":
		return T("detail.author")
	case "site_name":
		return T("detail.site")
	case "published_time":
		return T("detail.published")
	case "modified_time":
		return T("detail.modified")
	case "lang":
		return T("detail.lang")
	case "description":
		return T("detail.description")
	case "canonical_url":
		return T("detail.canonical")
	case "post_ids":
		return T("detail.postIDs")
	}
	return field
}

// note is a small line of help or detail, wrapped.
func note(text string, wrap fyne.TextWrap) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = wrap
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// fillInfo shows the capture's facts: the capture, the page, the network, TLS, redirects, the
// collection and the browser.
func (d *detailView) fillInfo() {
	rec := d.rec
	var f evidence.Facts
	if rec.Manifest != nil {
		f = rec.Manifest.Facts
	}
	// What Evidentia observed first; what the page says about itself apart (claimsSection).
	started := f.Collection.StartedAt
	if started.IsZero() {
		started = rec.StartedAt
	}
	var objs []fyne.CanvasObject
	objs = append(objs, captureSection(rec)...)
	objs = append(objs, claimsSection(f.Metadata, started)...)
	objs = append(objs, postingSection(d.post, d.postErr, &f.Metadata, started)...)
	facts := evidence.NetworkRows(&f.Network)
	objs = append(objs, networkSection(&f.Network, facts)...)
	if f.Network.TLS != nil {
		objs = append(objs, tlsSection(facts)...)
	}
	objs = append(objs, redirectsSection(f.Redirects)...)
	objs = append(objs, collectionSection(&f.Collection)...)
	objs = append(objs, browserSection(&f.Browser)...)
	objs = append(objs, eventsSection(f.Method.Events)...)
	d.info.Objects = []fyne.CanvasObject{container.New(layout.NewFormLayout(), objs...)}
	d.info.Refresh()
}

// captureSection is the group of what the catalogue records of the capture rec.
func captureSection(rec *store.Record) []fyne.CanvasObject {
	status, _ := statusText(rec.Status)
	if c := completenessOf(rec); c != nil && c.Verdict != evidence.VerdictComplete && rec.Status.Sealed() {
		name, _ := verdictName(c.Verdict) // what was sealed, and what it holds: as in the report
		status += " · " + name
	}
	if rec.Reason != "" {
		status += " — " + friendlyReason(rec.Reason)
	}
	objs := section(T("detail.secCapture"),
		field{T("detail.status"), status},
		field{T("detail.requested"), textsafe.Bracket(rec.URL, pagemeta.MaxURL)},
		field{T("detail.final"), textsafe.Bracket(rec.FinalURL, pagemeta.MaxURL)},
		field{T("detail.host"), textsafe.Bracket(siteOf(*rec), 300)},
		field{T("detail.captureID"), rec.ID},
		field{T("detail.case"), rec.Case},
		field{T("detail.operator"), rec.Operator},
		field{T("detail.started"), formTime(rec.StartedAt)},
		field{T("detail.finished"), formTime(rec.FinishedAt)},
		field{T("detail.manifest"), string(rec.ManifestSHA256)},
	)
	if !rec.Status.Sealed() || len(objs) < 2 {
		return objs // nothing judged yet (capturing, interrupted)
	}
	// The verdict, right after the status: objs holds the heading, a spacer, then name/value
	// pairs, the status first when it has a text.
	at := 2
	if status != "" {
		at = 4
	}
	name, value := completenessRow(completenessOf(rec))
	return append(objs[:at:at], append([]fyne.CanvasObject{name, value}, objs[at:]...)...)
}

// completenessOf is the verdict of rec's manifest; nil without a manifest or for a capture
// made before Evidentia judged completeness.
func completenessOf(rec *store.Record) *evidence.Completeness {
	if rec == nil || rec.Manifest == nil {
		return nil
	}
	return rec.Manifest.Facts.Completeness
}

// maxReasonShown caps, in characters, a reason's detail as the detail window shows it.
const maxReasonShown = evidence.MaxReasonDetail

// completenessRow is the name/value pair of the capture section that says whether the capture
// holds the whole posting: the verdict in plain words, one line per reason with the matched
// text (the page's words, escaped with textsafe.Bracket and capped, and labelled as matched,
// never as an observed fact), and the comment count when there is one; for a capture made
// before verdicts (c nil), that it was not judged. Complete in green, the rest in orange or red.
func completenessRow(c *evidence.Completeness) (fyne.CanvasObject, fyne.CanvasObject) {
	name := widget.NewLabelWithStyle(T("detail.completeness"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	value := widget.NewLabel(completenessText(c))
	value.Wrapping = fyne.TextWrapBreak
	value.Selectable = true
	switch {
	case c == nil:
		value.Importance = widget.MediumImportance
	default:
		_, value.Importance = verdictName(c.Verdict)
	}
	return name, value
}

// completenessText is the value of completenessRow, in lines.
func completenessText(c *evidence.Completeness) string {
	if c == nil {
		return T("detail.notJudged")
	}
	text := c.Verdict.Text(currentLang)
	if text == "" {
		text = T("verdict.unknown") + ": " + textsafe.Bracket(string(c.Verdict), 50)
	}
	lines := []string{text}
	for _, r := range c.Reasons {
		line := r.Text(currentLang)
		if line == "" {
			line = T("detail.reasonOther", map[string]any{"Code": textsafe.Bracket(r.Code, 50)})
		}
		if d := strings.TrimSpace(r.Detail); d != "" {
			line += " — " + T("detail.reasonMatched", map[string]any{"Detail": textsafe.Bracket(d, maxReasonShown)})
		}
		lines = append(lines, "• "+line)
	}
	if n := c.Comments; n != nil {
		if n.Expected == evidence.CommentsNotStated {
			lines = append(lines, T("detail.commentsNoCount", map[string]any{"Captured": groupDigits(n.Captured)}))
		} else {
			lines = append(lines, T("detail.commentsCount", map[string]any{"Captured": groupDigits(n.Captured), "Expected": groupDigits(n.Expected)}))
		}
	}
	return strings.Join(lines, "\n")
}

// factKeys are the translation keys of the facts of evidence.NetworkRows, CollectionRows and
// BrowserRows.
var factKeys = map[string]string{
	evidence.FactHTTPStatus:   "detail.httpStatus",
	evidence.FactServer:       "detail.server",
	evidence.FactProtocol:     "detail.protocol",
	evidence.FactContentType:  "detail.mime",
	evidence.FactTLSProtocol:  "detail.tlsProtocol",
	evidence.FactCipher:       "detail.cipher",
	evidence.FactCertSubject:  "detail.subject",
	evidence.FactCertIssuer:   "detail.issuer",
	evidence.FactCertValidity: "detail.validity",
	evidence.FactCertSANs:     "detail.sans",
	evidence.FactStarted:      "detail.started",
	evidence.FactFinished:     "detail.finished",
	evidence.FactCollector:    "detail.operator",
	evidence.FactCase:         "detail.case",
	evidence.FactWorkstation:  "detail.workstation",
	evidence.FactTimeZone:     "detail.timezone",
	evidence.FactLocalIPs:     "detail.localIPs",
	evidence.FactProgram:      "detail.program",
	evidence.FactAppSHA256:    "detail.appSHA256",
	evidence.FactProduct:      "detail.product",
	evidence.FactUserAgent:    "detail.userAgent",
	evidence.FactViewport:     "detail.viewport",
}

// factField is the line of the fact key of facts, named in the current language.
func factField(facts evidence.FactRows, key string) field {
	return field{T(factKeys[key]), facts.Value(key)}
}

// networkSection is the group of what the main document's response said and how it travelled.
func networkSection(n *evidence.Network, facts evidence.FactRows) []fyne.CanvasObject {
	resources := ""
	if n.Resources > 0 || n.FailedResources > 0 {
		resources = T("detail.resourcesValue", map[string]any{"Count": groupDigits(n.Resources), "Failed": groupDigits(n.FailedResources)})
	}
	headers := ""
	if n.HTTPStatus != 0 {
		headers = T("detail.headersRebuilt")
		if n.RawHeadersRecorded {
			headers = T("detail.headersRaw")
		}
	}
	return section(T("detail.secNetwork"),
		factField(facts, evidence.FactHTTPStatus),
		factField(facts, evidence.FactContentType),
		factField(facts, evidence.FactServer),
		factField(facts, evidence.FactProtocol),
		field{T("detail.resources"), resources},
		field{T("detail.headers"), headers},
	)
}

// tlsSection is the group of the connection that served the main document, from the TLS rows
// of facts (evidence.NetworkRows).
func tlsSection(facts evidence.FactRows) []fyne.CanvasObject {
	v := facts.Row(evidence.FactCertValidity)
	validity := ""
	if !v.From.IsZero() || !v.To.IsZero() {
		validity = formTime(v.From) + " ~ " + formTime(v.To)
	}
	cipher := strings.TrimSpace(facts.Value(evidence.FactCipher) + " " + facts.Value(evidence.FactKeyExchange))
	return section(T("detail.secTLS"),
		factField(facts, evidence.FactTLSProtocol),
		field{T(factKeys[evidence.FactCipher]), cipher},
		factField(facts, evidence.FactCertSubject),
		factField(facts, evidence.FactCertIssuer),
		field{T(factKeys[evidence.FactCertValidity]), validity},
		factField(facts, evidence.FactCertSANs),
	)
}

// redirectsSection is the group of the redirect chain that led to the final URL; nothing
// without redirects.
func redirectsSection(redirects []evidence.RedirectHop) []fyne.CanvasObject {
	var hops []field
	for i, h := range redirects {
		// A Location is what the server said, raw.
		v := strconv.Itoa(h.Status) + " " + textsafe.Bracket(h.URL, pagemeta.MaxURL)
		if h.Location != "" {
			v += " → " + textsafe.Bracket(h.Location, pagemeta.MaxURL)
		}
		hops = append(hops, field{strconv.Itoa(i + 1), v})
	}
	return section(T("detail.secRedirects"), hops...)
}

// collectionSection is the group of who collected the capture, where and when, the rows of
// evidence.CollectionRows in their order.
func collectionSection(c *evidence.Collection) []fyne.CanvasObject {
	var fields []field
	for _, r := range evidence.CollectionRows(c) {
		v := r.Value
		switch r.Key {
		case evidence.FactStarted, evidence.FactFinished:
			v = formTime(r.Time)
		case evidence.FactProgram:
			if strings.TrimSpace(v) != "" {
				v = T("detail.programValue", map[string]any{"Version": v})
			}
		}
		fields = append(fields, field{T(factKeys[r.Key]), v})
	}
	return section(T("detail.secCollection"), fields...)
}

// browserSection is the group of the browser that made the capture, the rows of
// evidence.BrowserRows in their order.
func browserSection(b *evidence.Browser) []fyne.CanvasObject {
	var fields []field
	for _, r := range evidence.BrowserRows(b) {
		v := r.Value
		if r.Key == evidence.FactViewport && len(r.Parts) == 3 {
			v = T("detail.viewportValue", map[string]any{"Width": r.Parts[0], "Height": r.Parts[1], "Scale": r.Parts[2]})
		}
		fields = append(fields, field{T(factKeys[r.Key]), v})
	}
	return section(T("detail.browser"), fields...)
}

// eventsSection is the group of the events during the capture; nothing without events.
func eventsSection(events []evidence.Event) []fyne.CanvasObject {
	var lines []field
	for _, e := range events {
		// A dialog's message and an address come from the page.
		lines = append(lines, field{eventKindText(e.Kind), strings.TrimSpace(formTime(e.At) + " " + textsafe.Bracket(e.Detail, 1000) + " " + textsafe.Bracket(e.URL, pagemeta.MaxURL))})
	}
	return section(T("detail.secEvents"), lines...)
}

// fillFiles lists the manifest and every artifact with its SHA-256 and a Copy button, and the
// Save copies action.
func (d *detailView) fillFiles() {
	rec := d.rec
	clear(d.copyBtns)
	var objs []fyne.CanvasObject
	help := note(T("detail.filesHelp"), fyne.TextWrapWord)
	objs = append(objs, help)
	if rec.ManifestSHA256 != "" {
		objs = append(objs, d.fileRow("", T("detail.manifestName"), T("detail.manifestRole"), string(rec.ManifestSHA256)))
	}
	for _, a := range rec.Artifacts {
		kind := roleText(a.Role) + " · " + a.MediaType + " · " + sizeText(a.Size)
		objs = append(objs, d.fileRow(a.Name, a.Name, kind, string(a.SHA256)))
	}
	exportHelp := note(T("detail.exportHelp"), fyne.TextWrapWord)
	objs = append(objs, widget.NewSeparator(), container.NewBorder(nil, nil, nil, d.export, exportHelp))
	d.files.Objects = objs
	d.files.Refresh()
	d.tabs.Items[1].Text = T("detail.tabFiles") + " (" + strconv.Itoa(len(rec.Artifacts)) + ")"
}

// fileRow is one file: its name, kind and SHA-256, with a Copy button for the hash.
func (d *detailView) fileRow(key, name, kind, sum string) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapBreak
	info := note(kind, fyne.TextWrapWord)
	hash := widget.NewLabelWithStyle(sum, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	hash.Wrapping = fyne.TextWrapBreak
	hash.Selectable = true
	var btn *widget.Button
	btn = widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() {
		d.u.a.Clipboard().SetContent(sum)
		btn.SetText(T("detail.copied"))
		btn.SetIcon(theme.ConfirmIcon())
	})
	d.copyBtns[key] = btn
	return container.NewVBox(
		container.New(layout.NewCustomPaddedVBoxLayout(0), title, info),
		container.NewBorder(nil, nil, widget.NewLabel("SHA-256"), btn, hash),
		widget.NewSeparator(),
	)
}

// fillCustody lists the capture's custody events, oldest first.
func (d *detailView) fillCustody() {
	var objs []fyne.CanvasObject
	help := note(T("detail.custodyHelp"), fyne.TextWrapWord)
	objs = append(objs, help)
	for _, e := range d.events {
		head := widget.NewLabelWithStyle(
			"#"+strconv.FormatInt(e.Seq, 10)+" · "+formTime(e.At)+" · "+textsafe.Bracket(e.Actor, 200)+" · "+actionText(e.Action),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapWord
		objs = append(objs, head)
		if len(e.Details) > 0 {
			keys := make([]string, 0, len(e.Details))
			for k := range e.Details {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			lines := make([]string, len(keys))
			for i, k := range keys {
				lines[i] = textsafe.Bracket(k, 100) + ": " + textsafe.Bracket(e.Details[k], 1000)
			}
			det := note(strings.Join(lines, "\n"), fyne.TextWrapBreak)
			det.Selectable = true
			objs = append(objs, det)
		}
	}
	d.custody.Objects = objs
	d.custody.Refresh()
}

// fillNotes lists the tags and the notes, newest first.
func (d *detailView) fillNotes() {
	var objs []fyne.CanvasObject
	if tags := workflow.Tags(d.events); len(tags) > 0 {
		l := widget.NewLabel(T("detail.tags") + ": " + hashTags(tags))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.HighImportance
		objs = append(objs, l)
	}
	notes := workflow.Annotations(d.events)
	if len(notes) == 0 {
		objs = append(objs, note(T("detail.noNotes"), fyne.TextWrapWord))
	}
	for i := len(notes) - 1; i >= 0; i-- {
		n := notes[i]
		head := widget.NewLabelWithStyle(formTime(n.At)+" · "+textsafe.Bracket(n.Actor, 200), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		objs = append(objs, head)
		if n.Note != "" {
			body := widget.NewLabel(bracketLines(n.Note))
			body.Wrapping = fyne.TextWrapWord
			body.Selectable = true
			objs = append(objs, body)
		}
		if len(n.Tags) > 0 {
			tags := widget.NewLabel(hashTags(n.Tags))
			tags.Importance = widget.HighImportance
			tags.Wrapping = fyne.TextWrapWord
			objs = append(objs, tags)
		}
		objs = append(objs, widget.NewSeparator())
	}
	d.notes.Objects = objs
	d.notes.Refresh()
}

func hashTags(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = "#" + textsafe.Bracket(t, 100)
	}
	return strings.Join(out, " ")
}

// eventKindText names an event kind of a capture's method (evidence.EventNote, …) in the
// current language; a kind it does not know is shown as it is, made safe.
func eventKindText(kind string) string {
	key := "event." + kind // every kind of evidence's Event* has one (TestEventKindsTranslated)
	if s := T(key); s != key {
		return s
	}
	return textsafe.Bracket(kind, 50)
}

// bracketLines is a multi-line text from a person or a file made safe for a label: each line
// as textsafe.Bracket shows it (the line breaks kept), the whole capped at textsafe.MaxBlock.
func bracketLines(s string) string {
	lines := strings.Split(textsafe.Cap(strings.ReplaceAll(s, "\r\n", "\n"), textsafe.MaxBlock), "\n")
	for i, l := range lines {
		lines[i] = textsafe.Bracket(l, textsafe.MaxBlock)
	}
	return strings.Join(lines, "\n")
}

// parseTags splits what was typed in the tags box: tags are separated by commas (or "#"),
// trimmed, and given once.
func parseTags(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '#' || r == '，' || r == '\n' }) {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// annotate adds the typed note and tags as a new custody record.
func (d *detailView) annotate() {
	note := strings.TrimSpace(d.noteEntry.Text)
	tags := parseTags(d.tagEntry.Text)
	if note == "" && len(tags) == 0 {
		d.noteMsg.SetText(T("detail.noteEmpty"))
		d.noteMsg.Show()
		return
	}
	d.noteMsg.Hide()
	d.addNote.Disable()
	id := d.rec.ID
	d.pending.Add(1)
	d.u.work.Add(1)
	go func() {
		defer d.u.work.Done()
		defer d.pending.Done()
		_, err := d.u.sess.Annotate(d.ctx, id, note, tags, "")
		var events []store.Event
		if err == nil {
			events, _ = d.u.st.Custody(d.ctx, id)
		}
		onMain(func() {
			d.addNote.Enable()
			if err != nil {
				d.noteMsg.SetText(friendly(err))
				d.noteMsg.Show()
				return
			}
			d.noteEntry.SetText("")
			d.tagEntry.SetText("")
			if events != nil {
				d.setEvents(events)
			}
		})
	}()
}

// captureAgain queues the same address in the same case.
func (d *detailView) captureAgain() {
	if d.rec == nil {
		return
	}
	d.u.queue.start(d.rec.Case, []string{d.rec.URL})
	d.again.SetText(T("detail.queued"))
	d.again.Disable()
}

// runVerify checks this capture and shows the result; the custody log then shows the check.
func (d *detailView) runVerify() {
	id := d.id
	if d.rec != nil {
		id = d.rec.ID
	}
	d.u.runVerify(d.w, store.Scope{IDs: []string{id}}, &d.pending, d.reloadCustody)
}

// createReport opens the report dialog with this capture chosen.
func (d *detailView) createReport() {
	if d.rec == nil {
		return
	}
	d.u.w.RequestFocus()
	d.u.showReportDialog([]string{d.rec.ID})
}

// chooseExport asks for a folder, then saves checked copies of the artifacts into it.
func (d *detailView) chooseExport() {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			d.showError(err)
			return
		}
		if dir != nil {
			d.exportTo(dir.Path())
		}
	}, d.w)
	if l, err := storage.ListerForURI(storage.NewFileURI(defaultFolder())); err == nil {
		dlg.SetLocation(l)
	}
	dlg.Show()
}

// exportTo saves checked copies of the artifacts in a new folder inside parent, then offers to
// open it.
func (d *detailView) exportTo(parent string) {
	if d.rec == nil {
		return
	}
	rec := d.rec
	d.export.Disable()
	d.pending.Add(1)
	d.u.work.Add(1)
	go func() {
		defer d.u.work.Done()
		defer d.pending.Done()
		dir := filepath.Join(parent, safeFileName(rec.Case)+"-"+rec.ID)
		n, err := d.u.sess.CopyArtifacts(d.ctx, rec, dir, "")
		onMain(func() {
			d.export.Enable()
			if err != nil {
				d.showError(err)
				return
			}
			d.reloadCustody()
			msg := widget.NewLabel(T("detail.exported", map[string]any{"Count": n, "Folder": dir}))
			msg.Wrapping = fyne.TextWrapBreak
			open := widget.NewButtonWithIcon(T("detail.openFolder"), theme.FolderOpenIcon(), func() { openPath(d.u.a, dir) })
			dlg := dialog.NewCustom(T("detail.export"), T("OK"), container.NewVBox(msg, open), d.w)
			dlg.Resize(fyne.NewSize(520, 200))
			dlg.Show()
		})
	}()
}

// safeFileName makes s usable as (part of) a file name on every system.
func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, ". ")
	if s == "" {
		return "evidentia"
	}
	return s
}

// openPath opens the file or folder path with the system's application for it.
func openPath(a fyne.App, path string) {
	u, err := url.Parse(storage.NewFileURI(path).String())
	if err == nil {
		err = a.OpenURL(u)
	}
	if err != nil {
		fyne.LogError("open "+path, err)
	}
}

// defaultFolder is where files are saved unless the user says otherwise: Documents in the
// home folder when there is one, else the home folder, else the working directory.
func defaultFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	for _, name := range []string{"Documents", "문서"} {
		if fi, err := os.Stat(filepath.Join(home, name)); err == nil && fi.IsDir() {
			return filepath.Join(home, name)
		}
	}
	return home
}

// roleText names an artifact role in words.
func roleText(role string) string {
	switch role {
	case evidence.RoleScreenshot:
		return T("role.screenshot")
	case evidence.RoleTile:
		return T("role.tile")
	case evidence.RoleViewport:
		return T("role.viewport")
	case evidence.RoleDocument:
		return T("role.document")
	case evidence.RoleDOM:
		return T("role.dom")
	case evidence.RoleMHTML:
		return T("role.mhtml")
	case evidence.RoleWARC:
		return T("role.warc")
	case evidence.RoleText:
		return T("role.text")
	case evidence.RoleFacts:
		return T("role.facts")
	}
	if role == "" {
		return T("role.other")
	}
	return role
}

// actionText names a custody action in words (by its translation key, evidence.Action.Key);
// an action without a translation is shown as it is.
func actionText(action string) string {
	if key := evidence.Action(action).Key(); key != "" {
		if s := T(key); s != key {
			return s
		}
	}
	return action
}

// sizeText is a size for people, with the exact number of bytes.
func sizeText(n int64) string {
	exact := T("detail.bytes", map[string]any{"Count": groupDigits(int(n))})
	switch {
	case n < 1024:
		return exact
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB (%s)", float64(n)/1024, exact)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB (%s)", float64(n)/(1024*1024), exact)
	}
	return fmt.Sprintf("%.2f GB (%s)", float64(n)/(1024*1024*1024), exact)
}
