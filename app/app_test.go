package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

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

func TestNewBuildsMainWindow(t *testing.T) {
	a := test.NewTempApp(t)
	w := New(a)
	defer w.Close()

	if got := w.Title(); got != Title {
		t.Errorf("title = %q, want %q", got, Title)
	}
	if w.Content() == nil {
		t.Fatal("window has no content")
	}
	got := texts(w)
	for _, want := range []string{homeName, homeTaglineKO, homeTaglineEN, homeNoteKO, "evidentia capture"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("window shows no text containing %q; it shows %q", want, got)
		}
	}
	if _, ok := a.Settings().Theme().(*evidentiaTheme); !ok {
		t.Errorf("app theme is %T, want *evidentiaTheme", a.Settings().Theme())
	}
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

// TestFontCoversScreenText checks that the served fonts have a glyph for every
// character the home screen shows, so nothing renders as a missing-glyph box.
func TestFontCoversScreenText(t *testing.T) {
	all := Title + homeName + homeTaglineKO + homeTaglineEN + homeNoteKO + homeNoteEN + homeExample
	for name, data := range map[string][]byte{"regular": assets.FontRegular(), "bold": assets.FontBold()} {
		face, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: parse font: %v", name, err)
		}
		for _, r := range all {
			if r == ' ' {
				continue
			}
			if _, ok := face.NominalGlyph(r); !ok {
				t.Errorf("%s font has no glyph for %q (U+%04X)", name, r, r)
			}
		}
	}
}
