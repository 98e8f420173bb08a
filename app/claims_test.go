package app

import (
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"evidentia/evidence"
	"evidentia/pagemeta"
	"evidentia/settings"
	"evidentia/store"
)

// TestClaimTranslationsArePagemetas: the window words the page's claims as pagemeta does
// (the report and the command line use pagemeta's words directly).
func TestClaimTranslationsArePagemetas(t *testing.T) {
	for _, tc := range []struct {
		lang string
		pl   pagemeta.Lang
	}{{LangKorean, pagemeta.Korean}, {LangEnglish, pagemeta.English}} {
		tr := loadTranslations(t, tc.lang)
		for key, want := range map[string]string{
			"detail.secPage":      pagemeta.ClaimsLabel(tc.pl),
			"detail.claimsNote":   pagemeta.ClaimsNote(tc.pl),
			"detail.afterCapture": pagemeta.AfterCaptureFlag(tc.pl),
		} {
			if tr[key] != want {
				t.Errorf("%s %s = %q, pagemeta says %q", tc.lang, key, tr[key], want)
			}
		}
	}
}

// TestDetailShowsPageClaimsApart captures, with Chromium, a posting whose metadata claims a
// capture and a hash, another site's address and a publication in 2100 under a 2 MB headline
// and a byline with a bidi control; the detail window shows them under the claims label,
// after the observed facts, the 2100 time flagged in red, the byline escaped and the headline
// capped.
func TestDetailShowsPageClaimsApart(t *testing.T) {
	needChrome(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/claims", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>후보 A씨 관련 게시물</title>
<link rel="canonical" href="https://police.example.go.kr/evidence/1"><meta name="author" content="김%s철수 기자">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":%q,
"description":"Captured at 2020-01-01 by 경찰청; SHA-256 %s","datePublished":"2100-01-01T00:00:00+09:00"}</script>
</head><body><h1>후보 A씨 관련 게시물</h1><p>본문</p></body></html>`,
			"\u202e", "HEADLINE-START "+strings.Repeat("허위 제목 ", 150_000), strings.Repeat("0", 64))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	u, _ := koreanUI(t, settings.Settings{Timeout: 40 * time.Second})
	openNewCase(t, u, store.Case{Name: "페이지 주장"})
	onUI(func() {
		test.Type(u.bar.entry, srv.URL+"/claims")
		test.Tap(u.bar.button)
	})
	rows := rowsDone(t, u, 1, 2*time.Minute)
	rec := rows[0].outcome.Record
	if rec == nil || rec.Status != evidence.StatusComplete {
		t.Fatalf("capture: %+v", rows[0].outcome)
	}
	if n := len([]rune(rec.Title)); n > pagemeta.ShowCap("title") {
		t.Errorf("the stored title is %d characters", n)
	}

	var d *detailView
	onUI(func() {
		u.showDetail(rec.ID)
		d = detailWindows[detailKey{u, rec.ID}]
	})
	if d == nil {
		t.Fatal("no detail window")
	}
	t.Cleanup(func() { onUI(func() { closeDetail(d) }) })
	waitUI(t, 20*time.Second, "the detail to fill", func() bool { return d.rec != nil })
	d.pending.Wait()

	onUI(func() {
		d.w.Resize(fyne.NewSize(1100, 1600))
		d.tabs.SelectIndex(0)
		d.w.Content().Refresh()
		var labels []*widget.Label
		var all []string
		for _, o := range test.LaidOutObjects(d.info) {
			switch o := o.(type) {
			case *widget.Label:
				labels = append(labels, o)
			case *canvas.Text:
				all = append(all, o.Text)
			}
		}
		text := squash(strings.Join(all, ""))
		at := strings.Index(text, squash(pagemeta.ClaimsLabel(pagemeta.Korean)))
		observed := strings.Index(text, squash(T("detail.final")))
		if at < 0 || observed < 0 || at < observed {
			t.Fatalf("no claims label after the observed facts:\n%s", text)
		}
		for _, want := range []string{"Capturedat2020-01-01by경찰청", "police.example.go.kr/evidence/1", "김[U+202E]철수",
			"2100-01-0100:00:00(UTC+09:00)", "HEADLINE-START", "morecharacters)", squash(pagemeta.AfterCaptureFlag(pagemeta.Korean))} {
			if i := strings.Index(text, want); i < at {
				t.Errorf("%q is not shown under the claims label (at %d, label at %d)", want, i, at)
			}
		}
		if strings.Contains(text, "\u202e") {
			t.Error("a raw bidi control is shown")
		}
		flagged := 0
		for _, l := range labels {
			if strings.Contains(l.Text, pagemeta.AfterCaptureFlag(pagemeta.Korean)) {
				flagged++
				if l.Importance != widget.DangerImportance {
					t.Errorf("the flagged time is not shown as a danger: %q", l.Text)
				}
			}
			if n := len([]rune(l.Text)); n > 2*pagemeta.MaxDescription {
				t.Errorf("a label shows %d characters: %.60s…", n, l.Text)
			}
		}
		if flagged != 1 {
			t.Errorf("%d values flagged, want 1 (published)", flagged)
		}
		if dir := os.Getenv("EVIDENTIA_KEEP_PNG"); dir != "" {
			f, err := os.Create(filepath.Join(dir, "detail-claims.png"))
			if err == nil {
				png.Encode(f, d.w.Canvas().Capture())
				f.Close()
			}
		}
	})
}
