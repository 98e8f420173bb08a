package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // screenshots may be JPEG
	_ "image/png"  // screenshots are PNG
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
	d.pending.Add(1)
	go func() {
		defer d.pending.Done()
		rec, err := d.u.st.Capture(d.ctx, d.id)
		var events []store.Event
		if err == nil {
			events, err = d.u.st.Custody(d.ctx, rec.ID)
		}
		if d.ctx.Err() != nil {
			return
		}
		onMain(func() {
			if err != nil {
				d.showLoadError(err)
				return
			}
			d.show(rec, events)
		})
	}()
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
	text, imp := statusText(rec.Status)
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
	d.pending.Add(1)
	go func() {
		defer d.pending.Done()
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
	}()
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

// fillInfo shows the capture's facts: the capture, the page, the network, TLS, redirects and
// the collection environment.
func (d *detailView) fillInfo() {
	rec := d.rec
	var f evidence.Facts
	if rec.Manifest != nil {
		f = rec.Manifest.Facts
	}
	status, _ := statusText(rec.Status)
	if rec.Reason != "" {
		status += " — " + friendlyReason(rec.Reason)
	}
	// What Evidentia observed first; what the page says about itself apart (claimsSection).
	var objs []fyne.CanvasObject
	objs = append(objs, section(T("detail.secCapture"),
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
	)...)
	started := f.Collection.StartedAt
	if started.IsZero() {
		started = rec.StartedAt
	}
	objs = append(objs, claimsSection(f.Metadata, started)...)
	n := f.Network
	httpStatus := ""
	if n.HTTPStatus != 0 {
		httpStatus = strings.TrimSpace(strconv.Itoa(n.HTTPStatus) + " " + textsafe.Bracket(n.StatusText, 100))
	}
	mime := n.MIMEType
	if n.Charset != "" {
		mime += "; charset=" + n.Charset
	}
	server := n.RemoteIP
	if server != "" && n.RemotePort != 0 {
		server = joinHostPort(n.RemoteIP, n.RemotePort)
	}
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
	objs = append(objs, section(T("detail.secNetwork"),
		field{T("detail.httpStatus"), httpStatus},
		field{T("detail.mime"), textsafe.Bracket(mime, 300)},
		field{T("detail.server"), server},
		field{T("detail.protocol"), textsafe.Bracket(n.Protocol, 100)},
		field{T("detail.resources"), resources},
		field{T("detail.headers"), headers},
	)...)
	if t := n.TLS; t != nil {
		validity := ""
		if !t.ValidFrom.IsZero() || !t.ValidTo.IsZero() {
			validity = formTime(t.ValidFrom) + " ~ " + formTime(t.ValidTo)
		}
		// The certificate's names come from the server.
		objs = append(objs, section(T("detail.secTLS"),
			field{T("detail.tlsProtocol"), textsafe.Bracket(t.Protocol, 100)},
			field{T("detail.cipher"), textsafe.Bracket(strings.TrimSpace(t.Cipher+" "+t.KeyExchange), 200)},
			field{T("detail.subject"), textsafe.Bracket(t.Subject, 1000)},
			field{T("detail.issuer"), textsafe.Bracket(t.Issuer, 1000)},
			field{T("detail.validity"), validity},
			field{T("detail.sans"), textsafe.Bracket(strings.Join(t.SANs, ", "), 4000)},
		)...)
	}
	if len(f.Redirects) > 0 {
		var hops []field
		for i, h := range f.Redirects {
			// A Location is what the server said, raw.
			v := strconv.Itoa(h.Status) + " " + textsafe.Bracket(h.URL, pagemeta.MaxURL)
			if h.Location != "" {
				v += " → " + textsafe.Bracket(h.Location, pagemeta.MaxURL)
			}
			hops = append(hops, field{strconv.Itoa(i + 1), v})
		}
		objs = append(objs, section(T("detail.secRedirects"), hops...)...)
	}
	c, b := f.Collection, f.Browser
	system := strings.TrimSpace(c.OS + " " + c.Arch)
	browser := strings.TrimSpace(b.Product + " " + b.Revision)
	viewport := ""
	if b.ViewportWidth > 0 {
		viewport = fmt.Sprintf("%d×%d", b.ViewportWidth, b.ViewportHeight)
	}
	objs = append(objs, section(T("detail.secCollection"),
		field{T("detail.unit"), c.Unit},
		field{T("detail.computer"), c.Hostname},
		field{T("detail.system"), system},
		field{T("detail.timezone"), c.TimeZone},
		field{T("detail.localIPs"), strings.Join(c.LocalIPs, ", ")},
		field{T("detail.appVersion"), c.AppVersion},
		field{T("detail.browser"), browser},
		field{T("detail.viewport"), viewport},
	)...)
	if ev := f.Method.Events; len(ev) > 0 {
		var lines []field
		for _, e := range ev {
			// A dialog's message and an address come from the page.
			lines = append(lines, field{eventKindText(e.Kind), strings.TrimSpace(formTime(e.At) + " " + textsafe.Bracket(e.Detail, 1000) + " " + textsafe.Bracket(e.URL, pagemeta.MaxURL))})
		}
		objs = append(objs, section(T("detail.secEvents"), lines...)...)
	}
	d.info.Objects = []fyne.CanvasObject{container.New(layout.NewFormLayout(), objs...)}
	d.info.Refresh()
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
	id, actor := d.rec.ID, d.u.set.Operator
	d.pending.Add(1)
	d.u.work.Add(1)
	go func() {
		defer d.u.work.Done()
		defer d.pending.Done()
		_, err := workflow.Annotate(d.ctx, d.u.st, id, note, tags, actor)
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
	rec, actor := d.rec, d.u.set.Operator
	d.export.Disable()
	d.pending.Add(1)
	d.u.work.Add(1)
	go func() {
		defer d.u.work.Done()
		defer d.pending.Done()
		dir := filepath.Join(parent, safeFileName(rec.Case)+"-"+rec.ID)
		n, err := workflow.CopyArtifacts(d.ctx, d.u.st, rec, dir, actor)
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

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
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

// actionText names a custody action in words.
func actionText(action string) string {
	switch action {
	case store.ActionCaseCreated:
		return T("action.caseCreated")
	case store.ActionCaseClosed:
		return T("action.caseClosed")
	case store.ActionCaseReopened:
		return T("action.caseReopened")
	case store.ActionCaptureStarted:
		return T("action.captureStarted")
	case store.ActionCaptureSealed:
		return T("action.captureSealed")
	case store.ActionCaptureFailed:
		return T("action.captureFailed")
	case store.ActionCaptureInterrupted:
		return T("action.captureInterrupted")
	case store.ActionVerified:
		return T("action.verified")
	case store.ActionViewed:
		return T("action.viewed")
	case store.ActionReported:
		return T("action.reported")
	case store.ActionExported:
		return T("action.exported")
	case store.ActionAnnotated:
		return T("action.annotated")
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

// The zoom steps of the screenshot viewer.
var zoomSteps = []float32{0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.25, 1.5, 2, 3, 4}

// maxPart is the tallest piece an image is shown in (pixels): graphics cards refuse textures
// much taller than this, and full-page screenshots are far taller.
const maxPart = 4096

// imageViewer shows a capture's screenshot (or its tiles, in page order) in a scrollable,
// zoomable column: tall pages are scrolled, never squeezed. Decoding runs in the background.
// Its fields are touched on the main goroutine only.
type imageViewer struct {
	content fyne.CanvasObject
	w       fyne.Window
	scroll  *container.Scroll
	column  *fyne.Container
	message *widget.Label
	label   *widget.Label // zoom and size
	about   string        // how many images, how big
	buttons []*widget.Button
	parts   []*canvas.Image
	sizes   []image.Point // pixel size of each part
	width   int           // pixel width of the widest image
	zoom    float32
	fit     bool
}

func newImageViewer(w fyne.Window) *imageViewer {
	v := &imageViewer{w: w, zoom: 1, fit: true}
	v.column = container.New(layout.NewCustomPaddedVBoxLayout(0))
	v.scroll = container.NewScroll(v.column)
	v.message = widget.NewLabel(T("detail.loadingImage"))
	v.message.Alignment = fyne.TextAlignCenter
	v.message.Wrapping = fyne.TextWrapWord
	v.label = widget.NewLabel("")
	fitBtn := widget.NewButtonWithIcon(T("detail.fitWidth"), theme.ViewFullScreenIcon(), v.fitWidth)
	actual := widget.NewButton("100%", func() { v.setZoom(1) })
	out := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), v.zoomOut)
	in := widget.NewButtonWithIcon("", theme.ZoomInIcon(), v.zoomIn)
	v.buttons = []*widget.Button{fitBtn, actual, out, in}
	for _, b := range v.buttons {
		b.Disable()
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(fitBtn, actual, out, in), nil, v.label)
	area := container.New(&viewerLayout{v: v}, v.scroll)
	v.content = container.NewBorder(bar, nil, nil, nil, container.NewStack(area, container.NewCenter(v.message)))
	return v
}

// setMessage shows msg in place of the image.
func (v *imageViewer) setMessage(msg string) {
	v.message.SetText(msg)
	v.message.Show()
}

// screenshotParts returns the artifacts that make up rec's page image, top to bottom: its
// tiles in page order, else its full screenshot, else its viewport.
func screenshotParts(rec *store.Record) []store.StoredArtifact {
	byName := map[string]store.StoredArtifact{}
	for _, a := range rec.Artifacts {
		byName[a.Name] = a
	}
	if rec.Manifest != nil && len(rec.Manifest.Facts.Method.Tiles) > 0 {
		tiles := append([]evidence.Tile(nil), rec.Manifest.Facts.Method.Tiles...)
		sort.SliceStable(tiles, func(i, j int) bool { return tiles[i].Y < tiles[j].Y })
		var out []store.StoredArtifact
		for _, t := range tiles {
			if a, ok := byName[t.Name]; ok {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, role := range []string{evidence.RoleTile, evidence.RoleScreenshot, evidence.RoleViewport} {
		var out []store.StoredArtifact
		for _, a := range rec.Artifacts {
			if a.Role == role {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			return out // artifacts are sorted by name: tile-000, tile-001, ...
		}
	}
	return nil
}

// load decodes rec's page image in the background (each object checked against its SHA-256)
// and shows it fitted to the width.
func (v *imageViewer) load(ctx context.Context, u *ui, rec *store.Record, pending *sync.WaitGroup) {
	arts := screenshotParts(rec)
	if len(arts) == 0 {
		v.setMessage(T("detail.noImage"))
		return
	}
	v.setMessage(T("detail.loadingImage"))
	pending.Add(1)
	go func() {
		defer pending.Done()
		var imgs []image.Image
		var err error
		for _, a := range arts {
			var img image.Image
			if img, err = decodeArtifact(ctx, u.st, a.SHA256); err != nil {
				err = fmt.Errorf("app: screenshot %s: %w", a.Name, err)
				break
			}
			imgs = append(imgs, img)
		}
		if ctx.Err() != nil {
			return
		}
		onMain(func() {
			if err != nil {
				v.setMessage(T("detail.imageError") + "\n" + friendly(err))
				return
			}
			v.setImages(imgs)
		})
	}()
}

// decodeArtifact reads the object d whole, checked against d, and decodes it.
func decodeArtifact(ctx context.Context, st *store.Store, d evidence.Digest) (image.Image, error) {
	r, err := st.OpenArtifact(ctx, d)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

// setImages shows imgs one under the other, cut into parts of at most maxPart pixels.
func (v *imageViewer) setImages(imgs []image.Image) {
	v.parts, v.sizes, v.width = nil, nil, 0
	total := 0
	var objs []fyne.CanvasObject
	for _, img := range imgs {
		b := img.Bounds()
		v.width = max(v.width, b.Dx())
		total += b.Dy()
		for y := b.Min.Y; y < b.Max.Y; y += maxPart {
			r := image.Rect(b.Min.X, y, b.Max.X, min(y+maxPart, b.Max.Y))
			part := img
			if r != b {
				if s, ok := img.(interface {
					SubImage(image.Rectangle) image.Image
				}); ok {
					part = s.SubImage(r)
				} else {
					r = b
				}
			}
			ci := canvas.NewImageFromImage(part)
			ci.FillMode = canvas.ImageFillContain
			ci.ScaleMode = canvas.ImageScaleSmooth
			v.parts = append(v.parts, ci)
			v.sizes = append(v.sizes, r.Size())
			objs = append(objs, ci)
			if r == b {
				break
			}
		}
	}
	v.column.Objects = objs
	v.message.Hide()
	for _, b := range v.buttons {
		b.Enable()
	}
	v.about = T("detail.imageSize", map[string]any{"Count": len(imgs), "Width": v.width, "Height": groupDigits(total)})
	if v.fit {
		v.fitTo(v.scroll.Size().Width)
	}
	v.apply()
}

// scale is how many pixels the window shows per Fyne unit.
func (v *imageViewer) scale() float32 {
	if s := v.w.Canvas().Scale(); s > 0 {
		return s
	}
	return 1
}

// fitTo sets the zoom that makes the widest image width units wide.
func (v *imageViewer) fitTo(width float32) bool {
	if v.width == 0 || width <= 0 {
		return false
	}
	z := width * v.scale() / float32(v.width)
	if float32(math.Abs(float64(z-v.zoom))) < 0.001 {
		return false
	}
	v.zoom = z
	return true
}

// apply sizes every part for the zoom.
func (v *imageViewer) apply() {
	s := v.scale()
	for i, p := range v.parts {
		p.SetMinSize(fyne.NewSize(float32(v.sizes[i].X)*v.zoom/s, float32(v.sizes[i].Y)*v.zoom/s))
	}
	v.column.Refresh()
	v.scroll.Refresh()
	if v.width > 0 {
		v.label.SetText(strconv.Itoa(int(math.Round(float64(v.zoom*100)))) + "% · " + v.about)
	}
}

func (v *imageViewer) fitWidth() {
	v.fit = true
	v.fitTo(v.scroll.Size().Width)
	v.apply()
}

func (v *imageViewer) setZoom(z float32) {
	v.fit = false
	v.zoom = min(max(z, zoomSteps[0]), zoomSteps[len(zoomSteps)-1])
	v.apply()
}

func (v *imageViewer) zoomIn() {
	for _, s := range zoomSteps {
		if s > v.zoom+0.005 {
			v.setZoom(s)
			return
		}
	}
	v.setZoom(zoomSteps[len(zoomSteps)-1])
}

func (v *imageViewer) zoomOut() {
	for i := len(zoomSteps) - 1; i >= 0; i-- {
		if zoomSteps[i] < v.zoom-0.005 {
			v.setZoom(zoomSteps[i])
			return
		}
	}
	v.setZoom(zoomSteps[0])
}

// viewerLayout gives the scroll all the room, and keeps the image fitted to the width while
// the viewer is in fit mode.
type viewerLayout struct{ v *imageViewer }

func (l *viewerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if l.v.fit && l.v.fitTo(size.Width) {
		l.v.apply()
	}
}

func (l *viewerLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(160, 160)
}
