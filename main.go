// Command evidentia-gui is Evidentia's desktop application. It only wires the parts together:
// it loads the settings, opens the data folder and hands both to package app, which holds the
// screens.
//
// When EVIDENTIA_READY_FILE is set, the time at which the window is up and drawn is written to
// that file (used by the real-window smoke test and the launch benchmark).
package main

import (
	"context"
	"os"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"evidentia/app"
	"evidentia/internal/crashlog"
	"evidentia/settings"
	"evidentia/workflow"
)

func main() {
	// The secret variables are the command line's; the desktop app asks in a dialog. Whatever
	// the environment gave is removed first, so that no child process (the browser, the
	// system's opener of files and links) inherits it.
	os.Unsetenv("EVIDENTIA_PASSPHRASE")
	os.Unsetenv("EVIDENTIA_P12_PASSWORD")
	tuneMemory()
	a := fyneapp.NewWithID("kr.evidentia.app")
	a.SetIcon(app.Icon)
	opt := app.Options{SettingsPath: settings.DefaultPath()}
	opt.Settings, opt.SettingsErr = settings.Load(opt.SettingsPath)
	// The same session the command line builds: the same data folder, operator and rules.
	opt.Session = workflow.NewSession(workflow.SessionConfig{Settings: opt.Settings})
	keepCrashes(opt.Session.Dir())
	opt.Store, opt.StoreErr = opt.Session.Store(context.Background())
	w := app.New(a, opt)
	if f := os.Getenv("EVIDENTIA_READY_FILE"); f != "" {
		a.Lifecycle().SetOnStarted(func() { go signalReady(f) })
	}
	w.ShowAndRun()
}

// keepCrashes makes the Go runtime write the report of a panic nobody recovered (its stack
// above all) to the data folder's crash log too: a desktop application has no standard error on
// Windows, and the report is never shown to the investigator.
func keepCrashes(dataDir string) {
	f, err := crashlog.CrashOutput(dataDir)
	if err != nil {
		return
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		f.Close()
		return
	}
	f.Close() // SetCrashOutput keeps its own duplicate
}

// desktopGCPercent is the garbage collector's target for the desktop app: the heap may grow
// by half its live size between collections instead of doubling (Go's default, 100). The app
// sits beside the investigator's other programs all day, and its Go side does little work
// (Chromium does the capturing), so memory matters more than the few collections more.
const desktopGCPercent = 50

// tuneMemory applies desktopGCPercent unless the user set GOGC.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(desktopGCPercent)
	}
}

// signalReady writes the time to path once the event loop has run and drawn at least one frame
// (the loop paints at 60 Hz: two round trips through it, two frames apart).
func signalReady(path string) {
	fyne.DoAndWait(func() {})
	time.Sleep(2 * time.Second / 60)
	fyne.DoAndWait(func() {})
	os.WriteFile(path, []byte(time.Now().Format(time.RFC3339Nano)), 0o600)
}
