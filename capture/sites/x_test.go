package sites

import (
	"net/url"
	"strings"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestXURLForms(t *testing.T) {
	for _, tc := range []struct {
		url      string
		id       string
		profiled bool
	}{
		{"https://x.com/example_user/status/1765000000000000000", "1765000000000000000", true},
		{"https://twitter.com/example_user/status/1765000000000000000?s=20", "1765000000000000000", true},
		{"https://mobile.twitter.com/example_user/status/1765000000000000000", "1765000000000000000", true},
		{"https://mobile.x.com/example_user/status/1765000000000000000/", "1765000000000000000", true},
		{"https://x.com/example_user/status/1765000000000000000/photo/1", "1765000000000000000", true},
		{"https://x.com/i/web/status/1765000000000000000", "1765000000000000000", true},
		{"https://x.com/i/flow/login?redirect_after_login=%2Fa%2Fstatus%2F1", "", true},
		{"https://x.com/example_user", "", false},
		{"https://x.com/home", "", false},
		{"https://x.com/example_user/status/abc", "", false},
	} {
		p := For(tc.url)
		if (p != nil && p.Name == "x") != tc.profiled {
			t.Errorf("%s: profile %v, want x %v", tc.url, p, tc.profiled)
		}
		if id := xStatusID(mustURL(t, tc.url)); id != tc.id {
			t.Errorf("%s: id %q, want %q", tc.url, id, tc.id)
		}
	}
}

// TestXQuotedPost: a post that quotes another is read as its own author's, with its own time
// and text, not the quoted post's.
func TestXQuotedPost(t *testing.T) {
	doc := parseDoc(t, `<article data-testid="tweet"><div data-testid="User-Name"><a href="/alice"><span>Alice</span></a><a href="/alice"><span>@alice</span></a>`+
		`<a href="/alice/status/2"><time datetime="2026-05-28T01:00:00.000Z">May 28</time></a></div><div data-testid="tweetText"><span>quoting</span></div>`+
		`<div role="link"><div data-testid="User-Name"><a href="/bob"><span>Bob</span></a><a href="/bob"><span>@bob</span></a><time datetime="2026-05-01T00:00:00.000Z">May 1</time></div>`+
		`<div data-testid="tweetText"><span>quoted</span></div></div></article>`)
	p, ok := xPost(doc, mustURL(t, "https://x.com/alice/status/2"))
	if !ok || p.Author.AccountID != "@alice" || p.Author.Nickname != "Alice" || p.Author.ProfileURL != "https://x.com/alice" || p.Posted.Text != "2026-05-28T01:00:00.000Z" {
		t.Errorf("post: %+v %v", p, ok)
	}
	if ts := xTweets(doc); len(ts) != 1 || ts[0].text != "quoting" {
		t.Errorf("tweets: %+v", ts)
	}
}

// TestXRepliesOnly: the posts X shows under "Discover more" and its ads are not replies.
func TestXRepliesOnly(t *testing.T) {
	art := func(user, id, text, extra string) string {
		return `<div data-testid="cellInnerDiv">` + extra + `<article data-testid="tweet"><div data-testid="User-Name"><a href="/` + user + `"><span>` + user + `</span></a><a href="/` + user + `"><span>@` + user + `</span></a>` +
			`<a href="/` + user + `/status/` + id + `"><time datetime="2026-05-28T01:00:00.000Z">May 28</time></a></div><div data-testid="tweetText"><span>` + text + `</span></div></article></div>`
	}
	doc := parseDoc(t, `<main><section role="region">`+art("alice", "10", "the post", "")+art("bob", "11", "a reply", "")+
		`<div data-testid="placementTracking">`+art("brand", "12", "buy now", "")+`</div>`+
		art("carol", "13", "another reply", "")+
		`<div data-testid="cellInnerDiv"><h2 role="heading"><span>Discover more</span></h2></div>`+
		art("dave", "14", "an unrelated post", "")+`</section></main>`)
	cs, ok := xComments(doc, mustURL(t, "https://x.com/alice/status/10"))
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	if !ok || strings.Join(ids, ",") != "11,13" {
		t.Errorf("replies %v, want 11,13", ids)
	}
}
