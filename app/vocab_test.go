package app

import (
	"testing"

	"evidentia/evidence"
)

// TestActionsTranslated: every custody action has a text in both languages, under its
// evidence.Action key; an action Evidentia does not know is shown as it is recorded.
func TestActionsTranslated(t *testing.T) {
	ko, en := loadTranslations(t, LangKorean), loadTranslations(t, LangEnglish)
	for _, a := range evidence.Actions() {
		if a.Key() == "" || ko[a.Key()] == "" || en[a.Key()] == "" {
			t.Errorf("%q (%s) is not translated", a, a.Key())
		}
	}
	for _, a := range []string{"something else"} {
		if got := actionText(a); got != a {
			t.Errorf("actionText(%q) = %q", a, got)
		}
	}
}

// TestFactKeysTranslated: every fact the info tab shows has a label.
func TestFactKeysTranslated(t *testing.T) {
	ko := loadTranslations(t, LangKorean)
	for fact, key := range factKeys {
		if ko[key] == "" {
			t.Errorf("fact %s: no translation for %s", fact, key)
		}
	}
	// Every row of the shared model that the info tab names through factKeys has a key.
	rows := append(evidence.CollectionRows(&evidence.Collection{LocalIPs: []string{"10.0.0.2"}, AppSHA256: "ab"}),
		evidence.BrowserRows(&evidence.Browser{})...)
	for _, r := range rows {
		if factKeys[r.Key] == "" {
			t.Errorf("fact %s has no translation key", r.Key)
		}
	}
}
