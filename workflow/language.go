package workflow

import (
	"strings"

	"github.com/jeandeaual/go-locale"
)

// The languages Evidentia speaks, in its screens and its documents.
const (
	LangKorean  = "ko"
	LangEnglish = "en"
)

// Language returns the language of the screens and of a document, by the rule of Operator:
// the one given (ko or en; the command line's --lang), else the settings' lang, else
// SystemLanguage. A value that is neither ko nor en counts as not given.
func (s *Session) Language(given string) string {
	for _, l := range []string{given, s.Settings().Lang} {
		if l == LangKorean || l == LangEnglish {
			return l
		}
	}
	return SystemLanguage()
}

// SystemLanguage returns the language the system asks for: the user's language setting on
// Windows and macOS, LC_ALL, LC_MESSAGES, LANG (and LANGUAGE) elsewhere. English when it names
// a language other than Korean; Korean when it names Korean, or none (unset, C, POSIX): Korean
// comes first.
func SystemLanguage() string {
	tag, err := locale.GetLocale()
	if err != nil {
		tag = ""
	}
	return languageOfLocale(tag)
}

// languageOfLocale is SystemLanguage for the locale tag ("ko-KR", "en_US.UTF-8", "C.UTF-8").
func languageOfLocale(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case t == "", t == "c", t == "posix", strings.HasPrefix(t, "c."), strings.HasPrefix(t, "c-"), strings.HasPrefix(t, "ko"):
		return LangKorean
	}
	return LangEnglish
}
