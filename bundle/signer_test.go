package bundle

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"

	"evidentia/internal/testpki"
	"evidentia/signature"
)

// certBy issues a certificate for a new key from the test CA.
func certBy(t testing.TB, pki *testpki.PKI, cn string, from, to time.Time, ku x509.KeyUsage, eku ...x509.ExtKeyUsage) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, NotBefore: from, NotAfter: to,
		KeyUsage: ku, ExtKeyUsage: eku, DNSNames: []string{"www.example.test"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pki.CA, key.Public(), pki.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, key
}

// detachedAt signs data as SignDetached does, but claims the signing time claimed: the
// signing-time attribute is the signer's own, and a signer can write any time there.
func detachedAt(t testing.TB, data []byte, cert *x509.Certificate, key crypto.Signer, chain []*x509.Certificate, claimed time.Time) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	// The library always adds the current time; an earlier one sorts first in the SET and is
	// the one readers take.
	cfg := pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{{Type: pkcs7.OIDAttributeSigningTime, Value: claimed.UTC()}}}
	if err := sd.AddSignerChain(cert, key, chain, cfg); err != nil {
		t.Fatal(err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestBundleSignerJudgedRightly reproduces finding 3 (a web server's TLS certificate from a
// trusted CA signed a bundle: "certificate trusted") and finding 10 (the signer's validity was
// judged at its own claimed signing time, not the timestamp's) on a real signed and
// timestamped bundle whose manifest.json.p7s is replaced.
func TestBundleSignerJudgedRightly(t *testing.T) {
	needTool(t, "openssl")
	fx := newFixture(t, false)
	now := time.Now()
	tls, tlsKey := certBy(t, fx.pki, "www.example.test", now.Add(-30*time.Minute), now.AddDate(1, 0, 0),
		x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment, x509.ExtKeyUsageServerAuth)
	// Valid from 55 to 5 minutes ago: expired at the timestamp's time (now), valid at the
	// time it claims to have signed (30 minutes ago).
	expired, expiredKey := certBy(t, fx.pki, "Expired Signer", now.Add(-55*time.Minute), now.Add(-5*time.Minute),
		x509.KeyUsageDigitalSignature, x509.ExtKeyUsageEmailProtection)
	chain := []*x509.Certificate{fx.pki.CA}
	tlsSig, err := signature.SignDetached(fx.manifest, signature.Signer{Certificate: tls, Chain: chain, Key: tlsKey})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sig  []byte
		want []error
		says string
	}{
		{"signed with a TLS server certificate", tlsSig, []error{ErrUntrusted}, "not issued for signing documents"},
		{"expired signer claiming an earlier signing time", detachedAt(t, fx.manifest, expired, expiredKey, chain, now.Add(-30*time.Minute)),
			[]error{ErrCertificateTime, ErrUntrusted}, "the trusted timestamp's time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := rewrite(t, fx.zip, func(name string, data []byte) []byte {
				if name == SignatureName {
					return tc.sig
				}
				return data
			}, nil)
			rep, err := verify(t, b, VerifyOptions{Roots: fx.pki.Pool(), RootsSource: "--ca ca.pem"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !rep.Signed || rep.SignerTrust == signature.TrustTrusted {
				t.Fatalf("OK %v signed %v trust %s: %v", rep.OK(), rep.Signed, rep.SignerTrust, rep.Problems)
			}
			for _, w := range tc.want {
				if !hasProblem(rep, SignatureName, w) {
					t.Errorf("no %v problem: %v", w, rep.Problems)
				}
			}
			if !strings.Contains(errorsText(rep), tc.says) {
				t.Errorf("problems do not say %q: %v", tc.says, rep.Problems)
			}
			if rep.Timestamp == nil || rep.Timestamp.Trust != signature.TrustTrusted || !strings.Contains(rep.Roots, "from --ca ca.pem") {
				t.Errorf("timestamp %+v, roots %q", rep.Timestamp, rep.Roots)
			}
		})
	}

	// The genuine bundle: the signer is judged at the timestamp's time and trusted.
	rep, err := verify(t, fx.zip, VerifyOptions{Roots: fx.pki.Pool()})
	if err != nil || !rep.OK() || rep.SignerJudgedAt.IsZero() || !rep.SignerJudgedAt.Equal(rep.Timestamp.Time) {
		t.Fatalf("genuine: %v, OK %v, judged at %v, stamped %v", err, rep.OK(), rep.SignerJudgedAt, rep.Timestamp)
	}
	// No roots: nothing trusted, and said.
	rep, _ = verify(t, fx.zip, VerifyOptions{})
	if rep.OK() || rep.SignerTrust != signature.TrustUntrusted || !strings.Contains(rep.Roots, "no signer roots given") {
		t.Errorf("no roots: OK %v trust %s roots %q", rep.OK(), rep.SignerTrust, rep.Roots)
	}
}

func errorsText(rep *Report) string {
	var s []string
	for _, p := range rep.Problems {
		s = append(s, p.Error())
	}
	return strings.Join(s, "\n")
}
