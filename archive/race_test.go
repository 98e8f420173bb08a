package archive

import (
	"bytes"
	"sync"
	"testing"
)

// TestConcurrentWriters writes and reads WARCs from several goroutines at once (run with
// -race: gowarc's option set-up touches a global).
func TestConcurrentWriters(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var buf bytes.Buffer
			w, err := NewWARCWriter(&buf, "x.warc.gz", WARCInfo{Software: "test"})
			if err != nil {
				t.Error(err)
				return
			}
			for _, ex := range sampleExchanges() {
				if err := w.WriteExchange(ex); err != nil {
					t.Error(err)
				}
			}
			if _, err := ReadWARC(&buf); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
