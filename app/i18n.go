package app

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"evidentia/workflow"
)

// The interface languages (workflow's).
const (
	LangKorean  = workflow.LangKorean
	LangEnglish = workflow.LangEnglish
)

// translationFS holds the interface strings: translations/<part>.<lang>.json, every key present
// in both languages (TestTranslationsComplete checks). Keys are dotted names ("case.new"); the
// files also translate Fyne's own dialog words ("Cancel", "OK", ...).
//
//go:embed translations
var translationFS embed.FS

// currentLang is the language setLanguage last installed (touched on the main goroutine only).
var currentLang = LangKorean

// setLanguage installs the strings of language l ("ko" or "en"; "" follows the system) for T
// and for Fyne's own dialogs. Fyne picks translations by the system locale; so that the choice
// in Settings wins whatever the system says, the chosen language's strings are installed under
// both locales Evidentia ships. Call it on the main goroutine, then rebuild the screens.
func setLanguage(l string) error {
	if l == "" {
		l = workflow.SystemLanguage() // the command line's rule too
	}
	if l != LangKorean && l != LangEnglish {
		return fmt.Errorf("app: unknown language %q", l)
	}
	files, err := fs.Glob(translationFS, "translations/*."+l+".json")
	if err != nil || len(files) == 0 {
		return fmt.Errorf("app: no translations for %q", l)
	}
	for _, f := range files {
		data, err := translationFS.ReadFile(f)
		if err != nil {
			return err
		}
		for _, loc := range []fyne.Locale{"en", "ko"} {
			if err := lang.AddTranslationsForLocale(data, loc); err != nil {
				return fmt.Errorf("app: %s: %w", path.Base(f), err)
			}
		}
	}
	currentLang = l
	return nil
}

// T returns the interface string for key in the current language; data fills {{.Name}}
// placeholders. A missing key shows the key itself (and fails TestTranslationsComplete).
func T(key string, data ...any) string {
	return lang.X(key, key, data...)
}
