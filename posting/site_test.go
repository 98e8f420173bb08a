package posting

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// testSite recognises <div id=post> and <li class=c> items; it returns what the page says,
// uncleaned, as a profile's reader does.
func testSite() *Site {
	return &Site{
		Platform: "testsite", Name: "Test Site",
		Post: func(doc *html.Node, _ *url.URL) (SitePost, bool) {
			n := find(doc, func(n *html.Node) bool { return attr(n, "id") == "post" }, nil)
			if n == nil {
				return SitePost{}, false
			}
			return SitePost{Where: "div#post", PostID: attr(n, "data-id"), Title: attr(n, "data-title"),
				Author:   evidence.Person{Nickname: attr(n, "data-nick"), AccountID: attr(n, "data-uid"), MaskedIP: attr(n, "data-ip"), ProfileURL: attr(n, "data-profile")},
				Posted:   SiteText{Text: attr(n, "data-time"), Source: "attr:data-time"},
				Views:    SiteText{Text: attr(n, "data-views"), Source: "attr:data-views"},
				Comments: SiteText{Text: attr(n, "data-comments"), Source: "attr:data-comments"}}, true
		},
		Comments: func(doc *html.Node, _ *url.URL) ([]SiteComment, bool) {
			var out []SiteComment
			ok := false
			walk(doc, func(n *html.Node) bool {
				if attr(n, "id") == "list" {
					ok = true
				}
				if hasClass(n, "c") {
					out = append(out, SiteComment{ID: attr(n, "data-id"), ParentID: attr(n, "data-parent"),
						Author: evidence.Person{Nickname: attr(n, "data-nick")}, Time: SiteText{Text: attr(n, "data-time"), Source: "attr:data-time"},
						Text: text(n, 1<<20, nil), Deleted: hasAttr(n, "data-deleted")})
				}
				return true
			})
			return out, ok
		},
	}
}

func TestExtractWithSite(t *testing.T) {
	long := strings.Repeat("가", 2000)
	page := `<html><head><title>Meta title</title></head><body>
<div id="post" data-id="p-1" data-title="Site title` + "\u202e" + `" data-nick="` + long + `" data-uid="bad id" data-ip="(121.134)"
 data-profile="javascript:alert(1)" data-time="2026-05-28 21:04:17" data-views="조회 1,234" data-comments="3"></div>
<ul id="list"><li class="c" data-id="10" data-nick="하나" data-time="2026-05-28T21:10:00+09:00">첫 댓글</li>
<li class="c" data-id="11" data-parent="10" data-nick="둘">답글</li>
<li class="c" data-id="12" data-nick="셋" data-deleted>삭제된 댓글입니다</li></ul>
<ol class="comment-list"><li class="comment" id="comment-99"><p class="comment-content">generic markup, not read</p></li></ol>
</body></html>`
	captured := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	in := Input{Docs: []Doc{{HTML: page, URL: "https://example.test/p/1"}}, PageURL: "https://example.test/p/1", Captured: captured,
		Metadata: evidence.Metadata{Title: "Meta title"}, Site: testSite()}
	p := Extract(context.Background(), in)
	if p.Platform != "testsite" || p.PostID != "p-1" || p.Title != "Site title" {
		t.Errorf("post: %q %q %q", p.Platform, p.PostID, p.Title)
	}
	if n := len([]rune(p.Author.Nickname)); n > maxName+40 || !strings.HasSuffix(p.Author.Nickname, "more characters)") || p.Author.AccountID != "" || p.Author.MaskedIP != "121.134" || p.Author.ProfileURL != "" {
		t.Errorf("author not cleaned: %d runes, %+v", n, p.Author)
	}
	if p.Posted == nil || p.Posted.KST != "2026-05-28T21:04:17+09:00" || !strings.HasPrefix(p.Posted.Source, "site:testsite div#post") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if p.Counts.Views == nil || p.Counts.Views.Value != 1234 || p.Counts.Comments == nil || p.Counts.Comments.Value != 3 {
		t.Errorf("counts: %+v", p.Counts)
	}
	if len(p.Comments) != 3 || p.Comments[1].ParentID != "10" || !p.Comments[2].Deleted || p.Comments[0].Time == nil {
		t.Fatalf("comments: %+v", p.Comments)
	}
	for _, c := range p.Comments {
		if c.Text == "generic markup, not read" {
			t.Error("the generic reader read a document the site's reader recognised")
		}
	}

	// The site's markup is gone: the generic reading stands, and a note says so.
	in.Docs[0].HTML = strings.Replace(page, `id="post"`, `id="article"`, 1)
	p = Extract(context.Background(), in)
	if p.Platform != "generic" || p.Title != "Meta title" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Test Site profile") {
		t.Errorf("fallback: %q %q %q", p.Platform, p.Title, p.Notes)
	}
	found := false
	for _, c := range p.Comments {
		found = found || c.Text == "generic markup, not read"
	}
	if !found {
		t.Errorf("fallback did not read the generic markup: %+v", p.Comments)
	}
}
