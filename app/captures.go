package app

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"image"
	_ "image/jpeg" // thumbnails are JPEG
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/evidence"
	"evidentia/store"
	"evidentia/textsafe"
	"evidentia/workflow"
)

// Tuning of the captures list.
const (
	searchDelay    = 250 * time.Millisecond // typing pause before a search runs
	thumbWidth     = 128                    // pixels asked of workflow.Thumbnail (2x the shown size)
	thumbCacheSize = 200                    // decoded thumbnails kept in memory
	thumbQueueMax  = 48                     // waiting requests; older ones (rows scrolled away) are dropped
	thumbWorkers   = 2                      // thumbnails made at once
)

// displayZone is the time zone capture times are shown in: the computer's. Tests fix it.
var displayZone = time.Local

// onMainMu serialises onMain.
var onMainMu sync.Mutex

// onMain runs fn on Fyne's main goroutine (fyne.Do). Call it from background goroutines only,
// never from the main goroutine. Calls are serialised: Fyne's test driver runs fyne.Do inline
// on the calling goroutine, and two background goroutines must not touch widgets at once.
func onMain(fn func()) {
	onMainMu.Lock()
	defer onMainMu.Unlock()
	fyne.Do(fn)
}

// capturesPanel is the list of the open case's captures: a search box, a virtualised list
// (thumbnail, title, site, capture time, status, a check box to choose captures for a report)
// and a line saying how many are shown and chosen. Tapping a row opens the capture's detail.
// Its fields are touched on the main goroutine only.
type capturesPanel struct {
	content fyne.CanvasObject

	u        *ui
	search   *widget.Entry
	list     *widget.List
	allCheck *widget.Check
	count    *widget.Label
	empty    *widget.Label
	top      *fyne.Container
	rows     map[fyne.CanvasObject]*captureRow // every row the list made, by its object
	thumbs   *thumbLoader
	caseName string
	query    string
	recs     []store.Record                    // what the list shows, newest first
	verdicts map[string]*evidence.Completeness // of recs, by ID: their manifests' verdicts (nil: none)
	selected map[string]bool
	gen      int // bumped by every load; older results are dropped
	loading  bool
	loadErr  error
	debounce *time.Timer
	timerMu  sync.Mutex // orders a debounced search after the typing that set it off

	// verdictCache holds the verdicts read from sealed manifests, by manifest digest (a sealed
	// manifest never changes); fetch fills it on background goroutines, under verdictMu.
	verdictMu    sync.Mutex
	verdictCache map[evidence.Digest]*evidence.Completeness

	// pending counts the panel's background work (loads, searches, thumbnails); tests wait
	// on it before looking at the widgets.
	pending sync.WaitGroup
}

// newCapturesPanel builds the captures list of u, showing no case until setCase.
func newCapturesPanel(u *ui) *capturesPanel {
	p := &capturesPanel{u: u, selected: map[string]bool{}, rows: map[fyne.CanvasObject]*captureRow{}}
	p.verdictCache = map[evidence.Digest]*evidence.Completeness{}
	p.thumbs = newThumbLoader(u, &p.pending, func(id string) {
		onMain(func() { p.thumbReady(id) })
	})
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(T("captures.search"))
	p.search.OnChanged = p.searchChanged
	p.search.Disable()
	p.allCheck = widget.NewCheck(T("captures.selectAll"), p.selectAll)
	p.allCheck.Disable()
	p.count = widget.NewLabel("")
	p.empty = widget.NewLabel("")
	p.empty.Alignment = fyne.TextAlignCenter
	p.empty.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(
		func() int { return len(p.recs) },
		func() fyne.CanvasObject { return p.newRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) { p.bindRow(i, o) },
	)
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.Unselect(i)
		if i >= 0 && i < len(p.recs) {
			u.showDetail(p.recs[i].ID)
		}
	}
	p.top = container.NewBorder(nil, nil, nil, container.NewHBox(p.allCheck, p.count), p.search)
	p.content = container.NewBorder(p.top, nil, nil, nil, container.NewStack(p.list, container.NewVBox(layout.NewSpacer(), p.empty, layout.NewSpacer())))
	// (A VBox, not a Center: a wrapping label needs a width to wrap in.)
	return p
}

// setCase shows the captures of the case named name ("" for none). A different case clears
// the search and the choice; the same case reloads, keeping them.
func (p *capturesPanel) setCase(name string) {
	if name != p.caseName {
		p.caseName = name
		p.selected = map[string]bool{}
		p.query = ""
		p.search.OnChanged = nil
		p.search.SetText("")
		p.search.OnChanged = p.searchChanged
		p.recs = nil
		p.list.ScrollToTop()
	}
	if name == "" {
		p.search.Disable()
		p.allCheck.Disable()
	} else {
		p.search.Enable()
		p.allCheck.Enable()
	}
	p.load()
}

// refresh reloads the list (after captures finished, for example), keeping the search, the
// choice and the scroll position. Call it on the main goroutine.
func (p *capturesPanel) refresh() {
	p.load()
}

// selectedIDs returns the IDs of the chosen captures, in list order first, then those the
// current search hides.
func (p *capturesPanel) selectedIDs() []string {
	var out []string
	shown := map[string]bool{}
	for _, r := range p.recs {
		shown[r.ID] = true
		if p.selected[r.ID] {
			out = append(out, r.ID)
		}
	}
	for id, on := range p.selected {
		if on && !shown[id] {
			out = append(out, id)
		}
	}
	return out
}

// searchChanged runs a search once typing pauses for searchDelay.
func (p *capturesPanel) searchChanged(q string) {
	p.query = strings.TrimSpace(q)
	p.stopDebounce()
	p.gen++
	gen, caseName, query := p.gen, p.caseName, p.query
	p.pending.Add(1)
	p.timerMu.Lock()
	defer p.timerMu.Unlock()
	p.debounce = time.AfterFunc(searchDelay, func() {
		defer p.pending.Done()
		// A timer's goroutine is not ordered after the code that set the timer (for the race
		// detector, and so for the test driver, which runs fyne.Do right here): the lock is.
		p.timerMu.Lock()
		//lint:ignore SA2001 an empty critical section, on purpose: it orders this after the setter
		p.timerMu.Unlock()
		p.fetch(gen, caseName, query)
	})
}

func (p *capturesPanel) stopDebounce() {
	if p.debounce != nil && p.debounce.Stop() {
		p.pending.Done()
	}
	p.debounce = nil
}

// load reads the list again, at once.
func (p *capturesPanel) load() {
	p.stopDebounce()
	p.gen++
	if p.caseName == "" {
		p.recs, p.loading, p.loadErr = nil, false, nil
		p.update()
		return
	}
	p.loading = true
	p.update()
	gen, caseName, query := p.gen, p.caseName, p.query
	p.u.goPending(&p.pending, func() {
		p.fetch(gen, caseName, query)
	})
}

// fetch reads the captures of caseName matching query (all when empty) and shows them if no
// newer load began meanwhile. It runs on a background goroutine.
func (p *capturesPanel) fetch(gen int, caseName, query string) {
	ctx, cancel := context.WithCancel(p.u.ctx)
	defer cancel()
	var recs []store.Record
	var err error
	if query == "" {
		recs, err = p.u.st.Captures(ctx, caseName)
	} else {
		recs, err = p.u.st.Search(ctx, caseName, query)
	}
	if ctx.Err() != nil {
		return
	}
	verdicts := p.readVerdicts(ctx, recs)
	if ctx.Err() != nil {
		return
	}
	onMain(func() {
		if gen != p.gen {
			return
		}
		p.recs, p.verdicts, p.loading, p.loadErr = recs, verdicts, false, err
		p.update()
		p.list.Refresh()
	})
}

// maxVerdictCache bounds capturesPanel.verdictCache; past it the cache starts again.
const maxVerdictCache = 50000

// readVerdicts returns the completeness verdicts of the sealed recs (complete or partial) by ID:
// the list of the store holds no manifests (store.Captures), and a capture sealed complete
// whose page was a login screen must not be listed as complete. Each manifest is read once,
// checked against its digest (store.OpenArtifact), and remembered by digest. A capture made
// before verdicts, or whose manifest cannot be read, has none (nil); its detail says more.
// It runs on a background goroutine.
func (p *capturesPanel) readVerdicts(ctx context.Context, recs []store.Record) map[string]*evidence.Completeness {
	out := map[string]*evidence.Completeness{}
	for _, r := range recs {
		if (r.Status != evidence.StatusComplete && r.Status != evidence.StatusPartial) || r.ManifestSHA256 == "" {
			continue
		}
		p.verdictMu.Lock()
		c, ok := p.verdictCache[r.ManifestSHA256]
		p.verdictMu.Unlock()
		if !ok {
			var err error
			c, err = readCompleteness(ctx, p.u.st, r.ManifestSHA256)
			if ctx.Err() != nil {
				return out
			}
			if err == nil {
				p.verdictMu.Lock()
				if len(p.verdictCache) >= maxVerdictCache {
					clear(p.verdictCache)
				}
				p.verdictCache[r.ManifestSHA256] = c
				p.verdictMu.Unlock()
			}
		}
		if c != nil {
			out[r.ID] = c
		}
	}
	return out
}

// readCompleteness reads the verdict of the sealed manifest d (nil for a manifest without one).
func readCompleteness(ctx context.Context, st *store.Store, d evidence.Digest) (*evidence.Completeness, error) {
	rc, err := st.OpenArtifact(ctx, d)
	if err != nil {
		return nil, err
	}
	var m struct {
		Facts struct {
			Completeness *evidence.Completeness `json:"completeness"`
		} `json:"facts"`
	}
	err = json.NewDecoder(rc).Decode(&m)
	if cErr := rc.Close(); err == nil {
		err = cErr // a manifest that does not match its digest is not believed
	}
	if err != nil {
		return nil, err
	}
	return m.Facts.Completeness, nil
}

// update shows the counts and the empty-list message.
func (p *capturesPanel) update() {
	n := len(p.recs)
	chosen := 0
	for _, on := range p.selected {
		if on {
			chosen++
		}
	}
	switch {
	case p.caseName == "":
		p.count.SetText("")
	case chosen > 0:
		p.count.SetText(T("captures.countChosen", map[string]any{"Count": groupDigits(n), "Chosen": groupDigits(chosen)}))
	default:
		if n == 1 {
			p.count.SetText(T("captures.countOne"))
		} else {
			p.count.SetText(T("captures.count", map[string]any{"Count": groupDigits(n)}))
		}
	}
	all := n > 0
	for _, r := range p.recs {
		if !p.selected[r.ID] {
			all = false
			break
		}
	}
	setCheckQuiet(p.allCheck, all, p.selectAll)

	msg := ""
	switch {
	case p.caseName == "":
		msg = T("captures.noCase")
	case p.loadErr != nil:
		msg = friendly(p.loadErr)
	case n > 0:
	case p.loading:
		msg = T("captures.loading")
	case p.query != "":
		msg = T("captures.noMatch")
	default:
		msg = T("captures.none")
	}
	p.empty.SetText(msg)
	if msg == "" {
		p.empty.Hide()
	} else {
		p.empty.Show()
	}
	p.top.Refresh()
}

// selectAll chooses (or clears) every capture the list shows.
func (p *capturesPanel) selectAll(on bool) {
	for _, r := range p.recs {
		if on {
			p.selected[r.ID] = true
		} else {
			delete(p.selected, r.ID)
		}
	}
	p.update()
	p.list.Refresh()
}

func (p *capturesPanel) toggle(id string, on bool) {
	if on {
		p.selected[id] = true
	} else {
		delete(p.selected, id)
	}
	p.update()
}

// setCheckQuiet sets c without calling its OnChanged, then gives it back onChanged.
func setCheckQuiet(c *widget.Check, on bool, onChanged func(bool)) {
	if c.Checked == on {
		return
	}
	c.OnChanged = nil
	c.SetChecked(on)
	c.OnChanged = onChanged
}

// captureRow is one row of the list; id is the capture it shows now.
type captureRow struct {
	id     string
	check  *widget.Check
	img    *canvas.Image
	icon   *widget.Icon
	title  *widget.Label
	sub    *widget.Label
	status *widget.Label
}

func (p *capturesPanel) newRow() fyne.CanvasObject {
	r := &captureRow{
		check:  widget.NewCheck("", nil),
		img:    canvas.NewImageFromImage(nil),
		icon:   widget.NewIcon(theme.MediaPhotoIcon()),
		title:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		sub:    widget.NewLabel(""),
		status: widget.NewLabel(""),
	}
	r.img.FillMode = canvas.ImageFillContain
	r.img.ScaleMode = canvas.ImageScaleSmooth
	r.img.SetMinSize(fyne.NewSize(72, 54))
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.sub.Truncation = fyne.TextTruncateEllipsis
	r.sub.SizeName = theme.SizeNameCaptionText
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 4
	thumb := container.NewStack(bg, container.NewCenter(r.icon), r.img)
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), r.title, r.sub)
	o := container.NewBorder(nil, nil, container.NewHBox(r.check, thumb), r.status, container.NewVBox(layout.NewSpacer(), text, layout.NewSpacer()))
	p.rows[o] = r
	return o
}

func (p *capturesPanel) bindRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(p.recs) {
		return
	}
	rec := p.recs[i]
	r, ok := p.rows[o]
	if !ok {
		return
	}
	r.id = rec.ID
	id := rec.ID
	r.check.OnChanged = nil
	r.check.SetChecked(p.selected[id])
	r.check.OnChanged = func(on bool) { p.toggle(id, on) }
	r.title.SetText(captureTitle(rec))
	r.sub.SetText(siteOf(rec) + " · " + rec.StartedAt.In(displayZone).Format("2006-01-02 15:04"))
	text, imp := listStatus(rec.Status, p.verdicts[rec.ID])
	r.status.Importance = imp
	r.status.SetText(text)
	img, state := p.thumbs.get(rec)
	r.showThumb(img, state)
	relayout(o.(*fyne.Container))
}

// relayout lays c out again for its children's new minimum sizes (a label whose text
// changed), without refreshing them all.
func relayout(c *fyne.Container) {
	if c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
}

// showThumb shows img, or the placeholder for state.
func (r *captureRow) showThumb(img image.Image, state thumbState) {
	switch state {
	case thumbReady:
		r.icon.Hide()
	case thumbNone:
		r.icon.SetResource(theme.BrokenImageIcon())
		r.icon.Show()
	default:
		r.icon.SetResource(theme.MediaPhotoIcon())
		r.icon.Show()
	}
	if r.img.Image != img {
		r.img.Image = img
		r.img.Refresh()
	}
}

// thumbReady shows the thumbnail of capture id in the rows that show it.
func (p *capturesPanel) thumbReady(id string) {
	for _, r := range p.rows {
		if r.id != id {
			continue
		}
		for _, rec := range p.recs {
			if rec.ID == id {
				img, state := p.thumbs.get(rec)
				r.showThumb(img, state)
				break
			}
		}
	}
}

// maxHeading caps, in characters, a capture's title where it names the capture (a list row,
// a window's heading); the detail's facts show it at its full cap, among the page's claims.
const maxHeading = 120

// captureTitle is the capture's page title, or its address when the page had none, for one line
// naming the capture: the title is the page's claim, whatever it holds, so it is escaped
// (textsafe.Bracket) and cut at maxHeading characters with an ellipsis.
func captureTitle(r store.Record) string {
	t := strings.TrimSpace(r.Title)
	if t == "" {
		t = r.URL
	}
	if rs := []rune(t); len(rs) > maxHeading {
		t = string(rs[:maxHeading]) + "…"
	}
	return textsafe.Bracket(t, 0)
}

// siteOf is the host name the capture ended at.
func siteOf(r store.Record) string {
	for _, s := range []string{r.FinalURL, r.URL} {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			return u.Hostname()
		}
	}
	return r.URL
}

// statusText is the status in words and the importance it is shown with.
func statusText(s evidence.Status) (string, widget.Importance) {
	switch s {
	case evidence.StatusComplete:
		return T("status.complete"), widget.SuccessImportance
	case evidence.StatusPartial:
		return T("status.partial"), widget.WarningImportance
	case evidence.StatusFailed:
		return T("status.failed"), widget.DangerImportance
	case evidence.StatusInterrupted:
		return T("status.interrupted"), widget.DangerImportance
	case evidence.StatusCapturing:
		return T("status.capturing"), widget.MediumImportance
	}
	return string(s), widget.MediumImportance
}

// listStatus is what a list row (and the detail's heading) says of a capture: its status, except
// that a capture sealed complete whose page was not captured in full (c's verdict is not
// complete) shows the verdict's short name instead, never the green "complete"; a partial one
// adds the verdict when it says more than "incomplete". c is nil for a capture made before
// verdicts, shown by its status alone.
func listStatus(s evidence.Status, c *evidence.Completeness) (string, widget.Importance) {
	text, imp := statusText(s)
	if c == nil || c.Verdict == evidence.VerdictComplete {
		return text, imp
	}
	name, vimp := verdictName(c.Verdict)
	switch s {
	case evidence.StatusComplete:
		return name, vimp
	case evidence.StatusPartial:
		if c.Verdict != evidence.VerdictIncomplete {
			return text + " · " + name, vimp
		}
	}
	return text, imp
}

// verdictName is the short name of a verdict (for a list row) and the importance it is shown
// with: success for complete, warning for incomplete, danger for the verdicts that say the
// posting itself is not in the capture (and for a verdict Evidentia does not know).
func verdictName(v evidence.Verdict) (string, widget.Importance) {
	name := v.Name(currentLang)
	if name == "" {
		return T("verdict.unknown"), widget.DangerImportance
	}
	switch v {
	case evidence.VerdictComplete:
		return name, widget.SuccessImportance
	case evidence.VerdictIncomplete:
		return name, widget.WarningImportance
	}
	return name, widget.DangerImportance
}

// groupDigits writes n with thousands separators: 1,000.
func groupDigits(n int) string {
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// thumbState says what a thumbnail request has.
type thumbState int

const (
	thumbLoading thumbState = iota // not yet made: a placeholder is shown
	thumbReady                     // the image is there
	thumbNone                      // the capture has no image, or it could not be read
)

// thumbLoader makes thumbnails in the background, at most thumbWorkers at a time, newest
// request first, and keeps the last thumbCacheSize in memory. Its methods are safe for
// concurrent use; ready is called from the workers once a thumbnail is cached.
type thumbLoader struct {
	u       *ui
	pending *sync.WaitGroup
	ready   func(id string)

	mu      sync.Mutex
	cache   map[string]*list.Element // of *thumbEntry; front = most recently used
	order   *list.List
	queue   []store.Record // newest last
	queued  map[string]bool
	workers int
}

type thumbEntry struct {
	id  string
	img image.Image // nil: no image
}

func newThumbLoader(u *ui, pending *sync.WaitGroup, ready func(id string)) *thumbLoader {
	return &thumbLoader{u: u, pending: pending, ready: ready,
		cache: map[string]*list.Element{}, order: list.New(), queued: map[string]bool{}}
}

// get returns the cached thumbnail of rec, or asks for it and returns thumbLoading.
func (t *thumbLoader) get(rec store.Record) (image.Image, thumbState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el, ok := t.cache[rec.ID]; ok {
		t.order.MoveToFront(el)
		e := el.Value.(*thumbEntry)
		if e.img == nil {
			return nil, thumbNone
		}
		return e.img, thumbReady
	}
	if !rec.Status.Sealed() {
		return nil, thumbNone
	}
	if t.queued[rec.ID] {
		return nil, thumbLoading
	}
	t.queued[rec.ID] = true
	t.queue = append(t.queue, rec)
	if len(t.queue) > thumbQueueMax {
		delete(t.queued, t.queue[0].ID)
		t.queue = t.queue[1:]
	}
	if t.workers < thumbWorkers {
		// Not u.work: get may run when nothing else holds it (see sync.WaitGroup.Add); shutdown
		// waits for the worker through u.background, so that none touches a widget after it.
		t.pending.Add(1)
		if t.u.background(t.work) {
			t.workers++
		} else {
			t.pending.Done()
		}
	}
	return nil, thumbLoading
}

// work makes the queued thumbnails, newest first, until none is left.
func (t *thumbLoader) work() {
	defer t.pending.Done()
	for {
		t.mu.Lock()
		if len(t.queue) == 0 || t.u.ctx.Err() != nil {
			t.workers--
			t.mu.Unlock()
			return
		}
		rec := t.queue[len(t.queue)-1]
		t.queue = t.queue[:len(t.queue)-1]
		t.mu.Unlock()

		img, err := t.make(rec)
		t.mu.Lock()
		delete(t.queued, rec.ID)
		if !errors.Is(err, context.Canceled) { // a failed thumbnail shows as none, and is not retried
			t.put(rec.ID, img)
		}
		t.mu.Unlock()
		if t.u.ctx.Err() == nil {
			t.ready(rec.ID)
		}
	}
}

// put caches img for id, forgetting the least recently used beyond thumbCacheSize. The caller
// holds t.mu.
func (t *thumbLoader) put(id string, img image.Image) {
	if el, ok := t.cache[id]; ok {
		el.Value.(*thumbEntry).img = img
		t.order.MoveToFront(el)
		return
	}
	t.cache[id] = t.order.PushFront(&thumbEntry{id: id, img: img})
	for t.order.Len() > thumbCacheSize {
		last := t.order.Back()
		t.order.Remove(last)
		delete(t.cache, last.Value.(*thumbEntry).id)
	}
}

// make returns the thumbnail of rec, decoded (the top of the page, at most 3/4 as tall as
// wide: see workflow.Thumbnail); nil with a nil error when the capture has no image.
func (t *thumbLoader) make(rec store.Record) (image.Image, error) {
	data, err := workflow.Thumbnail(t.u.ctx, t.u.st, rec, thumbWidth)
	if errors.Is(err, workflow.ErrNoImage) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return img, nil
}
