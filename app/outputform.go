package app

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/identity"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/store"
	"evidentia/workflow"
)

// The report languages as the dialog offers them (each in its own language).
const (
	reportKorean  = "한국어"
	reportEnglish = "English"
)

// outputKind is what a dialog built on an outputForm makes (a report, a bundle): the part of
// the dialog that differs from kind to kind. Its methods are called on the main goroutine.
type outputKind interface {
	// title is the dialog's title.
	title() string
	// fileName is the default file name for caseName in language l on day now.
	fileName(caseName string, l report.Lang, now time.Time) string
	// identityProblem says why nothing can be made with the signing identity f (loaded with
	// err), or "" when the identity is no obstacle.
	identityProblem(f *identity.File, err error) string
	// syncSign brings the sign box up to date and says whether what is made will be signed
	// (the passphrase and the timestamp authority are then asked).
	syncSign() bool
	// run makes the output of the captures ids as the file name in the background (the form
	// was checked); it ends with ended.
	run(ids []string, name string)
}

// formRow is a labelled input a kind adds to the file form; it is switched off while busy.
type formRow struct {
	label string
	input interface {
		fyne.CanvasObject
		fyne.Disableable
	}
}

// outputForm is the form the report and export dialogs share: the case's captures to choose
// from, the language, the signing identity and its passphrase, the timestamp authority, the
// output folder and file, a status line and the Cancel and Create buttons, with the run in
// the background. Its fields are touched on the main goroutine only.
type outputForm struct {
	u        *ui
	kind     outputKind
	ids      []string // asked for by the caller
	caseName string
	recs     []store.Record // the sealed captures of the case, newest first
	chosen   map[string]bool
	idFile   *identity.File // the signing identity chosen (certificate only), or nil
	idSelect *widget.Select // the identities to choose from, shown when there is more than one
	running  context.CancelFunc

	dlg         dialog.Dialog
	content     *fyne.Container
	list        *widget.List
	count       *widget.Label
	allCheck    *widget.Check
	lang        *widget.RadioGroup
	sign        *widget.Check
	signer      *widget.Label
	pass        *widget.Entry
	tsa         *widget.Entry
	folder      string
	folderLabel *widget.Label
	folderBtn   *widget.Button
	name        *widget.Entry
	defaultName string
	rows        []formRow // the kind's own rows of the file form
	progress    *widget.ProgressBarInfinite
	message     *widget.Label
	create      *widget.Button
	cancel      *widget.Button

	// resultDlg is the dialog that shows what was made.
	resultDlg dialog.Dialog

	// pending counts the dialog's background work; tests wait on it.
	pending sync.WaitGroup
}

// build builds the form of a dialog of kind (not shown, nothing loaded yet). The captures
// chosen at first are ids when given, else those chosen in the captures list.
func (f *outputForm) build(u *ui, ids []string, kind outputKind) {
	f.u, f.kind, f.ids, f.caseName, f.chosen = u, kind, ids, u.caseName, map[string]bool{}
	if len(ids) == 0 && u.list != nil {
		for _, id := range u.list.selectedIDs() {
			f.chosen[id] = true
		}
	} else {
		for _, id := range ids {
			f.chosen[id] = true
		}
	}

	f.list = f.captureList()
	f.count = widget.NewLabel(T("reportdlg.loading"))
	f.allCheck = widget.NewCheck(T("captures.selectAll"), f.chooseAll)

	f.lang = widget.NewRadioGroup([]string{reportKorean, reportEnglish}, func(string) { f.langChanged() })
	f.lang.Horizontal = true
	f.lang.Required = true
	if currentLang == LangEnglish {
		f.lang.Selected = reportEnglish
	} else {
		f.lang.Selected = reportKorean
	}

	f.sign = widget.NewCheck(T("reportdlg.sign"), func(bool) { f.signChanged() })
	f.sign.Disable()
	f.signer = widget.NewLabel(T("reportdlg.identityLoading"))
	f.signer.Wrapping = fyne.TextWrapWord
	f.idSelect = widget.NewSelect(nil, nil)
	f.idSelect.Hide()
	f.pass = widget.NewPasswordEntry()
	f.pass.SetPlaceHolder(T("reportdlg.passphrase"))
	f.pass.OnSubmitted = func(string) { f.start() }
	f.tsa = widget.NewEntry()
	f.tsa.SetPlaceHolder("https://…")
	f.tsa.SetText(u.sess.TSA(""))

	f.folder = defaultFolder()
	f.folderLabel = widget.NewLabel(f.folder)
	f.folderLabel.Wrapping = fyne.TextWrapBreak
	f.folderBtn = widget.NewButtonWithIcon(T("reportdlg.chooseFolder"), theme.FolderOpenIcon(), f.chooseFolder)
	f.name = widget.NewEntry()
	f.defaultName = kind.fileName(f.caseName, f.reportLang(), time.Now())
	f.name.SetText(f.defaultName)

	f.progress = widget.NewProgressBarInfinite()
	f.progress.Stop()
	f.progress.Hide()
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.create = widget.NewButtonWithIcon(T("reportdlg.create"), theme.DocumentSaveIcon(), f.start)
	f.create.Importance = widget.HighImportance
	f.create.Disable()
	f.cancel = widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), f.cancelOrClose)
}

// captureList lists the case's sealed captures, each with a box to choose it.
func (f *outputForm) captureList() *widget.List {
	l := widget.NewList(func() int { return len(f.recs) },
		func() fyne.CanvasObject {
			title := widget.NewLabel("")
			title.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewCheck("", nil), nil, title)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(f.recs) {
				return
			}
			rec := f.recs[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(captureTitle(rec) + " — " + siteOf(rec) + " · " +
				rec.StartedAt.In(displayZone).Format("2006-01-02 15:04"))
			id := rec.ID
			c := row.Objects[1].(*widget.Check)
			setCheckQuiet(c, f.chosen[id], nil)
			c.OnChanged = func(on bool) { f.setChosen(id, on) }
		})
	l.OnSelected = func(i widget.ListItemID) {
		l.Unselect(i)
		if i >= 0 && i < len(f.recs) && f.running == nil {
			f.setChosen(f.recs[i].ID, !f.chosen[f.recs[i].ID])
			l.RefreshItem(i)
		}
	}
	return l
}

// show shows the dialog on the main window.
func (f *outputForm) show() {
	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	chooser := container.NewBorder(
		container.NewBorder(nil, nil, heading(T("reportdlg.captures")), container.NewHBox(f.allCheck, f.count)),
		nil, nil, nil, f.list)
	signBox := container.NewVBox(
		f.sign, f.signer, f.idSelect,
		container.New(layout.NewFormLayout(),
			widget.NewLabel(T("reportdlg.passphraseLabel")), f.pass,
			widget.NewLabel(T("reportdlg.tsa")), f.tsa),
	)
	options := container.NewVBox(
		container.New(layout.NewFormLayout(), widget.NewLabel(T("reportdlg.lang")), f.lang),
		widget.NewSeparator(),
		signBox,
		widget.NewSeparator(),
		f.fileForm(),
		f.progress, f.message,
	)
	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.create)
	f.content = container.NewBorder(nil, container.NewVBox(options, buttons), nil, nil, chooser)
	f.dlg = dialog.NewCustomWithoutButtons(f.kind.title(), f.content, f.u.w)
	f.dlg.Resize(fyne.NewSize(760, 700))
	f.dlg.Show()
}

// fileForm is the folder, the file name and the kind's own rows.
func (f *outputForm) fileForm() *fyne.Container {
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("reportdlg.folder")), container.NewBorder(nil, nil, nil, f.folderBtn, f.folderLabel),
		widget.NewLabel(T("reportdlg.fileName")), f.name)
	for _, row := range f.rows {
		form.Add(widget.NewLabel(row.label))
		form.Add(row.input)
	}
	return form
}

// load brings the sign box and the passphrase up to date, then reads the case's sealed
// captures and the signing identities in the background.
func (f *outputForm) load() {
	f.signChanged()
	u, ids, caseName := f.u, f.ids, f.caseName
	u.goPending(&f.pending, func() {
		ctx := u.ctx
		var err error
		if len(ids) > 0 {
			var rec *store.Record
			if rec, err = u.st.Capture(ctx, ids[0]); err == nil {
				caseName = rec.Case
			}
		}
		var all []store.Record
		if err == nil && caseName != "" {
			all, err = u.st.Captures(ctx, caseName)
		}
		var sealed []store.Record
		for _, rec := range all {
			if rec.Status.Sealed() {
				sealed = append(sealed, rec)
			}
		}
		id, idErr := u.sess.Identity()
		others := u.sess.ArchivedIdentities()
		onMain(func() {
			f.loaded(caseName, sealed, err, id, idErr)
			f.offerIdentities(id, others)
		})
	})
}

func (f *outputForm) loaded(caseName string, recs []store.Record, err error, id *identity.File, idErr error) {
	if caseName != f.caseName {
		f.caseName = caseName
		if f.name.Text == f.defaultName {
			f.defaultName = f.kind.fileName(caseName, f.reportLang(), time.Now())
			f.name.SetText(f.defaultName)
		}
	}
	f.recs = recs
	inCase := map[string]bool{}
	for _, rec := range recs {
		inCase[rec.ID] = true
	}
	for c := range f.chosen {
		if !inCase[c] {
			delete(f.chosen, c)
		}
	}
	if len(f.chosen) == 0 && len(f.ids) == 0 {
		for _, rec := range recs {
			f.chosen[rec.ID] = true
		}
	}
	f.list.Refresh()
	f.updateCount()
	idProblem := f.kind.identityProblem(id, idErr)
	switch {
	case err != nil:
		f.fail(friendly(err))
	case caseName == "":
		f.fail(T("captures.noCase"))
	case len(recs) == 0:
		f.fail(T("reportdlg.noSealed"))
	case idProblem != "":
		f.fail(idProblem)
	default:
		f.create.Enable()
	}
	f.identityLoaded(id, idErr)
}

// identityLoaded shows the signing identity loaded (with err) and offers to sign with it.
func (f *outputForm) identityLoaded(id *identity.File, err error) {
	f.idFile = id
	switch {
	case err == nil:
		f.signer.SetText(identityLabel(id))
		f.sign.Enable()
		f.sign.SetChecked(true)
	case errors.Is(err, identity.ErrNoIdentity):
		f.signer.SetText(T("reportdlg.noIdentity"))
		f.sign.SetChecked(false)
	default:
		f.signer.SetText(friendly(err))
		f.sign.SetChecked(false)
	}
	f.signChanged()
}

func (f *outputForm) setChosen(id string, on bool) {
	if on {
		f.chosen[id] = true
	} else {
		delete(f.chosen, id)
	}
	f.updateCount()
}

// updateCount shows how many captures are chosen, of how many.
func (f *outputForm) updateCount() {
	n := 0
	for _, rec := range f.recs {
		if f.chosen[rec.ID] {
			n++
		}
	}
	f.count.SetText(T("reportdlg.count", map[string]any{"Chosen": groupDigits(n), "Count": groupDigits(len(f.recs))}))
	setCheckQuiet(f.allCheck, n > 0 && n == len(f.recs), f.chooseAll)
}

func (f *outputForm) chooseAll(on bool) {
	for _, rec := range f.recs {
		if on {
			f.chosen[rec.ID] = true
		} else {
			delete(f.chosen, rec.ID)
		}
	}
	f.list.Refresh()
	f.updateCount()
}

// chosenIDs are the chosen sealed captures of the case, oldest first (the report's order).
func (f *outputForm) chosenIDs() []string {
	var out []string
	for i := len(f.recs) - 1; i >= 0; i-- {
		if f.chosen[f.recs[i].ID] {
			out = append(out, f.recs[i].ID)
		}
	}
	return out
}

func (f *outputForm) reportLang() report.Lang {
	if f.lang.Selected == reportEnglish {
		return report.English
	}
	return report.Korean
}

// langChanged follows the language in the default file name.
func (f *outputForm) langChanged() {
	if f.name == nil {
		return
	}
	if f.name.Text == f.defaultName {
		f.defaultName = f.kind.fileName(f.caseName, f.reportLang(), time.Now())
		f.name.SetText(f.defaultName)
	}
}

// signChanged enables the passphrase and the timestamp authority only when what is made is
// signed (a timestamp stamps a signature).
func (f *outputForm) signChanged() {
	if f.pass == nil || f.tsa == nil {
		return
	}
	if f.kind.syncSign() && f.running == nil {
		f.pass.Enable()
		f.tsa.Enable()
	} else {
		f.pass.Disable()
		f.tsa.Disable()
	}
}

func (f *outputForm) chooseFolder() {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			f.fail(friendly(err))
			return
		}
		if dir != nil {
			f.folder = dir.Path()
			f.folderLabel.SetText(f.folder)
		}
	}, f.u.w)
	if l, err := storage.ListerForURI(storage.NewFileURI(f.folder)); err == nil {
		dlg.SetLocation(l)
	}
	dlg.Show()
}

// fail shows msg as the reason nothing can be made (yet).
func (f *outputForm) fail(msg string) {
	f.say(msg, widget.DangerImportance)
}

// say shows msg under the form ("" for nothing).
func (f *outputForm) say(msg string, imp widget.Importance) {
	f.message.Importance = imp
	f.message.SetText(msg)
	f.relayout()
}

// relayout lays the dialog out again after a line changed height or visibility.
func (f *outputForm) relayout() {
	if f.content != nil {
		f.content.Refresh()
	}
}

// start checks the form, then has the kind make its output in the background.
func (f *outputForm) start() {
	if f.running != nil || f.create.Disabled() {
		return
	}
	ids := f.chosenIDs()
	name := strings.TrimSpace(f.name.Text)
	idProblem := f.kind.identityProblem(f.idFile, nil)
	switch {
	case len(ids) == 0:
		f.fail(T("reportdlg.noneChosen"))
		return
	case name == "" || strings.ContainsAny(name, `/\`):
		f.fail(T("reportdlg.badName"))
		return
	case idProblem != "":
		f.fail(idProblem)
		return
	case f.sign.Checked && f.pass.Text == "":
		f.fail(T("reportdlg.needPassphrase"))
		return
	}
	f.kind.run(ids, name)
}

// spawn runs work in the background with the form busy, its Cancel button cancelling ctx
// and working said meanwhile; the func work returns is then called on the main goroutine.
func (f *outputForm) spawn(working string, work func(ctx context.Context) (done func())) {
	ctx, cancel := context.WithCancel(f.u.ctx)
	f.running = cancel
	f.setBusy(true)
	f.say(working, widget.MediumImportance)
	f.pending.Add(1)
	f.u.work.Add(1)
	go func() {
		defer f.u.work.Done()
		defer f.pending.Done()
		defer cancel()
		onMain(work(ctx))
	}()
}

// setBusy switches the form off (and the progress on) while something is made.
func (f *outputForm) setBusy(busy bool) {
	inputs := []fyne.Disableable{f.create, f.allCheck, f.lang, f.name, f.folderBtn}
	for _, row := range f.rows {
		inputs = append(inputs, row.input)
	}
	for _, w := range inputs {
		if busy {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if busy {
		f.sign.Disable()
		f.progress.Show()
		f.progress.Start()
	} else {
		if f.idFile != nil {
			f.sign.Enable() // the kind's syncSign may fix it again
		}
		f.progress.Stop()
		f.progress.Hide()
	}
	f.signChanged()
	f.relayout()
}

// cancelOrClose cancels what is being made, or closes the dialog.
func (f *outputForm) cancelOrClose() {
	if f.running != nil {
		f.running()
		return
	}
	if f.dlg != nil {
		f.pass.SetText("") // a closed dialog keeps no passphrase (Go strings cannot be wiped)
		f.dlg.Hide()
	}
}

// ended ends a run of the dialog. When something was made it closes the form, calls show and
// refreshes the custody log of the captures' open detail windows; otherwise it says why not
// (cancelledMsg when the run was cancelled).
func (f *outputForm) ended(made bool, err error, cancelled bool, cancelledMsg string, captures []string, show func()) {
	f.running = nil
	f.setBusy(false)
	switch {
	case cancelled:
		f.say(cancelledMsg, widget.MediumImportance)
		return
	case !made:
		f.fail(reportError(err))
		return
	}
	f.say("", widget.MediumImportance)
	if f.dlg != nil {
		f.dlg.Hide()
	}
	show()
	for _, id := range captures {
		if d, ok := detailWindows[detailKey{f.u, id}]; ok {
			d.reloadCustody()
		}
	}
}

// showOutcome shows what was made in a dialog titled title: box, then the buttons.
func (f *outputForm) showOutcome(title string, box *fyne.Container, buttons []fyne.CanvasObject, size fyne.Size) {
	box.Add(container.NewHBox(buttons...))
	f.resultDlg = dialog.NewCustom(title, T("OK"), box, f.u.w)
	f.resultDlg.Resize(size)
	f.resultDlg.Show()
}

// resultBox is the top of a result dialog: done in bold, the form, the notes and, when
// custodyErr is not nil, the warning custodyFailed that the custody log could not record it.
func resultBox(done string, form *fyne.Container, notes []fyne.CanvasObject, custodyFailed string, custodyErr error) *fyne.Container {
	box := container.NewVBox(widget.NewLabelWithStyle(done, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), form)
	for _, n := range notes {
		box.Add(n)
	}
	if custodyErr != nil {
		warn := widget.NewLabel(custodyFailed + "\n" + friendly(custodyErr))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.DangerImportance
		box.Add(warn)
	}
	return box
}

// revealButton shows the folder of path.
func revealButton(u *ui, path string) *widget.Button {
	return widget.NewButtonWithIcon(T("reportdlg.showFolder"), theme.FolderOpenIcon(), func() { openPath(u.a, filepath.Dir(path)) })
}

// timestampText says when and by whom a timestamp was made, or that there is none.
func timestampText(ts *signature.Timestamp) string {
	if ts == nil {
		return T("reportdlg.noTimestamp")
	}
	return formTime(ts.Time) + " — " + ts.Authority + " (" + trustText(ts.Trust) + ")"
}

// includedText counts the captures included, and those left out because they are not sealed.
func includedText(included, skipped int) string {
	s := groupDigits(included)
	if skipped > 0 {
		s += " " + T("reportdlg.skipped", map[string]any{"Count": groupDigits(skipped)})
	}
	return s
}

// selectableValue is a value in a result form: wrapped anywhere, selectable for copying.
func selectableValue(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapBreak
	l.Selectable = true
	return l
}

// copyButton copies text to the clipboard and says so.
func copyButton(u *ui, text string) *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() {
		u.a.Clipboard().SetContent(text)
		b.SetText(T("detail.copied"))
	})
	return b
}

// trustText says in words how far this computer trusts a certificate.
func trustText(t signature.Trust) string {
	switch t {
	case signature.TrustTrusted:
		return T("trust.trusted")
	case signature.TrustSelfSigned:
		return T("trust.selfSigned")
	case signature.TrustUntrusted:
		return T("trust.untrusted")
	}
	return string(t)
}

// reportError says in words why a report (or a bundle) was not made.
func reportError(err error) string {
	if errors.Is(err, workflow.ErrNotSealed) {
		return T("reportdlg.noSealed")
	}
	return friendly(err)
}

// identityChoice is a signing identity the output can be signed with.
type identityChoice struct {
	label string
	file  *identity.File
}

// identityLabel names an identity to a person: holder, organisation, validity.
func identityLabel(f *identity.File) string {
	c := f.Certificate()
	name := c.Subject.CommonName
	if len(c.Subject.Organization) > 0 {
		name += " (" + strings.Join(c.Subject.Organization, ", ") + ")"
	}
	return T("reportdlg.signer", map[string]any{"Name": name, "Until": c.NotAfter.In(displayZone).Format("2006-01-02")})
}

// offerIdentities lets the investigator choose among the current identity and the archived
// ones, when there is more than one; the current one is chosen first.
func (f *outputForm) offerIdentities(current *identity.File, archived []*identity.File) {
	var choices []identityChoice
	if current != nil {
		choices = append(choices, identityChoice{T("reportdlg.idCurrent") + " — " + identityLabel(current), current})
	}
	for _, id := range archived {
		choices = append(choices, identityChoice{T("reportdlg.idArchived") + " — " + identityLabel(id), id})
	}
	if len(choices) < 2 {
		f.idSelect.Hide()
		return
	}
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c.label
	}
	f.idSelect.Options = labels
	f.idSelect.OnChanged = func(s string) {
		for _, c := range choices {
			if c.label == s {
				f.idFile = c.file
				f.signer.SetText(identityLabel(c.file))
				f.sign.Enable() // the kind's syncSign may fix it again
				f.signChanged()
			}
		}
	}
	f.idSelect.SetSelectedIndex(0)
	f.idSelect.Show()
}
