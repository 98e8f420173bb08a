// Package app is Evidentia's desktop user interface, built with Fyne.
//
// It holds the screens and their handlers only: capturing, sealing and
// storing evidence belong to the packages below it, which never see Fyne
// types. Package app does not import fyne.io/fyne/v2/app, so it can be
// driven headlessly by fyne.io/fyne/v2/test; main.go creates the real
// application and passes it to [New].
package app

import (
	"fyne.io/fyne/v2"

	"evidentia/assets"
)

// Title is the main window's title.
const Title = "Evidentia — 전자증거 채증"

// Icon is the application icon as a Fyne resource.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", assets.Icon())

// New installs Evidentia's theme on a and returns the main window, built but
// not yet shown. The caller shows it (typically with ShowAndRun) and owns it.
// New must be called on Fyne's main goroutine.
func New(a fyne.App) fyne.Window {
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow(Title)
	w.SetIcon(Icon)
	w.SetContent(newHome().content)
	w.Resize(fyne.NewSize(720, 480))
	w.CenterOnScreen()
	return w
}
