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
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"evidentia/app"
	"evidentia/settings"
	"evidentia/store"
)

func main() {
	a := fyneapp.NewWithID("kr.evidentia.app")
	a.SetIcon(app.Icon)
	opt := app.Options{SettingsPath: settings.DefaultPath()}
	opt.Settings, opt.SettingsErr = settings.Load(opt.SettingsPath)
	opt.Store, opt.StoreErr = store.Open(context.Background(), store.ResolveDir(opt.Settings.DataDir))
	w := app.New(a, opt)
	if f := os.Getenv("EVIDENTIA_READY_FILE"); f != "" {
		a.Lifecycle().SetOnStarted(func() { go signalReady(f) })
	}
	w.ShowAndRun()
}

// signalReady writes the time to path once the event loop has run and drawn at least one frame
// (the loop paints at 60 Hz: two round trips through it, two frames apart).
func signalReady(path string) {
	fyne.DoAndWait(func() {})
	time.Sleep(2 * time.Second / 60)
	fyne.DoAndWait(func() {})
	os.WriteFile(path, []byte(time.Now().Format(time.RFC3339Nano)), 0o600)
}
