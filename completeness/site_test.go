package completeness

import (
	"slices"
	"strings"
	"testing"

	"evidentia/evidence"
)

// TestJudgeSite: a site profile's findings, beside the rules that read the page itself.
func TestJudgeSite(t *testing.T) {
	deleted := &SiteState{Verdict: evidence.VerdictDeleted, Code: evidence.ReasonDeletedNotice, Detail: "DC Inside sent the browser to its deletion page"}
	for _, tc := range []struct {
		name    string
		in      Input
		verdict evidence.Verdict
		codes   []string
	}{
		{"matched posting", Input{Status: 200, Text: shortPost, Site: "DC Inside", SiteMatched: true}, evidence.VerdictComplete, []string{}},
		{"profile not matched", Input{Status: 200, Text: shortPost, Site: "DC Inside"}, evidence.VerdictIncomplete, []string{evidence.ReasonProfileNotMatched}},
		{"no profile", Input{Status: 200, Text: shortPost}, evidence.VerdictComplete, []string{}},
		{"site's deletion page", Input{Status: 200, Text: shortPost, Site: "DC Inside", SiteState: deleted}, evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"bot check sent with an odd status", Input{Status: 430, Text: shortPost, Site: "FM Korea",
			SiteState: &SiteState{Verdict: evidence.VerdictBlocked, Code: evidence.ReasonBotCheck, Detail: "security page"}},
			evidence.VerdictBlocked, []string{evidence.ReasonBotCheck, evidence.ReasonErrorStatus}},
		{"HTTP status first", Input{Status: 404, Text: shortPost, Site: "DC Inside", SiteState: deleted}, evidence.VerdictDeleted, []string{evidence.ReasonHTTP404}},
		{"a finding may not call a page complete", Input{Status: 200, Text: shortPost, Site: "X", SiteMatched: true,
			SiteState: &SiteState{Verdict: evidence.VerdictComplete, Code: evidence.ReasonDeletedNotice}}, evidence.VerdictComplete, []string{}},
		{"unknown reason code ignored", Input{Status: 200, Text: shortPost, Site: "X", SiteMatched: true,
			SiteState: &SiteState{Verdict: evidence.VerdictLoginWall, Code: "made_up"}}, evidence.VerdictComplete, []string{}},
		{"login wall", Input{Status: 200, Text: shortPost, Site: "X", SiteState: &SiteState{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginNotice, Detail: "log in"}},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
		{"site limits", Input{Status: 200, Text: shortPost, Site: "Daum News", SiteMatched: true, SiteLimits: []string{"comments closed"}},
			evidence.VerdictIncomplete, []string{evidence.ReasonSiteLimit}},
		{"limits after the others", Input{Status: 200, Text: shortPost, Site: "Daum News", TimedOut: true, SiteLimits: []string{"a", "b"}},
			evidence.VerdictIncomplete, []string{evidence.ReasonTimedOut, evidence.ReasonProfileNotMatched, evidence.ReasonSiteLimit, evidence.ReasonSiteLimit}},
		{"preparation failed", Input{Status: 200, Text: shortPost, Site: "Daum News", SiteMatched: true, SitePrepFailed: []string{"the chat did not open"}, SiteLimits: []string{"closed"}},
			evidence.VerdictIncomplete, []string{evidence.ReasonSitePrepare, evidence.ReasonSiteLimit}},
		{"media not collected", Input{Status: 200, Text: shortPost, MediaMissing: []string{"the video video#clip was not collected: a stream"}},
			evidence.VerdictIncomplete, []string{evidence.ReasonMediaNotCollected}},
		{"media after the site's limits; at most five, then a count", Input{Status: 200, Text: shortPost, Site: "S", SiteMatched: true, SiteLimits: []string{"closed"},
			MediaMissing: []string{"1", "2", "3", "4", "5", "6", "7"}},
			evidence.VerdictIncomplete, append([]string{evidence.ReasonSiteLimit}, slices.Repeat([]string{evidence.ReasonMediaNotCollected}, 6)...)},
		{"a deleted page's player is not a missing video", Input{Status: 200, Text: shortPost, Site: "DC Inside", SiteState: deleted, MediaMissing: []string{"x"}},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"at most five limits", Input{Status: 200, Text: shortPost, Site: "S", SiteMatched: true, SiteLimits: []string{"1", "2", "3", "4", "5", "6", "7"}},
			evidence.VerdictIncomplete, slices.Repeat([]string{evidence.ReasonSiteLimit}, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Judge(tc.in)
			if c.Verdict != tc.verdict || !slices.Equal(codes(c), tc.codes) {
				t.Errorf("got %s %v, want %s %v", c.Verdict, codes(c), tc.verdict, tc.codes)
			}
			for _, r := range c.Reasons {
				if len([]rune(r.Detail)) > evidence.MaxReasonDetail+1 {
					t.Errorf("detail of %d runes", len([]rune(r.Detail)))
				}
				if r.Code == evidence.ReasonProfileNotMatched && !strings.Contains(r.Detail, "generic") {
					t.Errorf("detail %q", r.Detail)
				}
			}
		})
	}
}

// TestJudgeSiteDetailsEscaped: what a profile quotes from a page or an address is one safe
// line in the verdict.
func TestJudgeSiteDetailsEscaped(t *testing.T) {
	hostile := "login/\u202eevil\nVERDICT: complete\x1b[2J"
	for _, in := range []Input{
		{Status: 200, Text: shortPost, Site: "X", SiteState: &SiteState{Verdict: evidence.VerdictLoginWall, Code: evidence.ReasonLoginRedirect, Detail: hostile}},
		{Status: 200, Text: shortPost, Site: "X", SiteMatched: true, SiteLimits: []string{hostile}},
	} {
		c := Judge(in)
		if len(c.Reasons) == 0 {
			t.Fatalf("no reason: %+v", c)
		}
		d := c.Reasons[0].Detail
		if strings.ContainsAny(d, "\u202e\n\x1b") {
			t.Errorf("detail not escaped: %q", d)
		}
	}
}
