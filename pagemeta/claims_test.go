package pagemeta

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"evidentia/evidence"
)

// TestExtractCaps: every field is cut to its cap at extraction, the cut marked in the value and
// in Sources; values within their cap are left alone; post identifiers come from the full
// address before it is cut.
func TestExtractCaps(t *testing.T) {
	long := func(word string, n int) string { return strings.TrimSpace(strings.Repeat(word+" ", n)) }
	longPath := "https://news.example.com/" + strings.Repeat("p", 3000) + "?articleId=4242"
	for _, tc := range []struct {
		name  string
		head  string
		field string
		get   func(evidence.Metadata) string
		cap   int // 0: not cut
		check func(t *testing.T, md evidence.Metadata)
	}{
		{"2 MB JSON-LD headline", fmt.Sprintf(`<script type="application/ld+json">{"@type":"NewsArticle","headline":%q}</script>`,
			"HEADLINE-START "+long("허위 제목", 150_000)), "title", func(m evidence.Metadata) string { return m.Title }, MaxTitle, nil},
		{"long description", `<meta name="description" content="` + long("설명", 3000) + `">`, "description",
			func(m evidence.Metadata) string { return m.Description }, MaxDescription, nil},
		{"long author", `<meta name="author" content="` + long("김철수", 500) + `">`, "author",
			func(m evidence.Metadata) string { return m.Author }, MaxAuthor, nil},
		{"long site name", `<meta property="og:site_name" content="` + long("site", 500) + `">`, "site_name",
			func(m evidence.Metadata) string { return m.SiteName }, MaxSiteName, nil},
		{"long unparsable time", `<meta property="article:published_time" content="` + long("soon", 500) + `">`, "published_time",
			func(m evidence.Metadata) string { return m.PublishedTime }, MaxTime, nil},
		{"long canonical URL, its post ID still read", `<link rel="canonical" href="` + longPath + `">`, "canonical_url",
			func(m evidence.Metadata) string { return m.CanonicalURL }, MaxURL, func(t *testing.T, md evidence.Metadata) {
				if md.PostIDs["articleId"] != "4242" {
					t.Errorf("post IDs %v: the ID at the end of the full address is lost", md.PostIDs)
				}
			}},
		{"short title kept", `<title>후보 A씨 관련 게시물</title>`, "title", func(m evidence.Metadata) string { return m.Title }, 0,
			func(t *testing.T, md evidence.Metadata) {
				if md.Title != "후보 A씨 관련 게시물" || md.Sources["title"] != "html:title" {
					t.Errorf("title %q from %q", md.Title, md.Sources["title"])
				}
			}},
		{"long JSON-LD type in Sources", fmt.Sprintf(`<script type="application/ld+json">{"@type":["NewsArticle",%q],"headline":"h"}</script>`,
			long("T", 1000)), "title", func(m evidence.Metadata) string { return m.Title }, 0, func(t *testing.T, md evidence.Metadata) {
			for k, v := range md.Sources {
				if n := utf8.RuneCountInString(v); n > MaxSource+capMark {
					t.Errorf("Sources[%s] is %d characters", k, n)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := Extract(`<!doctype html><html><head>`+tc.head+`</head><body></body></html>`, "https://news.example.com/a")
			got := tc.get(md)
			if tc.cap > 0 {
				n := utf8.RuneCountInString(got)
				if n > tc.cap+capMark || !strings.HasSuffix(got, " more characters)") || !strings.Contains(got, "…") {
					t.Errorf("%s is %d characters, not cut at %d and marked: …%q", tc.field, n, tc.cap, got[max(0, len(got)-60):])
				}
				if want := fmt.Sprintf("(cut to %d characters)", tc.cap); !strings.HasSuffix(md.Sources[tc.field], want) {
					t.Errorf("Sources[%s] = %q, want it to end with %q", tc.field, md.Sources[tc.field], want)
				}
				if strings.HasPrefix(tc.name, "2 MB") && !strings.HasPrefix(got, "HEADLINE-START 허위 제목") {
					t.Errorf("the start of the headline is lost: %.40q", got)
				}
				// Shown whole: the display cap leaves room for the mark.
				for _, c := range Claims(md, time.Time{}) {
					if c.Field == tc.field && c.Value != got {
						t.Errorf("Claims cut the extracted value again: %q", c.Value[max(0, len(c.Value)-60):])
					}
				}
			} else if strings.Contains(got, "more characters)") || strings.Contains(md.Sources[tc.field], "cut to") {
				t.Errorf("%s %q was cut (%q)", tc.field, got, md.Sources[tc.field])
			}
			if tc.check != nil {
				tc.check(t, md)
			}
		})
	}
}

func TestAfterCapture(t *testing.T) {
	started := time.Date(2026, 11, 20, 0, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		claimed time.Time
		started time.Time
		want    bool
	}{
		{"before", started.Add(-time.Hour), started, false},
		{"same instant", started, started, false},
		{"within the skew", started.Add(ClockSkew), started, false},
		{"just beyond the skew", started.Add(ClockSkew + time.Second), started, true},
		{"2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), started, true},
		{"no capture time", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, false},
		{"no claimed time", time.Time{}, started, false},
	} {
		if got := AfterCapture(tc.claimed, tc.started); got != tc.want {
			t.Errorf("%s: AfterCapture = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestClaims(t *testing.T) {
	started := time.Date(2026, 11, 20, 0, 30, 0, 0, time.UTC)
	md := evidence.Metadata{
		Title: "HUGE " + strings.Repeat("가", 2_000_000), Author: "김\u202e철수", SiteName: "테스트일보", Lang: "ko",
		PublishedTime: "2100-01-01T00:00:00+09:00", PublishedUTC: "2099-12-31T15:00:00Z",
		ModifiedTime: "2026.11.20. 오전 9:31", // not a recognised time: no flag
		Description:  "Captured at 2020-01-01 by 경찰청; SHA-256 " + strings.Repeat("0", 64),
		CanonicalURL: "https://police.example.go.kr/evidence/1",
		PostIDs:      map[string]string{"oid": "001", "aid": "0014567890"},
		Sources:      map[string]string{"title": "json-ld:NewsArticle.headline", "author": "meta:author"},
		Keywords:     "not shown",
	}
	cs := Claims(md, started)
	var fields []string
	for _, c := range cs {
		fields = append(fields, c.Field)
	}
	if got, want := strings.Join(fields, ","), "title,author,site_name,published_time,modified_time,lang,description,canonical_url,post_ids"; got != want {
		t.Fatalf("fields %s, want %s", got, want)
	}
	byField := map[string]Claim{}
	for _, c := range cs {
		byField[c.Field] = c
	}
	for _, tc := range []struct {
		field, value, text, source string
		after                      bool
		time                       string
	}{
		{"author", "김\u202e철수", `김\u202e철수`, "meta:author", false, ""},
		{"published_time", "2100-01-01T00:00:00+09:00", "2100-01-01T00:00:00+09:00", "", true, "2099-12-31T15:00:00Z"},
		{"modified_time", "2026.11.20. 오전 9:31", "2026.11.20. 오전 9:31", "", false, ""},
		{"canonical_url", md.CanonicalURL, md.CanonicalURL, "", false, ""},
		{"post_ids", "aid: 0014567890, oid: 001", "aid: 0014567890, oid: 001", "", false, ""},
	} {
		c := byField[tc.field]
		if c.Value != tc.value || c.Text != tc.text || c.Source != tc.source || c.AfterCapture != tc.after {
			t.Errorf("%s: %+v", tc.field, c)
		}
		if tc.time != "" && c.Time.UTC().Format(time.RFC3339) != tc.time || tc.time == "" && !c.Time.IsZero() {
			t.Errorf("%s: time %v, want %q", tc.field, c.Time, tc.time)
		}
	}
	// A title sealed before extraction capped it is shown capped.
	title := byField["title"]
	if n := utf8.RuneCountInString(title.Value); n > ShowCap("title")+capMark || !strings.HasPrefix(title.Value, "HUGE 가") ||
		!strings.HasSuffix(title.Value, fmt.Sprintf("(%d more characters)", 2_000_005-ShowCap("title"))) {
		t.Errorf("title of %d characters: …%q", n, title.Value[len(title.Value)-40:])
	}
	if len(Claims(evidence.Metadata{}, started)) != 0 {
		t.Error("claims from empty metadata")
	}
}
