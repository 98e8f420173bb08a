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

	"evidentia/identity"
	"evidentia/report"
	"evidentia/workflow"
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

// reportDialog is the report dialog: the shared output form and the report.
type reportDialog struct {
	outputForm

	// result is the last report made (for tests).
	result *workflow.ReportResult
}

// newReportDialog builds the report dialog (not shown) and starts loading what it offers.
func newReportDialog(u *ui, ids []string) *reportDialog {
	r := &reportDialog{}
	r.build(u, ids, r)
	r.load()
	return r
}

func (r *reportDialog) title() string { return T("reportdlg.title") }

func (r *reportDialog) fileName(caseName string, l report.Lang, now time.Time) string {
	return reportFileName(caseName, l, now)
}

// identityProblem: a report can be made unsigned, without an identity.
func (r *reportDialog) identityProblem(*identity.File, error) string { return "" }

// syncSign: a report is signed when the box is checked and can be (there is an identity and
// nothing is being made).
func (r *reportDialog) syncSign() bool { return r.sign.Checked && !r.sign.Disabled() }

// run makes the report in the background (the form was checked by start).
func (r *reportDialog) run(ids []string, name string) {
	if !strings.EqualFold(filepath.Ext(name), ".pdf") {
		name += ".pdf"
	}
	// The operator and unit are the session's (its one rule); an emptied authority field
	// means none.
	req := workflow.ReportRequest{
		Case: r.caseName, CaptureIDs: ids, Lang: r.reportLang(), Out: filepath.Join(r.folder, name),
	}
	var pass []byte
	if r.sign.Checked {
		pass = []byte(r.pass.Text)
		req.TSA = tsaGiven(r.tsa.Text)
	}
	r.pass.SetText("")
	idFile := r.idFile
	r.spawn(T("reportdlg.working"), func(ctx context.Context) func() {
		res, err := makeReport(ctx, r.u.sess, req, idFile, pass)
		clear(pass)
		cancelled := ctx.Err() != nil && res == nil
		return func() { r.finished(res, err, cancelled) }
	})
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

// makeReport unlocks idFile with pass when pass is not nil (workflow.Signer), and makes the
// report through the session. The unlocked key lives only for the duration of the call.
func makeReport(ctx context.Context, sess *workflow.Session, req workflow.ReportRequest, idFile *identity.File, pass []byte) (*workflow.ReportResult, error) {
	if pass != nil {
		signer, err := workflow.Signer(idFile, pass)
		if err != nil {
			return nil, err
		}
		req.Signer = signer
	}
	return sess.Report(ctx, req)
}

// tsaGiven is the timestamp authority a form's field gives: its URL, or workflow.NoTSA when
// the field was emptied (the field starts with the session's authority).
func tsaGiven(field string) string {
	if v := strings.TrimSpace(field); v != "" {
		return v
	}
	return workflow.NoTSA
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

// showResult shows the report made: its ID, file, SHA-256, signature and timestamp, with Open
// and Show in folder. custodyErr, when not nil, says the custody log could not record it.
func (r *reportDialog) showResult(res *workflow.ReportResult, custodyErr error) {
	value := selectableValue
	signed := T("reportdlg.notSigned")
	if res.Signed {
		signed = res.Signer + " — " + trustText(res.SignerTrust)
	}
	sum := string(res.SHA256)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("reportdlg.reportID")), value(res.ReportID),
		widget.NewLabel(T("reportdlg.file")), value(res.Path),
		widget.NewLabel("SHA-256"), container.NewBorder(nil, nil, nil, copyButton(r.u, sum), value(sum)),
		widget.NewLabel(T("reportdlg.signature")), value(signed),
		widget.NewLabel(T("reportdlg.timestamp")), value(timestampText(res.Timestamp)),
		widget.NewLabel(T("reportdlg.included")), value(includedText(len(res.Captures), len(res.Skipped))),
	)
	box := resultBox(T("reportdlg.done"), form, nil, T("reportdlg.custodyFailed"), custodyErr)
	path := res.Path
	open := widget.NewButtonWithIcon(T("Open"), theme.DocumentIcon(), func() { openPath(r.u.a, path) })
	r.showOutcome(T("reportdlg.title"), box, []fyne.CanvasObject{open, revealButton(r.u, path)}, fyne.NewSize(680, 420))
}
