package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/capture"
	"evidentia/evidence"
	"evidentia/weburl"
	"evidentia/workflow"
)

// stageStarting and stageSealing complete the capture engine's stages for the queue:
// starting covers starting the browser; sealing is shown if the capture use case reports it.
const (
	stageWaiting  capture.Stage = "waiting"
	stageStarting capture.Stage = "starting"
	stageSealing  capture.Stage = workflow.StageSealing
)

// stageProgress is how far along the progress bar each stage puts a capture.
var stageProgress = map[capture.Stage]float64{
	stageWaiting: 0, stageStarting: 0.04,
	capture.StageOpening: 1.0 / 7, capture.StageLoading: 2.0 / 7, capture.StageScrolling: 3.0 / 7,
	capture.StageScreenshot: 4.0 / 7, capture.StageArchiving: 5.0 / 7, capture.StageMedia: 5.5 / 7, stageSealing: 6.0 / 7,
}

// stageText is the stage in words, in the current language.
func stageText(s capture.Stage) string {
	switch s {
	case stageWaiting:
		return T("queue.stage.waiting")
	case stageStarting:
		return T("queue.stage.starting")
	case capture.StageOpening:
		return T("queue.stage.opening")
	case capture.StageLoading:
		return T("queue.stage.loading")
	case capture.StageScrolling:
		return T("queue.stage.scrolling")
	case capture.StageScreenshot:
		return T("queue.stage.screenshot")
	case capture.StageArchiving:
		return T("queue.stage.archiving")
	case capture.StageMedia:
		return T("queue.stage.media")
	case stageSealing:
		return T("queue.stage.sealing")
	}
	return string(s)
}

// rowState is where a queued capture is.
type rowState int

const (
	rowWaiting    rowState = iota // not started: more captures run than Settings allow
	rowRunning                    // the capture runs
	rowCancelling                 // Cancel was pressed; what was collected is being sealed
	rowDone                       // it ended; outcome is set
)

// queueRow is one address in the queue: its state (touched on the main goroutine only) and
// the widgets that show it (rebuilt when the language changes).
type queueRow struct {
	url, caseName string
	state         rowState
	stage         capture.Stage
	started       time.Time // when the capture began; zero while waiting
	elapsed       time.Duration
	outcome       workflow.Outcome
	cancel        context.CancelFunc // cancels this capture; nil until it starts

	box                                   *fyne.Container
	urlLabel, stageLabel, timeLabel, info *widget.Label
	bar                                   *widget.ProgressBar
	cancelBtn                             *widget.Button
}

// queueState is what the queue holds across a rebuild of the window.
type queueState struct {
	rows     []*queueRow
	running  int           // rows in rowRunning or rowCancelling
	tickStop chan struct{} // closed to stop the elapsed-time ticker; nil when it does not run
}

// queuePanel shows the captures under way and those that ended, each with its stage, a
// progress bar, the elapsed time and Cancel. At most Settings.Parallel captures run at a
// time; the others wait their turn. Its fields are touched on the main goroutine only.
type queuePanel struct {
	content fyne.CanvasObject

	u        *ui
	st       *queueState
	rowsBox  *fyne.Container
	empty    *widget.Label
	clearBtn *widget.Button
}

// newQueuePanel builds the queue of u. When u already has one (the window is being rebuilt),
// the new panel takes over its captures, running or ended.
func newQueuePanel(u *ui) *queuePanel {
	q := &queuePanel{u: u, st: &queueState{}}
	if u.queue != nil {
		q.st = u.queue.st
	}
	q.rowsBox = container.NewVBox()
	q.empty = widget.NewLabel(T("queue.empty"))
	q.empty.Wrapping = fyne.TextWrapWord
	q.empty.Importance = widget.LowImportance
	q.clearBtn = widget.NewButtonWithIcon(T("queue.clear"), theme.ContentClearIcon(), q.clearFinished)
	title := widget.NewLabelWithStyle(T("queue.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	q.content = container.NewBorder(
		container.NewHBox(title, layout.NewSpacer(), q.clearBtn), nil, nil, nil,
		container.NewVScroll(container.NewVBox(q.empty, q.rowsBox)),
	)
	for _, r := range q.st.rows {
		q.buildRow(r)
		q.rowsBox.Add(r.box)
	}
	q.updateChrome()
	return q
}

// start queues the capture of urls into the case named caseName and starts as many as
// Settings.Parallel allows. Each address is captured by its own call of the capture use case,
// so that each can be cancelled alone; the queue enforces the limit. Every capture ends
// sealed in the store (or refused, with the reason), and the captures list is refreshed.
func (q *queuePanel) start(caseName string, urls []string) {
	for _, raw := range urls {
		r := &queueRow{url: raw, caseName: caseName, state: rowWaiting, stage: stageWaiting}
		q.st.rows = append(q.st.rows, r)
		q.buildRow(r)
		q.rowsBox.Add(r.box)
	}
	q.updateChrome()
	q.schedule()
}

// schedule starts waiting captures while fewer than Settings.Parallel run.
func (q *queuePanel) schedule() {
	limit := 1
	if l, err := q.u.sess.Limits(nil, nil); err == nil {
		limit = l.Parallel
	}
	for _, r := range q.st.rows {
		if q.st.running >= limit {
			break
		}
		if r.state == rowWaiting {
			q.launch(r)
		}
	}
	q.ensureTicker()
}

// launch starts the capture of r in a goroutine under the window's context.
func (q *queuePanel) launch(r *queueRow) {
	u := q.u
	ctx, cancel := context.WithCancel(u.ctx)
	r.cancel, r.state, r.stage, r.started = cancel, rowRunning, stageStarting, time.Now()
	q.st.running++
	q.renderRow(r)
	req := workflow.CaptureRequest{
		URLs: []string{r.url}, Case: r.caseName, Parallel: 1,
		CaseMustExist: true,
	}
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		defer cancel()
		var o workflow.Outcome
		if ctx.Err() != nil {
			o = workflow.Outcome{Input: r.url, Err: workflow.ErrNotStarted}
		} else {
			outs := u.sess.Capture(ctx, req, func(_ int, _ string, s capture.Stage) {
				onMain(func() { u.queue.stageReached(r, s) })
			}, nil)
			o = outs[0]
		}
		// u.queue, not q: the window may have been rebuilt meanwhile.
		onMain(func() { u.queue.finished(r, o) })
	}()
}

// stageReached shows that the capture of r began stage s.
func (q *queuePanel) stageReached(r *queueRow, s capture.Stage) {
	if r.state != rowRunning {
		return
	}
	r.stage = s
	q.renderRow(r)
}

// finished shows the outcome of r, refreshes the lists and starts the next waiting capture.
func (q *queuePanel) finished(r *queueRow, o workflow.Outcome) {
	if r.state == rowRunning || r.state == rowCancelling {
		q.st.running--
	}
	r.state, r.outcome = rowDone, o
	r.elapsed = time.Since(r.started)
	r.cancel = nil
	q.renderRow(r)
	q.updateChrome()
	q.schedule()
	if o.Record != nil {
		q.u.cases.refresh()
		if q.u.caseName == r.caseName {
			q.u.list.refresh()
		}
	}
}

// cancelRow cancels the capture of r: a waiting one never starts; a running one stops, and
// what it collected is sealed as failed, with the reason.
func (q *queuePanel) cancelRow(r *queueRow) {
	switch r.state {
	case rowWaiting:
		r.state = rowDone
		r.outcome = workflow.Outcome{Input: r.url, Err: workflow.ErrNotStarted}
		q.renderRow(r)
		q.updateChrome()
	case rowRunning:
		r.state = rowCancelling
		if r.cancel != nil {
			r.cancel()
		}
		q.renderRow(r)
	}
}

// clearFinished removes the rows of captures that ended.
func (q *queuePanel) clearFinished() {
	kept := q.st.rows[:0]
	for _, r := range q.st.rows {
		if r.state == rowDone {
			q.rowsBox.Remove(r.box)
			continue
		}
		kept = append(kept, r)
	}
	clear(q.st.rows[len(kept):])
	q.st.rows = kept
	q.updateChrome()
}

// updateChrome shows the hint when the queue is empty and enables Clear when a row ended.
func (q *queuePanel) updateChrome() {
	if len(q.st.rows) == 0 {
		q.empty.Show()
	} else {
		q.empty.Hide()
	}
	for _, r := range q.st.rows {
		if r.state == rowDone {
			q.clearBtn.Enable()
			return
		}
	}
	q.clearBtn.Disable()
}

// ensureTicker runs a once-a-second ticker that updates the elapsed time of running
// captures, while any runs.
func (q *queuePanel) ensureTicker() {
	st := q.st
	if st.running == 0 || st.tickStop != nil {
		return
	}
	stop := make(chan struct{})
	st.tickStop = stop
	u := q.u
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				onMain(func() { u.queue.tick(stop) })
			case <-stop:
				return
			case <-u.ctx.Done():
				return
			}
		}
	}()
}

// tick updates the elapsed times; it stops the ticker stop belongs to when nothing runs.
func (q *queuePanel) tick(stop chan struct{}) {
	st := q.st
	if st.tickStop != stop {
		return
	}
	if st.running == 0 {
		close(stop)
		st.tickStop = nil
		return
	}
	for _, r := range st.rows {
		if r.state == rowRunning || r.state == rowCancelling {
			r.elapsed = time.Since(r.started)
			r.timeLabel.SetText(formatElapsed(r.elapsed))
		}
	}
}

// formatElapsed writes d as m:ss (or h:mm:ss).
func formatElapsed(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// barWidth is the width of a row's progress bar, which names the stage.
const barWidth = 190

// buildRow makes the widgets of r in the current language: one line with the address, the
// progress bar naming the stage (the outcome, once it ended), the elapsed time and Cancel;
// below it, the reason when there is one.
func (q *queuePanel) buildRow(r *queueRow) {
	r.urlLabel = widget.NewLabel(weburl.Display(r.url))
	r.urlLabel.Truncation = fyne.TextTruncateEllipsis
	r.stageLabel = widget.NewLabel("")
	r.timeLabel = widget.NewLabel("")
	r.info = widget.NewLabel("")
	r.info.Wrapping = fyne.TextWrapWord
	r.info.SizeName = theme.SizeNameCaptionText
	r.bar = widget.NewProgressBar()
	r.bar.TextFormatter = func() string { return r.stageLabel.Text }
	r.cancelBtn = widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), func() { q.cancelRow(r) })
	bar := container.New(layout.NewGridWrapLayout(fyne.NewSize(barWidth, r.bar.MinSize().Height)), r.bar)
	line := container.NewBorder(nil, nil, nil, container.NewHBox(bar, r.stageLabel, r.timeLabel, r.cancelBtn), r.urlLabel)
	r.box = container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), line, r.info, widget.NewSeparator())
	q.renderRow(r)
}

// renderRow shows the state of r in its widgets.
func (q *queuePanel) renderRow(r *queueRow) {
	if r.box == nil {
		return
	}
	r.stageLabel.Importance = widget.MediumImportance
	info := ""
	switch r.state {
	case rowWaiting:
		r.stageLabel.SetText(stageText(stageWaiting))
		r.bar.SetValue(0)
		r.timeLabel.SetText("")
		r.cancelBtn.Enable()
	case rowRunning:
		r.stageLabel.SetText(stageText(r.stage))
		r.bar.SetValue(stageProgress[r.stage])
		r.timeLabel.SetText(formatElapsed(time.Since(r.started)))
		r.cancelBtn.Enable()
	case rowCancelling:
		r.stageLabel.SetText(T("queue.cancelling"))
		r.bar.Refresh()
		r.cancelBtn.Disable()
	case rowDone:
		var text string
		text, info, r.stageLabel.Importance = outcomeText(r.outcome)
		r.stageLabel.SetText(text)
		if r.started.IsZero() {
			r.timeLabel.SetText("")
		} else {
			r.timeLabel.SetText(formatElapsed(r.elapsed))
		}
		r.cancelBtn.Hide()
	}
	// While the capture runs the bar names the stage; once it ended the label says how.
	if r.state == rowDone {
		r.bar.Hide()
		r.stageLabel.Show()
	} else {
		r.bar.Show()
		r.stageLabel.Hide()
	}
	r.info.Importance = r.stageLabel.Importance
	r.info.SetText(info)
	if info == "" {
		r.info.Hide()
	} else {
		r.info.Show()
	}
	r.stageLabel.Refresh()
}

// outcomeText says how a capture ended: a short status, the reason in plain words ("" when
// there is none) and how to colour them.
func outcomeText(o workflow.Outcome) (status, reason string, imp widget.Importance) {
	if o.Record == nil {
		if o.Err == nil {
			return T("queue.failed"), "", widget.DangerImportance
		}
		if errors.Is(o.Err, workflow.ErrNotStarted) {
			return T("queue.notStarted"), "", widget.WarningImportance
		}
		return T("queue.refused"), friendly(o.Err), widget.DangerImportance
	}
	rec := o.Record
	if o.Err != nil {
		return T("queue.failedSealed"), friendly(o.Err), widget.DangerImportance
	}
	switch rec.Status {
	case evidence.StatusComplete:
		// Every artifact written is not yet the posting: a login wall or a deletion notice
		// captured whole says so here, with the verdict in plain words.
		if rec.Manifest != nil {
			if v := rec.Manifest.Facts.Completeness; !v.Whole() {
				name, imp := verdictName(v.Verdict)
				return name, v.Verdict.Text(currentLang), imp
			}
		}
		return T("queue.complete"), "", widget.SuccessImportance
	case evidence.StatusPartial:
		return T("queue.partial"), friendlyReason(rec.Reason), widget.WarningImportance
	}
	if strings.Contains(rec.Reason, "cancelled before it finished") {
		return T("queue.cancelled"), "", widget.WarningImportance
	}
	return T("queue.failedSealed"), friendlyReason(rec.Reason), widget.DangerImportance
}
