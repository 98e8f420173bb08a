package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"

	"evidentia/report"
	"evidentia/workflow"
)

// BenchmarkExport measures what an investigator waits for after asking for the bundle of a
// case: re-verifying the evidence, the signed and timestamped report, the signed WACZ of every
// WARC, every artifact, the custody log, the signed and timestamped manifest, written to disk
// and logged. The captures are 50 real captures of realistic postings (a photo, 25
// paragraphs, comments); the sub-benchmarks export the first 10, 25 and all 50 of them from
// the same store, so that time and peak memory can be compared by number of captures.
// Targets: 50 captures in at most 10 s; peak memory not growing with the number of captures.
//
// Peak memory is sampled every 5 ms as the live Go heap (runtime/metrics /gc/heap/live:bytes,
// what the last collection found reachable: the working set, without the garbage the collector
// has not yet reclaimed) and as the process's peak resident set (VmHWM, reset before each
// export through /proc/self/clear_refs).
func BenchmarkExport(b *testing.B) {
	st, signer, tsa := benchCase(b, 50)
	recs, err := st.Captures(b.Context(), "bench")
	if err != nil || len(recs) != 50 {
		b.Fatalf("%d captures: %v", len(recs), err)
	}
	var ids []string
	for i := len(recs) - 1; i >= 0; i-- {
		ids = append(ids, recs[i].ID)
	}
	for _, n := range []int{10, 25, 50} {
		b.Run(fmt.Sprintf("captures=%d", n), func(b *testing.B) {
			outDir := b.TempDir()
			var size int64
			var peak, rss int64
			i := 0
			for b.Loop() {
				i++
				out := filepath.Join(outDir, fmt.Sprintf("bundle-%d.zip", i))
				runtime.GC()
				os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM (Linux)
				var res *workflow.ExportResult
				p := peakWhileEvery(liveHeap, func() {
					res, err = workflow.Export(b.Context(), st, workflow.ExportRequest{
						Case: "bench", CaptureIDs: ids[:n], Lang: report.Korean, Operator: "bench", Out: out,
						Signer: signer, TSA: tsa.URL,
					})
				})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Captures) != n || res.Timestamp == nil {
					b.Fatalf("bundle of %d captures, timestamp %v", len(res.Captures), res.Timestamp)
				}
				peak = max(peak, p)
				rss = max(rss, selfHWM())
				size = res.Size
				os.Remove(out)
			}
			b.ReportMetric(float64(size)/float64(n)/1e6, "MB/capture")
			b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MiB")
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
		})
	}
}

// liveHeap is the Go heap the last collection found reachable.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// peakWhileEvery is peakWhile sampling every 5 ms (the heap moves faster than a process tree).
func peakWhileEvery(f func() int64, run func()) int64 { return peakWhileInterval(f, run, 5) }
