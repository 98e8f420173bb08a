package app

import (
	"encoding/json"
	"strings"
	"testing"

	"evidentia/evidence"
	"evidentia/settings"
)

// TestDetailShowsPostingRecord: the detail window shows the posting record apart, labelled as
// read from the page: the author with the masked IP, the posted time as given and resolved,
// the counts, and the comments in page order with their flags; a bidi control from the page
// is shown as its code point.
func TestDetailShowsPostingRecord(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	p := evidence.Posting{Format: evidence.PostingFormat, Platform: "dcinside", PostID: "free/1234567", Title: "허위 게시물",
		Author: evidence.Person{Nickname: "ㅇㅇ", MaskedIP: "121.134"},
		Posted: &evidence.PageTime{Text: "3시간 전", Source: "text", Relative: true, Resolution: "the capture's start minus 3 hours",
			KST: "2025-03-01T06:30:00+09:00", UTC: "2025-02-28T21:30:00Z"},
		Counts: evidence.Counts{Views: &evidence.Count{Value: 15234}, Comments: &evidence.Count{Value: 5}},
		Comments: []evidence.Comment{
			{ID: "1", Author: evidence.Person{Nickname: "첫댓글러", MaskedIP: "211.36"}, Text: "첫 번째 댓글입니다"},
			{ID: "2", ParentID: "1", Depth: 1, Author: evidence.Person{Nickname: "답글러"}, Text: "답글입니다"},
			{ID: "3", Deleted: true, Text: "삭제된 댓글입니다"},
			{ID: "4", Text: "악성\u202e댓글"},
		}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	rec := sealSynth(t, u.st, "기록", synth{url: "https://gall.dcinside.com/board/view/?id=free&no=1234567", title: "허위 게시물", text: "본문", posting: b})
	d := detailOf(t, u, rec.ID)
	d.tabs.SelectIndex(0)
	wantShown(t, d.w.Content(), T("detail.secPosting"), T("detail.postingNote"), "dcinside", "free/1234567", "ㅇㅇ (121.134)",
		"2025-03-01 06:30:00 (UTC+09:00)", "3시간 전", "the capture's start minus 3 hours", "15,234",
		T("detail.commentsCaptured", map[string]any{"All": "4", "Replies": "1", "Deleted": "1", "Hidden": "0"}),
		"1. 첫댓글러 (211.36)", "첫 번째 댓글입니다", "2. ↳ 답글러", T("detail.commentDeleted"), "악성[U+202E]댓글")
	if strings.ContainsRune(shownText(d.w.Content()), '\u202e') {
		t.Error("a bidi control from the page is shown raw")
	}
}

// TestDetailPostingUnreadable: a posting.json that is not a posting record is said to be
// unreadable, and nothing of it is shown.
func TestDetailPostingUnreadable(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	rec := sealSynth(t, u.st, "기록", synth{url: "https://example.org/p", title: "게시물", text: "본문",
		posting: []byte(`{"format":"other/1","title":"가짜 제목"}`)})
	d := detailOf(t, u, rec.ID)
	d.tabs.SelectIndex(0)
	wantShown(t, d.w.Content(), T("detail.secPosting"))
	got := shownText(d.w.Content())
	if !strings.Contains(got, squash(strings.Split(T("detail.postingUnread", map[string]any{"Reason": ""}), ":")[0])) {
		t.Error("the window does not say the posting record could not be read")
	}
	if strings.Contains(got, "가짜") {
		t.Error("a value of the unreadable record is shown")
	}
}

// TestDetailPostingTimeAfterCapture: a posted time later than the capture's start is flagged,
// as in the claims section.
func TestDetailPostingTimeAfterCapture(t *testing.T) {
	u, _ := lockedUI(t, settings.Settings{})
	p := evidence.Posting{Format: evidence.PostingFormat, Platform: "generic", Comments: []evidence.Comment{},
		Posted: &evidence.PageTime{Text: "2100-01-01 00:00:00", Source: "markup:span.gall_date attr:title", UTC: "2099-12-31T15:00:00Z"}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	rec := sealSynth(t, u.st, "기록", synth{url: "https://example.org/p", title: "게시물", text: "본문", posting: b})
	d := detailOf(t, u, rec.ID)
	d.tabs.SelectIndex(0)
	got := shownText(d.w.Content())
	i := strings.Index(got, squash(T("detail.secPosting")))
	if i < 0 || !strings.Contains(got[i:], squash(T("detail.afterCapture"))) {
		t.Error("the posting's time after the capture is not flagged")
	}
}
