package app

import (
	"bytes"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"evidentia/assets"
)

// texts returns the strings of every text object laid out in the window.
func texts(w fyne.Window) []string {
	var out []string
	for _, o := range test.LaidOutObjects(w.Content()) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			out = append(out, t.Text)
		}
	}
	return out
}

func TestThemeServesKoreanFont(t *testing.T) {
	th := NewTheme()
	for _, tc := range []struct {
		style fyne.TextStyle
		want  []byte
	}{
		{fyne.TextStyle{}, assets.FontRegular()},
		{fyne.TextStyle{Italic: true}, assets.FontRegular()},
		{fyne.TextStyle{Monospace: true}, assets.FontRegular()},
		{fyne.TextStyle{Symbol: true}, assets.FontRegular()},
		{fyne.TextStyle{Bold: true}, assets.FontBold()},
		{fyne.TextStyle{Bold: true, Italic: true}, assets.FontBold()},
	} {
		if got := th.Font(tc.style).Content(); !bytes.Equal(got, tc.want) {
			t.Errorf("Font(%+v) is not the expected embedded font", tc.style)
		}
	}
	// Everything but fonts comes from the default theme.
	def := theme.DefaultTheme()
	if got, want := th.Size(theme.SizeNameText), def.Size(theme.SizeNameText); got != want {
		t.Errorf("text size = %v, want default %v", got, want)
	}
	if got, want := th.Color(theme.ColorNamePrimary, theme.VariantLight), def.Color(theme.ColorNamePrimary, theme.VariantLight); got != want {
		t.Errorf("primary colour = %v, want default %v", got, want)
	}
}
