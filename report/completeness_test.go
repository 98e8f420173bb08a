package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"evidentia/evidence"
)

// judge sets c's verdict and re-encodes its manifest.
func judge(t *testing.T, c *Capture, v *evidence.Completeness) {
	t.Helper()
	c.Manifest.Facts.Completeness = v
	js, sum, err := c.Manifest.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c.ManifestJSON, c.ManifestSHA256 = js, sum
}

// TestCompletenessInReport: a capture sealed complete that holds a login screen says so in its
// identification (the verdict in plain words, set in red; the reason; the page's words escaped
// and labelled as the matched text; the comment count), in the summary ("완료 · 로그인 화면")
// and on the cover; a capture judged complete says it was captured in full; and a capture made
// before verdicts has no completeness row at all (the goldens keep their bytes).
func TestCompletenessInReport(t *testing.T) {
	t.Parallel()
	hostile := `matched "로그인" in the page text: "` + "\u202e로그인하고 게시물 보기\x1b[31m" + `"`
	for _, lang := range []Lang{Korean, English} {
		t.Run(string(lang), func(t *testing.T) {
			st := newStore()
			wall := makeCapture(t, st, capSpec{id: "cap-login", status: evidence.StatusComplete, title: koTitle,
				reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1200, 1)})
			judge(t, &wall, &evidence.Completeness{Verdict: evidence.VerdictLoginWall,
				Reasons:  []evidence.Reason{evidence.NewReason(evidence.ReasonLoginNotice, hostile)},
				Comments: &evidence.CommentCount{Expected: 120, Captured: 20}})
			whole := makeCapture(t, st, capSpec{id: "cap-whole", status: evidence.StatusComplete, title: "전체 게시물",
				reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1200, 2)})
			judge(t, &whole, &evidence.Completeness{Verdict: evidence.VerdictComplete, Reasons: []evidence.Reason{},
				Comments: &evidence.CommentCount{Expected: evidence.CommentsNotStated, Captured: 7}})
			old := makeCapture(t, st, capSpec{id: "cap-old", status: evidence.StatusComplete, title: "이전 채증",
				reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1200, 3)})
			pdf := buildFile(t, baseInput(lang, wall, whole, old), st)
			tx, _ := textsFor(lang)
			code := string(lang)

			n := pageCount(t, pdf)
			pages := make([]string, n+1)
			all := ""
			for p := 1; p <= n; p++ {
				pages[p] = squash(pageText(t, pdf, p))
				all += pages[p]
			}
			if strings.ContainsAny(all, "\u202e\x1b") {
				t.Error("a bidi control or ESC reached the report raw")
			}
			// The cover counts the capture that does not hold the whole posting.
			if !strings.Contains(pages[1], squash(strings.ReplaceAll(tx.NotWholeFmt, "%d", "1"))) {
				t.Errorf("the cover does not say one capture is not whole:\n%s", pages[1])
			}
			// The summary: the login wall is not "complete" alone.
			if !strings.Contains(pages[2], squash(tx.StatusComplete+" · "+evidence.VerdictLoginWall.Name(tx.LangCode))) {
				t.Errorf("the summary does not name the login wall:\n%s", pages[2])
			}
			// Each capture's section, by its ID.
			section := func(id string) string {
				for p := 3; p <= n; p++ {
					if strings.Contains(pages[p], squash(tx.Identification)) && strings.Contains(pages[p], id) {
						return pages[p]
					}
				}
				t.Fatalf("no section of %s", id)
				return ""
			}
			s := section("cap-login")
			for _, w := range []string{tx.Completeness, evidence.VerdictLoginWall.Text(code),
				evidence.Reason{Code: evidence.ReasonLoginNotice}.Text(code),
				strings.TrimSuffix(tx.ReasonMatched, "%s"), "[U+202E]로그인하고게시물보기[U+001B][31m",
				strings.NewReplacer("%[1]s", "20", "%[2]s", "120").Replace(tx.CommentsCount)} {
				if !strings.Contains(s, squash(w)) {
					t.Errorf("the login wall's section lacks %q:\n%s", w, s)
				}
			}
			// The verdict follows the status, before the addresses.
			if i, j, k := strings.Index(s, squash(tx.Status)), strings.Index(s, squash(tx.Completeness)), strings.Index(s, squash(tx.RequestedURL)); !(i < j && j < k) {
				t.Errorf("the verdict is not between the status and the address (%d, %d, %d)", i, j, k)
			}
			s = section("cap-whole")
			for _, w := range []string{tx.Completeness, evidence.VerdictComplete.Text(code), strings.ReplaceAll(tx.CommentsNoCount, "%s", "7")} {
				if !strings.Contains(s, squash(w)) {
					t.Errorf("the complete capture's section lacks %q", w)
				}
			}
			if s := section("cap-old"); strings.Contains(s, squash(tx.Completeness)) {
				t.Error("a capture made before verdicts shows a completeness row")
			}
			if d := os.Getenv("EVIDENTIA_SHOTS"); d != "" && lang == Korean {
				for p := 3; p <= n; p++ {
					if strings.Contains(pages[p], "cap-login") && strings.Contains(pages[p], squash(tx.Identification)) {
						if err := os.MkdirAll(d, 0o755); err != nil {
							t.Fatal(err)
						}
						ps := strconv.Itoa(p)
						out := filepath.Join(d, "report-login-wall")
						if b, err := exec.Command("pdftoppm", "-r", "80", "-f", ps, "-l", ps, "-png", "-singlefile", pdf, out).CombinedOutput(); err != nil {
							t.Errorf("pdftoppm: %v\n%s", err, b)
						}
						if b, err := exec.Command("pdftoppm", "-r", "80", "-f", "2", "-l", "2", "-png", "-singlefile", pdf, filepath.Join(d, "report-summary")).CombinedOutput(); err != nil {
							t.Errorf("pdftoppm: %v\n%s", err, b)
						}
						break
					}
				}
			}
		})
	}
}

// TestCompletenessTextsDrawable: every verdict and reason text, in both languages, is drawn by
// the report font (nothing replaced), and so are the marks the completeness cell adds.
func TestCompletenessTextsDrawable(t *testing.T) {
	d, err := newDoc(context.Background(), &textsKo)
	if err != nil {
		t.Fatal(err)
	}
	for key, tx := range evidence.KeyTexts() {
		for _, s := range tx {
			if c := d.clean(s); c != s {
				t.Errorf("%s: the font cannot draw all of %q (%q)", key, s, c)
			}
		}
	}
	for _, s := range []string{"• ", " · "} {
		if c := d.clean(s); c != s {
			t.Errorf("the font cannot draw %q", s)
		}
	}
	for _, v := range evidence.Verdicts() {
		if v != evidence.VerdictComplete && d.verdictName(v) == "" {
			t.Errorf("%s has no short name", v)
		}
	}
}
