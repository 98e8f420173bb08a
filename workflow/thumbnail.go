package workflow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // screenshots are PNG
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/draw"

	"evidentia/evidence"
	"evidentia/store"
)

// ErrNoImage means a capture has no image to make a thumbnail of.
var ErrNoImage = errors.New("workflow: the capture has no image")

// MaxThumbnailWidth is the widest thumbnail Thumbnail makes.
const MaxThumbnailWidth = 2048

// thumbQuality is the JPEG quality of thumbnails.
const thumbQuality = 85

// thumbLocks serialises the making of one thumbnail (one cache file), so that concurrent
// callers asking for the same one wait for it instead of making it again.
var thumbLocks = struct {
	sync.Mutex
	m map[string]*thumbLock
}{m: map[string]*thumbLock{}}

type thumbLock struct {
	sync.Mutex
	refs int
}

func lockThumb(path string) (unlock func()) {
	thumbLocks.Lock()
	l := thumbLocks.m[path]
	if l == nil {
		l = &thumbLock{}
		thumbLocks.m[path] = l
	}
	l.refs++
	thumbLocks.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		thumbLocks.Lock()
		if l.refs--; l.refs == 0 {
			delete(thumbLocks.m, path)
		}
		thumbLocks.Unlock()
	}
}

// thumbSource picks the image a thumbnail shows: the viewport screenshot, else the full-page
// screenshot, else the first tile (by name: tiles are numbered).
func thumbSource(arts []store.StoredArtifact) (evidence.Artifact, bool) {
	for _, role := range []string{evidence.RoleViewport, evidence.RoleScreenshot, evidence.RoleTile} {
		var best *evidence.Artifact
		for i := range arts {
			if a := &arts[i].Artifact; a.Role == role && (best == nil || a.Name < best.Name) {
				best = a
			}
		}
		if best != nil {
			return *best, true
		}
	}
	return evidence.Artifact{}, false
}

// thumbnailPath returns the file in which Thumbnail caches the thumbnail of width px made
// from the image object d of the store.
func thumbnailPath(st *store.Store, d evidence.Digest, width int) string {
	return filepath.Join(st.Dir(), "cache", "thumbs", fmt.Sprintf("%s-%d.jpg", d, width))
}

// Thumbnail returns a JPEG thumbnail of the capture rec: its viewport screenshot (role
// "viewport"), else its full-page screenshot, else its first tile, scaled to at most width px
// wide (never enlarged), its aspect kept, and cut to the top of the page: at most 3/4 of its
// own width tall (so at most width*3/4 px). The image is read through st.OpenArtifact, so a damaged or missing object gives an
// error wrapping store.ErrDigestMismatch or store.ErrMissingObject and no thumbnail. A capture
// without any image gives ErrNoImage; a width below 1 or above MaxThumbnailWidth, ErrInvalid.
//
// Thumbnails are cached in st.Dir()/cache/thumbs/<SHA-256 of the image>-<width>.jpg, written
// atomically; a cached thumbnail is returned without reading the image again. The cache is
// not evidence: it may be deleted at any time. Thumbnail is safe for concurrent use; callers
// asking for the same thumbnail at once wait for the first to make it.
func Thumbnail(ctx context.Context, st *store.Store, rec store.Record, width int) ([]byte, error) {
	if width < 1 || width > MaxThumbnailWidth {
		return nil, fmt.Errorf("%w: thumbnail width %d (1 to %d)", ErrInvalid, width, MaxThumbnailWidth)
	}
	src, ok := thumbSource(rec.Artifacts)
	if !ok {
		return nil, fmt.Errorf("%w: capture %s", ErrNoImage, rec.ID)
	}
	if _, err := evidence.ParseDigest(string(src.SHA256)); err != nil {
		return nil, fmt.Errorf("workflow: thumbnail of %s: %w", rec.ID, err)
	}
	path := thumbnailPath(st, src.SHA256, width)
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		return b, nil
	}
	unlock := lockThumb(path)
	defer unlock()
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		return b, nil // made by another caller while this one waited
	}
	b, err := makeThumbnail(ctx, st, src, width)
	if err != nil {
		return nil, fmt.Errorf("workflow: thumbnail of %s (%s): %w", rec.ID, src.Name, err)
	}
	if err := writeCache(path, b); err != nil {
		return nil, fmt.Errorf("workflow: thumbnail cache: %w", err)
	}
	return b, nil
}

// makeThumbnail reads and checks the image a, and returns its thumbnail as JPEG.
func makeThumbnail(ctx context.Context, st *store.Store, a evidence.Artifact, width int) ([]byte, error) {
	rc, err := st.OpenArtifact(ctx, a.SHA256)
	if err != nil {
		return nil, err
	}
	img, _, decErr := image.Decode(rc)
	// Close reads what the decoder left and checks the whole object against its digest: a
	// damaged image is refused even when it happens to decode.
	if err := rc.Close(); err != nil {
		return nil, err
	}
	if decErr != nil {
		return nil, fmt.Errorf("decode: %w", decErr)
	}
	sb := img.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	if sw < 1 || sh < 1 {
		return nil, fmt.Errorf("%w: empty image", ErrNoImage)
	}
	w := min(width, sw)
	h := max(1, int((int64(sh)*int64(w)+int64(sw)/2)/int64(sw)))
	h = min(h, max(1, w*3/4))
	// The part of the source the thumbnail shows: the whole width, from the top.
	srcH := min(sh, max(1, int((int64(h)*int64(sw)+int64(w)/2)/int64(w))))
	crop := image.Rect(sb.Min.X, sb.Min.Y, sb.Max.X, sb.Min.Y+srcH)

	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// A transparent page shows on white, as a browser shows it.
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, crop, draw.Over, nil)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: thumbQuality}); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}

// writeCache writes b to path atomically: a temporary file in the same folder, renamed over
// path. The cache folder is created for the owner only.
func writeCache(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".thumb-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			if rmErr := os.Remove(tmp.Name()); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
				err = errors.Join(err, rmErr)
			}
		}
	}()
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
