package wacz

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"evidentia/archive"
)

var (
	benchOnce sync.Once
	benchWARC []byte
)

// benchData returns one WARC of about 2 MB (8 responses of 256 KiB of incompressible bytes,
// as images and video are), made once.
func benchData(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		ww, err := archive.NewWARCWriter(&buf, "bench.warc.gz", archive.WARCInfo{Software: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range 8 {
			body := make([]byte, 256<<10)
			for j := range body {
				body[j] = byte(rng.Uint32())
			}
			ct := "image/jpeg"
			if i == 0 {
				ct = "text/html"
			}
			if err := ww.WriteExchange(&archive.Exchange{URL: fmt.Sprintf("https://example.com/r/%d", i), Method: "GET",
				RequestTime: at(i), ResponseTime: at(i), Status: 200, ResponseHeaders: hdrs("Content-Type", ct), Body: body, BodyComplete: true}); err != nil {
				b.Fatal(err)
			}
		}
		benchWARC = buf.Bytes()
	})
	return benchWARC
}

// BenchmarkWrite writes WACZs of 10 and 50 WARCs of about 2 MB each to io.Discard. B/op and
// allocs/op per WARC should not grow with the number of WARCs (only the index lines are kept).
func BenchmarkWrite(b *testing.B) {
	data := benchData(b)
	for _, n := range []int{10, 50} {
		b.Run(fmt.Sprintf("warcs=%d", n), func(b *testing.B) {
			var ws []WARC
			for i := range n {
				ws = append(ws, WARC{Name: fmt.Sprintf("w%03d.warc.gz", i), Open: opener(data),
					Pages: []Page{{URL: "https://example.com/r/0", Title: "p"}}})
			}
			b.SetBytes(int64(n * len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Write(context.Background(), io.Discard, ws, Options{Created: fixtureTime}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
