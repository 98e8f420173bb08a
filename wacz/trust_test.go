package wacz

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"evidentia/internal/testpki"
	"evidentia/signature"
)

// TestSignedButFailed reproduces finding 10 on a real signed and stamped WACZ: when its
// signature fails, the report used to say "signed: yes" and "authority trusted". It now tells
// a signature that verified (SignatureValid) from one that failed, and does not call the
// authority of a failed signature's timestamp trusted.
func TestSignedButFailed(t *testing.T) {
	needOpenSSL(t)
	orig, p, _ := signedWACZ(t)
	good := verifyBytes(t, orig, p.Pool())
	if !good.OK() || !good.Signed || !good.SignatureValid || good.Timestamp.Trust != signature.TrustTrusted {
		t.Fatalf("genuine: ok %v signed %v valid %v: %v", good.OK(), good.Signed, good.SignatureValid, good.Err())
	}
	other := testpki.New(t)
	tests := []struct {
		name  string
		b     []byte
		roots *x509.CertPool
		want  error
	}{
		{"created moved a day back", editDigest(t, orig, func(sd map[string]any) {
			sd["created"] = time.Now().AddDate(0, 0, -1).UTC().Format(time.RFC3339)
		}), p.Pool(), ErrCreatedTime},
		{"signature value changed", editDigest(t, orig, func(sd map[string]any) {
			s := []byte(sd["signature"].(string))
			s[10] ^= 0x01
			sd["signature"] = string(s)
		}), p.Pool(), ErrSignature},
		{"signer and authority from a CA not given", orig, other.Pool(), ErrUntrusted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := verifyBytes(t, tc.b, tc.roots)
			if rep.OK() || !rep.Signed || rep.SignatureValid || !hasProblem(rep, digestPath, tc.want) {
				t.Fatalf("ok %v signed %v valid %v, want a %v problem: %v", rep.OK(), rep.Signed, rep.SignatureValid, tc.want, rep.Err())
			}
			if rep.Timestamp != nil && rep.Timestamp.Trust == signature.TrustTrusted {
				t.Errorf("a failed signature's authority is said to be trusted")
			}
		})
	}
}

// TestWACZRootsAndUsage checks finding 3 for web archives: no roots means none, said; with
// roots given, an authority they do not vouch for is a problem; a self-made certificate not
// made for signing is not recognised.
func TestWACZRootsAndUsage(t *testing.T) {
	needOpenSSL(t)
	orig, p, _ := signedWACZ(t)
	rep, err := Verify(context.Background(), bytes.NewReader(orig), int64(len(orig)), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.SignerTrust != signature.TrustUntrusted || !strings.Contains(rep.Roots, "no signer roots given") {
		t.Errorf("no roots: ok %v trust %s roots %q", rep.OK(), rep.SignerTrust, rep.Roots)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.CA)
	rep = verifyBytesWith(t, orig, VerifyOptions{Roots: roots, RootsSource: "--ca ca.pem"})
	if !rep.OK() || !strings.Contains(rep.Roots, "1 signer root from --ca ca.pem") {
		t.Errorf("roots given: ok %v roots %q: %v", rep.OK(), rep.Roots, rep.Err())
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "www.example.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	var out bytes.Buffer
	if _, err := Write(context.Background(), &out, buildFixture(t).warcs(), Options{Signer: &signature.Signer{Certificate: cert, Key: key}}); err != nil {
		t.Fatal(err)
	}
	rep = verifyBytes(t, out.Bytes(), p.Pool())
	if rep.OK() || rep.SignerTrust != signature.TrustUntrusted || !hasProblem(rep, digestPath, ErrUntrusted) {
		t.Errorf("self-made TLS certificate: ok %v trust %s: %v", rep.OK(), rep.SignerTrust, rep.Err())
	}
}

// TestWACZUntrustedAuthorityIsAProblem checks that with roots given, a timestamp from an
// authority they do not vouch for is a problem, not a note.
func TestWACZUntrustedAuthorityIsAProblem(t *testing.T) {
	needOpenSSL(t)
	p := testpki.New(t)
	elsewhere := testpki.New(t)
	tsa := elsewhere.StartTSA(t)
	var out bytes.Buffer
	if _, err := Write(context.Background(), &out, buildFixture(t).warcs(), Options{Created: time.Now(),
		Signer: &signature.Signer{Certificate: p.Signer, Chain: []*x509.Certificate{p.CA}, Key: p.SignerKey}, TSA: tsa.URL}); err != nil {
		t.Fatal(err)
	}
	rep := verifyBytes(t, out.Bytes(), p.Pool())
	if rep.OK() || !hasProblem(rep, digestPath, ErrTimestamp) || rep.SignerTrust != signature.TrustTrusted {
		t.Errorf("authority of another CA: ok %v trust %s: %v", rep.OK(), rep.SignerTrust, rep.Err())
	}
	rep = verifyBytesWith(t, out.Bytes(), VerifyOptions{})
	if hasProblem(rep, digestPath, ErrTimestamp) || !strings.Contains(strings.Join(rep.Notes, ";"), "not relied on") {
		t.Errorf("no roots: the untrusted authority should be a note: %v %q", rep.Err(), rep.Notes)
	}
}

func verifyBytesWith(t testing.TB, b []byte, opt VerifyOptions) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), opt)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

// editDigest rewrites the signedData of the WACZ's datapackage-digest.json.
func editDigest(t testing.TB, b []byte, fn func(sd map[string]any)) []byte {
	t.Helper()
	es := unzipAll(t, b)
	d := find(es, digestPath)
	d.data = editJSON(t, d.data, func(m map[string]any) { fn(m["signedData"].(map[string]any)) })
	return zipAll(t, es)
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("openssl is needed in CI: %v", err)
		}
		t.Skip("openssl not installed (CI is not set)")
	}
}
