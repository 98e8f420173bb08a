package app

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/go-text/typesetting/font"

	"evidentia/assets"
)

func loadTranslations(t *testing.T, l string) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, _ := fs.Glob(translationFS, "translations/*."+l+".json")
	if len(files) == 0 {
		t.Fatalf("no translation files for %s", l)
	}
	for _, f := range files {
		data, _ := translationFS.ReadFile(f)
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range m {
			if _, dup := out[k]; dup {
				t.Errorf("%s: key %q defined twice", f, k)
			}
			out[k] = v
		}
	}
	return out
}

// TestTranslationsComplete checks that both languages have the same keys, that no value is
// empty, and that every T("key") in the app's sources has a translation.
func TestTranslationsComplete(t *testing.T) {
	ko, en := loadTranslations(t, LangKorean), loadTranslations(t, LangEnglish)
	for k, v := range ko {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q has no English", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("key %q: empty Korean", k)
		}
	}
	for k, v := range en {
		if _, ok := ko[k]; !ok {
			t.Errorf("key %q has no Korean", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("key %q: empty English", k)
		}
	}
	used := regexp.MustCompile(`\bT\("([^"]+)"`)
	srcs, _ := filepath.Glob("*.go")
	var missing []string
	for _, src := range srcs {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllSubmatch(b, -1) {
			if _, ok := ko[string(m[1])]; !ok {
				missing = append(missing, src+": "+string(m[1]))
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no translation for %s", m)
	}
}

// TestFontCoversInterfaceText checks that the embedded fonts have a glyph for every character
// of every interface string, so nothing renders as a missing-glyph box.
func TestFontCoversInterfaceText(t *testing.T) {
	var all strings.Builder
	for _, l := range []string{LangKorean, LangEnglish} {
		for _, v := range loadTranslations(t, l) {
			all.WriteString(v)
		}
	}
	for name, data := range map[string][]byte{"regular": assets.FontRegular(), "bold": assets.FontBold()} {
		face, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: parse font: %v", name, err)
		}
		seen := map[rune]bool{}
		for _, r := range all.String() {
			if r == ' ' || r == '\n' || seen[r] {
				continue
			}
			seen[r] = true
			if _, ok := face.NominalGlyph(r); !ok {
				t.Errorf("%s font has no glyph for %q (U+%04X)", name, r, r)
			}
		}
	}
}

func TestSetLanguageSwitches(t *testing.T) {
	defer setLanguage(LangKorean)
	if err := setLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if got := T("main.settings"); got != "Settings" {
		t.Errorf("English: %q", got)
	}
	if err := setLanguage(LangKorean); err != nil {
		t.Fatal(err)
	}
	if got := T("main.settings"); got != "설정" {
		t.Errorf("Korean: %q", got)
	}
	if got := T("Cancel"); got != "취소" {
		t.Errorf("Fyne's own word in Korean: %q", got)
	}
	if err := setLanguage("fr"); err == nil {
		t.Error("an unknown language was accepted")
	}
}
