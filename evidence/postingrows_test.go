package evidence

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecodePosting(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"record", `{"format":"evidentia.posting/1","platform":"generic","author":{},"counts":{},"comments":[]}`, true},
		{"other format", `{"format":"evidentia.posting/9","platform":"generic"}`, false},
		{"no format", `{"platform":"generic"}`, false},
		{"not JSON", `<html>`, false},
		{"too large", `{"format":"evidentia.posting/1","title":"` + strings.Repeat("a", MaxPostingBytes) + `"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := DecodePosting([]byte(tc.in))
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadPosting)) || (err == nil) != (p != nil) {
				t.Fatalf("DecodePosting: %v, %v", p, err)
			}
		})
	}
}

func TestPostingRows(t *testing.T) {
	p := &Posting{
		Format: PostingFormat, Platform: "dcinside", PostID: "12345", Title: "제목\u202egnp.exe",
		Author: Person{Nickname: "ㅇㅇ", AccountID: "id1", MaskedIP: "121.134"},
		Posted: &PageTime{Text: "3시간 전", Source: "text", UTC: "2026-12-01T06:00:00Z", KST: "2026-12-01T15:00:00+09:00", Relative: true, Resolution: "capture start minus 3 hours"},
		Counts: Counts{Views: &Count{Value: 1234567}, Comments: &Count{Value: 30}},
		Comments: []Comment{
			{ID: "1", Author: Person{Nickname: "a"}, Text: "첫 댓글\n둘째 줄"},
			{ID: "2", ParentID: "1", Author: Person{Nickname: "b"}, Text: "답글", Deleted: true},
			{ID: "3", Text: "숨김", Hidden: true, Page: 2, Frame: "https://blog.example/PostView"},
		},
	}
	rows := PostingRows(p, nil)
	want := []string{FactPlatform, FactPostID, FactPostTitle, FactPostAuthor, FactPosted, FactViews, FactCommentsStated, FactCommentsCaptured}
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
	}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if v := rows.Value(FactPostTitle); strings.ContainsRune(v, '\u202e') || !strings.Contains(v, "[U+202E]") {
		t.Errorf("title %q: the bidi control is not escaped", v)
	}
	if v := rows.Value(FactPostAuthor); v != "ㅇㅇ (id1) (121.134)" {
		t.Errorf("author %q", v)
	}
	posted := rows.Row(FactPosted)
	if posted.Value != "3시간 전" || !posted.Time.Equal(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)) || posted.Parts[0] != "text" || posted.Parts[1] == "" {
		t.Errorf("posted %+v", posted)
	}
	if v := rows.Value(FactViews); v != "1,234,567" {
		t.Errorf("views %q", v)
	}
	if r := rows.Row(FactCommentsCaptured); strings.Join(r.Parts, ",") != "3,1,1,1" {
		t.Errorf("captured %+v", r)
	}
	if got := PostingRows(&Posting{}, nil); len(got) != 1 || got[0].Key != FactCommentsCaptured || got[0].Value != "0" {
		t.Errorf("empty record: %+v", got)
	}

	// What the page's claims show is not repeated: the same title, a time from the metadata.
	p2 := *p
	p2.Modified = &PageTime{Text: "2026-12-01", Source: "meta:article:modified_time", UTC: "2026-12-01T00:00:00Z"}
	for _, r := range PostingRows(&p2, &Metadata{Title: p.Title, Author: "다른 사람"}) {
		if r.Key == FactPostTitle || r.Key == FactPostModified {
			t.Errorf("row %s repeats the claims", r.Key)
		}
	}
	if PostingRows(&p2, &Metadata{}).Value(FactPostAuthor) == "" {
		t.Error("an author the claims do not show is left out")
	}

	lines, left := CommentLines(p, 2, 5)
	if len(lines) != 2 || left != 1 {
		t.Fatalf("%d lines, %d left", len(lines), left)
	}
	if !strings.HasPrefix(lines[0].Text, "첫 댓글") || strings.Contains(lines[0].Text, "둘째") || strings.Contains(lines[0].Text, "\n") || lines[0].Depth != 0 || lines[1].Depth != 1 || !lines[1].Deleted {
		t.Errorf("lines %+v", lines)
	}
	all, _ := CommentLines(p, 10, 100)
	if all[2].Page != 2 || all[2].Frame == "" || !all[2].Hidden || all[0].Page != 1 {
		t.Errorf("third line %+v", all[2])
	}
}
