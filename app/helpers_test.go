package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"evidentia/capture"
	"evidentia/settings"
	"evidentia/store"
)

// chromePath is the browser for tests that capture; "" when none (tests that need it then skip,
// or fail when CI is set).
var chromePath string

func TestMain(m *testing.M) {
	home, _ := os.MkdirTemp("", "evidentia-app-home-")
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	os.Unsetenv("EVIDENTIA_DATA")
	os.Unsetenv("EVIDENTIA_CHROME")
	if p, err := capture.FindBrowser(""); err == nil {
		chromePath = p
	} else if os.Getenv("CI") != "" {
		println("app tests need a browser in CI:", err.Error())
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

func needChrome(t *testing.T) {
	t.Helper()
	if chromePath == "" {
		t.Skip("no browser (CI is not set)")
	}
}

// testUI builds the main window on a headless test app, over a fresh store and settings file
// in temporary folders. The window is closed (and the store with it) when the test ends.
func testUI(t testing.TB, set settings.Settings) (*ui, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if set.Chrome == "" {
		set.Chrome = chromePath
	}
	if set.Operator == "" {
		set.Operator = "홍길동"
	}
	w := New(a, Options{Settings: set, SettingsPath: filepath.Join(dir, "settings.json"), Store: st})
	u := uiOf(t, w)
	t.Cleanup(func() { w.Close(); u.shutdown() })
	return u, w
}

// uiOf returns the ui behind a window made by New.
func uiOf(t testing.TB, w fyne.Window) *ui {
	t.Helper()
	u, ok := windows.Load(w)
	if !ok {
		t.Fatal("the window was not made by New")
	}
	return u.(*ui)
}

// eventually waits up to d for cond, pumping nothing: Fyne's test driver runs fyne.Do calls
// synchronously, so a condition set from a goroutine is visible once the goroutine ran.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
