package workflow

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/bundle"
	"evidentia/internal/testpki"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/store"
)

func TestCSVText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"+82 10", "'+82 10"},
		{"-1+2", "'-1+2"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"홍길동", "홍길동"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"", ""},
		{`{"note":"=1"}`, `{"note":"=1"}`},
	}
	for _, tc := range tests {
		if got := CSVText(tc.in); got != tc.want {
			t.Errorf("CSVText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// bundleFile returns the file name of the bundle at zipPath.
func bundleFile(t *testing.T, zipPath, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCustodyCSVFormulaNames is finding 10: a case named =HYPERLINK(...) and an operator named
// @SUM(...) (plain text, so accepted) are written to custody.csv so that no spreadsheet takes
// them for formulas, and the bundle still verifies.
func TestCustodyCSVFormulaNames(t *testing.T) {
	if engine == nil {
		t.Skip("no browser (CI is not set)")
	}
	const kase, operator, unit, recipient = `=HYPERLINK("http://x","y")`, "@SUM(1+1)", "+사이버팀", "-수사관"
	srv := page(t)
	st := openStore(t)
	c := &Capturer{Store: st, Engine: engine}
	for _, o := range c.Capture(t.Context(), CaptureRequest{URLs: []string{srv.URL + "/1"}, Case: kase, Operator: operator, Unit: unit}, nil, nil) {
		if o.Record == nil || !o.Record.Status.Sealed() {
			t.Fatalf("capture %s: %+v %v", o.URL, o.Record, o.Err)
		}
	}
	pki := testpki.New(t)
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := Export(t.Context(), st, ExportRequest{Case: kase, Lang: report.English, Operator: operator, Unit: unit, Recipient: recipient,
		Out: out, Signer: testSigner(pki)}); err != nil {
		t.Fatal(err)
	}
	raw := bundleFile(t, out, BundleCustodyCSV)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 4 {
		t.Fatalf("custody.csv has %d rows", len(rows))
	}
	sawActor, sawCase := false, false
	for i, row := range rows[1:] {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d column %s begins with %q: a spreadsheet takes it for a formula: %q", i+1, rows[0][j], cell[0], cell)
			}
		}
		sawActor = sawActor || row[3] == "'"+operator
		sawCase = sawCase || row[5] == "'"+kase
	}
	if !sawActor || !sawCase {
		t.Errorf("the operator (%v) or the case (%v) is not in custody.csv as text:\n%s", sawActor, sawCase, raw)
	}
	// custody.json keeps the names as they are.
	if cj := bundleFile(t, out, BundleCustodyJSON); !bytes.Contains(cj, []byte(`"actor": "@SUM(1+1)"`)) {
		t.Errorf("custody.json does not keep the operator as it is")
	}
	chk, err := VerifyBundle(t.Context(), st, out, pki.Pool())
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK() {
		t.Fatalf("the bundle does not verify: %v", chk.Problems)
	}
}

// TestUnsafeNamesRefused: operators and units with control, bidirectional or invisible
// characters are refused, with store.ErrUnsafeName, before anything is captured, reported or
// exported.
func TestUnsafeNamesRefused(t *testing.T) {
	bad := []struct{ name, value string }{
		{"escape", "홍길동\x1b[2J"},
		{"right-to-left override", "evil\u202etxt.exe"},
		{"line break", "a\nb"},
		{"zero-width space", "홍\u200b길동"},
		{"invalid UTF-8", "bad\xffname"},
	}
	st := openStore(t)
	pki := testpki.New(t)
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			// Capture: with an engine that is never reached (the name is refused first).
			c := &Capturer{Store: st, EngineErr: errors.New("no browser needed")}
			for _, req := range []CaptureRequest{
				{URLs: []string{"http://127.0.0.1/"}, Case: "사건", Operator: tc.value},
				{URLs: []string{"http://127.0.0.1/"}, Case: "사건", Operator: "홍길동", Unit: tc.value},
			} {
				o := c.Capture(t.Context(), req, nil, nil)[0]
				if !errors.Is(o.Err, store.ErrUnsafeName) || !errors.Is(o.Err, store.ErrInvalid) || o.Record != nil {
					t.Errorf("capture with %+q: %v", tc.value, o.Err)
				}
			}
			out := filepath.Join(t.TempDir(), "x")
			for _, req := range []ExportRequest{
				{Case: "사건", Operator: tc.value, Out: out + ".zip", Signer: testSigner(pki)},
				{Case: "사건", Operator: "홍길동", Unit: tc.value, Out: out + ".zip", Signer: testSigner(pki)},
				{Case: "사건", Operator: "홍길동", Recipient: tc.value, Out: out + ".zip", Signer: testSigner(pki)},
			} {
				if _, err := Export(t.Context(), st, req); !errors.Is(err, store.ErrUnsafeName) {
					t.Errorf("export with %+q: %v", tc.value, err)
				}
			}
			for _, req := range []ReportRequest{
				{Case: "사건", Operator: tc.value, Out: out + ".pdf"},
				{Case: "사건", Operator: "홍길동", Unit: tc.value, Out: out + ".pdf"},
			} {
				if _, err := Report(t.Context(), st, req); !errors.Is(err, store.ErrUnsafeName) {
					t.Errorf("report with %+q: %v", tc.value, err)
				}
			}
			if _, err := os.Stat(out + ".zip"); err == nil {
				t.Error("a bundle was written")
			}
		})
	}
	if cases, _ := st.Cases(t.Context()); len(cases) != 0 {
		t.Errorf("cases were created: %+v", cases)
	}
}

// resignManifest rebuilds the bundle at src with its manifest.json changed by edit and signed
// again by s (the genuine key in the tests): every other file is kept as it is.
func resignManifest(t *testing.T, src string, s *signature.Signer, edit func(m *bundle.Manifest)) string {
	t.Helper()
	keep := func(_ string, data []byte) ([]byte, bool) { return data, true }
	return rebuildBundle(t, src, s, keep, nil, edit)
}

// TestBundleCaptureListEdited is finding 10's "manifest.json's capture list cross-checked": a
// bundle whose list of captures says another URL, title or time, re-signed with the genuine
// key, does not verify, and the problem names the capture.
func TestBundleCaptureListEdited(t *testing.T) {
	srv := page(t)
	st := captureCase(t, srv.URL+"/a", srv.URL+"/b")
	pki := testpki.New(t)
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := Export(t.Context(), st, ExportRequest{Case: "사건", Lang: report.Korean, Operator: "홍길동", Out: out, Signer: testSigner(pki)}); err != nil {
		t.Fatal(err)
	}
	var orig bundle.Manifest
	if err := json.Unmarshal(bundleFile(t, out, bundle.ManifestName), &orig); err != nil {
		t.Fatal(err)
	}
	if len(orig.Captures) != 2 || orig.Captures[0].Title == "" || orig.Captures[0].CapturedAt.IsZero() {
		t.Fatalf("capture list: %+v", orig.Captures)
	}
	tests := []struct {
		name  string
		edit  func(r *bundle.CaptureRef)
		field string // "" for the unedited control
	}{
		{"unchanged", func(r *bundle.CaptureRef) {}, ""},
		{"url", func(r *bundle.CaptureRef) { r.URL = "https://example.org/other-posting" }, "url"},
		{"title", func(r *bundle.CaptureRef) { r.Title = "다른 게시물" }, "title"},
		{"captured_at a day later", func(r *bundle.CaptureRef) { r.CapturedAt = r.CapturedAt.Add(24 * time.Hour) }, "captured_at"},
		{"captured_at a minute earlier", func(r *bundle.CaptureRef) { r.CapturedAt = r.CapturedAt.Add(-time.Minute) }, "captured_at"},
		{"captured_at removed", func(r *bundle.CaptureRef) { r.CapturedAt = time.Time{} }, "captured_at"},
		{"final_url", func(r *bundle.CaptureRef) { r.FinalURL = "https://example.org/" }, "final_url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			victim := orig.Captures[1].ID
			forged := resignManifest(t, out, testSigner(pki), func(m *bundle.Manifest) {
				for i := range m.Captures {
					if m.Captures[i].ID == victim {
						tc.edit(&m.Captures[i])
					}
				}
			})
			chk, err := VerifyBundle(t.Context(), st, forged, pki.Pool())
			if err != nil {
				t.Fatal(err)
			}
			if tc.field == "" {
				if !chk.OK() {
					t.Fatalf("the re-signed, unedited bundle does not verify: %v", chk.Problems)
				}
				return
			}
			if chk.OK() {
				t.Fatalf("a bundle whose capture list says another %s verifies", tc.field)
			}
			found := false
			for _, p := range chk.Problems {
				msg := p.Err.Error()
				if errors.Is(p.Err, ErrBundleCapture) && p.Path == bundle.ManifestName && strings.Contains(msg, victim) && strings.Contains(msg, tc.field+" ") {
					found = true
				}
				if strings.Contains(msg, orig.Captures[0].ID) {
					t.Errorf("the untouched capture is named: %v", p)
				}
			}
			if !found {
				t.Errorf("no problem names capture %s and its %s: %v", victim, tc.field, chk.Problems)
			}
			t.Logf("%v", chk.Problems)
		})
	}
}
