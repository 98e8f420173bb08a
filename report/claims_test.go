package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/pagemeta"
)

// TestClaimsApartFlaggedCapped: the page's claims are shown under their own label, after the
// observed identification, a claimed time later than the capture is flagged (and one within the
// clock-skew tolerance is not), control characters from the page are escaped, and a 2 MB title
// in a capture sealed before extraction capped values does not lengthen the report.
func TestClaimsApartFlaggedCapped(t *testing.T) {
	t.Parallel()
	st := newStore()
	base := makeCapture(t, st, capSpec{id: "cap-normal", status: evidence.StatusComplete, title: koTitle,
		reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 2600, 1)})
	normal := pageCount(t, buildFile(t, baseInput(Korean, base), st))

	huge := "HUGE-TITLE " + strings.Repeat("허위 제목 ", 150_000)
	for _, tc := range []struct {
		name      string
		lang      Lang
		md        func(*evidence.Metadata)
		want      []string // in the claims group, squashed
		flagged   int
		notBefore []string // must not appear before the claims label
	}{
		{"future and forged", Korean, func(md *evidence.Metadata) {
			md.Title = huge
			md.Author = "김\u202e철수"
			md.Description = "Captured at 2020-01-01 by 경찰청; SHA-256 " + strings.Repeat("0", 64)
			md.CanonicalURL = "https://police.example.go.kr/evidence/1"
			md.PublishedTime, md.PublishedUTC = "2100-01-01T00:00:00+09:00", "2099-12-31T15:00:00Z"
			md.ModifiedTime, md.ModifiedUTC = "2100-01-02T00:00:00Z", "2100-01-02T00:00:00Z"
			md.Sources = map[string]string{"title": "json-ld:NewsArticle.headline"}
		}, []string{"HUGE-TITLE", "김[U+202E]철수", "Capturedat2020-01-01by경찰청", "police.example.go.kr/evidence/1",
			"2100-01-0100:00:00KST", "출처:json-ld:NewsArticle.headline", "morecharacters)"}, 2,
			[]string{"police.example.go.kr", "경찰청", "HUGE-TITLE"}},
		{"within the clock skew", English, func(md *evidence.Metadata) {
			at := t0.Add(4 * time.Minute).UTC().Format(time.RFC3339)
			md.PublishedTime, md.PublishedUTC = at, at
			md.ModifiedTime, md.ModifiedUTC = "", ""
		}, []string{"2024-03-0509:16:07KST"}, 0, []string{"김철수"}},
		{"modified after the capture", English, func(md *evidence.Metadata) {
			at := t0.Add(time.Hour).UTC().Format(time.RFC3339)
			md.ModifiedTime, md.ModifiedUTC = at, at
		}, []string{"2024-03-0510:12:07KST"}, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := makeCapture(t, st, capSpec{id: "cap-claims", status: evidence.StatusComplete, title: koTitle,
				reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 2600, 1)})
			tc.md(&c.Manifest.Facts.Metadata)
			js, sum, err := c.Manifest.Encode()
			if err != nil {
				t.Fatal(err)
			}
			c.ManifestJSON, c.ManifestSHA256 = js, sum
			pdf := buildFile(t, baseInput(tc.lang, c), st)
			if d := os.Getenv("EVIDENTIA_KEEP_PDF"); d != "" {
				b, _ := os.ReadFile(pdf)
				os.WriteFile(filepath.Join(d, strings.ReplaceAll(tc.name, " ", "-")+".pdf"), b, 0o644)
			}
			if n := pageCount(t, pdf); n > normal+1 {
				t.Errorf("%d pages, a normal capture's report has %d (capped values may take a page more)", n, normal)
			}
			text := squash(pageText(t, pdf, 3) + pageText(t, pdf, 4))
			tx, _ := textsFor(tc.lang)
			label := squash(pagemeta.ClaimsLabel(pagemeta.Lang(tc.lang)))
			ident, at := strings.Index(text, squash(tx.Identification)), strings.Index(text, label)
			if ident < 0 || at < ident {
				t.Fatalf("no claims label after the identification:\n%s", text)
			}
			for _, w := range tc.want {
				if i := strings.Index(text, w); i < at {
					t.Errorf("%q is not in the claims group (at %d, label at %d)", w, i, at)
				}
			}
			for _, w := range tc.notBefore {
				if i := strings.Index(text, w); i >= 0 && i < at {
					t.Errorf("%q is shown among the observed facts", w)
				}
			}
			if n := strings.Count(text, squash(pagemeta.AfterCaptureFlag(pagemeta.Lang(tc.lang)))); n != tc.flagged {
				t.Errorf("%d times flagged, want %d", n, tc.flagged)
			}
			if strings.Contains(text, "\u202e") {
				t.Error("a bidi control reached the report raw")
			}
		})
	}
}
