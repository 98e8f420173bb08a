package wacz

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileWACZ builds a WACZ whose one WARC holds n tiny gzip members, each a response record
// with headers of valueLen bytes (its URL and an extra field) and a wrong block digest, indexed
// line by line under another URL, with a page per record that is not indexed. Every listed file has its right
// hash and size: only the records, the index and the pages are wrong.
func hostileWACZ(t testing.TB, n, valueLen int) []byte {
	t.Helper()
	const warcName = "hostile.warc.gz"
	var warc, index, pages bytes.Buffer
	pages.WriteString(pagesHeader + "\n")
	pad := strings.Repeat("a", valueLen)
	zw := gzip.NewWriter(&warc)
	for i := range n {
		off := warc.Len()
		url := fmt.Sprintf("https://example.com/%d/%s", i, pad)[:valueLen]
		zw.Reset(&warc)
		fmt.Fprintf(zw, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nWARC-Date: 2026-11-27T10:00:00Z\r\n"+
			"Content-Type: text/plain\r\nWARC-Block-Digest: sha256:%064d\r\nX-Padding: %s\r\nContent-Length: 1\r\n\r\nx\r\n\r\n", url, 0, pad)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		short := fmt.Sprintf("https://example.com/%d/%s", i, pad[:300]) // not the record's: a problem
		fmt.Fprintf(&index, "%s 20261127100000 {\"url\":%q,\"digest\":\"sha256:%s\",\"length\":\"%d\",\"offset\":\"%d\",\"filename\":%q}\n",
			SURT(short), short, pad[:64], warc.Len()-off, off, warcName)
		fmt.Fprintf(&pages, "{\"id\":\"%d\",\"url\":%q,\"ts\":\"2026-11-27T10:00:00Z\"}\n", i, short+"/page")
	}
	files := []entry{{"archive/" + warcName, zip.Store, warc.Bytes()}, {indexPath, zip.Store, index.Bytes()}, {pagesPath, zip.Store, pages.Bytes()}}
	var res []File
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		res = append(res, File{Name: f.name[strings.LastIndexByte(f.name, '/')+1:], Path: f.name, Hash: "sha256:" + hex.EncodeToString(sum[:]), Bytes: int64(len(f.data))})
	}
	dp, _ := json.Marshal(datapackage{Profile: "data-package", WACZVersion: Version, Created: "2026-11-27T10:00:00Z", Resources: res})
	sum := sha256.Sum256(dp)
	dg, _ := json.Marshal(digestFile{Path: datapackagePath, Hash: "sha256:" + hex.EncodeToString(sum[:])})
	files = append(files, entry{datapackagePath, zip.Deflate, dp}, entry{digestPath, zip.Deflate, dg})
	return zipAll(t, files)
}

// TestVerifyHostileBounded verifies WACZs of 3000 tiny records whose header values are just
// under the 8 KiB limit (so every record is read, and every record, index line and page is a
// problem) and far over it (so the WARC's reading stops at its first record). The report must
// stay bounded: at most 100 problems per file plus one "and N more", each message short.
func TestVerifyHostileBounded(t *testing.T) {
	const n = 3000
	tests := []struct {
		name     string
		valueLen int
		warcWant error // the problem of the WARC
	}{
		{"values under the limit", 8000, ErrDigest},
		{"values over the limit", 60000, ErrBadWARC},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := hostileWACZ(t, n, tc.valueLen)
			rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			perPath := map[string]int{}
			for _, p := range rep.Problems {
				perPath[p.Path]++
				if l := len(p.Error()); l > 2000 {
					t.Errorf("a problem of %d bytes: %.300s…", l, p.Error())
				}
			}
			if len(rep.Problems) > 3*(maxProblemsPerFile+1) {
				t.Errorf("%d problems", len(rep.Problems))
			}
			for path, k := range perPath {
				if k > maxProblemsPerFile+1 {
					t.Errorf("%s: %d problems", path, k)
				}
			}
			if !hasProblem(rep, "archive/hostile.warc.gz", tc.warcWant) {
				t.Errorf("no problem wrapping %v for the WARC: %v", tc.warcWant, rep.Err())
			}
			// Every index line and every page is wrong (some index lines twice): listed up to the
			// cap, then counted in a last problem.
			for _, path := range []string{indexPath, pagesPath} {
				var last Problem
				for _, p := range rep.Problems {
					if p.Path == path {
						last = p
					}
				}
				more := 0
				msg := last.Err.Error()
				if i := strings.Index(msg, "and "); i >= 0 {
					fmt.Sscanf(msg[i:], "and %d more problems", &more)
				}
				if perPath[path] != maxProblemsPerFile+1 || maxProblemsPerFile+more < n || !errors.Is(last.Err, ErrIndex) && !errors.Is(last.Err, ErrPage) {
					t.Errorf("%s: %d problems, the last %.300s", path, perPath[path], last.Error())
				}
			}
			if tc.warcWant == ErrDigest && perPath["archive/hostile.warc.gz"] != maxProblemsPerFile+1 {
				t.Errorf("WARC: %d problems, want %d", perPath["archive/hostile.warc.gz"], maxProblemsPerFile+1)
			}
		})
	}
}

// BenchmarkVerifyHostile verifies the WACZs of TestVerifyHostileBounded and reports the peak
// heap growth during Verify (sampled with runtime.ReadMemStats every millisecond) as
// peak-heap-MiB; it was about 969 MiB with 60 KB values before records were summarized.
func BenchmarkVerifyHostile(b *testing.B) {
	for _, valueLen := range []int{8000, 60000} {
		b.Run(fmt.Sprintf("values=%d", valueLen), func(b *testing.B) {
			w := hostileWACZ(b, 3000, valueLen)
			b.SetBytes(int64(len(w)))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() {
					tick := time.NewTicker(time.Millisecond)
					defer tick.Stop()
					for {
						var ms runtime.MemStats
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > base {
							peak = max(peak, ms.HeapAlloc-base)
						}
						select {
						case <-done:
							return
						case <-tick.C:
						}
					}
				})
				if _, err := Verify(context.Background(), bytes.NewReader(w), int64(len(w)), VerifyOptions{}); err != nil {
					b.Fatal(err)
				}
				close(done)
				wg.Wait()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// TestReadHeadersLimits checks the scanner's header reading: values over the limit are
// refused, continuation lines included, whether the field is kept or not; only the kept fields
// are returned.
func TestReadHeadersLimits(t *testing.T) {
	long := strings.Repeat("v", maxWARCValue)
	tests := []struct {
		name, head string
		want       headers
		err        string
	}{
		{"kept and dropped", "WARC-Type: response\r\nX-Other: y\r\nwarc-date: d\r\n\r\n", headers{{"WARC-Type", "response"}, {"warc-date", "d"}}, ""},
		{"continuation", "WARC-Target-URI: a\r\n b\r\n\r\n", headers{{"WARC-Target-URI", "a b"}}, ""},
		{"value at the limit", "X-Other: " + long + "\r\n\r\n", nil, ""},
		{"kept value over the limit", "WARC-Target-URI: " + long + "x\r\n\r\n", nil, `"WARC-Target-URI" is longer than 8192 bytes`},
		{"dropped value over the limit", "X-Other: " + long + "x\r\n\r\n", nil, `"X-Other" is longer than 8192 bytes`},
		{"over the limit by continuation", "X-Other: " + long[:5000] + "\r\n " + long[:5000] + "\r\n\r\n", nil, `"X-Other" is longer`},
		{"malformed", "no colon\r\n\r\n", nil, "malformed header line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := readHeaders(bufio.NewReader(strings.NewReader(tc.head)), warcFields, maxWARCValue)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || fmt.Sprint(h) != fmt.Sprint(tc.want) {
				t.Fatalf("readHeaders = %q, %v; want %q", h, err, tc.want)
			}
		})
	}
	r := &record{Index: 3, Offset: 99, Type: "response", TargetURI: long}
	if n := r.name(); len(n) > 300 || !strings.HasPrefix(n, "record 3 at offset 99 (response vvv") {
		t.Errorf("name() = %.100q… (%d bytes)", n, len(n))
	}
}

// TestScanStopsInsideARecord: a record whose block inflates to a great size (a gzip bomb, or
// just a large video) is not read to its end once ctx is cancelled: the scan stops within a
// buffer or two of input, not at the record's end.
func TestScanStopsInsideARecord(t *testing.T) {
	block := make([]byte, 16<<20)
	rand.Read(block) // incompressible: the input is as long as the block
	var warc bytes.Buffer
	zw := gzip.NewWriter(&warc)
	fmt.Fprintf(zw, "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://example.com/v\r\nWARC-Date: 2026-11-27T10:00:00Z\r\n"+
		"Content-Type: video/mp4\r\nContent-Length: %d\r\n\r\n", len(block))
	zw.Write(block)
	zw.Write([]byte("\r\n\r\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	r := &cancelAfter{r: bytes.NewReader(warc.Bytes()), after: 1 << 20, cancel: cancel}
	_, err := scanWARC(ctx, r, func(*record) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("scanWARC = %v, want context.Canceled", err)
	}
	if r.n > 4<<20 {
		t.Fatalf("read %d bytes of a %d-byte WARC after cancelling at 1 MiB: the record was read to its end", r.n, warc.Len())
	}
}

// cancelAfter reads r and calls cancel once more than after bytes were read.
type cancelAfter struct {
	r      io.Reader
	n      int
	after  int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n += n; c.n > c.after {
		c.cancel()
	}
	return n, err
}
