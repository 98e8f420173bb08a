package capture

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"evidentia/evidence"
)

// readPosting decodes the capture's posting.json and checks it is sealed as one.
func readPosting(t *testing.T, res *Result, files map[string][]byte) evidence.Posting {
	t.Helper()
	var p evidence.Posting
	if err := json.Unmarshal(files["posting.json"], &p); err != nil {
		t.Fatalf("posting.json: %v", err)
	}
	role := ""
	for _, f := range res.Files {
		if f.Name == "posting.json" {
			role = f.Role
		}
	}
	if role != evidence.RolePosting || p.Format != evidence.PostingFormat {
		t.Errorf("posting.json role %q format %q", role, p.Format)
	}
	return p
}

// TestPostingCboxExpanded: the expanded cbox page's posting.json holds all 100 comments and
// the 15 replies under their parents, and the verdict compares them with the count the page
// states.
func TestPostingCboxExpanded(t *testing.T) {
	s := theExpandSite()
	res, files := captureURL(t, s.srv.URL+"/cbox")
	p := readPosting(t, res, files)
	byID := map[string]evidence.Comment{}
	for _, c := range p.Comments {
		byID[c.ID] = c
	}
	var top, replies int
	for i := 1; i <= 100; i++ {
		id := fmt.Sprint(1000 + i)
		c, ok := byID[id]
		if !ok {
			t.Errorf("comment %s missing", id)
			continue
		}
		top++
		if c.Text != cboxCommentText(i) || c.ParentID != "" || c.Time == nil || c.Time.KST != "2026-03-05T14:22:00+09:00" {
			t.Errorf("comment %s: %+v", id, c)
		}
		if cboxThreads[i] {
			for j := 1; j <= 3; j++ {
				r, ok := byID[fmt.Sprintf("%d%d", 1000+i, j)]
				if !ok || r.ParentID != id || r.Text != cboxReplyText(i, j) || r.Depth != 1 {
					t.Errorf("reply %d-%d: %+v", i, j, r)
					continue
				}
				replies++
			}
		}
	}
	if top != 100 || replies != 15 || len(p.Comments) != 115 {
		t.Errorf("%d comments, %d replies, %d in all", top, replies, len(p.Comments))
	}
	if p.Counts.Comments == nil || p.Counts.Comments.Value != 100 {
		t.Errorf("comment count %+v", p.Counts.Comments)
	}
	cc := res.Facts.Completeness
	if cc == nil || cc.Verdict != evidence.VerdictComplete || cc.Comments == nil || cc.Comments.Expected != 100 || cc.Comments.Captured != 115 {
		t.Errorf("completeness %+v", cc)
	}
}

// TestPostingCboxNotExpandedIsIncomplete: the same page captured without expansion holds the
// first 20 comments of 100, and its verdict says so in plain words.
func TestPostingCboxNotExpandedIsIncomplete(t *testing.T) {
	s := theExpandSite()
	res, files := captureURL(t, s.srv.URL+"/cbox", WithoutExpansion())
	p := readPosting(t, res, files)
	if len(p.Comments) != 20 {
		t.Errorf("%d comments, want the first 20", len(p.Comments))
	}
	cc := res.Facts.Completeness
	if cc == nil || cc.Verdict != evidence.VerdictIncomplete || cc.Comments == nil || cc.Comments.Expected != 100 || cc.Comments.Captured != 20 {
		t.Fatalf("completeness %+v", cc)
	}
	found := false
	for _, r := range cc.Reasons {
		if r.Code == evidence.ReasonCommentsFewer && strings.Contains(r.Detail, "states 100 comments; 20 were captured") {
			found = true
		}
	}
	if !found {
		t.Errorf("reasons %+v", cc.Reasons)
	}
}

// TestPostingCommentPages: the board's three numbered comment pages are one comment list in
// posting.json, each comment with its page, author and masked IP.
func TestPostingCommentPages(t *testing.T) {
	s := theExpandSite()
	res, files := captureURL(t, s.srv.URL+"/board")
	p := readPosting(t, res, files)
	if len(p.Comments) != 30 {
		t.Fatalf("%d comments, want 30", len(p.Comments))
	}
	for k, c := range p.Comments {
		page, i := k/10+1, k%10+1
		if c.ID != fmt.Sprint(page*100+i) || c.Page != page || c.Text != boardCommentText(page, i) ||
			c.Author.Nickname != "ㅇㅇ" || c.Author.MaskedIP != "121.134" || c.Time == nil || c.Time.KST == "" {
			t.Errorf("comment %d: %+v", k, c)
		}
	}
}
