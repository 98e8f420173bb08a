package app

import (
	"testing"

	"evidentia/evidence"
)

// TestNotesAndTagsShownSafely: a note or tag pasted with terminal codes or bidi controls is
// shown with them as visible code points, its line breaks kept.
func TestNotesAndTagsShownSafely(t *testing.T) {
	if got, want := bracketLines("첫 줄\x1b[2J\r\n둘째 \u202e줄"), "첫 줄[U+001B][2J\n둘째 [U+202E]줄"; got != want {
		t.Errorf("bracketLines = %q, want %q", got, want)
	}
	if got, want := hashTags([]string{"허위\u200b사실", "ok"}), "#허위[U+200B]사실 #ok"; got != want {
		t.Errorf("hashTags = %q, want %q", got, want)
	}
}

// TestEventKindsTranslated: every kind of event a capture records is named in the current
// language in the detail window (a Korean window said "note").
func TestEventKindsTranslated(t *testing.T) {
	defer onUI(func() { setLanguage(LangKorean) })
	onUI(func() { setLanguage(LangKorean) })
	for k, want := range map[string]string{evidence.EventDialog: "대화상자", evidence.EventDownload: "다운로드 차단",
		evidence.EventPopup: "팝업", evidence.EventNavigation: "이동 차단", evidence.EventTimeout: "시간 초과",
		evidence.EventError: "오류", evidence.EventNote: "참고"} {
		if got := eventKindText(k); got != want {
			t.Errorf("event kind %q shown as %q, want %q", k, got, want)
		}
	}
	if got := eventKindText("new\x1bkind"); got != "new[U+001B]kind" {
		t.Errorf("an unknown kind shown as %q", got)
	}
}
