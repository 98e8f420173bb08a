package posting

import (
	"context"
	"net/url"
	"testing"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// TestSiteParentIndex: a site reader that shows no comment identifiers links replies by their
// parent's position in the list; the record assigns identifiers and keeps the links.
func TestSiteParentIndex(t *testing.T) {
	s := &Site{Platform: "x", Name: "X",
		Post: func(*html.Node, *url.URL) (SitePost, bool) { return SitePost{Title: "t"}, true },
		Comments: func(*html.Node, *url.URL) ([]SiteComment, bool) {
			return []SiteComment{
				{Text: "one", Author: personNamed("a")},
				{Text: "reply to one", ParentIndex: 1, Author: personNamed("b")},
				{Text: "two", Author: personNamed("c")},
				{Text: "reply to two", ParentIndex: 3, Author: personNamed("a")},
				{Text: "later parent ignored", ParentIndex: 6, Author: personNamed("d")},
			}, true
		}}
	p := Extract(context.Background(), Input{Docs: []Doc{{HTML: "<html><body><p>x</p></body></html>", URL: "https://x.test/p/1"}},
		PageURL: "https://x.test/p/1", Site: s})
	if len(p.Comments) != 5 {
		t.Fatalf("%d comments: %+v", len(p.Comments), p.Comments)
	}
	want := []string{"", "c1", "", "c3", ""}
	for i, c := range p.Comments {
		if c.ParentID != want[i] || !c.IDAssigned {
			t.Errorf("comment %d %q: id %q parent %q, want parent %q", i, c.Text, c.ID, c.ParentID, want[i])
		}
	}
}

func personNamed(n string) evidence.Person { return evidence.Person{Nickname: n} }
