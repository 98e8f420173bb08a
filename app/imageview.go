package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // screenshots may be JPEG
	_ "image/png"  // screenshots are PNG
	"io"
	"math"
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/evidence"
	"evidentia/store"
)

// The zoom steps of the screenshot viewer.
var zoomSteps = []float32{0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.25, 1.5, 2, 3, 4}

// maxPart is the tallest piece an image is shown in (pixels): graphics cards refuse textures
// much taller than this, and full-page screenshots are far taller.
const maxPart = 4096

// imageViewer shows a capture's screenshot (or its tiles, in page order) in a scrollable,
// zoomable column: tall pages are scrolled, never squeezed. Decoding runs in the background.
// Its fields are touched on the main goroutine only.
type imageViewer struct {
	content fyne.CanvasObject
	w       fyne.Window
	scroll  *container.Scroll
	column  *fyne.Container
	message *widget.Label
	label   *widget.Label // zoom and size
	about   string        // how many images, how big
	buttons []*widget.Button
	parts   []*canvas.Image
	sizes   []image.Point // pixel size of each part
	width   int           // pixel width of the widest image
	zoom    float32
	fit     bool
}

func newImageViewer(w fyne.Window) *imageViewer {
	v := &imageViewer{w: w, zoom: 1, fit: true}
	v.column = container.New(layout.NewCustomPaddedVBoxLayout(0))
	v.scroll = container.NewScroll(v.column)
	v.message = widget.NewLabel(T("detail.loadingImage"))
	v.message.Alignment = fyne.TextAlignCenter
	v.message.Wrapping = fyne.TextWrapWord
	v.label = widget.NewLabel("")
	fitBtn := widget.NewButtonWithIcon(T("detail.fitWidth"), theme.ViewFullScreenIcon(), v.fitWidth)
	actual := widget.NewButton("100%", func() { v.setZoom(1) })
	out := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), v.zoomOut)
	in := widget.NewButtonWithIcon("", theme.ZoomInIcon(), v.zoomIn)
	v.buttons = []*widget.Button{fitBtn, actual, out, in}
	for _, b := range v.buttons {
		b.Disable()
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(fitBtn, actual, out, in), nil, v.label)
	area := container.New(&viewerLayout{v: v}, v.scroll)
	v.content = container.NewBorder(bar, nil, nil, nil, container.NewStack(area, container.NewVBox(layout.NewSpacer(), v.message, layout.NewSpacer()))) // full width, so that the message wraps at words
	return v
}

// setMessage shows msg in place of the image.
func (v *imageViewer) setMessage(msg string) {
	v.message.SetText(msg)
	v.message.Show()
}

// screenshotParts returns the artifacts that make up rec's page image, top to bottom: the
// full-page screenshot as evidence.PageImage picks it (the tiles in page order, else the
// screenshot), else its viewport.
func screenshotParts(rec *store.Record) []evidence.Artifact {
	arts := make([]evidence.Artifact, len(rec.Artifacts))
	for i, a := range rec.Artifacts {
		arts[i] = a.Artifact
	}
	var method *evidence.Method
	if rec.Manifest != nil {
		method = &rec.Manifest.Facts.Method
	}
	if parts, _, _ := evidence.PageImage(method, arts); len(parts) > 0 {
		return parts
	}
	return evidence.ArtifactsOfRole(arts, evidence.RoleViewport)
}

// load decodes rec's page image in the background (each object checked against its SHA-256)
// and shows it fitted to the width.
func (v *imageViewer) load(ctx context.Context, u *ui, rec *store.Record, pending *sync.WaitGroup) {
	arts := screenshotParts(rec)
	if len(arts) == 0 {
		v.setMessage(T("detail.noImage"))
		return
	}
	v.setMessage(T("detail.loadingImage"))
	u.goPending(pending, func() {
		var imgs []image.Image
		var err error
		for _, a := range arts {
			var img image.Image
			if img, err = decodeArtifact(ctx, u.st, a.SHA256); err != nil {
				err = fmt.Errorf("app: screenshot %s: %w", a.Name, err)
				break
			}
			imgs = append(imgs, img)
		}
		if ctx.Err() != nil {
			return
		}
		onMain(func() {
			if err != nil {
				v.setMessage(T("detail.imageError") + "\n" + friendly(err))
				return
			}
			v.setImages(imgs)
		})
	})
}

// decodeArtifact reads the object d whole, checked against d, and decodes it.
func decodeArtifact(ctx context.Context, st *store.Store, d evidence.Digest) (image.Image, error) {
	r, err := st.OpenArtifact(ctx, d)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

// setImages shows imgs one under the other, cut into parts of at most maxPart pixels.
func (v *imageViewer) setImages(imgs []image.Image) {
	v.parts, v.sizes, v.width = nil, nil, 0
	total := 0
	var objs []fyne.CanvasObject
	for _, img := range imgs {
		b := img.Bounds()
		v.width = max(v.width, b.Dx())
		total += b.Dy()
		for y := b.Min.Y; y < b.Max.Y; y += maxPart {
			r := image.Rect(b.Min.X, y, b.Max.X, min(y+maxPart, b.Max.Y))
			part := img
			if r != b {
				if s, ok := img.(interface {
					SubImage(image.Rectangle) image.Image
				}); ok {
					part = s.SubImage(r)
				} else {
					r = b
				}
			}
			ci := canvas.NewImageFromImage(part)
			ci.FillMode = canvas.ImageFillContain
			ci.ScaleMode = canvas.ImageScaleSmooth
			v.parts = append(v.parts, ci)
			v.sizes = append(v.sizes, r.Size())
			objs = append(objs, ci)
			if r == b {
				break
			}
		}
	}
	v.column.Objects = objs
	v.message.Hide()
	for _, b := range v.buttons {
		b.Enable()
	}
	v.about = T("detail.imageSize", map[string]any{"Count": len(imgs), "Width": v.width, "Height": groupDigits(total)})
	if v.fit {
		v.fitTo(v.scroll.Size().Width)
	}
	v.apply()
}

// scale is how many pixels the window shows per Fyne unit.
func (v *imageViewer) scale() float32 {
	if s := v.w.Canvas().Scale(); s > 0 {
		return s
	}
	return 1
}

// fitTo sets the zoom that makes the widest image width units wide.
func (v *imageViewer) fitTo(width float32) bool {
	if v.width == 0 || width <= 0 {
		return false
	}
	z := width * v.scale() / float32(v.width)
	if float32(math.Abs(float64(z-v.zoom))) < 0.001 {
		return false
	}
	v.zoom = z
	return true
}

// apply sizes every part for the zoom.
func (v *imageViewer) apply() {
	s := v.scale()
	for i, p := range v.parts {
		p.SetMinSize(fyne.NewSize(float32(v.sizes[i].X)*v.zoom/s, float32(v.sizes[i].Y)*v.zoom/s))
	}
	v.column.Refresh()
	v.scroll.Refresh()
	if v.width > 0 {
		v.label.SetText(strconv.Itoa(int(math.Round(float64(v.zoom*100)))) + "% · " + v.about)
	}
}

func (v *imageViewer) fitWidth() {
	v.fit = true
	v.fitTo(v.scroll.Size().Width)
	v.apply()
}

func (v *imageViewer) setZoom(z float32) {
	v.fit = false
	v.zoom = min(max(z, zoomSteps[0]), zoomSteps[len(zoomSteps)-1])
	v.apply()
}

func (v *imageViewer) zoomIn() {
	for _, s := range zoomSteps {
		if s > v.zoom+0.005 {
			v.setZoom(s)
			return
		}
	}
	v.setZoom(zoomSteps[len(zoomSteps)-1])
}

func (v *imageViewer) zoomOut() {
	for i := len(zoomSteps) - 1; i >= 0; i-- {
		if zoomSteps[i] < v.zoom-0.005 {
			v.setZoom(zoomSteps[i])
			return
		}
	}
	v.setZoom(zoomSteps[0])
}

// viewerLayout gives the scroll all the room, and keeps the image fitted to the width while
// the viewer is in fit mode.
type viewerLayout struct{ v *imageViewer }

func (l *viewerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if l.v.fit && l.v.fitTo(size.Width) {
		l.v.apply()
	}
}

func (l *viewerLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(160, 160)
}
