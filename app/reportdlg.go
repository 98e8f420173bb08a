package app

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
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

	"evidentia/bundle"
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

// showReportDialog opens the dialog that makes a PDF evidence report (workflow.Report) of
// captures of one case. The captures chosen at first are ids when given (their case is then
// the report's case), else those chosen in the captures list, else every sealed capture of
// the open case. The dialog asks for the language, whether to sign (with the signing identity
// of the data folder, unlocked with a passphrase typed here), the timestamp authority and the
// output file; the report is then made in the background with a Cancel button. The unlocked
// key is dropped once the report is made, and the passphrase is neither kept nor logged.
func (u *ui) showReportDialog(ids []string) {
	if u.st == nil {
		return
	}
	r := newReportDialog(u, ids)
	r.show()
}

// showExportDialog opens the same dialog to export an investigators' bundle
// (workflow.Export): the chosen captures, the signed report, the web archive, the custody log
// and the signed, timestamped manifest in one ZIP. A bundle is always signed, so the dialog
// needs the signing identity and its passphrase; it also asks to whom the bundle is handed
// over (recorded in the custody log).
func (u *ui) showExportDialog(ids []string) {
	if u.st == nil {
		return
	}
	r := newDialog(u, ids, true)
	r.show()
}

// reportDialog is the report dialog. Its fields are touched on the main goroutine only.
type reportDialog struct {
	u        *ui
	export   bool     // an export dialog (a bundle) rather than a report dialog
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
	recipient   *widget.Entry // export: to whom the bundle is handed over
	progress    *widget.ProgressBarInfinite
	message     *widget.Label
	create      *widget.Button
	cancel      *widget.Button

	// result is the last report made (for tests); resultDlg the dialog that shows it.
	result       *workflow.ReportResult
	exportResult *workflow.ExportResult
	resultDlg    dialog.Dialog

	// pending counts the dialog's background work; tests wait on it.
	pending sync.WaitGroup
}

// newReportDialog builds the dialog (not shown) and starts loading what it offers.
func newReportDialog(u *ui, ids []string) *reportDialog { return newDialog(u, ids, false) }

// newDialog builds the report dialog, or with export the export dialog (not shown).
func newDialog(u *ui, ids []string, export bool) *reportDialog {
	r := &reportDialog{u: u, ids: ids, caseName: u.caseName, chosen: map[string]bool{}, export: export}
	if len(ids) == 0 && u.list != nil {
		for _, id := range u.list.selectedIDs() {
			r.chosen[id] = true
		}
	} else {
		for _, id := range ids {
			r.chosen[id] = true
		}
	}

	r.list = widget.NewList(func() int { return len(r.recs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewCheck("", nil), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(r.recs) {
				return
			}
			rec := r.recs[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(captureTitle(rec) + " — " + siteOf(rec) + " · " +
				rec.StartedAt.In(displayZone).Format("2006-01-02 15:04"))
			id := rec.ID
			c := row.Objects[1].(*widget.Check)
			setCheckQuiet(c, r.chosen[id], nil)
			c.OnChanged = func(on bool) { r.setChosen(id, on) }
		})
	r.list.OnSelected = func(i widget.ListItemID) {
		r.list.Unselect(i)
		if i >= 0 && i < len(r.recs) && r.running == nil {
			r.setChosen(r.recs[i].ID, !r.chosen[r.recs[i].ID])
			r.list.RefreshItem(i)
		}
	}
	r.count = widget.NewLabel(T("reportdlg.loading"))
	r.allCheck = widget.NewCheck(T("captures.selectAll"), r.chooseAll)

	r.lang = widget.NewRadioGroup([]string{reportKorean, reportEnglish}, func(string) { r.langChanged() })
	r.lang.Horizontal = true
	r.lang.Required = true
	if currentLang == LangEnglish {
		r.lang.Selected = reportEnglish
	} else {
		r.lang.Selected = reportKorean
	}

	r.sign = widget.NewCheck(T("reportdlg.sign"), func(bool) { r.signChanged() })
	r.sign.Disable()
	r.signer = widget.NewLabel(T("reportdlg.identityLoading"))
	r.signer.Wrapping = fyne.TextWrapWord
	r.idSelect = widget.NewSelect(nil, nil)
	r.idSelect.Hide()
	r.pass = widget.NewPasswordEntry()
	r.pass.SetPlaceHolder(T("reportdlg.passphrase"))
	r.pass.OnSubmitted = func(string) { r.start() }
	r.tsa = widget.NewEntry()
	r.tsa.SetPlaceHolder("https://…")
	r.tsa.SetText(u.set.TSA)

	r.folder = defaultFolder()
	r.folderLabel = widget.NewLabel(r.folder)
	r.folderLabel.Wrapping = fyne.TextWrapBreak
	r.folderBtn = widget.NewButtonWithIcon(T("reportdlg.chooseFolder"), theme.FolderOpenIcon(), r.chooseFolder)
	r.name = widget.NewEntry()
	r.defaultName = r.fileName(r.caseName, time.Now())
	r.name.SetText(r.defaultName)
	r.recipient = widget.NewEntry()
	r.recipient.SetPlaceHolder(T("exportdlg.recipientHint"))

	r.progress = widget.NewProgressBarInfinite()
	r.progress.Stop()
	r.progress.Hide()
	r.message = widget.NewLabel("")
	r.message.Wrapping = fyne.TextWrapWord
	r.create = widget.NewButtonWithIcon(T("reportdlg.create"), theme.DocumentSaveIcon(), r.start)
	if export {
		r.create.SetText(T("exportdlg.create"))
		r.create.SetIcon(theme.UploadIcon())
		r.sign.SetText(T("exportdlg.sign"))
	}
	r.create.Importance = widget.HighImportance
	r.create.Disable()
	r.cancel = widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), r.cancelOrClose)
	r.signChanged()
	r.load()
	return r
}

// show shows the dialog on the main window.
func (r *reportDialog) show() {
	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	chooser := container.NewBorder(
		container.NewBorder(nil, nil, heading(T("reportdlg.captures")), container.NewHBox(r.allCheck, r.count)),
		nil, nil, nil, r.list)
	signBox := container.NewVBox(
		r.sign, r.signer, r.idSelect,
		container.New(layout.NewFormLayout(),
			widget.NewLabel(T("reportdlg.passphraseLabel")), r.pass,
			widget.NewLabel(T("reportdlg.tsa")), r.tsa),
	)
	options := container.NewVBox(
		container.New(layout.NewFormLayout(), widget.NewLabel(T("reportdlg.lang")), r.lang),
		widget.NewSeparator(),
		signBox,
		widget.NewSeparator(),
		r.fileForm(),
		r.progress, r.message,
	)
	buttons := container.NewHBox(layout.NewSpacer(), r.cancel, r.create)
	r.content = container.NewBorder(nil, container.NewVBox(options, buttons), nil, nil, chooser)
	r.dlg = dialog.NewCustomWithoutButtons(r.title(), r.content, r.u.w)
	r.dlg.Resize(fyne.NewSize(760, 700))
	r.dlg.Show()
}

// fileForm is the folder, the file name and (export) the recipient.
func (r *reportDialog) fileForm() *fyne.Container {
	f := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("reportdlg.folder")), container.NewBorder(nil, nil, nil, r.folderBtn, r.folderLabel),
		widget.NewLabel(T("reportdlg.fileName")), r.name)
	if r.export {
		f.Add(widget.NewLabel(T("exportdlg.recipient")))
		f.Add(r.recipient)
	}
	return f
}

func (r *reportDialog) title() string {
	if r.export {
		return T("exportdlg.title")
	}
	return T("reportdlg.title")
}

// fileName is the default file name for caseName on day now.
func (r *reportDialog) fileName(caseName string, now time.Time) string {
	if r.export {
		return exportFileName(caseName, r.reportLang(), now)
	}
	return reportFileName(caseName, r.reportLang(), now)
}

// load reads the case's sealed captures and the signing identity in the background.
func (r *reportDialog) load() {
	u, ids, caseName := r.u, r.ids, r.caseName
	r.pending.Add(1)
	go func() {
		defer r.pending.Done()
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
		f, idErr := identity.Load(identity.DefaultPath(u.st.Dir()))
		others := archivedIdentities(u.st.Dir())
		onMain(func() {
			r.loaded(caseName, sealed, err, f, idErr)
			r.offerIdentities(f, others)
		})
	}()
}

func (r *reportDialog) loaded(caseName string, recs []store.Record, err error, f *identity.File, idErr error) {
	if caseName != r.caseName {
		r.caseName = caseName
		if r.name.Text == r.defaultName {
			r.defaultName = r.fileName(caseName, time.Now())
			r.name.SetText(r.defaultName)
		}
	}
	r.recs = recs
	inCase := map[string]bool{}
	for _, rec := range recs {
		inCase[rec.ID] = true
	}
	for id := range r.chosen {
		if !inCase[id] {
			delete(r.chosen, id)
		}
	}
	if len(r.chosen) == 0 && len(r.ids) == 0 {
		for _, rec := range recs {
			r.chosen[rec.ID] = true
		}
	}
	r.list.Refresh()
	r.updateCount()
	switch {
	case err != nil:
		r.fail(friendly(err))
	case caseName == "":
		r.fail(T("captures.noCase"))
	case len(recs) == 0:
		r.fail(T("reportdlg.noSealed"))
	case r.export && idErr != nil:
		r.fail(T("exportdlg.needIdentity"))
	default:
		r.create.Enable()
	}

	r.idFile = f
	switch {
	case idErr == nil:
		c := f.Certificate()
		name := c.Subject.CommonName
		if len(c.Subject.Organization) > 0 {
			name += " (" + strings.Join(c.Subject.Organization, ", ") + ")"
		}
		r.signer.SetText(T("reportdlg.signer", map[string]any{"Name": name, "Until": c.NotAfter.In(displayZone).Format("2006-01-02")}))
		r.sign.Enable()
		r.sign.SetChecked(true)
	case errors.Is(idErr, identity.ErrNoIdentity):
		r.signer.SetText(T("reportdlg.noIdentity"))
		r.sign.SetChecked(false)
	default:
		r.signer.SetText(friendly(idErr))
		r.sign.SetChecked(false)
	}
	r.signChanged()
}

func (r *reportDialog) setChosen(id string, on bool) {
	if on {
		r.chosen[id] = true
	} else {
		delete(r.chosen, id)
	}
	r.updateCount()
}

// updateCount shows how many captures are chosen, of how many.
func (r *reportDialog) updateCount() {
	n := 0
	for _, rec := range r.recs {
		if r.chosen[rec.ID] {
			n++
		}
	}
	r.count.SetText(T("reportdlg.count", map[string]any{"Chosen": groupDigits(n), "Count": groupDigits(len(r.recs))}))
	setCheckQuiet(r.allCheck, n > 0 && n == len(r.recs), r.chooseAll)
}

func (r *reportDialog) chooseAll(on bool) {
	for _, rec := range r.recs {
		if on {
			r.chosen[rec.ID] = true
		} else {
			delete(r.chosen, rec.ID)
		}
	}
	r.list.Refresh()
	r.updateCount()
}

// chosenIDs are the chosen sealed captures of the case, oldest first (the report's order).
func (r *reportDialog) chosenIDs() []string {
	var out []string
	for i := len(r.recs) - 1; i >= 0; i-- {
		if r.chosen[r.recs[i].ID] {
			out = append(out, r.recs[i].ID)
		}
	}
	return out
}

func (r *reportDialog) reportLang() report.Lang {
	if r.lang.Selected == reportEnglish {
		return report.English
	}
	return report.Korean
}

// langChanged follows the language in the default file name.
func (r *reportDialog) langChanged() {
	if r.name == nil {
		return
	}
	if r.name.Text == r.defaultName {
		r.defaultName = r.fileName(r.caseName, time.Now())
		r.name.SetText(r.defaultName)
	}
}

// signChanged enables the passphrase and the timestamp authority only for a signed report
// (a timestamp stamps a signature).
func (r *reportDialog) signChanged() {
	if r.pass == nil || r.tsa == nil {
		return
	}
	if r.export && r.sign.Checked != (r.idFile != nil) {
		// A bundle is always signed: the box only shows that it will be.
		setCheckQuiet(r.sign, r.idFile != nil, func(bool) { r.signChanged() })
	}
	if r.export && r.running == nil {
		r.sign.Disable()
	}
	if r.sign.Checked && (r.export || !r.sign.Disabled()) && r.running == nil {
		r.pass.Enable()
		r.tsa.Enable()
	} else {
		r.pass.Disable()
		r.tsa.Disable()
	}
}

func (r *reportDialog) chooseFolder() {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			r.fail(friendly(err))
			return
		}
		if dir != nil {
			r.folder = dir.Path()
			r.folderLabel.SetText(r.folder)
		}
	}, r.u.w)
	if l, err := storage.ListerForURI(storage.NewFileURI(r.folder)); err == nil {
		dlg.SetLocation(l)
	}
	dlg.Show()
}

// reportFileName is the default file name of a report of caseName made on day now:
// "<case>-보고서-YYYYMMDD.pdf" in Korean, "<case>-report-YYYYMMDD.pdf" in English.
func reportFileName(caseName string, l report.Lang, now time.Time) string {
	word := "보고서"
	if l == report.English {
		word = "report"
	}
	return safeFileName(caseName) + "-" + word + "-" + now.In(displayZone).Format("20060102") + ".pdf"
}

// exportFileName is the default file name of a bundle of caseName made on day now:
// "<case>-증거묶음-YYYYMMDD.zip" in Korean, "<case>-evidence-YYYYMMDD.zip" in English.
func exportFileName(caseName string, l report.Lang, now time.Time) string {
	word := "증거묶음"
	if l == report.English {
		word = "evidence"
	}
	return safeFileName(caseName) + "-" + word + "-" + now.In(displayZone).Format("20060102") + ".zip"
}

// fail shows msg as the reason the report cannot be made (yet).
func (r *reportDialog) fail(msg string) {
	r.say(msg, widget.DangerImportance)
}

// say shows msg under the form ("" for nothing).
func (r *reportDialog) say(msg string, imp widget.Importance) {
	r.message.Importance = imp
	r.message.SetText(msg)
	r.relayout()
}

// relayout lays the dialog out again after a line changed height or visibility.
func (r *reportDialog) relayout() {
	if r.content != nil {
		r.content.Refresh()
	}
}

// start checks the form, then makes the report in the background.
func (r *reportDialog) start() {
	if r.running != nil || r.create.Disabled() {
		return
	}
	ids := r.chosenIDs()
	name := strings.TrimSpace(r.name.Text)
	switch {
	case len(ids) == 0:
		r.fail(T("reportdlg.noneChosen"))
		return
	case name == "" || strings.ContainsAny(name, `/\`):
		r.fail(T("reportdlg.badName"))
		return
	case r.export && r.idFile == nil:
		r.fail(T("exportdlg.needIdentity"))
		return
	case r.sign.Checked && r.pass.Text == "":
		r.fail(T("reportdlg.needPassphrase"))
		return
	}
	if r.export {
		r.startExport(ids, name)
		return
	}
	if !strings.EqualFold(filepath.Ext(name), ".pdf") {
		name += ".pdf"
	}
	req := workflow.ReportRequest{
		Case: r.caseName, CaptureIDs: ids, Lang: r.reportLang(),
		Operator: r.u.set.Operator, Unit: r.u.set.Unit, Out: filepath.Join(r.folder, name),
	}
	sign := r.sign.Checked
	var pass []byte
	if sign {
		pass = []byte(r.pass.Text)
		req.TSA = strings.TrimSpace(r.tsa.Text)
	}
	r.pass.SetText("")
	idFile := r.idFile

	ctx, cancel := context.WithCancel(r.u.ctx)
	r.running = cancel
	r.setBusy(true)
	r.say(T("reportdlg.working"), widget.MediumImportance)
	r.pending.Add(1)
	r.u.work.Add(1)
	go func() {
		defer r.u.work.Done()
		defer r.pending.Done()
		defer cancel()
		res, err := makeReport(ctx, r.u.st, req, idFile, pass)
		clear(pass)
		cancelled := ctx.Err() != nil && res == nil
		onMain(func() { r.finished(res, err, cancelled) })
	}()
}

// startExport makes the bundle in the background (the form was checked by start).
func (r *reportDialog) startExport(ids []string, name string) {
	if !strings.EqualFold(filepath.Ext(name), ".zip") {
		name += ".zip"
	}
	req := workflow.ExportRequest{
		Case: r.caseName, CaptureIDs: ids, Lang: r.reportLang(),
		Operator: r.u.set.Operator, Unit: r.u.set.Unit, Out: filepath.Join(r.folder, name),
		Recipient: strings.TrimSpace(r.recipient.Text), TSA: strings.TrimSpace(r.tsa.Text),
	}
	pass := []byte(r.pass.Text)
	r.pass.SetText("")
	idFile := r.idFile
	ctx, cancel := context.WithCancel(r.u.ctx)
	r.running = cancel
	r.setBusy(true)
	r.say(T("exportdlg.working"), widget.MediumImportance)
	req.Progress = func(p workflow.ExportProgress) {
		msg := exportStage(p.Stage)
		if p.Total > 0 && p.Stage == workflow.ExportCaptures {
			msg += " " + T("reportdlg.count", map[string]any{"Chosen": groupDigits(p.Done), "Count": groupDigits(p.Total)})
		}
		onMain(func() {
			if r.running != nil {
				r.say(msg, widget.MediumImportance)
			}
		})
	}
	r.pending.Add(1)
	r.u.work.Add(1)
	go func() {
		defer r.u.work.Done()
		defer r.pending.Done()
		defer cancel()
		res, err := makeExport(ctx, r.u.st, req, idFile, pass)
		clear(pass)
		cancelled := ctx.Err() != nil && res == nil
		onMain(func() { r.exported(res, err, cancelled) })
	}()
}

// exportStage says in words what an export is doing.
func exportStage(stage string) string {
	switch stage {
	case workflow.ExportVerifying:
		return T("exportdlg.stage.verifying")
	case workflow.ExportReport:
		return T("exportdlg.stage.report")
	case workflow.ExportArchive:
		return T("exportdlg.stage.archive")
	case workflow.ExportCaptures:
		return T("exportdlg.stage.captures")
	case workflow.ExportSealing:
		return T("exportdlg.stage.sealing")
	}
	return T("exportdlg.working")
}

// reportsText lists the report volumes of a bundle: "report/report.pdf" or one line per volume.
func reportsText(reps []workflow.ExportedReport) string {
	var lines []string
	for _, r := range reps {
		lines = append(lines, r.Path+" ("+T("exportdlg.reportCaptures", map[string]any{"Count": groupDigits(len(r.Captures))})+")")
	}
	return strings.Join(lines, "\n")
}

// makeExport unlocks idFile with pass and exports the bundle; the key lives only for the call.
func makeExport(ctx context.Context, st *store.Store, req workflow.ExportRequest, idFile *identity.File, pass []byte) (*workflow.ExportResult, error) {
	if idFile == nil {
		return nil, identity.ErrNoIdentity
	}
	id, err := idFile.Unlock(pass)
	if err != nil {
		return nil, err
	}
	req.Signer = &signature.Signer{Certificate: id.Certificate, Chain: id.Chain, Key: id.Key}
	return workflow.Export(ctx, st, req)
}

// exported shows the outcome of an export.
func (r *reportDialog) exported(res *workflow.ExportResult, err error, cancelled bool) {
	if res == nil {
		r.ended(false, err, cancelled, T("exportdlg.cancelled"), nil, nil)
		return
	}
	r.exportResult = res
	r.ended(true, err, false, "", res.Captures, func() { r.showExportResult(res, err) })
}

// showExportResult shows the bundle made: its ID, file, SHA-256 (to tell the recipient), the
// signer and the timestamp, with Show in folder.
func (r *reportDialog) showExportResult(res *workflow.ExportResult, custodyErr error) {
	value := selectableValue
	stamped := timestampText(res.Timestamp)
	captures := includedText(len(res.Captures), len(res.Skipped))
	sum := string(res.SHA256)
	copyBtn := copyButton(r.u, sum)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("exportdlg.bundleID")), value(res.BundleID),
		widget.NewLabel(T("reportdlg.file")), value(res.Path),
		widget.NewLabel("SHA-256"), container.NewBorder(nil, nil, nil, copyBtn, value(sum)),
		widget.NewLabel(T("reportdlg.signature")), value(res.Signer+" — "+trustText(res.SignerTrust)),
		widget.NewLabel(T("exportdlg.fingerprint")), value(bundle.Fingerprint(string(res.SignerCertSHA256))),
		widget.NewLabel(T("reportdlg.timestamp")), value(stamped),
		widget.NewLabel(T("reportdlg.included")), value(captures),
		widget.NewLabel(T("exportdlg.reports")), value(reportsText(res.Reports)),
	)
	done := widget.NewLabelWithStyle(T("exportdlg.done"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	hint := widget.NewLabel(T("exportdlg.hint"))
	hint.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(done, form, hint)
	if custodyErr != nil {
		warn := widget.NewLabel(T("exportdlg.custodyFailed") + "\n" + friendly(custodyErr))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.DangerImportance
		box.Add(warn)
	}
	path := res.Path
	reveal := widget.NewButtonWithIcon(T("reportdlg.showFolder"), theme.FolderOpenIcon(), func() { openPath(r.u.a, filepath.Dir(path)) })
	box.Add(container.NewHBox(reveal))
	r.resultDlg = dialog.NewCustom(T("exportdlg.title"), T("OK"), box, r.u.w)
	r.resultDlg.Resize(fyne.NewSize(720, 540))
	r.resultDlg.Show()
}

// makeReport unlocks idFile with pass when pass is not nil, and makes the report. The unlocked
// key lives only for the duration of the call.
func makeReport(ctx context.Context, st *store.Store, req workflow.ReportRequest, idFile *identity.File, pass []byte) (*workflow.ReportResult, error) {
	if pass != nil {
		if idFile == nil {
			return nil, identity.ErrNoIdentity
		}
		id, err := idFile.Unlock(pass)
		if err != nil {
			return nil, err
		}
		req.Signer = &signature.Signer{Certificate: id.Certificate, Chain: id.Chain, Key: id.Key}
	}
	return workflow.Report(ctx, st, req)
}

// setBusy switches the form off (and the progress on) while the report is made.
func (r *reportDialog) setBusy(busy bool) {
	for _, w := range []fyne.Disableable{r.create, r.allCheck, r.lang, r.name, r.folderBtn, r.recipient} {
		if busy {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if busy {
		r.sign.Disable()
		r.progress.Show()
		r.progress.Start()
	} else {
		if r.idFile != nil && !r.export {
			r.sign.Enable()
		}
		r.progress.Stop()
		r.progress.Hide()
	}
	r.signChanged()
	r.relayout()
}

// cancelOrClose cancels the report being made, or closes the dialog.
func (r *reportDialog) cancelOrClose() {
	if r.running != nil {
		r.running()
		return
	}
	if r.dlg != nil {
		r.pass.SetText("") // a closed dialog keeps no passphrase (Go strings cannot be wiped)
		r.dlg.Hide()
	}
}

// finished shows the outcome: the result dialog, or why no report was made.
func (r *reportDialog) finished(res *workflow.ReportResult, err error, cancelled bool) {
	if res == nil {
		r.ended(false, err, cancelled, T("reportdlg.cancelled"), nil, nil)
		return
	}
	r.result = res
	r.ended(true, err, false, "", res.Captures, func() { r.showResult(res, err) })
}

// ended ends a run of the dialog. When something was made it closes the form, calls show and
// refreshes the custody log of the captures' open detail windows; otherwise it says why not
// (cancelledMsg when the run was cancelled).
func (r *reportDialog) ended(made bool, err error, cancelled bool, cancelledMsg string, captures []string, show func()) {
	r.running = nil
	r.setBusy(false)
	switch {
	case cancelled:
		r.say(cancelledMsg, widget.MediumImportance)
		return
	case !made:
		r.fail(reportError(err))
		return
	}
	r.say("", widget.MediumImportance)
	if r.dlg != nil {
		r.dlg.Hide()
	}
	show()
	for _, id := range captures {
		if d, ok := detailWindows[detailKey{r.u, id}]; ok {
			d.reloadCustody()
		}
	}
}

// showResult shows the report made: its ID, file, SHA-256, signature and timestamp, with Open
// and Show in folder. custodyErr, when not nil, says the custody log could not record it.
func (r *reportDialog) showResult(res *workflow.ReportResult, custodyErr error) {
	value := selectableValue
	signed := T("reportdlg.notSigned")
	if res.Signed {
		signed = res.Signer + " — " + trustText(res.SignerTrust)
	}
	stamped := timestampText(res.Timestamp)
	captures := includedText(len(res.Captures), len(res.Skipped))
	sum := string(res.SHA256)
	copyBtn := copyButton(r.u, sum)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("reportdlg.reportID")), value(res.ReportID),
		widget.NewLabel(T("reportdlg.file")), value(res.Path),
		widget.NewLabel("SHA-256"), container.NewBorder(nil, nil, nil, copyBtn, value(sum)),
		widget.NewLabel(T("reportdlg.signature")), value(signed),
		widget.NewLabel(T("reportdlg.timestamp")), value(stamped),
		widget.NewLabel(T("reportdlg.included")), value(captures),
	)
	box := container.NewVBox(widget.NewLabelWithStyle(T("reportdlg.done"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), form)
	if custodyErr != nil {
		warn := widget.NewLabel(T("reportdlg.custodyFailed") + "\n" + friendly(custodyErr))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.DangerImportance
		box.Add(warn)
	}
	path := res.Path
	open := widget.NewButtonWithIcon(T("Open"), theme.DocumentIcon(), func() { openPath(r.u.a, path) })
	reveal := widget.NewButtonWithIcon(T("reportdlg.showFolder"), theme.FolderOpenIcon(), func() { openPath(r.u.a, filepath.Dir(path)) })
	box.Add(container.NewHBox(open, reveal))
	r.resultDlg = dialog.NewCustom(T("reportdlg.title"), T("OK"), box, r.u.w)
	r.resultDlg.Resize(fyne.NewSize(680, 420))
	r.resultDlg.Show()
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

// reportError says in words why a report was not made.
func reportError(err error) string {
	if errors.Is(err, workflow.ErrNotSealed) {
		return T("reportdlg.noSealed")
	}
	return friendly(err)
}

// identityChoice is a signing identity the report can be signed with.
type identityChoice struct {
	label string
	file  *identity.File
}

// archivedIdentities loads the identities kept beside the current one when it was replaced
// (identity-YYYYMMDDTHHMMSSZ.json in the data folder), newest first; unreadable files are left
// out.
func archivedIdentities(dir string) []*identity.File {
	paths, _ := filepath.Glob(filepath.Join(dir, "identity-*.json"))
	sort.Sort(sort.Reverse(sort.StringSlice(paths)))
	var out []*identity.File
	for _, p := range paths {
		if f, err := identity.Load(p); err == nil {
			out = append(out, f)
		}
	}
	return out
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
func (r *reportDialog) offerIdentities(current *identity.File, archived []*identity.File) {
	var choices []identityChoice
	if current != nil {
		choices = append(choices, identityChoice{T("reportdlg.idCurrent") + " — " + identityLabel(current), current})
	}
	for _, f := range archived {
		choices = append(choices, identityChoice{T("reportdlg.idArchived") + " — " + identityLabel(f), f})
	}
	if len(choices) < 2 {
		r.idSelect.Hide()
		return
	}
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c.label
	}
	r.idSelect.Options = labels
	r.idSelect.OnChanged = func(s string) {
		for _, c := range choices {
			if c.label == s {
				r.idFile = c.file
				r.signer.SetText(identityLabel(c.file))
				if !r.export {
					r.sign.Enable()
				}
				r.signChanged()
			}
		}
	}
	r.idSelect.SetSelectedIndex(0)
	r.idSelect.Show()
}
