package capture

import (
	"os"
	"testing"

	"evidentia/evidence"
)

// BenchmarkCaptureWarm measures one capture of a simple local page with the browser already
// running: every artifact, the WARC and the facts, without the store.
func BenchmarkCaptureWarm(b *testing.B) {
	if testEngine == nil {
		b.Skip("no browser: " + skipReason)
	}
	for b.Loop() {
		dir, err := os.MkdirTemp("", "bench-")
		if err != nil {
			b.Fatal(err)
		}
		res, err := testEngine.Capture(b.Context(), site.URL+"/simple", dir, nil)
		if err != nil || res.Status != evidence.StatusComplete {
			b.Fatalf("%v %+v", err, res)
		}
		os.RemoveAll(dir)
	}
}
