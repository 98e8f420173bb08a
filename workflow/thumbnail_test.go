package workflow

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/store"
)

var (
	red  = color.NRGBA{220, 30, 30, 255}
	blue = color.NRGBA{30, 30, 220, 255}
)

// near reports whether c is within 40 of want in every channel.
func near(c color.Color, want color.NRGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { v := int(a>>8) - int(b); return v > -40 && v < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func decodeJPEG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("thumbnail is not a JPEG: %v", err)
	}
	return img
}

func artifactDigest(t *testing.T, rec *store.Record, role string) evidence.Digest {
	t.Helper()
	for _, a := range rec.Artifacts {
		if a.Role == role {
			return a.SHA256
		}
	}
	t.Fatalf("no %s artifact", role)
	return ""
}

func TestThumbnailSizes(t *testing.T) {
	st := openStore(t)
	// Blue above row 750, red below: the thumbnail of a tall page shows its top.
	bands := func(x, y int) color.Color {
		if y < 750 {
			return blue
		}
		return red
	}
	tests := []struct {
		name   string
		files  map[string][]byte
		width  int
		w, h   int
		top    color.NRGBA // colour of the thumbnail's top-left and bottom-left areas
		bottom color.NRGBA
	}{
		{"viewport first", map[string][]byte{
			"viewport.png":   pngOf(t, 1280, 800, func(x, y int) color.Color { return blue }),
			"screenshot.png": pngOf(t, 1280, 3000, func(x, y int) color.Color { return red }),
		}, 320, 320, 200, blue, blue},
		{"tall screenshot cut at 3/4 of the width", map[string][]byte{
			"screenshot.png": pngOf(t, 1000, 3000, bands),
		}, 320, 320, 240, blue, blue},
		{"first tile", map[string][]byte{
			"screenshot-02.png": pngOf(t, 800, 400, func(x, y int) color.Color { return red }),
			"screenshot-01.png": pngOf(t, 800, 400, func(x, y int) color.Color { return blue }),
		}, 200, 200, 100, blue, blue},
		{"small image not enlarged", map[string][]byte{
			"viewport.png": pngOf(t, 100, 50, func(x, y int) color.Color { return red }),
		}, 320, 100, 50, red, red},
		{"transparent on white", map[string][]byte{
			"viewport.png": pngOf(t, 400, 300, func(x, y int) color.Color { return color.NRGBA{} }),
		}, 200, 200, 150, color.NRGBA{255, 255, 255, 255}, color.NRGBA{255, 255, 255, 255}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := sealed(t, st, fmt.Sprintf("https://x.example/%d", i), tt.files)
			start := time.Now()
			b, err := Thumbnail(t.Context(), st, *rec, tt.width)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("made in %v (%d bytes)", time.Since(start), len(b))
			img := decodeJPEG(t, b)
			if got := img.Bounds().Size(); got != image.Pt(tt.w, tt.h) {
				t.Errorf("size %v, want %dx%d", got, tt.w, tt.h)
			}
			if c := img.At(tt.w/2, 2); !near(c, tt.top) {
				t.Errorf("top colour %v, want %v", c, tt.top)
			}
			if c := img.At(tt.w/2, tt.h-2); !near(c, tt.bottom) {
				t.Errorf("bottom colour %v, want %v", c, tt.bottom)
			}
		})
	}
}

func TestThumbnailCache(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	rec := sealed(t, st, "https://a.example/", map[string][]byte{
		"viewport.png": pngOf(t, 1280, 800, func(x, y int) color.Color { return color.NRGBA{uint8(x / 5), uint8(y / 4), 99, 255} }),
	})
	d := artifactDigest(t, rec, evidence.RoleViewport)
	first, err := Thumbnail(ctx, st, *rec, 240)
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(st.Dir(), "cache", "thumbs", string(d)+"-240.jpg")
	fi, err := os.Stat(cache)
	if err != nil {
		t.Fatalf("no cache file: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(cache)); len(entries) != 1 {
		t.Errorf("cache folder holds %d files, want 1 (no temporary file left)", len(entries))
	}

	// A cache hit does not touch the object: it works with the object moved away, and the
	// cache file is not rewritten.
	obj := st.ObjectPath(d)
	if err := os.Rename(obj, obj+".away"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	second, err := Thumbnail(ctx, st, *rec, 240)
	if err != nil || !bytes.Equal(first, second) {
		t.Errorf("cache hit: %d bytes, %v; want the same %d bytes", len(second), err, len(first))
	}
	if fi2, err := os.Stat(cache); err != nil || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Errorf("cache file rewritten on a hit: %v -> %v (%v)", fi.ModTime(), fi2.ModTime(), err)
	}
	// Without the object, another width cannot be made.
	if _, err := Thumbnail(ctx, st, *rec, 100); !errors.Is(err, store.ErrMissingObject) {
		t.Errorf("missing object: %v", err)
	}
	if err := os.Rename(obj+".away", obj); err != nil {
		t.Fatal(err)
	}

	// The cache may be deleted: the thumbnail is made again, the same.
	if err := os.RemoveAll(filepath.Join(st.Dir(), "cache")); err != nil {
		t.Fatal(err)
	}
	if third, err := Thumbnail(ctx, st, *rec, 240); err != nil || !bytes.Equal(first, third) {
		t.Errorf("after deleting the cache: %v, same bytes %v", err, bytes.Equal(first, third))
	}

	// Concurrent callers all get the same thumbnail.
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Go(func() {
			b, err := Thumbnail(ctx, st, *rec, 160)
			if err != nil {
				t.Error(err)
			}
			results[i] = b
		})
	}
	wg.Wait()
	for _, b := range results[1:] {
		if !bytes.Equal(b, results[0]) || len(b) == 0 {
			t.Fatal("concurrent callers got different thumbnails")
		}
	}
}

func TestThumbnailRefusals(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	noImage := sealed(t, st, "https://a.example/", map[string][]byte{"text.txt": []byte("본문만")})
	if _, err := Thumbnail(ctx, st, *noImage, 320); !errors.Is(err, ErrNoImage) {
		t.Errorf("no image: %v", err)
	}
	rec := sealed(t, st, "https://b.example/", map[string][]byte{
		"viewport.png": pngOf(t, 640, 400, func(x, y int) color.Color { return blue }),
	})
	for _, w := range []int{0, -1, MaxThumbnailWidth + 1} {
		if _, err := Thumbnail(ctx, st, *rec, w); !errors.Is(err, ErrInvalid) {
			t.Errorf("width %d: %v", w, err)
		}
	}
	// A damaged image is refused, even though it may still decode, and nothing is cached.
	obj := st.ObjectPath(artifactDigest(t, rec, evidence.RoleViewport))
	b, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0xff // the end of the IEND chunk's CRC: decoders stop before it
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, b, 0o444); err != nil {
		t.Fatal(err)
	}
	if _, err := Thumbnail(ctx, st, *rec, 320); !errors.Is(err, store.ErrDigestMismatch) {
		t.Errorf("damaged image: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(st.Dir(), "cache", "thumbs")); len(entries) != 0 {
		t.Errorf("a thumbnail of a damaged image was cached: %v", entries)
	}
}

// BenchmarkThumbnail makes (uncached) the 320 px thumbnail of a 1280x800 viewport.
func BenchmarkThumbnail(b *testing.B) {
	st, err := store.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	rec := sealed(b, st, "https://a.example/", map[string][]byte{
		"viewport.png": pngOf(b, 1280, 800, func(x, y int) color.Color {
			return color.NRGBA{uint8(x * 7), uint8(y * 3), uint8(x ^ y), 255}
		}),
	})
	cache := filepath.Join(st.Dir(), "cache")
	for b.Loop() {
		if err := os.RemoveAll(cache); err != nil {
			b.Fatal(err)
		}
		if _, err := Thumbnail(b.Context(), st, *rec, 320); err != nil {
			b.Fatal(err)
		}
	}
}
