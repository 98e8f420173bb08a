package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"testing"
	"time"

	"evidentia/evidence"
)

// BenchmarkBuild20 builds a report of 20 captures whose screenshots are realistic Chromium-like
// PNGs, 1280 px wide and 1,500 to 8,000 px tall (4,750 on average), with text, pictures and
// grain. It reports the size of the PDF per capture.
func BenchmarkBuild20(b *testing.B) {
	st := newStore()
	var caps []Capture
	for i := range 20 {
		h := 1500 + (i*7)%20*6500/19 // 1,500 .. 8,000, mixed order
		var buf bytes.Buffer
		if err := png.Encode(&buf, synthScreenshot(1280, h, uint64(i))); err != nil {
			b.Fatal(err)
		}
		caps = append(caps, makeCapture(b, st, capSpec{
			id: fmt.Sprintf("cap-%03d", i+1), status: evidence.StatusComplete, title: fmt.Sprintf("%s (%d)", koTitle, i+1),
			reqURL: longURL, finURL: finalURL, shot: buf.Bytes(), started: t0.Add(time.Duration(i) * time.Minute),
		}))
	}
	in := baseInput(Korean, caps...)
	var out bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		if err := Build(context.Background(), &out, in, st.open); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len())/20/1024, "KB/capture")
}
