package app

import (
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/settings"
)

// rebuild lays the main window out again (after a language change, for example), keeping the
// open case.
func (u *ui) rebuild() {
	u.w.SetTitle(T("app.title"))
	u.cases = newCasesPanel(u)
	u.bar = newCaptureBar(u)
	u.queue = newQueuePanel(u)
	u.list = newCapturesPanel(u)

	caseTitle := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	caseTitle.SizeName = theme.SizeNameSubHeadingText
	u.caseTitle = caseTitle
	report := widget.NewButtonWithIcon(T("main.report"), theme.DocumentIcon(), func() { u.showReportDialog(nil) })
	export := widget.NewButtonWithIcon(T("main.export"), theme.UploadIcon(), func() { u.showExportDialog(nil) })
	verify := widget.NewButtonWithIcon(T("main.verifyCase"), theme.ConfirmIcon(), func() { u.verifyCase() })
	settingsBtn := widget.NewButtonWithIcon(T("main.settings"), theme.SettingsIcon(), func() { u.showSettings() })
	u.caseActions = []fyne.Disableable{report, export, verify}
	header := container.NewBorder(nil, nil, nil, container.NewHBox(report, export, verify, settingsBtn), caseTitle)

	work := container.NewVSplit(
		container.NewBorder(u.bar.content, nil, nil, nil, u.queue.content),
		u.list.content,
	)
	work.Offset = 0.42
	right := container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, work)
	split := container.NewHSplit(u.cases.content, right)
	split.Offset = 0.2
	u.w.SetContent(split)
	u.openCase(u.caseName)
}

// openCase makes the case named name the open one ("" for none): the header, the capture bar
// and the captures list follow it.
func (u *ui) openCase(name string) {
	u.caseName = name
	if name == "" {
		u.caseTitle.SetText(T("main.noCase"))
	} else {
		u.caseTitle.SetText(T("main.case") + ": " + name)
	}
	for _, d := range u.caseActions {
		if name == "" {
			d.Disable()
		} else {
			d.Enable()
		}
	}
	u.cases.selectCase(name)
	u.bar.setCase(name)
	u.list.setCase(name)
}

// settingsNow returns a copy of the settings; safe from any goroutine.
func (u *ui) settingsNow() settings.Settings { return u.sess.Settings() }

// shutdown cancels the work under way, waits for what was collected to be sealed (however long
// sealing takes: closing the store earlier would lose it), then stops the browser and closes
// the store. It blocks: the window's close handler runs it in a goroutine. Only the first call
// does anything.
func (u *ui) shutdown() {
	u.shutOnce.Do(u.doShutdown)
}

func (u *ui) doShutdown() {
	u.cancel()
	u.work.Wait()
	u.bgMu.Lock()
	u.bgClosed = true
	u.bgMu.Unlock()
	u.bg.Wait()
	if err := u.sess.Close(); err != nil {
		fyne.LogError("closing the session", err)
	}
	if u.st != nil {
		u.st.Close()
	}
}

// background runs f in a goroutine that shutdown waits for, and reports whether it did: once
// shutdown has begun waiting, nothing more starts (f is not run). Unlike u.work, it may be
// called when nothing else is pending.
func (u *ui) background(f func()) bool {
	u.bgMu.Lock()
	defer u.bgMu.Unlock()
	if u.bgClosed || u.ctx.Err() != nil {
		return false
	}
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		f()
	}()
	return true
}

// goPending runs f through background, counted on pending (a window's or a panel's own wait
// group, which its tests wait on) until it returns; when background refuses (the window is
// closing), f does not run and pending is left as it was.
func (u *ui) goPending(pending *sync.WaitGroup, f func()) {
	pending.Add(1)
	if !u.background(func() { defer pending.Done(); f() }) {
		pending.Done()
	}
}

// storeProblem is what the window shows when the data folder could not be opened.
func (u *ui) storeProblem(err error) fyne.CanvasObject {
	msg := widget.NewLabel(friendly(err))
	msg.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(T("main.storeProblem"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		msg,
		widget.NewButtonWithIcon(T("main.settings"), theme.SettingsIcon(), func() { u.showSettings() }),
	))
}

// showError shows err as a person can act on it.
func (u *ui) showError(err error) {
	if err == nil || errors.Is(err, errCancelled) {
		return
	}
	d := dialog.NewInformation(T("Error"), friendly(err), u.w)
	d.Show()
}

// errCancelled marks work the user cancelled: not an error to show.
var errCancelled = errors.New("app: cancelled")
