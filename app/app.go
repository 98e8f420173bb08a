// Package app is Evidentia's desktop user interface, built with Fyne.
//
// It holds the screens and their handlers only: capturing, sealing, reporting and storing
// evidence belong to the packages below it (workflow, store, report, ...), which never see
// Fyne types; every action the GUI offers runs the same use case as the command line and lands
// in the same store and custody log. Package app does not import fyne.io/fyne/v2/app, so it can
// be driven headlessly by fyne.io/fyne/v2/test; main.go creates the real application, loads the
// settings, opens the store and passes them to [New].
//
// Threading: handlers run on Fyne's main goroutine and return at once; work that does I/O runs
// in goroutines under the window's context, and touches widgets only inside fyne.Do.
package app

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"evidentia/assets"
	"evidentia/settings"
	"evidentia/store"
	"evidentia/workflow"
)

// Icon is the application icon as a Fyne resource.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", assets.Icon())

// Options are what the window starts with; main.go fills them.
type Options struct {
	// Session is the application service every action runs through (workflow.NewSession,
	// built as the command line builds its own). When nil, New builds it from Settings and
	// Store.
	Session      *workflow.Session
	Settings     settings.Settings
	SettingsPath string       // where Settings are saved
	SettingsErr  error        // a problem loading them (the defaults are used), shown once
	Store        *store.Store // the session's store, open; closed when the window closes
	StoreErr     error        // why Store is nil, shown in place of the screens
}

// ui is the main window and everything it shows. Fields are touched on the main goroutine
// only, except where a comment says otherwise.
type ui struct {
	a fyne.App
	w fyne.Window

	// ctx is cancelled when the window closes; all background work runs under it.
	ctx      context.Context
	cancel   context.CancelFunc
	work     sync.WaitGroup // background work that must finish (seal) before the store closes
	shutOnce sync.Once

	// Background work started where nothing else holds u.work (the thumbnail workers): see
	// background. bgClosed is set, under bgMu, once shutdown waits for bg.
	bgMu     sync.Mutex
	bgClosed bool
	bg       sync.WaitGroup

	// sess runs every use case and holds the settings (read them with settingsNow); it
	// starts the browser with the first capture and stops it on shutdown.
	sess    *workflow.Session
	setPath string
	st      *store.Store // the session's store; nil when it could not be opened

	caseName    string // the open case, "" for none
	caseTitle   *widget.Label
	caseActions []fyne.Disableable // enabled only while a case is open

	cases *casesPanel
	bar   *captureBar
	queue *queuePanel
	list  *capturesPanel
}

// New installs Evidentia's theme and language on a and returns the main window, built but not
// yet shown. The caller shows it (typically with ShowAndRun). Closing the window cancels the
// work under way, waits for what was collected to be sealed, stops the browser and closes the
// store. New must be called on Fyne's main goroutine.
func New(a fyne.App, opt Options) fyne.Window {
	// Work the screens start in the background reaches the widgets through onMain, which
	// waits until the window is built (Fyne's test driver would otherwise run it at once).
	onMainMu.Lock()
	defer onMainMu.Unlock()
	a.Settings().SetTheme(NewTheme())
	if opt.Session == nil {
		opt.Session = workflow.NewSession(workflow.SessionConfig{Settings: opt.Settings, Store: opt.Store})
	}
	if err := setLanguage(opt.Session.Language("")); err != nil {
		fyne.LogError("language", err)
	}
	u := &ui{a: a, sess: opt.Session, setPath: opt.SettingsPath, st: opt.Store}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.w = a.NewWindow(T("app.title"))
	u.w.SetIcon(Icon)
	u.w.Resize(fyne.NewSize(1180, 760))
	u.w.SetCloseIntercept(func() {
		// Hide at once, seal in the background, then really close (which ends the app): the
		// window never freezes, and nothing collected is lost.
		u.w.Hide()
		go func() {
			u.shutdown()
			fyne.Do(func() {
				windows.Delete(u.w)
				u.w.Close()
			})
		}()
	})
	if opt.Store == nil {
		u.w.SetContent(u.storeProblem(opt.StoreErr))
	} else {
		u.rebuild()
		u.openInitialCase()
		if opt.SettingsErr != nil {
			u.showError(opt.SettingsErr)
		}
	}
	u.w.CenterOnScreen()
	windows.Store(u.w, u)
	return u.w
}

// windows maps each window New made to its ui, for tests and for shutdown (sync.Map of
// fyne.Window to *ui).
var windows sync.Map

// openInitialCase opens, in the background, the case the investigator most likely works on: the
// newest open (not closed) case. Nothing happens when a case was opened meanwhile.
func (u *ui) openInitialCase() {
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		cases, err := u.st.Cases(u.ctx)
		if err != nil || len(cases) == 0 {
			return
		}
		var pick *store.Case
		for i := range cases {
			c := &cases[i]
			if !c.Closed && (pick == nil || c.CreatedAt.After(pick.CreatedAt)) {
				pick = c
			}
		}
		if pick == nil {
			return
		}
		name := pick.Name
		onMain(func() {
			if u.caseName == "" {
				u.openCase(name)
			}
		})
	}()
}
