package signature

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"evidentia/internal/testpki"
)

// issueBy makes a certificate for a new key, issued by the test CA, with the given usages.
func issueBy(t testing.TB, pki *testpki.PKI, cn string, ku x509.KeyUsage, eku []x509.ExtKeyUsage, unknown []asn1.ObjectIdentifier) Signer {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-30 * time.Minute), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: ku, ExtKeyUsage: eku, UnknownExtKeyUsage: unknown, DNSNames: []string{"www.example.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pki.CA, key.Public(), pki.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return Signer{Certificate: c, Chain: []*x509.Certificate{pki.CA}, Key: key}
}

// TestOnlyDocumentSignersAreTrusted reproduces finding 3: a web server's TLS certificate,
// issued by a trusted authority, signed a report and verify said "certificate trusted". A
// signer is now trusted only with a document-signing or e-mail-protection extended key usage
// and the digitalSignature or nonRepudiation key usage.
func TestOnlyDocumentSignersAreTrusted(t *testing.T) {
	pki := testpki.New(t)
	ds, nr, ke := x509.KeyUsageDigitalSignature, x509.KeyUsageContentCommitment, x509.KeyUsageKeyEncipherment
	tests := []struct {
		name    string
		ku      x509.KeyUsage
		eku     []x509.ExtKeyUsage
		unknown []asn1.ObjectIdentifier
		trusted bool
	}{
		{"TLS server certificate", ds | ke, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, nil, false},
		{"TLS client certificate", ds, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, nil, false},
		{"code signing", ds, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, nil, false},
		{"any extended key usage", ds, []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, nil, false},
		{"no extended key usage", ds | nr, nil, nil, false},
		{"e-mail protection, key encipherment only", ke, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, nil, false},
		{"e-mail protection, no key usage", 0, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, nil, false},
		{"e-mail protection, digitalSignature", ds, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, nil, true},
		{"document signing, nonRepudiation", nr, nil, []asn1.ObjectIdentifier{OIDDocumentSigning}, true},
		{"TLS and document signing", ds, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, []asn1.ObjectIdentifier{OIDDocumentSigning}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := issueBy(t, pki, tc.name, tc.ku, tc.eku, tc.unknown)
			signed, _, err := Sign(t.Context(), minimalPDF(nil), s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Verify(t.Context(), signed, VerifyOptions{Roots: pki.Pool()})
			if err != nil {
				t.Fatal(err)
			}
			sig := rep.Signatures[0]
			if got := sig.Trust == TrustTrusted && rep.Err() == nil; got != tc.trusted {
				t.Fatalf("trusted %v (%s: %s), want %v", got, sig.Trust, sig.TrustDetail, tc.trusted)
			}
			if !tc.trusted && (!errors.Is(rep.Err(), ErrUntrusted) || !strings.Contains(sig.TrustDetail, "usage")) {
				t.Errorf("err %v, detail %q", rep.Err(), sig.TrustDetail)
			}
			// The bundle's detached signature is judged the same way.
			d, err := VerifyDetached(mustDetached(t, []byte("manifest"), s), []byte("manifest"), VerifyOptions{Roots: pki.Pool()})
			if err != nil || (d.Trust == TrustTrusted) != tc.trusted {
				t.Errorf("detached: %v, trust %s (%s)", err, d.Trust, d.TrustDetail)
			}
		})
	}

	// A self-made certificate is recognised, and said to be self-made, only when no roots
	// were given and it was made for signing; with roots it is trusted only when it is one of
	// them (a reader pinning the sender's certificate); one made for a web server never is.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		eku                  []x509.ExtKeyUsage
		none, others, pinned Trust // without roots; with roots not holding it; with it as a root
	}{
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, TrustSelfSigned, TrustUntrusted, TrustTrusted},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, TrustUntrusted, TrustUntrusted, TrustUntrusted},
	} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "self"}, NotBefore: time.Now().Add(-time.Hour),
			NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: tc.eku}
		der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		c, _ := x509.ParseCertificate(der)
		pinned := pki.Pool()
		pinned.AddCert(c)
		for _, r := range []struct {
			name  string
			roots *x509.CertPool
			want  Trust
		}{{"no roots", nil, tc.none}, {"other roots", pki.Pool(), tc.others}, {"pinned", pinned, tc.pinned}} {
			if got, detail := JudgeSigner(c, nil, r.roots, time.Now()); got != r.want {
				t.Errorf("self-made %v, %s: %s (%s), want %s", tc.eku, r.name, got, detail, r.want)
			}
		}
	}
}

func mustDetached(t testing.TB, data []byte, s Signer) []byte {
	t.Helper()
	sig, err := SignDetached(data, s)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// TestNoRootsMeansNone checks that without roots no authority is trusted (the computer's web
// roots are not signer roots), that this is said plainly, and that with roots given an
// authority they do not vouch for makes the timestamp a problem rather than a note.
func TestNoRootsMeansNone(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	elsewhere := testpki.New(t) // another CA's timestamp authority
	tsa := elsewhere.StartTSA(t)
	signed, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{TSA: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		opt     VerifyOptions
		roots   string
		problem error
		trusted bool
	}{
		{"no roots", VerifyOptions{}, "no signer roots given: only a self-made certificate can be recognised", ErrUntrusted, false},
		{"empty pool", VerifyOptions{Roots: x509.NewCertPool()}, "no signer roots given", ErrUntrusted, false},
		{"the signer's CA, not the authority's", VerifyOptions{Roots: pki.Pool(), RootsSource: "--ca ca.pem"}, "1 signer root from --ca ca.pem: Evidentia Test CA", ErrTimestamp, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Verify(t.Context(), signed, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Signatures[0]
			if !strings.Contains(rep.Roots, tc.roots) || (s.Trust == TrustTrusted) != tc.trusted || s.Timestamp == nil || s.Timestamp.Trust == TrustTrusted {
				t.Fatalf("roots %q, signer %s, timestamp %+v", rep.Roots, s.Trust, s.Timestamp)
			}
			if !errors.Is(rep.Err(), tc.problem) {
				t.Errorf("err %v, want %v", rep.Err(), tc.problem)
			}
		})
	}
	if got := DescribeRoots(elsewhere.Pool(), ""); got != "1 signer root: Evidentia Test CA" {
		t.Errorf("DescribeRoots = %q", got)
	}
}
