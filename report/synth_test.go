package report

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// synthWords is the vocabulary of the synthetic pages' text.
var synthWords = []string{
	"election", "candidate", "news", "report", "2024", "claims", "the", "of", "and", "posted",
	"comment", "reply", "district", "assembly", "rally", "statement", "press", "vote", "poll",
	"allegation", "spokesman", "said", "on", "Tuesday", "that", "false", "rumour", "campaign",
}

// synthScreenshot draws a page that looks, to a JPEG encoder, like a Chromium full-page
// screenshot of a Korean portal article: navigation bars, a text column of paragraphs and
// headings, photo-like noisy pictures, a sidebar of boxes, a comment list and a footer.
func synthScreenshot(w, h int, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(rc image.Rectangle, c color.RGBA) {
		draw.Draw(img, rc.Intersect(img.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
	}
	text := func(x, y, maxX int, c color.RGBA, bold bool) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13}
		for x < maxX-60 {
			word := synthWords[r.IntN(len(synthWords))]
			d.Dot = fixed.P(x, y)
			d.DrawString(word)
			if bold {
				d.Dot = fixed.P(x+1, y)
				d.DrawString(word)
			}
			x += 7*len(word) + 7
		}
	}
	photo := func(rc image.Rectangle) {
		rc = rc.Intersect(img.Bounds())
		base := color.RGBA{uint8(r.IntN(200)), uint8(r.IntN(200)), uint8(r.IntN(200)), 255}
		for y := rc.Min.Y; y < rc.Max.Y; y++ {
			for x := rc.Min.X; x < rc.Max.X; x++ {
				// smooth shapes with sensor-like grain, as a news photo has
				n := r.IntN(16) - 8
				fx, fy := float64(x-rc.Min.X), float64(y-rc.Min.Y)
				g := (x-rc.Min.X)*90/max(1, rc.Dx()) + (y-rc.Min.Y)*60/max(1, rc.Dy()) +
					int(30*math.Sin(fx/23+fy/41)*math.Cos(fy/17-fx/57))
				img.SetRGBA(x, y, color.RGBA{clamp8(int(base.R) + g + n), clamp8(int(base.G) + g/2 + n), clamp8(int(base.B) + 40 - g/3 + n), 255})
			}
		}
	}
	fill(img.Bounds(), color.RGBA{255, 255, 255, 255})
	fill(image.Rect(0, 0, w, 60), color.RGBA{3, 199, 90, 255})
	text(40, 36, 600, color.RGBA{255, 255, 255, 255}, true)
	fill(image.Rect(0, 60, w, 100), color.RGBA{245, 246, 248, 255})
	text(40, 85, w-40, color.RGBA{60, 60, 60, 255}, false)
	mainL, mainR, sideL, sideR := 160, 860, 900, 1120
	footer := max(h-160, 140)
	for y := 140; y < footer-40; {
		switch k := r.IntN(10); {
		case k < 5: // paragraph
			for range 3 + r.IntN(6) {
				if y > footer-40 {
					break
				}
				text(mainL, y, mainR, color.RGBA{34, 34, 34, 255}, false)
				y += 26
			}
			y += 20
		case k < 6: // heading
			text(mainL, y+8, mainR-200, color.RGBA{17, 17, 17, 255}, true)
			y += 44
		case k < 8: // picture
			ph := 250 + r.IntN(150)
			photo(image.Rect(mainL, y, mainR, min(y+ph, footer-40)))
			y += ph + 30
		default: // comment
			ch := 90
			fill(image.Rect(mainL, y, mainR, y+ch), color.RGBA{250, 250, 250, 255})
			fill(image.Rect(mainL, y, mainR, y+1), color.RGBA{220, 220, 220, 255})
			text(mainL+16, y+24, mainL+200, color.RGBA{30, 90, 200, 255}, true)
			text(mainL+16, y+50, mainR-16, color.RGBA{50, 50, 50, 255}, false)
			text(mainL+16, y+72, mainR-200, color.RGBA{50, 50, 50, 255}, false)
			y += ch + 16
		}
	}
	for y := 140; y < footer-300; y += 340 {
		if r.IntN(3) == 0 {
			photo(image.Rect(sideL, y, sideR, y+180))
		} else {
			fill(image.Rect(sideL, y, sideR, y+300), color.RGBA{228, 228, 228, 255})
			fill(image.Rect(sideL+1, y+1, sideR-1, y+299), color.RGBA{255, 255, 255, 255})
			for ly := y + 30; ly < y+290; ly += 24 {
				text(sideL+12, ly, sideR, color.RGBA{70, 70, 70, 255}, false)
			}
		}
	}
	fill(image.Rect(0, footer, w, h), color.RGBA{51, 51, 51, 255})
	for y := footer + 40; y < h-20; y += 24 {
		text(40, y, w-300, color.RGBA{200, 200, 200, 255}, false)
	}
	return img
}

func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }
