package report

import (
	"strings"
	"testing"

	"evidentia/evidence"
)

// TestMethodNamesLayoutChanges: when the engine scrolled a frame or an element rather than the
// document, and changed the layout so that the full-page screenshot shows the whole content,
// the method table says both, in both languages, with the page's own names escaped.
func TestMethodNamesLayoutChanges(t *testing.T) {
	t.Parallel()
	for _, lang := range []Lang{Korean, English} {
		t.Run(string(lang), func(t *testing.T) {
			st := newStore()
			c := makeCapture(t, st, capSpec{id: "cap-frame", status: evidence.StatusComplete, title: koTitle, reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1200, 1)})
			m := &c.Manifest.Facts.Method
			m.ScrollTarget = "iframe#mainFrame\u202e"
			m.Layout = "the frame iframe#mainFrame holds the main content and the outer page does not scroll: for the full-page screenshot the frame was made as tall as its content (6497 px, from 860 px)"
			judge(t, &c, nil)
			pdf := buildFile(t, baseInput(lang, c), st)
			tx, _ := textsFor(lang)
			all := ""
			for p := 1; p <= pageCount(t, pdf); p++ {
				all += squash(pageText(t, pdf, p))
			}
			for _, want := range []string{tx.ScrollTarget, "iframe#mainFrame[U+202E]", tx.Layout, "6497 px, from 860 px"} {
				if !strings.Contains(all, squash(want)) {
					t.Errorf("the report lacks %q", want)
				}
			}
			if strings.Contains(all, "\u202e") {
				t.Error("a bidi control reached the report raw")
			}
		})
	}
}
