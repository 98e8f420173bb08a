package app

import "testing"

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
