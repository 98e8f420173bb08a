package sites

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// TestDaumNewsLimitsWindow: the timetalk window is 24 hours for articles sent before
// 2025-03-31 and 48 hours since; articles before 2023-06-08 show no comments at all.
func TestDaumNewsLimitsWindow(t *testing.T) {
	doc, _ := html.Parse(strings.NewReader(`<div class="head_view"><h3 class="tit_view">t</h3></div>`))
	at := func(s string) *evidence.PageTime {
		v, _ := time.Parse(time.RFC3339, s)
		return &evidence.PageTime{UTC: v.UTC().Format(time.RFC3339)}
	}
	for _, tc := range []struct {
		posted, started, want string // want: "" for no limit, else a phrase of it
	}{
		{"2024-05-01T09:00:00+09:00", "2024-05-02T08:00:00Z", "only for 24 hours"}, // 32 hours later
		{"2024-05-01T09:00:00+09:00", "2024-05-01T20:00:00Z", ""},                  // 20 hours later
		{"2026-05-01T09:00:00+09:00", "2026-05-02T08:00:00Z", ""},                  // 32 hours: within 48
		{"2026-05-01T09:00:00+09:00", "2026-05-03T01:00:00Z", "only for 48 hours"}, // 49 hours
		{"2023-06-01T09:00:00+09:00", "2023-06-01T01:00:00Z", "before its 타임톡 began"},
	} {
		p := &evidence.Posting{Posted: at(tc.posted)}
		got := strings.Join(daumNewsLimits(doc, nil, p, Context{Started: tc.started}), " ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("posted %s started %s: %q, want %q", tc.posted, tc.started, got, tc.want)
		}
	}
	// The page's own closing words count even when the time could not be read.
	closed, _ := html.Parse(strings.NewReader(`<div class="head_view"><h3 class="tit_view">t</h3><p>타임톡이 종료되었습니다</p></div>`))
	if got := daumNewsLimits(closed, nil, &evidence.Posting{}, Context{}); len(got) != 1 || !strings.Contains(got[0], "타임톡이 종료되었습니다") {
		t.Errorf("closed notice: %q", got)
	}
}
