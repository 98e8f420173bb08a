package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // screenshots are PNG
	"io"
	"runtime"
	"sync"

	"evidentia/evidence"
)

// jpegQuality is the quality of the screenshot slices. Measured on a 1280 x 9000 Chromium
// screenshot of a Korean news page (17 px body text, 12 px grey comment dates): 12 px Hangul
// and digits stay clean at 75, where 60 starts to smear; 75 gives about 0.1 byte per pixel
// (80 gives 10% more, 85 25% more, with no difference a reader can see on paper).
const jpegQuality = 75

// Screenshot pages: a caption of three lines, then the image down to the bottom margin.
const (
	shotCaptionH = 3*3.9 + 1.5
	shotAreaH    = bottom - contentTop - shotCaptionH
)

// ErrArtifactMismatch is returned (wrapped) by Build when the bytes an Opener returned for an
// artifact do not hash to the artifact's digest or size.
var ErrArtifactMismatch = errors.New("report: artifact does not match its digest")

// sliceRows is the height in source pixels of a full slice of an image w pixels wide drawn
// across the content width.
func sliceRows(w int) int {
	return max(1, int(float64(w)*shotAreaH/contentW))
}

// shot is the full-page screenshot of a capture as the report shows it: JPEG slices of one
// page each, and notices where an image could not be shown, in page order.
type shot struct {
	sources []evidence.Artifact // the images, in order (one, or the tiles)
	parts   []shotPart
	total   int // rows of the joined image, in source pixels
}

type shotPart struct {
	jpeg   []byte
	w, h   int   // pixels
	y0, y1 int   // rows of the joined image shown
	from   []int // indexes into shot.sources of the images the rows come from

	// A notice instead of an image.
	notice   string // "undecodable" or "missing"
	art      evidence.Artifact
	name     string
	decError string
}

// prepared is the result of preparing one capture's images and its posting record.
type prepared struct {
	shot *shot // nil: no screenshot
	post *evidence.Posting
	// postNote says why the capture's posting.json could not be decoded ("" when it was, or
	// when the capture has none).
	postNote string
	err      error
}

// prepareAll prepares the screenshots of all captures, at most GOMAXPROCS at a time, and
// returns one channel per capture that yields its result, and a function that waits for the
// workers to stop (call it after cancelling ctx when giving up).
func prepareAll(ctx context.Context, caps []Capture, open Opener) ([]chan prepared, func()) {
	out := make([]chan prepared, len(caps))
	for i := range out {
		out[i] = make(chan prepared, 1)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(caps)) {
		wg.Go(func() {
			for i := range jobs {
				s, err := prepareShot(ctx, caps[i].Manifest, open)
				p := prepared{shot: s, err: err}
				if err == nil {
					p.post, p.postNote, p.err = preparePosting(ctx, caps[i].Manifest, open)
				}
				out[i] <- p
			}
		})
	}
	go func() {
		defer close(jobs)
		for i := range caps {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, wg.Wait
}

// shotSources returns the images that make up the full-page screenshot of m, as
// evidence.PageImage picks them: the tiles Facts.Method.Tiles lists, top to bottom (missing
// names those the manifest does not have), else the tile artifacts, else the screenshot.
func shotSources(m *evidence.Manifest) (srcs []evidence.Artifact, tiles []evidence.Tile, missing []string) {
	return evidence.PageImage(&m.Facts.Method, m.Artifacts)
}

// readArtifact reads an artifact through open and checks it against its digest and size.
func readArtifact(ctx context.Context, open Opener, a evidence.Artifact) ([]byte, error) {
	rc, err := open(ctx, a.SHA256)
	if err != nil {
		return nil, fmt.Errorf("report: opening %s: %w", a.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("report: reading %s: %w", a.Name, err)
	}
	if evidence.SumBytes(b) != a.SHA256 || int64(len(b)) != a.Size {
		return nil, fmt.Errorf("%w: %s", ErrArtifactMismatch, a.Name)
	}
	return b, nil
}

// prepareShot reads, joins and slices the screenshot of m. An image that cannot be decoded
// becomes a notice; an image that cannot be read, or a cancelled ctx, is an error.
func prepareShot(ctx context.Context, m *evidence.Manifest, open Opener) (*shot, error) {
	srcs, tiles, missing := shotSources(m)
	if len(srcs) == 0 && len(missing) == 0 {
		return nil, nil
	}
	s := &shot{sources: srcs}
	for _, name := range missing {
		s.parts = append(s.parts, shotPart{notice: "missing", name: name})
	}
	// Read everything first (compressed, it is small): widths decide the slice height.
	data := make([][]byte, len(srcs))
	width := 0
	for i, a := range srcs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := readArtifact(ctx, open, a)
		if err != nil {
			return nil, err
		}
		data[i] = b
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
			width = max(width, cfg.Width)
		}
	}
	if width == 0 {
		for i, a := range srcs {
			_, _, err := image.DecodeConfig(bytes.NewReader(data[i]))
			s.parts = append(s.parts, shotPart{notice: "undecodable", art: a, decError: errText(err)})
		}
		return s, nil
	}
	sl := &slicer{w: width, rows: sliceRows(width), s: s}
	prevEnd := -1 // CSS pixel where the previous tile ended
	for i, a := range srcs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, _, err := image.Decode(bytes.NewReader(data[i]))
		data[i] = nil
		if err != nil {
			if err := sl.flush(); err != nil {
				return nil, err
			}
			s.parts = append(s.parts, shotPart{notice: "undecodable", art: a, decError: errText(err)})
			continue
		}
		skip := 0
		if tiles != nil {
			t := tiles[i]
			scale := 1.0
			if t.Height > 0 {
				scale = float64(img.Bounds().Dy()) / float64(t.Height)
			}
			if prevEnd > t.Y {
				skip = int(float64(prevEnd-t.Y)*scale + 0.5)
			}
			prevEnd = max(prevEnd, t.Y+t.Height)
		}
		if err := sl.add(ctx, img, i, skip); err != nil {
			return nil, err
		}
	}
	if err := sl.flush(); err != nil {
		return nil, err
	}
	s.total = sl.y
	return s, nil
}

func errText(err error) string {
	if err == nil {
		return "?"
	}
	return err.Error()
}

// slicer cuts a sequence of images, joined top to bottom, into slices of rows pixels and
// encodes each as JPEG.
type slicer struct {
	w, rows int
	s       *shot
	canvas  *image.RGBA
	filled  int   // rows of canvas in use
	from    []int // sources of those rows
	y       int   // rows of the joined image done, including canvas
}

func (sl *slicer) add(ctx context.Context, img image.Image, src, skip int) error {
	b := img.Bounds()
	rgba, fast := img.(*image.RGBA)
	fast = fast && b.Dx() == sl.w && rgba.Opaque()
	for y := b.Min.Y + skip; y < b.Max.Y; {
		if err := ctx.Err(); err != nil {
			return err
		}
		if sl.canvas == nil {
			sl.canvas = image.NewRGBA(image.Rect(0, 0, sl.w, sl.rows))
		}
		if sl.filled == 0 {
			sl.from = sl.from[:0]
		}
		n := min(sl.rows-sl.filled, b.Max.Y-y)
		dst := image.Rect(0, sl.filled, sl.w, sl.filled+n)
		if fast {
			draw.Draw(sl.canvas, dst, img, image.Point{X: b.Min.X, Y: y}, draw.Src)
		} else {
			// Transparency and narrower images go on white paper.
			draw.Draw(sl.canvas, dst, image.NewUniform(color.White), image.Point{}, draw.Src)
			draw.Draw(sl.canvas, dst, img, image.Point{X: b.Min.X, Y: y}, draw.Over)
		}
		if len(sl.from) == 0 || sl.from[len(sl.from)-1] != src {
			sl.from = append(sl.from, src)
		}
		sl.filled += n
		sl.y += n
		y += n
		if sl.filled == sl.rows {
			if err := sl.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush encodes the rows gathered so far as one slice.
func (sl *slicer) flush() error {
	if sl.filled == 0 {
		return nil
	}
	sub := sl.canvas.SubImage(image.Rect(0, 0, sl.w, sl.filled))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, sub, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return fmt.Errorf("report: encoding screenshot: %w", err)
	}
	sl.s.parts = append(sl.s.parts, shotPart{
		jpeg: buf.Bytes(), w: sl.w, h: sl.filled,
		y0: sl.y - sl.filled, y1: sl.y,
		from: append([]int(nil), sl.from...),
	})
	sl.filled = 0
	return nil
}

// preparePosting reads and decodes the posting record of m (nil when it has none). A record
// that cannot be decoded becomes a note; one that cannot be read, or does not match its
// digest, is an error, as for an image.
func preparePosting(ctx context.Context, m *evidence.Manifest, open Opener) (*evidence.Posting, string, error) {
	for _, a := range m.Artifacts {
		if a.Role != evidence.RolePosting {
			continue
		}
		b, err := readArtifact(ctx, open, a)
		if err != nil {
			return nil, "", err
		}
		p, err := evidence.DecodePosting(b)
		if err != nil {
			return nil, errText(err), nil
		}
		return p, "", nil
	}
	return nil, "", nil
}
