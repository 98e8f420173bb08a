package app

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/bundle"
	"evidentia/identity"
	"evidentia/report"
	"evidentia/workflow"
)

// showExportDialog opens the dialog that exports an investigators' bundle (workflow.Export):
// the chosen captures, the signed report, the web archive, the custody log and the signed,
// timestamped manifest in one ZIP. It offers the captures as the report dialog does. A bundle
// is always signed, so the dialog needs the signing identity and its passphrase; it also asks
// to whom the bundle is handed over (recorded in the custody log).
func (u *ui) showExportDialog(ids []string) {
	if u.st == nil {
		return
	}
	e := newExportDialog(u, ids)
	e.show()
}

// exportDialog is the export dialog: the shared output form, the recipient and the bundle.
type exportDialog struct {
	outputForm
	recipient *widget.Entry // to whom the bundle is handed over

	// exportResult is the last bundle made (for tests).
	exportResult *workflow.ExportResult
}

// newExportDialog builds the export dialog (not shown) and starts loading what it offers.
func newExportDialog(u *ui, ids []string) *exportDialog {
	e := &exportDialog{}
	e.build(u, ids, e)
	e.recipient = widget.NewEntry()
	e.recipient.SetPlaceHolder(T("exportdlg.recipientHint"))
	e.rows = []formRow{{T("exportdlg.recipient"), e.recipient}}
	e.create.SetText(T("exportdlg.create"))
	e.create.SetIcon(theme.UploadIcon())
	e.sign.SetText(T("exportdlg.sign"))
	e.load()
	return e
}

func (e *exportDialog) title() string { return T("exportdlg.title") }

func (e *exportDialog) fileName(caseName string, l report.Lang, now time.Time) string {
	return exportFileName(caseName, l, now)
}

// identityProblem: a bundle cannot be made without a signing identity.
func (e *exportDialog) identityProblem(f *identity.File, err error) string {
	if f == nil || err != nil {
		return T("exportdlg.needIdentity")
	}
	return ""
}

// syncSign: a bundle is always signed, so the box only shows that it will be (it is checked
// when there is an identity to sign with, and cannot be changed).
func (e *exportDialog) syncSign() bool {
	if e.sign.Checked != (e.idFile != nil) {
		setCheckQuiet(e.sign, e.idFile != nil, func(bool) { e.signChanged() })
	}
	e.sign.Disable()
	return e.sign.Checked
}

// run makes the bundle in the background (the form was checked by start).
func (e *exportDialog) run(ids []string, name string) {
	if !strings.EqualFold(filepath.Ext(name), ".zip") {
		name += ".zip"
	}
	req := workflow.ExportRequest{
		Case: e.caseName, CaptureIDs: ids, Lang: e.reportLang(), Out: filepath.Join(e.folder, name),
		Recipient: strings.TrimSpace(e.recipient.Text), TSA: tsaGiven(e.tsa.Text),
	}
	pass := []byte(e.pass.Text)
	e.pass.SetText("")
	idFile := e.idFile
	req.Progress = func(p workflow.ExportProgress) {
		msg := exportStage(p.Stage)
		if p.Total > 0 && p.Stage == workflow.ExportCaptures {
			msg += " " + T("reportdlg.count", map[string]any{"Chosen": groupDigits(p.Done), "Count": groupDigits(p.Total)})
		}
		onMain(func() {
			if e.running != nil {
				e.say(msg, widget.MediumImportance)
			}
		})
	}
	e.spawn(T("exportdlg.working"), func(ctx context.Context) func() {
		res, err := makeExport(ctx, e.u.sess, req, idFile, pass)
		clear(pass)
		cancelled := ctx.Err() != nil && res == nil
		return func() { e.exported(res, err, cancelled) }
	})
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

// makeExport unlocks idFile with pass (workflow.Signer) and exports the bundle through the
// session; the key lives only for the call.
func makeExport(ctx context.Context, sess *workflow.Session, req workflow.ExportRequest, idFile *identity.File, pass []byte) (*workflow.ExportResult, error) {
	signer, err := workflow.Signer(idFile, pass)
	if err != nil {
		return nil, err
	}
	req.Signer = signer
	return sess.Export(ctx, req)
}

// exported shows the outcome of an export.
func (e *exportDialog) exported(res *workflow.ExportResult, err error, cancelled bool) {
	if res == nil {
		e.ended(false, err, cancelled, T("exportdlg.cancelled"), nil, nil)
		return
	}
	e.exportResult = res
	e.ended(true, err, false, "", res.Captures, func() { e.showExportResult(res, err) })
}

// showExportResult shows the bundle made: its ID, file, SHA-256 (to tell the recipient), the
// signer and the timestamp, with Show in folder.
func (e *exportDialog) showExportResult(res *workflow.ExportResult, custodyErr error) {
	value := selectableValue
	sum := string(res.SHA256)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("exportdlg.bundleID")), value(res.BundleID),
		widget.NewLabel(T("reportdlg.file")), value(res.Path),
		widget.NewLabel("SHA-256"), container.NewBorder(nil, nil, nil, copyButton(e.u, sum), value(sum)),
		widget.NewLabel(T("reportdlg.signature")), value(res.Signer+" — "+trustText(res.SignerTrust)),
		widget.NewLabel(T("exportdlg.fingerprint")), value(bundle.Fingerprint(string(res.SignerCertSHA256))),
		widget.NewLabel(T("reportdlg.timestamp")), value(timestampText(res.Timestamp)),
		widget.NewLabel(T("reportdlg.included")), value(includedText(len(res.Captures), len(res.Skipped))),
		widget.NewLabel(T("exportdlg.reports")), value(reportsText(res.Reports)),
	)
	hint := widget.NewLabel(T("exportdlg.hint"))
	hint.Wrapping = fyne.TextWrapWord
	box := resultBox(T("exportdlg.done"), form, []fyne.CanvasObject{hint}, T("exportdlg.custodyFailed"), custodyErr)
	e.showOutcome(T("exportdlg.title"), box, []fyne.CanvasObject{revealButton(e.u, res.Path)}, fyne.NewSize(720, 540))
}
