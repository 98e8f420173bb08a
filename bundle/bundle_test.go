package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/internal/testpki"
	"evidentia/safezip"
	"evidentia/signature"
)

func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed in CI: %v", name, err)
		}
		t.Skipf("%s not installed (CI is not set)", name)
	}
}

// minimalPDF is a one-page PDF for signing.
func minimalPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
	}
	content := "BT /F1 18 Tf 72 720 Td (Evidentia bundle test) Tj ET"
	objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// waczBytes is a small WACZ-like ZIP.
func waczBytes(t testing.TB) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range map[string]string{
		"datapackage.json":     `{"profile":"data-package","resources":[]}`,
		"archive/data.warc.gz": strings.Repeat("WARC/1.1\r\n", 50),
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixture is a bundle written by Writer, signed by the test PKI and stamped by its real TSA.
type fixture struct {
	pki      *testpki.PKI
	tsa      *testpki.TSAServer
	signer   signature.Signer
	zip      []byte
	manifest []byte
	files    []File
	guide    GuideInfo
}

const bundleName = "case-2026-001.zip"

func newFixture(t testing.TB, selfSigned bool) *fixture {
	t.Helper()
	fx := &fixture{pki: testpki.New(t)}
	fx.tsa = fx.pki.StartTSA(t)
	fx.signer = signature.Signer{Certificate: fx.pki.Signer, Chain: []*x509.Certificate{fx.pki.CA}, Key: fx.pki.SignerKey}
	if selfSigned {
		fx.signer = selfSignedSigner(t)
	}
	ctx := context.Background()
	pdf, _, err := signature.Sign(ctx, minimalPDF(), fx.signer, signature.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fx.guide = GuideInfo{
		BundleName: bundleName, CaseName: "2026 선거 허위사실 001", Created: time.Now(),
		ReportPaths: []string{"report/report.pdf"}, WACZPath: "archive/case-001.wacz",
		Signed: true, SignerName: fx.signer.Certificate.Subject.CommonName, SignerSelfSigned: selfSigned,
		Timestamped: true, TSACertPath: "certs/tsa.pem",
	}
	var out bytes.Buffer
	bw := NewWriter(&out)
	add := func(p string, data []byte, store bool) {
		if _, err := bw.Add(ctx, p, bytes.NewReader(data), store); err != nil {
			t.Fatal(err)
		}
	}
	add(GuideName, Guide(fx.guide), false)
	add("report/report.pdf", pdf, false)
	w, err := bw.Create("archive/case-001.wacz", true)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(waczBytes(t))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	shot := make([]byte, 20000)
	rand.Read(shot)
	add("captures/01-example.com-abcdef12/screenshot.png", shot, true)
	add("captures/01-example.com-abcdef12/text.txt", []byte("허위사실 게시물 본문\n"), false)
	add("captures/01-example.com-abcdef12/화면 설명.txt", []byte("한글 이름과 공백이 있는 파일\n"), false)
	add("custody/custody.csv", []byte("time,operator,action\n2026-05-01T00:00:00Z,홍길동,capture\n"), false)
	chain := append([]*x509.Certificate{fx.signer.Certificate}, fx.signer.Chain...)
	add("certs/signer.pem", CertsPEM(chain...), false)
	add("certs/tsa.pem", CertsPEM(fx.pki.TSA, fx.pki.CA), false)
	m, mb, err := bw.Finish(ctx, Manifest{
		BundleID: "b-001", Software: "evidentia-test", Operator: "홍길동",
		Case:     &Case{ID: "c1", Name: "2026 선거 허위사실 001"},
		Captures: []CaptureRef{{ID: "abcdef12", URL: "https://example.com/p?a=1&b=\"2\"", ManifestSHA256: evidence.Digest(strings.Repeat("a", 64)), Folder: "captures/01-example.com-abcdef12"}},
	}, &fx.signer, fx.tsa.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	fx.zip, fx.manifest, fx.files = out.Bytes(), mb, m.Files
	return fx
}

func selfSignedSigner(t testing.TB) signature.Signer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "김수사 (self-made)"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageCertSign,
		BasicConstraintsValid: true, IsCA: true,
		// As `evidentia identity create` makes it: issued for signing documents.
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{signature.OIDDocumentSigning},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return signature.Signer{Certificate: cert, Key: key}
}

func verify(t testing.TB, b []byte, opt VerifyOptions) (*Report, error) {
	t.Helper()
	return Verify(context.Background(), bytes.NewReader(b), int64(len(b)), opt)
}

func TestWriteVerify(t *testing.T) {
	needTool(t, "openssl")
	fx := newFixture(t, false)
	if len(fx.files) != 9 || fx.files[0].Path != GuideName {
		t.Fatalf("files = %+v", fx.files)
	}
	zr, err := safezip.Open(bytes.NewReader(fx.zip), int64(len(fx.zip)), safezip.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := zr.Entry("archive/case-001.wacz"); e.Method != zip.Store {
		t.Errorf("the WACZ is not stored: method %d", e.Method)
	}
	if names := zr.Names(); !slices.Equal(names[len(names)-3:], []string{ManifestName, SignatureName, TimestampName}) {
		t.Errorf("names = %q", names)
	}
	var pdfChecked, waczChecked bool
	opt := VerifyOptions{Roots: fx.pki.Pool(), Checkers: map[string]Checker{
		"report/*.pdf": func(ctx context.Context, e Entry) []error {
			pdfChecked = true
			rc, err := e.Open()
			if err != nil {
				return []error{err}
			}
			defer rc.Close()
			doc, err := io.ReadAll(rc)
			if err != nil {
				return []error{err}
			}
			rep, err := signature.Verify(ctx, doc, signature.VerifyOptions{Roots: fx.pki.Pool()})
			if err != nil {
				return []error{err}
			}
			return []error{rep.Err()}
		},
		"archive/*.wacz": func(ctx context.Context, e Entry) []error {
			waczChecked = true
			ra, size, cleanup, err := e.ReaderAt(ctx)
			if err != nil {
				return []error{err}
			}
			defer cleanup()
			zr, err := safezip.Open(ra, size, safezip.DefaultLimits())
			if err != nil {
				return []error{err}
			}
			if _, ok := zr.Entry("datapackage.json"); !ok {
				return []error{errors.New("no datapackage.json")}
			}
			return nil
		},
	}}
	rep, err := verify(t, fx.zip, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || !pdfChecked || !waczChecked {
		t.Fatalf("Verify: OK=%v problems=%v pdf=%v wacz=%v", rep.OK(), rep.Problems, pdfChecked, waczChecked)
	}
	if rep.Files != 9 || !rep.Signed || rep.SignerTrust != signature.TrustTrusted || rep.Timestamp == nil || rep.Timestamp.Time.IsZero() {
		t.Fatalf("report = %+v", rep)
	}
	if rep.Manifest.Format != FormatV1 || rep.Manifest.TimestampAuthority != fx.tsa.URL || rep.Manifest.Case.Name != "2026 선거 허위사실 001" {
		t.Fatalf("manifest = %+v", rep.Manifest)
	}

	// Without roots the test CA is unknown: the signer is untrusted (a problem); the
	// authority's intact token is not relied on (not trusted, no problem of its own).
	rep, err = verify(t, fx.zip, VerifyOptions{Roots: x509.NewCertPool()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !rep.Signed || rep.SignerTrust != signature.TrustUntrusted || !hasProblem(rep, SignatureName, ErrUntrusted) ||
		hasProblem(rep, TimestampName, ErrTimestamp) || rep.Timestamp == nil || rep.Timestamp.Trust == signature.TrustTrusted {
		t.Fatalf("no roots: %+v", rep)
	}
	// With roots that vouch for neither: both are problems.
	other := x509.NewCertPool()
	other.AddCert(selfSignedSigner(t).Certificate)
	rep, err = verify(t, fx.zip, VerifyOptions{Roots: other})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.SignerTrust != signature.TrustUntrusted || !hasProblem(rep, SignatureName, ErrUntrusted) || !hasProblem(rep, TimestampName, ErrTimestamp) {
		t.Fatalf("other roots: %+v", rep)
	}
}

// TestSelfSigned: a self-made signer is said to be self-made when the reader gave no roots; a
// reader who names roots that do not hold it is told it is not trusted (anyone can make such a
// certificate under any name); one who gives that very certificate as a root trusts it.
func TestSelfSigned(t *testing.T) {
	needTool(t, "openssl")
	fx := newFixture(t, true)
	rep, err := verify(t, fx.zip, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SignerTrust != signature.TrustSelfSigned || hasProblem(rep, SignatureName, ErrUntrusted) {
		t.Fatalf("no roots: trust=%s problems=%v", rep.SignerTrust, rep.Problems)
	}
	t.Logf("no roots: OK=%v problems=%v", rep.OK(), rep.Problems)
	rep, err = verify(t, fx.zip, VerifyOptions{Roots: fx.pki.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.SignerTrust != signature.TrustUntrusted || !hasProblem(rep, SignatureName, ErrUntrusted) {
		t.Fatalf("other roots: OK=%v trust=%s problems=%v", rep.OK(), rep.SignerTrust, rep.Problems)
	}
	pinned := fx.pki.Pool()
	pinned.AddCert(fx.signer.Certificate)
	rep, err = verify(t, fx.zip, VerifyOptions{Roots: pinned})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.SignerTrust != signature.TrustTrusted {
		t.Fatalf("pinned: OK=%v trust=%s problems=%v", rep.OK(), rep.SignerTrust, rep.Problems)
	}
}

func hasProblem(rep *Report, p string, sentinel error) bool {
	for _, pr := range rep.Problems {
		if pr.Path == p && errors.Is(pr, sentinel) {
			return true
		}
	}
	return false
}

// rewrite copies the bundle entry by entry; edit returns the new content of an entry, or nil to
// drop it. extra entries are appended.
func rewrite(t testing.TB, b []byte, edit func(name string, data []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			if data = edit(f.Name, data); data == nil {
				continue
			}
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for name, data := range extra {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	return out.Bytes()
}

func flip(data []byte) []byte {
	c := bytes.Clone(data)
	c[len(c)/2] ^= 0x01
	return c
}

func TestTamper(t *testing.T) {
	needTool(t, "openssl")
	fx := newFixture(t, false)
	opt := VerifyOptions{Roots: fx.pki.Pool()}
	otherSig, err := signature.SignDetached([]byte("another manifest"), fx.signer)
	if err != nil {
		t.Fatal(err)
	}
	otherTSR, _, err := signature.Stamp(context.Background(), fx.tsa.URL, []byte("another manifest"), 0)
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name string
		b    []byte
		path string
		want error
	}
	var tests []tc
	for _, f := range fx.files {
		tests = append(tests,
			tc{"flip " + f.Path, rewrite(t, fx.zip, func(n string, d []byte) []byte {
				if n == f.Path {
					return flip(d)
				}
				return d
			}, nil), f.Path, ErrFileChanged},
			tc{"remove " + f.Path, rewrite(t, fx.zip, func(n string, d []byte) []byte {
				if n == f.Path {
					return nil
				}
				return d
			}, nil), f.Path, ErrFileMissing},
		)
	}
	only := func(name string, fn func([]byte) []byte) func(string, []byte) []byte {
		return func(n string, d []byte) []byte {
			if n == name {
				return fn(d)
			}
			return d
		}
	}
	tests = append(tests,
		tc{"add a file", rewrite(t, fx.zip, nil, map[string][]byte{"captures/extra.png": []byte("x")}), "captures/extra.png", ErrFileAdded},
		tc{"change manifest", rewrite(t, fx.zip, only(ManifestName, func(d []byte) []byte {
			return bytes.Replace(d, []byte("evidentia-test"), []byte("evidentia-TEST"), 1)
		}), nil), SignatureName, ErrSignature},
		tc{"change manifest (timestamp)", rewrite(t, fx.zip, only(ManifestName, func(d []byte) []byte {
			return bytes.Replace(d, []byte("evidentia-test"), []byte("evidentia-TEST"), 1)
		}), nil), TimestampName, ErrTimestamp},
		tc{"manifest hash edited to match a changed file", rewrite(t, fx.zip, only(ManifestName, func(d []byte) []byte {
			return bytes.Replace(d, []byte(fx.files[1].SHA256), []byte(strings.Repeat("0", 64)), 1)
		}), nil), SignatureName, ErrSignature},
		tc{"unknown format", rewrite(t, fx.zip, only(ManifestName, func(d []byte) []byte {
			return bytes.Replace(d, []byte(FormatV1), []byte("evidentia.bundle/9"), 1)
		}), nil), ManifestName, ErrManifest},
		tc{"manifest not json", rewrite(t, fx.zip, only(ManifestName, func(d []byte) []byte { return d[:len(d)/2] }), nil), ManifestName, ErrManifest},
		tc{"drop manifest", rewrite(t, fx.zip, only(ManifestName, func([]byte) []byte { return nil }), nil), ManifestName, ErrManifest},
		tc{"swap signature", rewrite(t, fx.zip, only(SignatureName, func([]byte) []byte { return otherSig }), nil), SignatureName, ErrSignature},
		tc{"garbage signature", rewrite(t, fx.zip, only(SignatureName, func([]byte) []byte { return []byte("not DER") }), nil), SignatureName, ErrSignature},
		tc{"drop signature", rewrite(t, fx.zip, only(SignatureName, func([]byte) []byte { return nil }), nil), SignatureName, ErrNotSigned},
		tc{"drop timestamp", rewrite(t, fx.zip, only(TimestampName, func([]byte) []byte { return nil }), nil), TimestampName, ErrTimestamp},
		tc{"swap timestamp", rewrite(t, fx.zip, only(TimestampName, func([]byte) []byte { return otherTSR }), nil), TimestampName, ErrTimestamp},
		tc{"flip timestamp", rewrite(t, fx.zip, only(TimestampName, flip), nil), TimestampName, ErrTimestamp},
	)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := verify(t, tc.b, opt)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !hasProblem(rep, tc.path, tc.want) {
				t.Fatalf("want a problem %v naming %q; got OK=%v %v", tc.want, tc.path, rep.OK(), rep.Problems)
			}
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		rep, _ := verify(t, rewrite(t, fx.zip, only(SignatureName, func([]byte) []byte { return nil }), nil), opt)
		if rep.Signed || rep.OK() {
			t.Fatalf("an unsigned bundle verified: %+v", rep)
		}
	})
	t.Run("flip a byte in the raw ZIP", func(t *testing.T) {
		// A flipped byte inside a stored entry's data: the CRC-32 or the SHA-256 catches it.
		b := bytes.Clone(fx.zip)
		zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		for _, f := range zr.File {
			if f.Name == "captures/01-example.com-abcdef12/screenshot.png" {
				off, _ := f.DataOffset()
				b[off+100] ^= 0x80
			}
		}
		rep, err := verify(t, b, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !hasProblem(rep, "captures/01-example.com-abcdef12/screenshot.png", ErrFileChanged) {
			t.Fatalf("problems: %v", rep.Problems)
		}
	})
	for _, n := range []int{0, 10, len(fx.zip) / 2, len(fx.zip) - 30, len(fx.zip) - 1} {
		t.Run(fmt.Sprintf("truncated to %d", n), func(t *testing.T) {
			if _, err := verify(t, fx.zip[:n], opt); !errors.Is(err, safezip.ErrNotZip) {
				t.Fatalf("Verify = %v, want safezip.ErrNotZip", err)
			}
		})
	}
	t.Run("unsafe zip", func(t *testing.T) {
		b := rewrite(t, fx.zip, nil, map[string][]byte{"../evil": []byte("x")})
		if _, err := verify(t, b, opt); !errors.Is(err, safezip.ErrUnsafe) || !strings.Contains(err.Error(), `"../evil"`) {
			t.Fatalf("Verify = %v, want safezip.ErrUnsafe naming ../evil", err)
		}
	})
	t.Run("checker panic", func(t *testing.T) {
		rep, err := verify(t, fx.zip, VerifyOptions{Roots: fx.pki.Pool(), Checkers: map[string]Checker{
			"report/*": func(context.Context, Entry) []error { panic("boom") },
		}})
		if err != nil || !hasProblem(rep, "report/report.pdf", ErrChecker) {
			t.Fatalf("Verify = %v, %v", err, rep)
		}
	})
	t.Run("bad pattern", func(t *testing.T) {
		if _, err := verify(t, fx.zip, VerifyOptions{Checkers: map[string]Checker{"[": nil}}); err == nil {
			t.Fatal("bad pattern accepted")
		}
	})
}

func TestWriterRefusals(t *testing.T) {
	ctx := context.Background()
	bw := NewWriter(io.Discard)
	for _, p := range []string{"a/b.txt", "Dir/x", "카페\u0301.txt"} {
		if _, err := bw.Add(ctx, p, strings.NewReader("x"), false); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path string
		want error
	}{
		{"../x", ErrBadPath}, {"/abs", ErrBadPath}, {`a\b`, ErrBadPath}, {"C:x", ErrBadPath},
		{"a:b", ErrBadPath}, {`q"uote`, ErrBadPath}, {"x.", ErrBadPath}, {"x ", ErrBadPath},
		{"con.txt", ErrBadPath}, {"d/NUL", ErrBadPath}, {"dir/", ErrBadPath}, {"", ErrBadPath},
		{"a\tb", ErrBadPath}, {ManifestName, ErrBadPath}, {"Manifest.JSON", ErrBadPath},
		{SignatureName, ErrBadPath}, {TimestampName, ErrBadPath},
		{"a/b.txt", ErrDuplicate}, {"A/B.TXT", ErrDuplicate}, {"카페\u0301.txt", ErrDuplicate},
		{"a", ErrDuplicate}, {"a/b.txt/c", ErrDuplicate}, {"dir/y", nil},
	}
	for _, tc := range tests {
		_, err := bw.Add(ctx, tc.path, strings.NewReader("x"), false)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("Add(%q) = %v, want %v", tc.path, err, tc.want)
		}
		if tc.want != nil {
			if _, err := bw.Create(tc.path, false); !errors.Is(err, tc.want) {
				t.Errorf("Create(%q) = %v, want %v", tc.path, err, tc.want)
			}
		}
	}
	w, err := bw.Create("open.bin", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bw.Add(ctx, "other", strings.NewReader("x"), false); !errors.Is(err, ErrBusy) {
		t.Errorf("Add while Create is open = %v, want ErrBusy", err)
	}
	if _, _, err := bw.Finish(ctx, Manifest{}, nil, "", 0); !errors.Is(err, ErrBusy) {
		t.Errorf("Finish while Create is open = %v, want ErrBusy", err)
	}
	w.Close()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := bw.Add(cctx, "cancelled", strings.NewReader("x"), false); !errors.Is(err, context.Canceled) {
		t.Errorf("Add(cancelled) = %v", err)
	}
	if _, err := bw.Add(ctx, "after", strings.NewReader("x"), false); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after a failed copy = %v, want ErrClosed", err)
	}
}

func TestUnsignedBundle(t *testing.T) {
	var out bytes.Buffer
	bw := NewWriter(&out)
	if _, err := bw.Add(context.Background(), "a.txt", strings.NewReader("hello"), false); err != nil {
		t.Fatal(err)
	}
	m, _, err := bw.Finish(context.Background(), Manifest{BundleID: "u"}, nil, "", 0)
	if err != nil || len(m.Files) != 1 {
		t.Fatalf("Finish = %+v, %v", m, err)
	}
	if _, _, err := bw.Finish(context.Background(), Manifest{}, nil, "", 0); !errors.Is(err, ErrClosed) {
		t.Errorf("second Finish = %v, want ErrClosed", err)
	}
	rep, err := verify(t, out.Bytes(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Signed || rep.Files != 1 || !hasProblem(rep, SignatureName, ErrNotSigned) || len(rep.Problems) != 1 {
		t.Fatalf("unsigned: %+v", rep)
	}
}

func TestTSAFailure(t *testing.T) {
	needTool(t, "openssl")
	p := testpki.New(t)
	tsa := p.StartTSA(t)
	s := signature.Signer{Certificate: p.Signer, Chain: []*x509.Certificate{p.CA}, Key: p.SignerKey}
	for _, mode := range []string{"fail", "hang"} {
		t.Run(mode, func(t *testing.T) {
			tsa.SetFail(mode == "fail")
			tsa.SetHang(mode == "hang")
			bw := NewWriter(io.Discard)
			bw.Add(context.Background(), "a.txt", strings.NewReader("x"), false)
			if _, _, err := bw.Finish(context.Background(), Manifest{}, &s, tsa.URL, 500*time.Millisecond); !errors.Is(err, signature.ErrTSA) {
				t.Fatalf("Finish = %v, want signature.ErrTSA", err)
			}
		})
	}
}

// randomish is a deterministic stream of n pseudo-random bytes that never holds them all.
type randomish struct {
	r *mrand.ChaCha8
	n int64
}

func (r *randomish) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	r.r.Read(p)
	r.n -= int64(len(p))
	return len(p), nil
}

// BenchmarkWriteBundle writes 200 files of 1 MiB each to io.Discard and reports the peak heap
// in use, sampled after every file: it stays flat however many files are written.
func BenchmarkWriteBundle(b *testing.B) {
	const files, size = 200, 1 << 20
	b.ReportAllocs()
	b.SetBytes(files * size)
	var peak uint64
	var ms runtime.MemStats
	for i := 0; b.Loop(); i++ {
		bw := NewWriter(io.Discard)
		for j := range files {
			src := &randomish{r: mrand.NewChaCha8([32]byte{byte(i), byte(j)}), n: size}
			if _, err := bw.Add(context.Background(), fmt.Sprintf("captures/%03d/screenshot.png", j), src, j%2 == 0); err != nil {
				b.Fatal(err)
			}
			if j%20 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		if _, _, err := bw.Finish(context.Background(), Manifest{BundleID: "bench"}, nil, "", 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// FuzzVerify verifies arbitrary bytes: it must never panic, and an error must come from
// safezip (the bundle could not be opened).
func FuzzVerify(f *testing.F) {
	var out bytes.Buffer
	bw := NewWriter(&out)
	bw.Add(context.Background(), GuideName, bytes.NewReader(Guide(GuideInfo{BundleName: "x.zip"})), false)
	bw.Add(context.Background(), "archive/a.wacz", bytes.NewReader(waczBytes(f)), true)
	bw.Add(context.Background(), "captures/01/text.txt", strings.NewReader("본문"), false)
	if _, _, err := bw.Finish(context.Background(), Manifest{BundleID: "fuzz"}, nil, "", 0); err != nil {
		f.Fatal(err)
	}
	f.Add(out.Bytes())
	f.Add(out.Bytes()[:out.Len()/2])
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	lim := safezip.Limits{MaxEntries: 20, MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20, MaxRatio: 50}
	checkers := map[string]Checker{"archive/*.wacz": func(ctx context.Context, e Entry) []error {
		ra, size, cleanup, err := e.ReaderAt(ctx)
		if err != nil {
			return []error{err}
		}
		defer cleanup()
		_, err = safezip.Open(ra, size, lim)
		return []error{err}
	}}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), VerifyOptions{Limits: lim, Checkers: checkers, TempDir: t.TempDir()})
		if err != nil {
			if !errors.Is(err, safezip.ErrNotZip) && !errors.Is(err, safezip.ErrUnsafe) && !errors.Is(err, safezip.ErrTooLarge) {
				t.Fatalf("Verify: unexpected error %v", err)
			}
			return
		}
		if rep.OK() {
			t.Fatal("an unsigned bundle verified")
		}
		for _, p := range rep.Problems {
			if p.Err == nil {
				t.Fatal("a problem without error")
			}
		}
	})
}
