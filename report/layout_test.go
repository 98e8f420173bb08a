package report

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTextsComplete: every string is set in every language, with the same format verbs, and
// every character of it is in the report font.
func TestTextsComplete(t *testing.T) {
	d, err := newDoc(context.Background(), &textsEn)
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	ko, en := reflect.ValueOf(textsKo), reflect.ValueOf(textsEn)
	for i := range ko.NumField() {
		name := ko.Type().Field(i).Name
		k, e := ko.Field(i).String(), en.Field(i).String()
		if k == "" || e == "" {
			t.Errorf("%s: not set in every language (ko %q, en %q)", name, k, e)
		}
		if vk, ve := verbs.FindAllString(k, -1), verbs.FindAllString(e, -1); !slices.Equal(vk, ve) {
			t.Errorf("%s: verbs differ: ko %v, en %v", name, vk, ve)
		}
		for _, s := range []string{k, e} {
			if c := d.clean(s); c != s {
				t.Errorf("%s: the font cannot draw all of %q (%q)", name, s, c)
			}
		}
	}
	for _, l := range []Lang{Korean, English, "ja", "", "KO"} {
		_, ok := textsFor(l)
		if want := l == Korean || l == English; ok != want {
			t.Errorf("textsFor(%q) = %v", l, ok)
		}
	}
}

func TestWrap(t *testing.T) {
	d, err := newDoc(context.Background(), &textsEn)
	if err != nil {
		t.Fatal(err)
	}
	d.setFont(false, sizeTable)
	for _, tc := range []struct {
		s     string
		w     float64
		whole bool // no spaces: the lines joined give s back
	}{
		{longURL, 60, true},
		{finalURL, 130, true},
		{"https://example.com/" + strings.Repeat("%ED%9B%84", 40), 50, true},
		{strings.Repeat("0123456789abcdef", 4), 40, true},
		{"선거관리위원회는 후보 A씨가 SNS에 허위사실을 유포했다는 의혹에 대해 조사에 착수했다. " + longURL, 70, false},
		{"short", 100, true},
		{"가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사아자차카타파하", 30, true},
	} {
		lines := d.wrap(d.clean(tc.s), tc.w)
		for _, l := range lines {
			if w := d.width(l); w > tc.w+1e-9 {
				t.Errorf("line %q is %.1f mm, wider than %.1f", l, w, tc.w)
			}
			if i := strings.LastIndexByte(l, '%'); i >= 0 && i > len(l)-3 && strings.Contains(tc.s, "%") {
				t.Errorf("line %q ends inside a %%XX escape", l)
			}
		}
		joined := strings.Join(lines, "")
		if tc.whole && joined != tc.s {
			t.Errorf("wrap(%q) joined = %q", tc.s, joined)
		}
		if !tc.whole && squash(joined) != squash(tc.s) {
			t.Errorf("wrap(%q) lost text: %q", tc.s, joined)
		}
	}
}

func TestClean(t *testing.T) {
	d, err := newDoc(context.Background(), &textsKo)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"plain":              "plain",
		"탭\t과\r\n줄":          "탭 과\n줄",
		"이모지 😀 끝":            "이모지 [U+1F600] 끝",
		"zero\u200bwidth":    "zero[U+200B]width",
		"bell\a and \x00nul": "bell and nul",
		"[단독] 김철수 기자 · 漢字":   "[단독] 김철수 기자 · 漢字",
	} {
		if got := d.clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"짧은 제목", 10, "짧은 제목"},
		{"a  b\n c", 10, "a b c"},
		{"one two three four five six", 15, "one two three…"},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"},
	} {
		if got := truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 2222634: "2,222,634", -40000: "-40,000"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
