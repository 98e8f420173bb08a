package signature

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"

	"evidentia/internal/testpki"
)

// needTool fails the test when a command-line tool is missing under CI, and skips it elsewhere.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed in CI: %v", name, err)
		}
		t.Skipf("%s not installed (CI is not set)", name)
	}
}

// minimalPDF writes a small valid PDF (one page of text) with the given embedded files.
func minimalPDF(files map[string][]byte) []byte {
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	content := "BT /F1 18 Tf 72 720 Td (Evidentia signature test) Tj ET"
	cat := add("") // placeholder, filled below
	pages := add("")
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	stream := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pages, font, stream))
	objs[pages-1] = fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page)
	names := ""
	for _, name := range sortedKeys(files) {
		data := files[name]
		ef := add(fmt.Sprintf("<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream", len(data), data))
		spec := add(fmt.Sprintf("<< /Type /Filespec /F (%s) /UF (%s) /Desc (manifest) /EF << /F %d 0 R >> >>", name, name, ef))
		names += fmt.Sprintf("(%s) %d 0 R ", name, spec)
	}
	if names != "" {
		objs[cat-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Names << /EmbeddedFiles << /Names [%s] >> >> >>", pages, names)
	} else {
		objs[cat-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages)
	}
	return pdfOf("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", objs, cat, "")
}

func sortedKeys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func pdfsig(t *testing.T, path string, nssdb string) string {
	t.Helper()
	args := []string{path}
	if nssdb != "" {
		args = []string{"-nssdir", nssdb, path}
	}
	out, _ := exec.Command("pdfsig", args...).CombinedOutput() // pdfsig exits 0 even on failure: read its text
	return string(out)
}

func write(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func signer(p *testpki.PKI) Signer {
	return Signer{Certificate: p.Signer, Chain: []*x509.Certificate{p.CA}, Key: p.SignerKey}
}

func TestSignVerifyWithTimestamp(t *testing.T) {
	needTool(t, "pdfsig")
	needTool(t, "openssl")
	needTool(t, "certutil")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	manifest := []byte(`{"format":"evidentia.manifest/1","capture_id":"x"}`)
	doc := minimalPDF(map[string][]byte{"x.manifest.json": manifest})

	signed, made, err := Sign(t.Context(), doc, signer(pki), Options{Reason: "전자증거 채증 보고서", Location: "서울", TSA: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	if made == nil || made.Timestamp == nil || !made.WholeFile {
		t.Fatalf("Sign's own findings: %+v", made)
	}
	if !bytes.HasPrefix(signed, doc) {
		t.Fatal("signing must append an incremental update, leaving the original bytes as they were")
	}
	rep, err := Verify(t.Context(), signed, VerifyOptions{Roots: pki.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("valid signature reported invalid: %v", err)
	}
	s := rep.Signatures[0]
	if !s.WholeFile || s.Trust != TrustTrusted || s.SubFilter != "adbe.pkcs7.detached" || s.Signer.Subject.CommonName != "홍길동" {
		t.Fatalf("signature = whole %v trust %v subfilter %q signer %q", s.WholeFile, s.Trust, s.SubFilter, s.Signer.Subject.CommonName)
	}
	if s.Reason != "전자증거 채증 보고서" || s.Location != "서울" {
		t.Errorf("reason/location = %q/%q", s.Reason, s.Location)
	}
	ts := s.Timestamp
	if ts == nil || !ts.ImprintOK || ts.Trust != TrustTrusted || !strings.Contains(ts.Authority, "Evidentia Test TSA") {
		t.Fatalf("timestamp = %+v", ts)
	}
	if d := time.Since(ts.Time); d < -2*time.Second || d > time.Minute {
		t.Errorf("timestamp time %v is not now", ts.Time)
	}
	if len(rep.Attachments) != 1 || rep.Attachments[0].Name != "x.manifest.json" || !bytes.Equal(rep.Attachments[0].Data, manifest) {
		t.Errorf("attachments = %+v", rep.Attachments)
	}

	// poppler, an independent verifier, with and without the test CA trusted.
	path := write(t, signed)
	out := pdfsig(t, path, pki.NSSDB(t))
	for _, want := range []string{"Signature is Valid.", "Certificate is Trusted.", "Signature Type: adbe.pkcs7.detached", "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig with the CA trusted lacks %q:\n%s", want, out)
		}
	}

	// openssl checks the embedded token against the signature value it stamps.
	p7, err := pkcs7.Parse(s.CMS)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "token.der"), ts.Token, 0o600)
	os.WriteFile(filepath.Join(dir, "sigvalue.bin"), p7.Signers[0].EncryptedDigest, 0o600)
	cmd := exec.Command("openssl", "ts", "-verify", "-token_in", "-in", "token.der", "-data", "sigvalue.bin",
		"-CAfile", pki.CAFile, "-untrusted", filepath.Join(pki.Dir, "tsa.crt"))
	cmd.Dir = dir
	if o, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(o), "Verification: OK") {
		t.Errorf("openssl ts -verify: %v\n%s", err, o)
	}
}

func TestTamperedFileIsRejected(t *testing.T) {
	needTool(t, "pdfsig")
	pki := testpki.New(t)
	doc := minimalPDF(nil)
	signed, _, err := Sign(t.Context(), doc, signer(pki), Options{Reason: "reason-after-the-contents"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(t.Context(), signed, VerifyOptions{Roots: pki.Pool()})
	if err != nil || rep.Err() != nil {
		t.Fatalf("untampered: %v %v", err, rep.Err())
	}
	br := rep.Signatures[0].ByteRange
	reasonAt := int64(bytes.Index(signed, []byte("reason-after-the-contents")))
	if reasonAt < br[2] {
		t.Fatalf("the reason is expected after the signature contents (%d < %d)", reasonAt, br[2])
	}

	flip := func(i int64) []byte {
		b := bytes.Clone(signed)
		b[i] ^= 0x01
		return b
	}
	textAt := int64(bytes.Index(signed, []byte("signature test")))
	tests := []struct {
		name   string
		doc    []byte
		want   error
		poppl  string
		popple bool
	}{
		{"one byte of the page text", flip(textAt), ErrDigestMismatch, "Digest Mismatch.", true},
		{"one byte after the signature contents", flip(reasonAt + 3), ErrDigestMismatch, "Digest Mismatch.", true},
		{"one byte of the signature value", flip(br[1] + 200), ErrBadSignature, "", false},
		{"bytes appended", append(bytes.Clone(signed), []byte("\n% appended\n")...), ErrNotWholeFile, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Verify(t.Context(), tc.doc, VerifyOptions{Roots: pki.Pool()})
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(rep.Err(), tc.want) {
				t.Errorf("Err() = %v, want %v", rep.Err(), tc.want)
			}
			if tc.popple {
				if out := pdfsig(t, write(t, tc.doc), ""); !strings.Contains(out, tc.poppl) {
					t.Errorf("pdfsig lacks %q:\n%s", tc.poppl, out)
				}
			}
		})
	}
}

func TestSelfSignedAndUntrusted(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "김수사", Organization: []string{"선관위"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	signed, _, err := Sign(t.Context(), minimalPDF(nil), Signer{Certificate: cert, Key: key}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(t.Context(), signed, VerifyOptions{})
	if err != nil || rep.Err() != nil {
		t.Fatalf("%v %v", err, rep.Err())
	}
	s := rep.Signatures[0]
	if s.Trust != TrustSelfSigned || !strings.Contains(strings.Join(s.Notes, "; "), "self-made") || !strings.Contains(strings.Join(s.Notes, "; "), "no timestamp") {
		t.Errorf("trust %v notes %q", s.Trust, s.Notes)
	}

	// A CA-issued certificate whose CA this computer does not trust: not valid, and said why.
	pki := testpki.New(t)
	signed, _, err = Sign(t.Context(), minimalPDF(nil), signer(pki), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ = Verify(t.Context(), signed, VerifyOptions{Roots: x509.NewCertPool()})
	if !errors.Is(rep.Err(), ErrUntrusted) || rep.Signatures[0].Trust != TrustUntrusted {
		t.Errorf("untrusted CA: err %v trust %v", rep.Err(), rep.Signatures[0].Trust)
	}
}

func TestSignRefusesBadInput(t *testing.T) {
	pki := testpki.New(t)
	other := testpki.New(t)
	ctx := t.Context()
	if _, _, err := Sign(ctx, minimalPDF(nil), Signer{Certificate: pki.Signer, Key: other.SignerKey}, Options{}); !errors.Is(err, ErrInvalidSigner) {
		t.Errorf("key of another certificate: %v", err)
	}
	if _, _, err := Sign(ctx, []byte("not a pdf"), signer(pki), Options{}); !errors.Is(err, ErrNotPDF) {
		t.Errorf("not a PDF: %v", err)
	}
	if _, _, err := Sign(ctx, minimalPDF(nil), signer(pki), Options{TSA: "ftp://example.test/"}); !errors.Is(err, ErrTSA) {
		t.Errorf("bad TSA URL: %v", err)
	}
	if _, err := Verify(ctx, []byte("%PDF-1.7 garbage"), VerifyOptions{}); !errors.Is(err, ErrNotPDF) {
		t.Errorf("garbage: %v", err)
	}
	rep, err := Verify(ctx, minimalPDF(nil), VerifyOptions{})
	if err != nil || !errors.Is(rep.Err(), ErrNotSigned) {
		t.Errorf("unsigned: %v %v", err, rep.Err())
	}
}

func TestTSAFailureNeverGivesAnUnstampedReport(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	doc := minimalPDF(nil)

	tsa.SetFail(true)
	out, _, err := Sign(t.Context(), doc, signer(pki), Options{TSA: tsa.URL})
	if !errors.Is(err, ErrTSA) || out != nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("TSA 503: out %d bytes, err %v", len(out), err)
	}

	tsa.SetFail(false)
	tsa.SetHang(true)
	start := time.Now()
	out, _, err = Sign(t.Context(), doc, signer(pki), Options{TSA: tsa.URL, TSATimeout: 500 * time.Millisecond})
	if !errors.Is(err, ErrTSA) || out != nil || time.Since(start) > 10*time.Second {
		t.Errorf("hanging TSA: out %d bytes, err %v after %v", len(out), err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	out, _, err = Sign(ctx, doc, signer(pki), Options{TSA: tsa.URL})
	if !errors.Is(err, context.Canceled) || out != nil {
		t.Errorf("cancelled: out %d bytes, err %v", len(out), err)
	}

	// Nothing listens here.
	out, _, err = Sign(t.Context(), doc, signer(pki), Options{TSA: "http://127.0.0.1:9/tsa"})
	if !errors.Is(err, ErrTSA) || out != nil {
		t.Errorf("unreachable TSA: out %d bytes, err %v", len(out), err)
	}
}
