package bundle

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/guide from the current code")

// guideCases are the GuideInfo values whose VERIFY.txt is pinned byte for byte in
// testdata/guide/NAME.golden: both languages are in every file (the guide is bilingual), with
// and without a signature, a timestamp and a shipped TSA certificate, one or more report
// volumes, Korean names, and untrusted text (quotes, shell metacharacters, template and format
// verbs, markup, a line break) that the guide prints as is in prose and shell-quotes in commands.
var guideCases = []struct {
	name string
	g    GuideInfo
}{
	{"zero", GuideInfo{}},
	{"unsigned", GuideInfo{BundleName: "x.zip"}},
	{"signed-ca-tsa", GuideInfo{
		BundleName: "case-2026-001.zip", CaseName: "Case 2026-001",
		Created:     time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("KST", 9*3600)),
		ReportPaths: []string{"report/report.pdf"}, WACZPath: "archive/case.wacz",
		Signed: true, SignerName: "Officer Kim", SignerCertPath: "certs/signer.pem",
		SignerCertSHA256: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		Timestamped:      true, TSACertPath: "certs/tsa.pem",
	}},
	{"signed-self-no-tsa", GuideInfo{
		BundleName: "사건 001.zip", CaseName: "서울 사건 제1호",
		Created:     time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC),
		ReportPaths: []string{"report/report.pdf"}, WACZPath: "archive/a.wacz",
		Signed: true, SignerSelfSigned: true, SignerName: "김철수 경위",
	}},
	{"timestamp-no-tsa-cert", GuideInfo{
		BundleName: "b.zip", ReportPaths: []string{"report/report.pdf"},
		Signed: true, SignerName: "홍길동", Timestamped: true,
		SignerCertSHA256: "not-a-fingerprint",
	}},
	{"volumes", GuideInfo{
		BundleName: "big.zip", CaseName: "대용량",
		ReportPaths: []string{"report/report-1-of-3.pdf", "report/report-2-of-3.pdf", "report/report-3-of-3.pdf"},
		WACZPath:    "archive/case.wacz", Signed: true, SignerSelfSigned: true, SignerName: "Park",
		SignerCertSHA256: "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
		Timestamped:      true, TSACertPath: "certs/tsa.pem",
	}},
	{"wacz-only", GuideInfo{BundleName: "archive-only", WACZPath: "archive/only.wacz", Signed: true}},
	{"untrusted", GuideInfo{
		BundleName:  `it's $(rm -rf ~) "a" \b {{.X}} %s %d <script>&amp;.zip`,
		CaseName:    "<b>Case</b> & \"quotes\" 'single' {{template \"x\"}} %v %!\nsecond line",
		Created:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ReportPaths: []string{"report/my report (1).pdf", `report/a"b\c.pdf`, "report/김's 보고서.pdf"},
		WACZPath:    "archive/$HOME `id`.wacz",
		Signed:      true, SignerName: "<img src=x onerror=alert(1)> {{.}} %x", SignerSelfSigned: true,
		SignerCertPath:   "certs/my signer's.pem",
		SignerCertSHA256: "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
		Timestamped:      true, TSACertPath: "certs/tsa & co.pem",
	}},
}

// TestGuideGolden pins VERIFY.txt byte for byte; go test -run TestGuideGolden -update rewrites
// the golden files from the current code.
func TestGuideGolden(t *testing.T) {
	for _, tc := range guideCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Guide(tc.g)
			file := filepath.Join("testdata", "guide", tc.name+".golden")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
				for i := 0; i < len(gl) || i < len(wl); i++ {
					var g, w []byte
					if i < len(gl) {
						g = gl[i]
					}
					if i < len(wl) {
						w = wl[i]
					}
					if !bytes.Equal(g, w) {
						t.Fatalf("%s differs first at line %d:\ngot  %q\nwant %q", file, i+1, g, w)
					}
				}
				t.Fatalf("%s differs", file)
			}
		})
	}
}
