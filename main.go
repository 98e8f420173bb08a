// Command evidentia-gui is Evidentia's desktop application. It only wires
// the parts together; the screens live in package app.
package main

import (
	fyneapp "fyne.io/fyne/v2/app"

	"evidentia/app"
)

func main() {
	a := fyneapp.NewWithID("kr.evidentia.app")
	a.SetIcon(app.Icon)
	app.New(a).ShowAndRun()
}
