package app

import (
	"context"
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
	"evidentia/settings"
	"evidentia/store"
)

// hostileDetail quotes a page that tries to reverse the text (U+202E) and to send a terminal
// escape (ESC): both must be shown escaped.
const hostileDetail = "matched \"로그인\" in the page text: \"\u202e로그인하고 게시물 보기\x1b[31m\""

// sealJudged seals a capture of caseName with the completeness c (nil: made before verdicts).
func sealJudged(t *testing.T, st *store.Store, caseName, url string, status evidence.Status, c *evidence.Completeness) *store.Record {
	t.Helper()
	ctx := context.Background()
	if _, err := st.EnsureCase(ctx, caseName, "홍길동"); err != nil {
		t.Fatal(err)
	}
	id, err := st.BeginCapture(ctx, caseName, url, "홍길동")
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "screenshot.png")
	if err := os.WriteFile(shot, testPNG(320, 600, 20), 0o600); err != nil {
		t.Fatal(err)
	}
	f := synthFacts(synth{url: url, title: "판정 " + url}, caseName)
	f.Completeness = c
	rec, err := st.Seal(ctx, id, store.SealRequest{Status: status, Facts: f, Actor: "홍길동",
		Files: []store.SealFile{{Name: "screenshot.png", MediaType: "image/png", Role: evidence.RoleScreenshot, Path: shot}}})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// judged is a verdict with one reason carrying the hostile detail.
func judged(v evidence.Verdict, code string) *evidence.Completeness {
	return &evidence.Completeness{Verdict: v, Reasons: []evidence.Reason{evidence.NewReason(code, hostileDetail)}}
}

var notComplete = []struct {
	v    evidence.Verdict
	code string
	imp  widget.Importance
}{
	{evidence.VerdictIncomplete, evidence.ReasonExpansionLimit, widget.WarningImportance},
	{evidence.VerdictLoginWall, evidence.ReasonLoginNotice, widget.DangerImportance},
	{evidence.VerdictDeleted, evidence.ReasonDeletedNotice, widget.DangerImportance},
	{evidence.VerdictBlocked, evidence.ReasonCaptcha, widget.DangerImportance},
	{evidence.VerdictEmpty, evidence.ReasonNoContent, widget.DangerImportance},
	{evidence.VerdictErrorPage, evidence.ReasonHTTP404, widget.DangerImportance},
}

// TestCompletenessListBadge: a capture sealed complete whose verdict is not complete is never
// listed as complete (no green "완료"): the row shows the verdict's short name in orange or red.
// A complete verdict and a capture made before verdicts keep the green status.
func TestCompletenessListBadge(t *testing.T) {
	for _, l := range []string{LangKorean, LangEnglish} {
		t.Run(l, func(t *testing.T) {
			u, w := lockedUI(t, settings.Settings{Lang: l})
			ids := map[string]int{}
			for i, c := range notComplete {
				r := sealJudged(t, u.st, "판정", "https://example.org/"+string(c.v), evidence.StatusComplete, judged(c.v, c.code))
				ids[r.ID] = i
			}
			whole := sealJudged(t, u.st, "판정", "https://example.org/whole", evidence.StatusComplete,
				&evidence.Completeness{Verdict: evidence.VerdictComplete, Reasons: []evidence.Reason{},
					Comments: &evidence.CommentCount{Expected: 3, Captured: 3}})
			old := sealJudged(t, u.st, "판정", "https://example.org/old", evidence.StatusComplete, nil)
			part := sealJudged(t, u.st, "판정", "https://example.org/part", evidence.StatusPartial, judged(evidence.VerdictLoginWall, evidence.ReasonLoginNotice))
			openCaseAndWait(u, "판정")
			p := u.list
			if len(p.recs) != len(notComplete)+3 {
				t.Fatalf("%d listed", len(p.recs))
			}
			p.list.Resize(fyne.NewSize(900, 2000)) // every row bound
			settle(u)
			seen := 0
			for _, r := range p.rows {
				if r.id == "" {
					continue
				}
				if i, ok := ids[r.id]; ok {
					seen++
					c := notComplete[i]
					if r.status.Text == T("status.complete") || r.status.Importance == widget.SuccessImportance {
						t.Errorf("%s: listed as complete (%q, importance %v)", c.v, r.status.Text, r.status.Importance)
					}
					if r.status.Text != c.v.Name(currentLang) || r.status.Importance != c.imp {
						t.Errorf("%s: row says %q (%v), want %q (%v)", c.v, r.status.Text, r.status.Importance, c.v.Name(currentLang), c.imp)
					}
					continue
				}
				switch r.id {
				case whole.ID, old.ID:
					if r.status.Text != T("status.complete") || r.status.Importance != widget.SuccessImportance {
						t.Errorf("a complete capture shows %q (%v)", r.status.Text, r.status.Importance)
					}
				case part.ID:
					if want := T("status.partial") + " · " + evidence.VerdictLoginWall.Name(currentLang); r.status.Text != want || r.status.Importance != widget.DangerImportance {
						t.Errorf("partial login wall shows %q (%v), want %q", r.status.Text, r.status.Importance, want)
					}
				}
			}
			if seen != len(notComplete) {
				t.Errorf("%d of the %d judged rows were bound", seen, len(notComplete))
			}
			if l == LangKorean {
				w.Resize(fyne.NewSize(1000, 760))
				settle(u)
				shoot(t, w, "list-verdicts.png")
			}
		})
	}
}

// TestCompletenessDetail: the detail shows the verdict in plain words, each reason with the
// matched text escaped (U+202E and ESC never reach a label raw), the comment count, and for a
// capture made before verdicts, that it was not judged. The heading does not say complete.
func TestCompletenessDetail(t *testing.T) {
	for _, l := range []string{LangKorean, LangEnglish} {
		t.Run(l, func(t *testing.T) {
			u, _ := lockedUI(t, settings.Settings{Lang: l})
			for _, c := range notComplete {
				jc := judged(c.v, c.code)
				jc.Comments = &evidence.CommentCount{Expected: 120, Captured: 20}
				rec := sealJudged(t, u.st, "판정", "https://example.org/"+string(c.v), evidence.StatusComplete, jc)
				d := detailOf(t, u, rec.ID)
				d.tabs.SelectIndex(0)
				wantShown(t, d.w.Content(), T("detail.completeness"), c.v.Text(l), jc.Reasons[0].Text(l),
					T("detail.commentsCount", map[string]any{"Captured": "20", "Expected": "120"}),
					`[U+202E]로그인하고 게시물 보기[U+001B][31m`)
				txt := labelsText(d.w.Content())
				if strings.ContainsAny(txt, "\u202e\x1b") {
					t.Errorf("%s: a raw U+202E or ESC is shown", c.v)
				}
				if d.status.Importance == widget.SuccessImportance || strings.HasPrefix(d.status.Text, T("status.complete")) && !strings.Contains(d.status.Text, c.v.Name(currentLang)) {
					t.Errorf("%s: the heading says %q (%v)", c.v, d.status.Text, d.status.Importance)
				}
				if v := verdictLabel(d); v == nil || v.Importance != c.imp {
					t.Errorf("%s: the verdict is not shown with importance %v", c.v, c.imp)
				}
				if c.v == evidence.VerdictLoginWall && l == LangKorean {
					shootDetail(t, d)
				}
				closeDetail(d)
			}
			// A page that states no count; a capture made before verdicts.
			nc := &evidence.Completeness{Verdict: evidence.VerdictComplete, Reasons: []evidence.Reason{},
				Comments: &evidence.CommentCount{Expected: evidence.CommentsNotStated, Captured: 20}}
			rec := sealJudged(t, u.st, "판정", "https://example.org/nocount", evidence.StatusComplete, nc)
			d := detailOf(t, u, rec.ID)
			wantShown(t, d.w.Content(), evidence.VerdictComplete.Text(l), T("detail.commentsNoCount", map[string]any{"Captured": "20"}))
			if v := verdictLabel(d); v == nil || v.Importance != widget.SuccessImportance {
				t.Error("a complete verdict is not shown as success")
			}
			closeDetail(d)
			rec = sealJudged(t, u.st, "판정", "https://example.org/old", evidence.StatusComplete, nil)
			d = detailOf(t, u, rec.ID)
			wantShown(t, d.w.Content(), T("detail.completeness"), T("detail.notJudged"))
			closeDetail(d)
		})
	}
}

// labelsText is every text laid out under o, raw.
func labelsText(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, obj := range test.LaidOutObjects(o) {
		if t, ok := obj.(*canvas.Text); ok {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

// verdictLabel is the value label of the completeness row of d's info tab.
func verdictLabel(d *detailView) *widget.Label {
	for _, o := range d.info.Objects {
		c, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		for i, x := range c.Objects {
			if l, ok := x.(*widget.Label); ok && l.Text == T("detail.completeness") && i+1 < len(c.Objects) {
				v, _ := c.Objects[i+1].(*widget.Label)
				return v
			}
		}
	}
	return nil
}

// shootDetail writes d's window as a PNG to EVIDENTIA_SHOTS (when set), for a person to look at.
func shootDetail(t *testing.T, d *detailView) { shoot(t, d.w, "detail-login-wall.png") }

// shoot writes w as the PNG name in EVIDENTIA_SHOTS (when set).
func shoot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("EVIDENTIA_SHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestQueueSaysALoginWallIsNotThePosting: capturing a login screen ends in the queue with the
// verdict, in plain words and in danger colours, never with the green "complete".
func TestQueueSaysALoginWallIsNotThePosting(t *testing.T) {
	needChrome(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>Instagram</title></head><body>
<div><h2>로그인하고 게시물 보기</h2><p>친구들의 사진과 동영상을 보려면 로그인하세요.</p>
<form><input name="username"><input type="password"><button>로그인</button></form></div></body></html>`)
	}))
	t.Cleanup(srv.Close)
	u, _ := koreanUI(t, settings.Settings{Timeout: 40 * time.Second})
	openNewCase(t, u, store.Case{Name: "로그인 벽"})
	onUI(func() { u.queue.start("로그인 벽", []string{srv.URL + "/p/abc"}) })
	r := rowsDone(t, u, 1, time.Minute)[0]
	status, info := rowTexts(r)
	if r.outcome.Record == nil || r.outcome.Record.Status != evidence.StatusComplete {
		t.Fatalf("outcome %+v", r.outcome)
	}
	if status != evidence.VerdictLoginWall.Name(currentLang) || status == T("queue.complete") || !strings.Contains(info, "로그인") {
		t.Errorf("row %q %q", status, info)
	}
	var imp widget.Importance
	onUI(func() { imp = r.stageLabel.Importance })
	if imp != widget.DangerImportance {
		t.Errorf("importance %v, want danger", imp)
	}
}
