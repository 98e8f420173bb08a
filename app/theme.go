package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"evidentia/assets"
)

// Fonts served by the theme; Fyne's built-in fonts have no Hangul.
var (
	fontRegular fyne.Resource = fyne.NewStaticResource("NanumGothic.ttf", assets.FontRegular())
	fontBold    fyne.Resource = fyne.NewStaticResource("NanumGothicBold.ttf", assets.FontBold())
)

// evidentiaTheme is Fyne's default theme with the embedded Korean font.
type evidentiaTheme struct {
	fyne.Theme
}

// NewTheme returns Evidentia's theme: Fyne's default colours, icons and
// sizes (light or dark as the system asks), with NanumGothic for every text
// style so that Korean renders the same on every operating system. Glyphs
// the font lacks (for example the keyboard symbols in menus) fall back to
// Fyne's own fonts.
func NewTheme() fyne.Theme {
	return &evidentiaTheme{Theme: theme.DefaultTheme()}
}

// Font returns NanumGothic Bold for bold styles and NanumGothic Regular for
// every other style, monospace and symbol included. NanumGothic has no
// italic; italic text is drawn upright.
func (t *evidentiaTheme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Bold {
		return fontBold
	}
	return fontRegular
}
