package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
)

// fourCaptures is a report's worth of captures: a complete one with a screenshot, a partial
// one with tiles, a failed one without screenshot and one whose screenshot is not an image.
func fourCaptures(t testing.TB, st *store) []Capture {
	t.Helper()
	var tiles [][]byte
	for k := range 3 {
		tiles = append(tiles, pngBytes(t, bandImage(1280, 1500, 500, 3*k)))
	}
	return []Capture{
		makeCapture(t, st, capSpec{id: "cap-20240305-0001", status: evidence.StatusComplete, title: koTitle,
			reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 2600, 1)}),
		makeCapture(t, st, capSpec{id: "cap-20240305-0002", status: evidence.StatusPartial, reason: "scroll limit reached before the end of the comments",
			title:  "블로그: 후보 A씨 관련 게시글에 달린 댓글 모음 (2024년 3월 5일 기준, 삭제 전 원문 그대로)",
			reqURL: "https://blog.naver.com/PostView.naver?blogId=elec_watch&logNo=223456789012&redirect=Dlog&widgetTypeCall=true&from=search&query=%ED%9B%84%EB%B3%B4",
			finURL: "https://m.blog.naver.com/PostView.naver?blogId=elec_watch&logNo=223456789012&navType=by&proxyReferer=https%3A%2F%2Fsearch.naver.com%2Fsearch.naver%3Fquery%3D%25ED%259B%2584%25EB%25B3%25B4",
			tiles:  tiles, tileH: 1500, started: t0.Add(10 * time.Minute)}),
		makeCapture(t, st, capSpec{id: "cap-20240305-0003", status: evidence.StatusFailed, reason: "net::ERR_NAME_NOT_RESOLVED",
			reqURL: "https://cafe.daum.net/election2024/abcd/12345?svc=cafeapi&q=%EC%84%A0%EA%B1%B0", finURL: "", started: t0.Add(20 * time.Minute)}),
		makeCapture(t, st, capSpec{id: "cap-20240305-0004", status: evidence.StatusComplete, title: "깨진 이미지 😀 테스트",
			reqURL: "https://gall.dcinside.com/board/view/?id=election&no=1234567", finURL: "https://gall.dcinside.com/board/view/?id=election&no=1234567&page=1",
			shot: []byte("\x89PNG\r\n\x1a\n this is not really a PNG"), started: t0.Add(30 * time.Minute)}),
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	st := newStore()
	caps := fourCaptures(t, st)
	for _, lang := range []Lang{Korean, English} {
		t.Run(string(lang), func(t *testing.T) {
			tx, _ := textsFor(lang)
			pdf := buildFile(t, baseInput(lang, caps...), st)
			pages := pageCount(t, pdf)
			text := run(t, "pdftotext", pdf, "-")
			raw := squash(run(t, "pdftotext", "-raw", pdf, "-"))

			for _, s := range []string{koTitle, koAuthor, tx.Title, tx.HashTitle, "certutil -hashfile FILE SHA256",
				"shasum -a 256 FILE", "sha256sum FILE", "pdfsig report.pdf", "evidentia verify report.pdf", "pdfdetach -list report.pdf",
				"[U+1F600]", fmt.Sprintf(tx.SignedBy, "서울특별시선거관리위원회 조사과 이수사")} {
				if !strings.Contains(raw, squash(s)) {
					t.Errorf("text lacks %q", s)
				}
			}
			// The undecodable screenshot is a notice, with its hash.
			notice := strings.Split(tx.ShotUndecoded, "%s")[1]
			if !strings.Contains(raw, squash(notice)) {
				t.Errorf("no notice for the corrupt screenshot (%q)", notice)
			}
			for _, c := range caps {
				f := c.Manifest.Facts
				for _, u := range []string{f.RequestedURL, f.FinalURL} {
					if u != "" && !strings.Contains(raw, u) {
						t.Errorf("URL missing or altered: %s", u)
					}
				}
				for _, h := range f.Redirects {
					if !strings.Contains(raw, h.Location) {
						t.Errorf("redirect location missing: %s", h.Location)
					}
				}
				for _, a := range c.Manifest.Artifacts {
					if !hasLine(text, string(a.SHA256)) {
						t.Errorf("%s %s: SHA-256 not whole on a line", c.ID, a.Name)
					}
				}
				if !hasLine(text, string(c.ManifestSHA256)) {
					t.Errorf("%s: manifest SHA-256 not whole on a line", c.ID)
				}
			}

			// Footers: N / M with M the real page count, on the first and the last page.
			for _, p := range []int{1, pages} {
				want := squash(fmt.Sprintf(tx.FooterPage, strconv.Itoa(p), strconv.Itoa(pages)))
				if got := squash(pageText(t, pdf, p)); !strings.Contains(got, want) {
					t.Errorf("page %d: footer %q not found", p, want)
				}
				if got := pageText(t, pdf, p); !strings.Contains(got, "RPT-20240305-0001") {
					t.Errorf("page %d: no report ID", p)
				}
			}

			// Fonts: all embedded, all subsets.
			fonts := strings.Split(strings.TrimSpace(run(t, "pdffonts", pdf)), "\n")[2:]
			if len(fonts) < 2 {
				t.Fatalf("pdffonts: %d fonts", len(fonts))
			}
			for _, l := range fonts {
				fs := strings.Fields(l)
				if !strings.Contains(fs[0], "+NanumGothic") || !strings.Contains(l, " yes yes yes ") {
					t.Errorf("font not embedded as a subset: %s", l)
				}
			}

			checkAttachments(t, pdf, caps)
		})
	}
}

// checkAttachments lists and extracts the embedded files and compares them with the
// manifests.
func checkAttachments(t *testing.T, pdf string, caps []Capture) {
	t.Helper()
	list := run(t, "pdfdetach", "-list", pdf)
	if !strings.Contains(list, fmt.Sprintf("%d embedded files", len(caps))) {
		t.Errorf("pdfdetach -list:\n%s", list)
	}
	dir := t.TempDir()
	run(t, "pdfdetach", "-saveall", "-o", dir, pdf)
	for _, c := range caps {
		if !strings.Contains(list, AttachmentName(c.ID)) {
			t.Errorf("attachment %s not listed", AttachmentName(c.ID))
		}
		b, err := os.ReadFile(filepath.Join(dir, AttachmentName(c.ID)))
		if err != nil {
			t.Errorf("attachment %s: %v", c.ID, err)
			continue
		}
		if !bytes.Equal(b, c.ManifestJSON) {
			t.Errorf("attachment %s differs from the manifest", c.ID)
		}
	}
}

// TestTallTiledScreenshot: a 40,000 px page captured in 8,000 px tiles is shown across many
// pages, full slices of one page each, in order.
func TestTallTiledScreenshot(t *testing.T) {
	t.Parallel()
	const tileH, band = 8000, 1600
	st := newStore()
	var tiles [][]byte
	for k := range 5 {
		tiles = append(tiles, pngBytes(t, bandImage(1280, tileH, band, k*tileH/band)))
	}
	c := makeCapture(t, st, capSpec{id: "cap-tall", status: evidence.StatusComplete, title: koTitle,
		reqURL: longURL, finURL: finalURL, tiles: tiles, tileH: tileH})
	pdf := buildFile(t, baseInput(English, c), st)

	rows := sliceRows(1280)
	want := (5*tileH + rows - 1) / rows
	imgs := imageList(t, pdf)
	if len(imgs) != want {
		t.Fatalf("%d images, want %d slices of %d rows", len(imgs), want, rows)
	}
	var pages []int
	for i, f := range imgs {
		// page num type width height ...
		p, _ := strconv.Atoi(f[0])
		w, _ := strconv.Atoi(f[3])
		h, _ := strconv.Atoi(f[4])
		wantH := rows
		if i == len(imgs)-1 {
			wantH = 5*tileH - (want-1)*rows
		}
		if w != 1280 || h != wantH {
			t.Errorf("slice %d is %dx%d, want 1280x%d", i+1, w, h, wantH)
		}
		if i > 0 && p != pages[i-1]+1 {
			t.Errorf("slice %d on page %d, after page %d", i+1, p, pages[i-1])
		}
		pages = append(pages, p)
	}

	// Render the slices' pages and read the bands down the middle of the image.
	const dpi = 20
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	var seen []int
	for i, p := range pages {
		img := renderPage(t, pdf, p, dpi)
		h := rows
		if i == len(pages)-1 {
			h = 5*tileH - (want-1)*rows
		}
		top := contentTop + shotCaptionH
		for y := px(top) + 2; y < px(top+float64(h)*contentW/1280)-2; y++ {
			if k, ok := nearestBand(img.At(px(marginL+contentW/2), y)); ok {
				seen = append(seen, k)
			}
		}
	}
	last := -1
	var order []int
	for _, k := range seen {
		if k < last {
			t.Fatalf("band %d after band %d: slices out of order (%v)", k, last, order)
		}
		if k != last {
			order = append(order, k)
		}
		last = k
	}
	if len(order) != 5*tileH/band {
		t.Errorf("bands seen %v, want 0..%d", order, 5*tileH/band-1)
	}

	// Each slice's caption names the tiles it comes from and their hashes.
	text := pageText(t, pdf, pages[0])
	a, _ := c.Manifest.Artifact("screenshot-01.png")
	if !strings.Contains(text, "screenshot-01.png") || !hasLine(text, string(a.SHA256)) {
		t.Errorf("first slice page does not caption tile 1 and its hash:\n%s", text)
	}
}

// nearestBand returns the palette index of c, when c is close to one.
func nearestBand(c color.Color) (int, bool) {
	r, g, b, _ := c.RGBA()
	best, bestD := -1, 1<<30
	for k := range 27 {
		p := palette(k)
		dr, dg, db := int(r>>8)-int(p.R), int(g>>8)-int(p.G), int(b>>8)-int(p.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = k, d
		}
	}
	return best, bestD < 30*30
}

func TestTwentyCaptures(t *testing.T) {
	t.Parallel()
	st := newStore()
	var caps []Capture
	for i := range 20 {
		caps = append(caps, makeCapture(t, st, capSpec{
			id: fmt.Sprintf("cap-%03d", i+1), status: evidence.StatusComplete, title: fmt.Sprintf("%s (%d)", koTitle, i+1),
			reqURL: longURL + "&n=" + strconv.Itoa(i), finURL: finalURL + "&n=" + strconv.Itoa(i),
			shot: pngBytes(t, bandImage(1280, 700+10*i, 100, i)), started: t0.Add(time.Duration(i) * time.Minute),
		}))
	}
	pdf := buildFile(t, baseInput(Korean, caps...), st)
	pages := pageCount(t, pdf)
	last := squash(pageText(t, pdf, pages))
	if want := squash(fmt.Sprintf(textsKo.FooterPage, strconv.Itoa(pages), strconv.Itoa(pages))); !strings.Contains(last, want) {
		t.Errorf("last page footer: want %q", want)
	}
	summary := pageText(t, pdf, 2)
	for i := range 20 {
		if !strings.Contains(summary, fmt.Sprintf("%s (%d)", koTitle, i+1)) {
			t.Errorf("summary lacks capture %d", i+1)
		}
	}
	if n := len(imageList(t, pdf)); n < 20 {
		t.Errorf("%d images for 20 screenshots", n)
	}
	checkAttachments(t, pdf, caps)
}

func TestBadInput(t *testing.T) {
	st := newStore()
	good := makeCapture(t, st, capSpec{id: "c1", status: evidence.StatusComplete, title: koTitle, reqURL: longURL, finURL: finalURL})
	mod := func(f func(*Input)) Input {
		in := baseInput(Korean, good)
		f(&in)
		return in
	}
	withCap := func(f func(*Capture)) func(*Input) {
		return func(in *Input) {
			c := good
			m := *good.Manifest
			c.Manifest = &m
			f(&c)
			in.Captures = []Capture{c}
		}
	}
	for name, in := range map[string]Input{
		"no captures":      mod(func(in *Input) { in.Captures = nil }),
		"unknown language": mod(func(in *Input) { in.Lang = "ja" }),
		"empty language":   mod(func(in *Input) { in.Lang = "" }),
		"no report ID":     mod(func(in *Input) { in.ReportID = "" }),
		"no time":          mod(func(in *Input) { in.GeneratedAt = time.Time{} }),
		"no manifest":      mod(withCap(func(c *Capture) { c.Manifest = nil })),
		"other manifest":   mod(withCap(func(c *Capture) { c.Manifest.CaptureID = "c2" })),
		"not sealed":       mod(withCap(func(c *Capture) { c.Manifest.Status = evidence.StatusCapturing })),
		"no JSON":          mod(withCap(func(c *Capture) { c.ManifestJSON = nil })),
		"JSON hash":        mod(withCap(func(c *Capture) { c.ManifestSHA256 = evidence.SumBytes([]byte("x")) })),
		"no ID":            mod(withCap(func(c *Capture) { c.ID = "" })),
		"twice":            mod(func(in *Input) { in.Captures = []Capture{good, good} }),
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			err := Build(context.Background(), &b, in, st.open)
			if !errors.Is(err, ErrBadInput) {
				t.Errorf("err = %v, want ErrBadInput", err)
			}
			if b.Len() != 0 {
				t.Errorf("%d bytes written", b.Len())
			}
		})
	}
	var b bytes.Buffer
	if err := Build(context.Background(), &b, baseInput(Korean, good), nil); !errors.Is(err, ErrBadInput) {
		t.Errorf("nil opener: err = %v, want ErrBadInput", err)
	}
}

func TestCancelled(t *testing.T) {
	t.Parallel()
	st := newStore()
	caps := fourCaptures(t, st)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b bytes.Buffer
	if err := Build(ctx, &b, baseInput(Korean, caps...), st.open); !errors.Is(err, context.Canceled) || b.Len() != 0 {
		t.Errorf("cancelled before: err = %v, %d bytes", err, b.Len())
	}

	// Cancelled while the first screenshot is read.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	open := func(ctx context.Context, d evidence.Digest) (io.ReadCloser, error) {
		cancel()
		return st.open(ctx, d)
	}
	if err := Build(ctx, &b, baseInput(Korean, caps...), open); !errors.Is(err, context.Canceled) || b.Len() != 0 {
		t.Errorf("cancelled during: err = %v, %d bytes", err, b.Len())
	}
}

func TestArtifactErrors(t *testing.T) {
	st := newStore()
	c := makeCapture(t, st, capSpec{id: "c1", status: evidence.StatusComplete, title: koTitle, reqURL: longURL, finURL: finalURL,
		shot: pngBytes(t, bandImage(1280, 800, 400, 0))})
	var b bytes.Buffer
	lying := func(ctx context.Context, d evidence.Digest) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("other bytes")), nil
	}
	if err := Build(context.Background(), &b, baseInput(English, c), lying); !errors.Is(err, ErrArtifactMismatch) {
		t.Errorf("wrong bytes: err = %v, want ErrArtifactMismatch", err)
	}
	gone := errors.New("store: no such artifact")
	failing := func(ctx context.Context, d evidence.Digest) (io.ReadCloser, error) { return nil, gone }
	if err := Build(context.Background(), &b, baseInput(English, c), failing); !errors.Is(err, gone) {
		t.Errorf("opener error: err = %v, want it wrapped", err)
	}
	if b.Len() != 0 {
		t.Errorf("%d bytes written on error", b.Len())
	}
}

// TestDeterministic: a report without images is the same file byte for byte; with images,
// the same pages, text, images and attachments.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	st := newStore()
	caps := fourCaptures(t, st)
	build := func(in Input) []byte {
		var b bytes.Buffer
		if err := Build(context.Background(), &b, in, st.open); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	noImages := baseInput(Korean, caps[2])
	if a, b := build(noImages), build(noImages); !bytes.Equal(a, b) {
		t.Error("two builds of a report without images differ")
	}
	in := baseInput(English, caps...)
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "1.pdf"), filepath.Join(dir, "2.pdf")
	os.WriteFile(p1, build(in), 0o644)
	os.WriteFile(p2, build(in), 0o644)
	if run(t, "pdftotext", "-layout", p1, "-") != run(t, "pdftotext", "-layout", p2, "-") {
		t.Error("two builds have different text")
	}
	if run(t, "pdfimages", "-list", p1) != run(t, "pdfimages", "-list", p2) {
		// Object numbers may differ (see Build); the images themselves may not.
		l1, l2 := imageList(t, p1), imageList(t, p2)
		for i := range l1 {
			a := strings.Join(append(l1[i][:5:5], l1[i][12:]...), " ")
			b := strings.Join(append(l2[i][:5:5], l2[i][12:]...), " ")
			if a != b {
				t.Errorf("image %d: %s vs %s", i, a, b)
			}
		}
	}
}

// TestPrepareShotTiles: overlapping tiles are joined without repeating the overlap, and a
// tile the manifest does not list becomes a notice.
func TestPrepareShotTiles(t *testing.T) {
	st := newStore()
	var tiles [][]byte
	for k := range 3 {
		tiles = append(tiles, pngBytes(t, bandImage(1280, 1000, 100, 0)))
		_ = k
	}
	c := makeCapture(t, st, capSpec{id: "c", status: evidence.StatusComplete, tiles: tiles, tileH: 1000})
	m := c.Manifest
	m.Facts.Method.Tiles[1].Y = 900 // overlaps the first tile by 100 px
	m.Facts.Method.Tiles[2].Y = 1800
	s, err := prepareShot(context.Background(), m, st.open)
	if err != nil {
		t.Fatal(err)
	}
	if s.total != 2800 {
		t.Errorf("joined height %d, want 2800", s.total)
	}
	m.Facts.Method.Tiles = append(m.Facts.Method.Tiles, evidence.Tile{Name: "screenshot-09.png", Y: 2800, Height: 1000})
	s, err = prepareShot(context.Background(), m, st.open)
	if err != nil {
		t.Fatal(err)
	}
	if s.parts[0].notice != "missing" || s.parts[0].name != "screenshot-09.png" {
		t.Errorf("no notice for the missing tile: %+v", s.parts[0])
	}
}
