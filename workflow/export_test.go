package workflow

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"image/color"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/bundle"
	"evidentia/evidence"
	"evidentia/internal/testpki"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/store"
	"evidentia/wacz"
)

// captureCase captures urls into a fresh store under case "사건" and returns the store.
func captureCase(t *testing.T, urls ...string) *store.Store {
	t.Helper()
	if engine == nil {
		t.Skip("no browser (CI is not set)")
	}
	st := openStore(t)
	c := &Capturer{Store: st, Engine: engine}
	for _, o := range c.Capture(t.Context(), CaptureRequest{URLs: urls, Case: "사건", Operator: "홍길동"}, nil, nil) {
		if o.Record == nil || !o.Record.Status.Sealed() {
			t.Fatalf("capture %s: %+v %v", o.URL, o.Record, o.Err)
		}
	}
	return st
}

func testSigner(pki *testpki.PKI) *signature.Signer {
	return &signature.Signer{Certificate: pki.Signer, Chain: []*x509.Certificate{pki.CA}, Key: pki.SignerKey}
}

// TestExportVolumes exports three captures, one of them of an unreachable address (a failed
// capture is evidence too), with report volumes of two: the bundle holds two signed volumes
// numbered across the set, verifies, and each capture's custody log names its volume.
func TestExportVolumes(t *testing.T) {
	srv := page(t)
	dead := page(t)
	deadURL := dead.URL + "/gone"
	dead.Close()
	st := captureCase(t, srv.URL+"/1", srv.URL+"/2", deadURL)
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	out := filepath.Join(t.TempDir(), "묶음.zip")
	var stages []string
	res, err := Export(t.Context(), st, ExportRequest{Case: "사건", Lang: report.Korean, Operator: "홍길동", Recipient: "수사관",
		Out: out, Signer: testSigner(pki), TSA: tsa.URL, VolumeSize: 2,
		Progress: func(p ExportProgress) { stages = append(stages, p.Stage) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reports) != 2 || len(res.Reports[0].Captures)+len(res.Reports[1].Captures) != 3 ||
		res.Reports[0].Path != "report/report-01-of-02.pdf" || res.Reports[1].Path != "report/report-02-of-02.pdf" {
		t.Fatalf("reports: %+v", res.Reports)
	}
	for _, want := range []string{ExportVerifying, ExportReport, ExportArchive, ExportCaptures, ExportSealing} {
		if !strings.Contains(strings.Join(stages, " "), want) {
			t.Errorf("stage %s never reported: %v", want, stages)
		}
	}
	chk, err := VerifyBundle(t.Context(), st, out, pki.Pool())
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK() || len(chk.Reports) != 2 || chk.WACZ == nil || chk.InStore != 3 || len(chk.Recorded) != 3 {
		t.Fatalf("verify: %+v %v", chk, chk.Problems)
	}
	// The second volume's cover and numbering.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		zr, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		f, err := zr.Open(res.Reports[1].Path)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(f)
		p := filepath.Join(t.TempDir(), "v2.pdf")
		os.WriteFile(p, pdf, 0o600)
		txt, err := exec.Command("pdftotext", "-layout", p, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"제2권 / 전2권 (채증 3–3번, 전체 3건)", "채증 3 / 3"} {
			if !strings.Contains(string(txt), want) {
				t.Errorf("volume 2 lacks %q", want)
			}
		}
	}
	for _, rep := range res.Reports {
		for _, id := range rep.Captures {
			events, _ := st.Custody(t.Context(), id)
			found := false
			for _, e := range events {
				found = found || (e.Action == store.ActionExported && e.Details["report_id"] == rep.ID && e.Details["bundle_sha256"] == string(res.SHA256))
			}
			if !found {
				t.Errorf("capture %s: no handover event naming %s", id, rep.ID)
			}
		}
	}
}

// TestExportRefusals: no signer, an existing file, a failing timestamp authority and
// cancellation write nothing and leave no temporary file.
func TestExportRefusals(t *testing.T) {
	srv := page(t)
	st := captureCase(t, srv.URL+"/a")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "b.zip")
	req := ExportRequest{Case: "사건", Lang: report.English, Operator: "tester", Out: out, Signer: testSigner(pki)}

	noSigner := req
	noSigner.Signer = nil
	if _, err := Export(t.Context(), st, noSigner); !errors.Is(err, ErrNeedSigner) {
		t.Errorf("no signer: %v", err)
	}
	failing := req
	failing.TSA = tsa.URL
	tsa.SetFail(true)
	if _, err := Export(t.Context(), st, failing); !errors.Is(err, signature.ErrTSA) {
		t.Errorf("failing authority: %v", err)
	}
	tsa.SetFail(false)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Export(ctx, st, req); err == nil {
		t.Error("cancelled export succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	if _, err := Export(t.Context(), st, req); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(out)
	if _, err := Export(t.Context(), st, req); !errors.Is(err, ErrOutputExists) {
		t.Errorf("existing file: %v", err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("the existing bundle changed")
	}
}

// TestBundleResignedBySomeoneElse: a bundle whose files were changed and whose manifest was
// signed again by another key (with the same name) does not verify, although every hash and
// that signature hold: the report and the web archive inside are signed by someone else.
func TestBundleResignedBySomeoneElse(t *testing.T) {
	srv := page(t)
	st := captureCase(t, srv.URL+"/x")
	pki := testpki.New(t)
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := Export(t.Context(), st, ExportRequest{Case: "사건", Lang: report.Korean, Operator: "tester", Out: out, Signer: testSigner(pki)}); err != nil {
		t.Fatal(err)
	}
	// A forger's self-made certificate with the genuine signer's name.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pki.Signer.Subject, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	tmpl.Subject = pkix.Name{CommonName: pki.Signer.Subject.CommonName, Organization: pki.Signer.Subject.Organization}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	forgedCert, _ := x509.ParseCertificate(der)
	forger := &signature.Signer{Certificate: forgedCert, Key: key}

	// Rebuild the bundle: the custody CSV changed, the manifest rewritten and signed by the forger.
	forged := resign(t, out, forger, func(name string, data []byte) ([]byte, bool) {
		switch name {
		case BundleCustodyCSV:
			data = append(data, []byte("999,forged\r\n")...)
		case BundleSignerCerts:
			data = bundle.CertsPEM(forgedCert)
		}
		return data, true
	}, nil)
	roots := pki.Pool()
	chk, err := VerifyBundle(t.Context(), nil, forged, roots)
	if err != nil {
		t.Fatal(err)
	}
	if chk.OK() {
		t.Fatal("a bundle re-signed by another key verifies")
	}
	found := false
	for _, p := range chk.Problems {
		found = found || (errors.Is(p.Err, ErrBundleMismatch) && strings.HasPrefix(p.Path, "report/"))
	}
	if !found {
		t.Errorf("the signer mismatch is not named: %v", chk.Problems)
	}
	if chk.Bundle == nil || chk.Bundle.Signer == nil || evidence.SumBytes(chk.Bundle.Signer.Raw) != evidence.SumBytes(forgedCert.Raw) {
		t.Error("the report does not say who signed the manifest")
	}
}

// FuzzVerifyBundle feeds VerifyBundle mutations of a real (small) bundle and arbitrary bytes:
// whatever the input, it returns a result or an error, never panics, and writes nothing
// outside its temporary folder.
func FuzzVerifyBundle(f *testing.F) {
	st, err := store.Open(f.Context(), f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	sealed(f, st, "https://example.org/fuzz", map[string][]byte{"screenshot.png": pngOf(f, 40, 60, func(x, y int) color.Color { return color.Gray{uint8(x * y)} }), "text.txt": []byte("본문")})
	pki := testpki.New(f)
	out := filepath.Join(f.TempDir(), "seed.zip")
	if _, err := Export(f.Context(), st, ExportRequest{Case: "사건", Lang: report.Korean, Operator: "fuzz", Out: out, Signer: testSigner(pki)}); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(out)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in.zip")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		chk, err := VerifyBundle(context.Background(), nil, p, pki.Pool())
		if err == nil && chk == nil {
			t.Fatal("no result and no error")
		}
		if err == nil && !bytes.Equal(data, seed) && chk.OK() && len(data) != len(seed) {
			t.Fatalf("a changed bundle of %d bytes verifies", len(data))
		}
	})
}

// resign rebuilds the bundle src with edit applied to each file (return false to drop it) and
// extra files added, then writes a new manifest signed by s: what only the holder of the
// signing key can do. VerifyBundle must still refuse what Export never writes.
func resign(t *testing.T, src string, s *signature.Signer, edit func(name string, data []byte) ([]byte, bool), extra map[string][]byte) string {
	t.Helper()
	return rebuildBundle(t, src, s, edit, extra, nil)
}

// rebuildBundle is resign, with editMeta (when not nil) applied to the manifest before it is
// signed.
func rebuildBundle(t *testing.T, src string, s *signature.Signer, edit func(name string, data []byte) ([]byte, bool), extra map[string][]byte, editMeta func(*bundle.Manifest)) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dst := filepath.Join(t.TempDir(), "resigned.zip")
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bundle.NewWriter(f)
	var meta bundle.Manifest
	for _, e := range zr.File {
		rc, _ := e.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		switch e.Name {
		case bundle.ManifestName:
			if err := json.Unmarshal(data, &meta); err != nil {
				t.Fatal(err)
			}
			continue
		case bundle.SignatureName, bundle.TimestampName:
			continue
		}
		data, keep := edit(e.Name, data)
		if !keep {
			continue
		}
		if _, err := bw.Add(t.Context(), e.Name, bytes.NewReader(data), e.Method == zip.Store); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range extra {
		if _, err := bw.Add(t.Context(), name, bytes.NewReader(data), false); err != nil {
			t.Fatal(err)
		}
	}
	meta.Files = nil
	if editMeta != nil {
		editMeta(&meta)
	}
	if _, _, err := bw.Finish(t.Context(), meta, s, "", 0); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestBundleOnlyWhatExportWrites: even signed by the genuine key, a bundle must hold only what
// Export writes, consistently: no stray files, no unsigned archive, the custody log of its case.
func TestBundleOnlyWhatExportWrites(t *testing.T) {
	srv := page(t)
	st := captureCase(t, srv.URL+"/p")
	pki := testpki.New(t)
	s := testSigner(pki)
	out := filepath.Join(t.TempDir(), "b.zip")
	res, err := Export(t.Context(), st, ExportRequest{Case: "사건", Lang: report.Korean, Operator: "tester", Out: out, Signer: s})
	if err != nil {
		t.Fatal(err)
	}
	same := func(_ string, b []byte) ([]byte, bool) { return b, true }
	folder := ""
	zr, _ := zip.OpenReader(out)
	for _, e := range zr.File {
		if strings.HasPrefix(e.Name, "captures/") {
			folder = path.Dir(e.Name)
		}
	}
	zr.Close()
	var unsignedWACZ []byte
	{
		// The same archive, unsigned.
		rec, _ := st.Capture(t.Context(), res.Captures[0])
		a, _ := firstRole(rec.Manifest, evidence.RoleWARC)
		var buf bytes.Buffer
		if _, err := wacz.Write(t.Context(), &buf, []wacz.WARC{{Name: rec.ID + ".warc.gz",
			Open:  func(ctx context.Context) (io.ReadCloser, error) { return st.OpenArtifact(ctx, a.SHA256) },
			Pages: []wacz.Page{{URL: rec.FinalURL, Title: rec.Title}}}}, wacz.Options{Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
		unsignedWACZ = buf.Bytes()
	}
	for _, tc := range []struct {
		name  string
		edit  func(string, []byte) ([]byte, bool)
		extra map[string][]byte
		want  string // the path the problem names
	}{
		{"extra file in a capture folder", same, map[string][]byte{folder + "/extra.png": []byte("x")}, folder + "/extra.png"},
		{"folder of no capture", same, map[string][]byte{"captures/99-evil/screenshot.png": []byte("x")}, "captures/99-evil/screenshot.png"},
		{"a PDF elsewhere", same, map[string][]byte{"annex.pdf": []byte("%PDF-1.7")}, "annex.pdf"},
		{"unsigned web archive", func(n string, b []byte) ([]byte, bool) {
			if n == BundleWACZPath {
				return unsignedWACZ, true
			}
			return b, true
		}, nil, BundleWACZPath},
		{"custody of another case", func(n string, b []byte) ([]byte, bool) {
			if n == BundleCustodyJSON {
				return bytes.Replace(b, []byte(`"case": "사건"`), []byte(`"case": "다른 사건"`), 1), true
			}
			return b, true
		}, nil, BundleCustodyJSON},
		{"custody table not the log", func(n string, b []byte) ([]byte, bool) {
			if n == BundleCustodyCSV {
				return append(b, []byte("99,x,x,x,x,x,x,{},x,x\r\n")...), true
			}
			return b, true
		}, nil, BundleCustodyCSV},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := resign(t, out, s, tc.edit, tc.extra)
			chk, err := VerifyBundle(t.Context(), nil, p, pki.Pool())
			if err != nil {
				t.Fatal(err)
			}
			named := false
			for _, pr := range chk.Problems {
				named = named || pr.Path == tc.want
			}
			if chk.OK() || !named {
				t.Errorf("OK=%v, problems %v (want one naming %s)", chk.OK(), chk.Problems, tc.want)
			}
		})
	}
	// Re-signing the bundle unchanged keeps it valid: the checks above are about content.
	if chk, err := VerifyBundle(t.Context(), nil, resign(t, out, s, same, nil), pki.Pool()); err != nil || !chk.OK() {
		t.Errorf("re-signed unchanged: %v %v", err, chk.Problems)
	}
}

// TestBundleRepacked: a recipient who unzips the bundle and zips the folder again (Windows
// "Send to > Compressed folder", zip -r) changes no file: the bundle still verifies, its web
// archive now compressed inside it.
func TestBundleRepacked(t *testing.T) {
	srv := page(t)
	st := captureCase(t, srv.URL+"/r")
	pki := testpki.New(t)
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := Export(t.Context(), st, ExportRequest{Case: "사건", Lang: report.Korean, Operator: "tester", Out: out, Signer: testSigner(pki)}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	repacked := filepath.Join(t.TempDir(), "repacked.zip")
	f, _ := os.Create(repacked)
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		rc, _ := e.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	f.Close()
	chk, err := VerifyBundle(t.Context(), nil, repacked, pki.Pool())
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK() || chk.WACZ == nil || !chk.WACZ.OK() {
		t.Errorf("the repacked bundle does not verify: %v", chk.Problems)
	}
}
