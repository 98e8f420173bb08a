package signature

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/internal/testpki"
)

// opensslIn runs openssl in dir and returns its combined output and error.
func opensslIn(dir string, args ...string) (string, error) {
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestSignDetachedOpenSSL(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	data := []byte(`{"format":"evidentia.bundle/1","files":[]}`)
	sig, err := SignDetached(data, signer(pki))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o600)
	os.WriteFile(filepath.Join(dir, "X.p7s"), sig, 0o600)
	args := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", "X.p7s", "-content", "manifest.json", "-CAfile", pki.CAFile, "-purpose", "any"}
	if out, err := opensslIn(dir, args...); err != nil || !strings.Contains(out, "Verification successful") {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
	d, err := VerifyDetached(sig, data, VerifyOptions{Roots: pki.Pool()})
	if err != nil || d.Trust != TrustTrusted || d.Signer.Subject.CommonName != "홍길동" || d.SigningTime.IsZero() {
		t.Fatalf("VerifyDetached = %+v, %v", d, err)
	}
	if d, err := VerifyDetached(sig, data, VerifyOptions{}); err != nil || d.Trust != TrustUntrusted {
		t.Fatalf("VerifyDetached(no roots) = %+v, %v; want an untrusted signer", d, err)
	}

	// One byte of the data changed.
	tampered := bytes.Clone(data)
	tampered[5] ^= 0x01
	os.WriteFile(filepath.Join(dir, "manifest.json"), tampered, 0o600)
	if out, err := opensslIn(dir, args...); err == nil || strings.Contains(out, "Verification successful") {
		t.Fatalf("openssl cms -verify accepted changed data: %v\n%s", err, out)
	}
	if _, err := VerifyDetached(sig, tampered, VerifyOptions{Roots: pki.Pool()}); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("VerifyDetached(changed data) = %v, want ErrBadSignature", err)
	}
	// One byte of the signature changed (the last bytes are the signature value).
	badSig := bytes.Clone(sig)
	badSig[len(badSig)-3] ^= 0x01
	if _, err := VerifyDetached(badSig, data, VerifyOptions{Roots: pki.Pool()}); !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrNotCMS) {
		t.Fatalf("VerifyDetached(changed signature) = %v", err)
	}
	if _, err := VerifyDetached([]byte("not DER"), data, VerifyOptions{}); !errors.Is(err, ErrNotCMS) {
		t.Fatalf("VerifyDetached(garbage) = %v, want ErrNotCMS", err)
	}
	other := testpki.New(t)
	if _, err := SignDetached(data, Signer{Certificate: pki.Signer, Key: other.SignerKey}); !errors.Is(err, ErrInvalidSigner) {
		t.Fatalf("SignDetached(wrong key) = %v, want ErrInvalidSigner", err)
	}
	if _, err := SignDetached(data, Signer{}); !errors.Is(err, ErrInvalidSigner) {
		t.Fatalf("SignDetached(no signer) = %v, want ErrInvalidSigner", err)
	}
}

func TestStampOpenSSL(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	data := []byte(`{"format":"evidentia.bundle/1","files":[]}`)
	resp, token, err := Stamp(context.Background(), tsa.URL, data, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := TokenFromResponse(resp); err != nil || !bytes.Equal(tok, token) {
		t.Fatalf("TokenFromResponse = %v", err)
	}
	ts, err := VerifyTimestamp(token, data, pki.Pool())
	if err != nil || ts.Trust != TrustTrusted || ts.Time.IsZero() || !ts.ImprintOK {
		t.Fatalf("VerifyTimestamp = %+v, %v", ts, err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o600)
	os.WriteFile(filepath.Join(dir, "X.tsr"), resp, 0o600)
	args := []string{"ts", "-verify", "-in", "X.tsr", "-data", "manifest.json", "-CAfile", pki.CAFile}
	if out, err := opensslIn(dir, args...); err != nil || !strings.Contains(out, "Verification: OK") {
		t.Fatalf("openssl ts -verify: %v\n%s", err, out)
	}
	if out, err := opensslIn(dir, "ts", "-reply", "-in", "X.tsr", "-text"); err != nil || !strings.Contains(out, "Time stamp:") {
		t.Fatalf("openssl ts -reply -text: %v\n%s", err, out)
	}

	tampered := bytes.Clone(data)
	tampered[5] ^= 0x01
	os.WriteFile(filepath.Join(dir, "manifest.json"), tampered, 0o600)
	if out, err := opensslIn(dir, args...); err == nil || strings.Contains(out, "Verification: OK") {
		t.Fatalf("openssl ts -verify accepted changed data: %v\n%s", err, out)
	}
	if _, err := VerifyTimestamp(token, tampered, pki.Pool()); !errors.Is(err, ErrTimestamp) {
		t.Fatalf("VerifyTimestamp(changed data) = %v, want ErrTimestamp", err)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), resp[:len(resp)/2], append(bytes.Clone(resp), 0)} {
		if _, err := TokenFromResponse(bad); !errors.Is(err, ErrTimestamp) {
			t.Errorf("TokenFromResponse(%d bytes) = %v, want ErrTimestamp", len(bad), err)
		}
	}
}

func TestStampFailures(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	data := []byte("manifest")
	tsa.SetFail(true)
	if _, _, err := Stamp(context.Background(), tsa.URL, data, 0); !errors.Is(err, ErrTSA) {
		t.Errorf("Stamp(failing authority) = %v, want ErrTSA", err)
	}
	tsa.SetFail(false)
	tsa.SetHang(true)
	if _, _, err := Stamp(context.Background(), tsa.URL, data, 200*time.Millisecond); !errors.Is(err, ErrTSA) {
		t.Errorf("Stamp(hanging authority) = %v, want ErrTSA", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Stamp(ctx, tsa.URL, data, 0); err == nil {
		t.Error("Stamp(cancelled) succeeded")
	}
	tsa.SetHang(false)
	for _, u := range []string{"", "ftp://example.test/", "http://"} {
		if _, _, err := Stamp(context.Background(), u, data, 0); !errors.Is(err, ErrTSA) {
			t.Errorf("Stamp(%q) = %v, want ErrTSA", u, err)
		}
	}
}

// TestDetachedCarriedCertificates: a signer shipped without its chain is a matter of trust,
// not of damage; a changed byte in a carried issuer certificate is damage.
func TestDetachedCarriedCertificates(t *testing.T) {
	pki := testpki.New(t)
	data := []byte(`{"files":[]}`)
	leafOnly := Signer{Certificate: pki.Signer, Key: pki.SignerKey}
	sig, err := SignDetached(data, leafOnly)
	if err != nil {
		t.Fatal(err)
	}
	d, err := VerifyDetached(sig, data, VerifyOptions{})
	if err != nil || d.Trust != TrustUntrusted {
		t.Errorf("leaf only, system roots: %v, %+v", err, d)
	}
	if d, err := VerifyDetached(sig, data, VerifyOptions{Roots: pki.Pool()}); err != nil || d.Trust != TrustTrusted {
		t.Errorf("leaf only, the test CA trusted: %v, %+v", err, d)
	}

	withCA, err := SignDetached(data, signer(pki))
	if err != nil {
		t.Fatal(err)
	}
	// Change one byte inside the CA's copy (its serial-number area lies inside its TBS part).
	i := bytes.Index(withCA, pki.CA.RawTBSCertificate)
	if i < 0 {
		t.Fatal("the CA certificate is not carried")
	}
	bad := append([]byte(nil), withCA...)
	bad[i+len(pki.CA.RawTBSCertificate)/2] ^= 0x01
	if _, err := VerifyDetached(bad, data, VerifyOptions{Roots: pki.Pool()}); !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrNotCMS) {
		t.Errorf("a changed byte in the carried CA certificate: %v", err)
	}
}
