package main

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"evidentia/evidence"
	"evidentia/internal/testpki"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/store"
	"evidentia/workflow"
)

// BenchmarkReport20Signed measures what an investigator waits for after asking for the report
// of a case of 20 captures of realistic postings (a photo, 25 paragraphs, comments): checking
// the evidence against the store, building the PDF, signing it with an RFC 3161 timestamp
// from a local authority (openssl), writing it and logging it. Targets: at most 3 s per
// report, at most 600 KB per capture.
func BenchmarkReport20Signed(b *testing.B) {
	st, signer, tsa := benchCase(b, 20)
	outDir := b.TempDir()
	var size int64
	n := 0
	for b.Loop() {
		n++
		out := filepath.Join(outDir, fmt.Sprintf("report-%d.pdf", n))
		res, err := workflow.Report(b.Context(), st, workflow.ReportRequest{
			Case: "bench", Lang: report.Korean, Operator: "bench", Out: out, Signer: signer, TSA: tsa.URL,
		})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Captures) != 20 || res.Timestamp == nil {
			b.Fatalf("report of %d captures, timestamp %v", len(res.Captures), res.Timestamp)
		}
		size = res.Size
		os.Remove(out)
	}
	b.ReportMetric(float64(size)/20/1000, "KB/capture")

	// For comparison: the screenshots alone, as stored.
	recs, err := st.Captures(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	var shots int64
	for _, r := range recs {
		rec, err := st.Capture(b.Context(), r.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range rec.Artifacts {
			if a.Role == evidence.RoleScreenshot || a.Role == evidence.RoleTile {
				shots += a.Size
			}
		}
	}
	b.ReportMetric(float64(shots)/20/1000, "KB-png/capture")
}

// benchCase captures n realistic postings with the real command line into a fresh store of
// case "bench", and returns the open store, a signer of the test PKI and its timestamp
// authority. It skips without a browser.
func benchCase(b *testing.B, n int) (*store.Store, *signature.Signer, *testpki.TSAServer) {
	b.Helper()
	if chromePath == "" {
		b.Skip("no browser")
	}
	_, posts := articlePages(b, n)
	data := b.TempDir()
	args := append([]string{"--data", data, "--chrome", chromePath, "capture", "--case", "bench", "--parallel", "2", "--json"}, posts...)
	if code, out, stderr := evidentia(b, args...); code != exitOK {
		b.Fatalf("capture: exit %d\n%s%s", code, out, stderr)
	}
	pki := testpki.New(b)
	tsa := pki.StartTSA(b)
	st, err := store.Open(b.Context(), data)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, &signature.Signer{Certificate: pki.Signer, Chain: []*x509.Certificate{pki.CA}, Key: pki.SignerKey}, tsa
}
