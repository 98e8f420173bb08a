package report

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compares the layout of a fixed report, page by page, with the golden files:
// the text as pdftotext -layout places it, and the images as pdfimages -list places them.
// Neither depends on the bytes of the file (object numbers, a later signature). Refresh with
// go test ./report -run TestGolden -update, and read the diff before committing it.
func TestGolden(t *testing.T) {
	t.Parallel()
	st := newStore()
	caps := []Capture{
		makeCapture(t, st, capSpec{id: "cap-20240305-0001", status: evidence.StatusComplete, title: koTitle,
			reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 2600, 1)}),
		makeCapture(t, st, capSpec{id: "cap-20240305-0003", status: evidence.StatusFailed, reason: "net::ERR_NAME_NOT_RESOLVED",
			reqURL: "https://cafe.daum.net/election2024/abcd/12345?svc=cafeapi&q=%EC%84%A0%EA%B1%B0", started: t0.Add(20 * time.Minute)}),
		makeCapture(t, st, capSpec{id: "cap-20240305-0004", status: evidence.StatusComplete, title: "깨진 이미지 😀 테스트",
			reqURL: "https://gall.dcinside.com/board/view/?id=election&no=1234567", finURL: "https://gall.dcinside.com/board/view/?id=election&no=1234567&page=1",
			shot: []byte("\x89PNG\r\n\x1a\n this is not really a PNG"), started: t0.Add(30 * time.Minute)}),
	}
	for _, lang := range []Lang{Korean, English} {
		t.Run(string(lang), func(t *testing.T) {
			pdf := buildFile(t, baseInput(lang, caps...), st)
			pages := strings.Split(strings.TrimSuffix(run(t, "pdftotext", "-layout", pdf, "-"), "\f"), "\f")
			var images strings.Builder
			for _, f := range imageList(t, pdf) {
				// page, type, width, height, color, comp, bpc, enc, x-ppi, y-ppi (not the
				// object number, not the size)
				fmt.Fprintln(&images, strings.Join(append(f[:10:10], f[12:14]...), " "))
			}
			textFile := filepath.Join("testdata", "golden", string(lang)+".txt")
			imgFile := filepath.Join("testdata", "golden", string(lang)+"-images.txt")
			var text strings.Builder
			for i, p := range pages {
				fmt.Fprintf(&text, "==== page %d ====\n%s", i+1, p)
			}
			if *update {
				if err := os.MkdirAll(filepath.Dir(textFile), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(textFile, []byte(text.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(imgFile, []byte(images.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(textFile)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			wantPages := strings.Split(string(want), "==== page ")[1:]
			if len(wantPages) != len(pages) {
				t.Errorf("%d pages, golden has %d", len(pages), len(wantPages))
			}
			for i := range min(len(pages), len(wantPages)) {
				got := fmt.Sprintf("%d ====\n%s", i+1, pages[i])
				if got != wantPages[i] {
					t.Errorf("page %d differs from %s:\n--- got\n%s\n--- want\n%s", i+1, textFile, got, wantPages[i])
				}
			}
			wantImg, err := os.ReadFile(imgFile)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if images.String() != string(wantImg) {
				t.Errorf("image placement differs from %s:\n--- got\n%s--- want\n%s", imgFile, images.String(), wantImg)
			}
		})
	}
}
