package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Texts shown on the home screen, Korean first.
const (
	homeName      = "Evidentia"
	homeTaglineKO = "웹 게시물을 증거로 보존합니다"
	homeTaglineEN = "Preserves web postings as evidence for prosecutors, police and courts."
	homeNoteKO    = "지금은 명령줄의 evidentia capture 명령으로 채증합니다."
	homeNoteEN    = "For now, captures are made with the evidentia capture command:"
	homeExample   = "evidentia capture --case 사건명 --operator 홍길동 https://example.com/post/1"
)

// home is the start screen: what Evidentia is and how to capture for now.
type home struct {
	content fyne.CanvasObject
}

func newHome() *home {
	icon := canvas.NewImageFromResource(Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))

	name := widget.NewLabelWithStyle(homeName, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText

	ko := widget.NewLabelWithStyle(homeTaglineKO, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	ko.SizeName = theme.SizeNameSubHeadingText

	en := widget.NewLabelWithStyle(homeTaglineEN, fyne.TextAlignCenter, fyne.TextStyle{})
	en.Wrapping = fyne.TextWrapWord

	example := widget.NewLabelWithStyle(homeExample, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	example.Selectable = true
	example.Wrapping = fyne.TextWrapBreak

	note := widget.NewCard("", "", container.NewVBox(
		widget.NewLabel(homeNoteKO),
		widget.NewLabel(homeNoteEN),
		example,
	))

	return &home{content: container.NewPadded(container.NewVBox(
		container.NewCenter(icon),
		name,
		ko,
		en,
		widget.NewSeparator(),
		note,
	))}
}
