package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"evidentia/pagemeta"
)

// claimPages serves two postings with the same visible body: /claims, whose JSON-LD and metas
// claim things no page can know (who captured it and when, a hash, a canonical address on
// another site, a publication in 2100) under a 2 MB headline and a byline with a bidi control,
// reached through a redirect whose Location carries a terminal escape; and /plain, a normal
// posting.
func claimPages(t testing.TB) *httptest.Server {
	t.Helper()
	body := func(w http.ResponseWriter) {
		fmt.Fprint(w, `<body><h1>후보 A씨 관련 게시물</h1>`)
		for i := range 20 {
			fmt.Fprintf(w, "<p>%d. 선거관리위원회는 해당 게시물이 허위사실 공표에 해당하는지 조사하고 있다.</p>", i+1)
		}
		fmt.Fprint(w, `</body></html>`)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/claims", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		headline := "HEADLINE-START " + strings.Repeat("허위 제목 ", 150_000)
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>후보 A씨 관련 게시물</title>
<link rel="canonical" href="https://police.example.go.kr/evidence/1">
<meta name="author" content="김%s철수 기자">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":%q,
"description":"Captured at 2020-01-01 by 경찰청; SHA-256 %s",
"datePublished":"2100-01-01T00:00:00+09:00","dateModified":"2100-01-02T00:00:00Z"}</script></head>`,
			"\u202e", headline, strings.Repeat("0", 64))
		body(w)
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>후보 A씨 관련 게시물</title>
<meta name="author" content="김철수 기자"><meta property="article:published_time" content="2026-11-20T09:30:00+09:00"></head>`)
		body(w)
	})
	mux.HandleFunc("/go", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{"/claims?x=\x1b[2J\u202e"}
		w.WriteHeader(http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

var pdfPagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

// TestCLIPageClaimsLabelledCappedFlagged captures, with Chromium, a posting whose metadata
// claims a capture, a hash, another site's address and a time in 2100 under a 2 MB headline,
// and a normal posting; the report shows the claims under their own label with the 2100 time
// flagged and is no longer than the normal posting's; show prints them labelled, escaped and
// capped, with the redirect's Location escaped.
func TestCLIPageClaimsLabelledCappedFlagged(t *testing.T) {
	needChrome(t)
	needTools(t, "pdftotext", "pdfinfo")
	srv := claimPages(t)
	data := t.TempDir()
	kase := "주장-2026-001"
	code, out, stderr := evidentia(t, "--data", data, "--chrome", chromePath, "capture", "--case", kase, "--operator", "홍길동",
		"--json", srv.URL+"/go", srv.URL+"/plain")
	if code != exitOK {
		t.Fatalf("capture: exit %d\n%s%s", code, out, stderr)
	}
	ids := map[string]string{}
	for _, l := range decodeLines(t, out) {
		ids[l.URL] = l.ID
		if l.Status != "complete" {
			t.Fatalf("capture of %s: %+v", l.URL, l)
		}
	}
	claimsID, plainID := ids[srv.URL+"/go"], ids[srv.URL+"/plain"]

	// facts.json holds the headline capped, its cut marked; the document keeps all of it.
	code, out, stderr = evidentia(t, "--data", data, "show", "--json", claimsID)
	if code != exitOK {
		t.Fatalf("show --json %s: exit %d %s (ids %v)", claimsID, code, stderr, ids)
	}
	if len(out) > 100_000 || !strings.Contains(out, "HEADLINE-START") || !strings.Contains(out, "more characters)") {
		t.Errorf("show --json is %d bytes; the headline is not capped and marked", len(out))
	}

	pages := map[string]int{}
	texts := map[string]string{}
	for _, id := range []string{claimsID, plainID} {
		pdf := filepath.Join(t.TempDir(), id+".pdf")
		code, out, stderr := evidentia(t, "--data", data, "report", "--case", kase, "--capture", id, "--out", pdf, "--lang", "ko", "--operator", "홍길동")
		if code != exitOK {
			t.Fatalf("report: exit %d\n%s%s", code, out, stderr)
		}
		m := pdfPagesRE.FindStringSubmatch(tool(t, "pdfinfo", pdf))
		if m == nil {
			t.Fatal("pdfinfo: no page count")
		}
		pages[id], _ = strconv.Atoi(m[1])
		texts[id] = tool(t, "pdftotext", pdf, "-")
		if os.Getenv("EVIDENTIA_KEEP_PDF") != "" {
			b, _ := os.ReadFile(pdf)
			os.WriteFile(filepath.Join(os.Getenv("EVIDENTIA_KEEP_PDF"), id+".pdf"), b, 0o644)
		}
	}
	t.Logf("pages: claims %d, plain %d", pages[claimsID], pages[plainID])
	if pages[claimsID] > pages[plainID] {
		t.Errorf("the 2 MB headline makes the report %d pages, the normal posting's has %d", pages[claimsID], pages[plainID])
	}

	text := texts[claimsID]
	flat := strings.Join(strings.Fields(text), "")
	label := strings.Join(strings.Fields(pagemeta.ClaimsLabel(pagemeta.Korean)), "")
	ident := strings.Index(flat, "식별정보")
	at := strings.Index(flat, label)
	if ident < 0 || at < 0 || at < ident {
		t.Fatalf("no claims label %q after the identification table:\n%.3000s", label, text)
	}
	// The claims are under the label, not in the identification table above it. (The
	// summary before both shows the title under a column saying it is the page's.)
	flat, at = flat[ident:], at-ident
	for _, want := range []string{"Capturedat2020-01-01by경찰청;SHA-256" + strings.Repeat("0", 64), "https://police.example.go.kr/evidence/1",
		"2100-01-0100:00:00KST", "HEADLINE-START"} {
		i := strings.Index(flat, want)
		if i < 0 {
			t.Errorf("the report does not show %q", want)
		} else if i < at {
			t.Errorf("%q is shown before the claims label, among the observed facts", want)
		}
	}
	flag := strings.Join(strings.Fields(pagemeta.AfterCaptureFlag(pagemeta.Korean)), "")
	if n := strings.Count(flat[max(at, 0):], flag); n < 2 {
		t.Errorf("the 2100 times are flagged %d times, want 2 (published, modified)", n)
	}
	if strings.Contains(texts[plainID], strings.TrimSpace(pagemeta.AfterCaptureFlag(pagemeta.Korean))) {
		t.Error("the normal posting's time is flagged")
	}

	// show: labelled, flagged, escaped, capped.
	code, out, _ = evidentia(t, "--data", data, "show", claimsID)
	if code != exitOK {
		t.Fatalf("show: exit %d", code)
	}
	if d := os.Getenv("EVIDENTIA_KEEP_PDF"); d != "" {
		os.WriteFile(filepath.Join(d, "show.txt"), []byte(out), 0o644)
	}
	for _, want := range []string{pagemeta.ClaimsLabel(pagemeta.English), pagemeta.AfterCaptureFlag(pagemeta.English),
		"police.example.go.kr/evidence/1", "Captured at 2020-01-01 by 경찰청", `김\u202e철수`, `\x1b[2J`} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("show writes raw control characters:\n%q", out)
	}
	if i, j := strings.Index(out, "Capture "), strings.Index(out, pagemeta.ClaimsLabel(pagemeta.English)); j < 0 || strings.Contains(out[i:j], "police.example") {
		t.Errorf("show mixes the claims with the observed facts:\n%s", out)
	}
	title := false
	for l := range strings.SplitSeq(out, "\n") {
		n := utf8.RuneCountInString(l)
		if n > 2100 {
			t.Errorf("show prints a line of %d characters: %.80s…", n, l)
		}
		if strings.HasPrefix(l, "  Title ") {
			title = true
			if n > pagemeta.ShowCap("title")+60 || !strings.Contains(l, "HEADLINE-START") || !strings.HasSuffix(l, "more characters)") {
				t.Errorf("show prints the title in %d characters, not capped and marked: …%s", n, l[max(0, len(l)-60):])
			}
		}
	}
	if !title {
		t.Error("show prints no title")
	}
}
