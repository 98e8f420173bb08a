package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"evidentia/internal/testpki"
)

// selfCert makes a self-signed certificate for key, with the given extended key usage
// extension (nil: none).
func selfCert(t *testing.T, cn string, key crypto.Signer, eku *pkix.Extension) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(99), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().AddDate(-10, 0, 0), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if eku != nil {
		tmpl.ExtraExtensions = []pkix.Extension{*eku}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// forgeToken makes an RFC 3161 token over value, dated at, signed by signerCert/key, carrying
// extra certificates too (which need not have issued the signer's).
func forgeToken(t *testing.T, value []byte, at time.Time, signerCert *x509.Certificate, key crypto.Signer, extra ...*x509.Certificate) []byte {
	t.Helper()
	h := sha256.Sum256(value)
	ts := &timestamp.Timestamp{
		HashAlgorithm: crypto.SHA256, HashedMessage: h[:], Time: at, SerialNumber: big.NewInt(1),
		Policy: asn1.ObjectIdentifier{1, 2, 3}, AddTSACertificate: true,
	}
	resp, err := ts.CreateResponseWithOpts(signerCert, key, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := timestamp.ParseResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) == 0 {
		return parsed.RawToken
	}
	// Re-sign the same TSTInfo with the extra certificates added to the bag.
	p7, err := pkcs7.Parse(parsed.RawToken)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := pkcs7.NewSignedData(p7.Content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetContentType(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4})
	sd.SetDigestAlgorithm(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1})
	if err := sd.AddSigner(signerCert, key, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range extra {
		sd.AddCertificate(c)
	}
	tok, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestForgedTimestampIsNotTrusted(t *testing.T) {
	pki := testpki.New(t)
	value := []byte("the signature value")
	back := time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)
	attacker, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ekuTS, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})

	// The genuine authority's certificate rides along, but the attacker signed the token.
	plain := selfCert(t, "Attacker", attacker, nil)
	_, err := checkTimestamp(forgeToken(t, value, back, plain, attacker, pki.TSA), value, pki.Pool())
	if !errors.Is(err, ErrTimestamp) || !strings.Contains(err.Error(), "not a timestamp authority certificate") {
		t.Errorf("token signed by a non-TSA certificate: %v", err)
	}
	// Even with a timestamping certificate of its own, the attacker is not trusted.
	tsaLike := selfCert(t, "Attacker TSA", attacker, &pkix.Extension{Id: oidExtKeyUsage, Critical: true, Value: ekuTS})
	ts, err := checkTimestamp(forgeToken(t, value, back, tsaLike, attacker, pki.TSA), value, pki.Pool())
	if err != nil || ts.Trust == TrustTrusted || !strings.Contains(ts.Authority, "Attacker TSA") {
		t.Errorf("self-made TSA: err %v, %+v", err, ts)
	}
	// A timestamping extension that is not critical does not make a TSA certificate.
	lax := selfCert(t, "Lax TSA", attacker, &pkix.Extension{Id: oidExtKeyUsage, Critical: false, Value: ekuTS})
	if _, err := checkTimestamp(forgeToken(t, value, back, lax, attacker), value, pki.Pool()); !errors.Is(err, ErrTimestamp) || !strings.Contains(err.Error(), "not a timestamp authority certificate") {
		t.Errorf("non-critical EKU: %v", err)
	}
	// The genuine authority, for the record: trusted, and stamping this value only.
	good := forgeToken(t, value, time.Now(), pki.TSA, pki.TSAKey)
	if ts, err := checkTimestamp(good, value, pki.Pool()); err != nil || ts.Trust != TrustTrusted || !ts.ImprintOK {
		t.Errorf("genuine token: %v %+v", err, ts)
	}
	if _, err := checkTimestamp(good, []byte("another value"), pki.Pool()); !errors.Is(err, ErrTimestamp) || !strings.Contains(err.Error(), "stamps another value") {
		t.Errorf("token over another value: %v", err)
	}
}

func TestUntrustedTimestampTimeIsNotRelied(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	signed, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{TSA: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	// The signer's CA is trusted, the TSA's CA (the same test CA) is not in this pool: so use a
	// pool with the CA and check a note appears only when the TSA is not trusted.
	rep, err := Verify(t.Context(), signed, VerifyOptions{Roots: pki.Pool()})
	if err != nil || rep.Err() != nil || rep.Signatures[0].Timestamp.Trust != TrustTrusted {
		t.Fatalf("trusted: %v %v", err, rep.Err())
	}
	rep, _ = Verify(t.Context(), signed, VerifyOptions{Roots: x509.NewCertPool()})
	s := rep.Signatures[0]
	if s.Timestamp == nil || s.Timestamp.Trust == TrustTrusted || !strings.Contains(strings.Join(s.Notes, ";"), "not relied on") {
		t.Errorf("untrusted TSA: %+v notes %q", s.Timestamp, s.Notes)
	}
}

func TestExpiredSignerIsRefused(t *testing.T) {
	pki := testpki.New(t)
	_, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{Time: pki.Signer.NotAfter.Add(time.Hour)})
	if !errors.Is(err, ErrInvalidSigner) || !strings.Contains(err.Error(), "valid from") {
		t.Errorf("expired certificate: %v", err)
	}
}

func TestDeepNestingIsRefusedNotCrashed(t *testing.T) {
	doc := minimalPDF(nil)
	deep := append([]byte("%PDF-1.7\n1 0 obj\n"), []byte(strings.Repeat("[", 2<<20))...)
	deep = append(deep, doc[9:]...)
	if _, err := Verify(t.Context(), deep, VerifyOptions{}); !errors.Is(err, ErrNotPDF) {
		t.Errorf("deep arrays: %v", err)
	}
	dicts := append([]byte("%PDF-1.7\n1 0 obj\n"), []byte(strings.Repeat("<</A ", 1000))...)
	if _, err := Verify(t.Context(), dicts, VerifyOptions{}); !errors.Is(err, ErrNotPDF) {
		t.Errorf("deep dictionaries: %v", err)
	}
	// Brackets inside strings, comments and streams are not nesting.
	ok := []byte("%[[[[\n(" + strings.Repeat("[", 500) + ") <41> stream\n" + strings.Repeat("<<[", 500) + "\nendstream [<<>>]")
	if err := checkNesting(ok, maxNesting); err != nil {
		t.Errorf("brackets in strings, comments and streams: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(minimalPDF(map[string][]byte{"a.manifest.json": []byte("{}")}))
	f.Add([]byte("%PDF-1.7\ntrailer<</Root<</AcroForm<</Fields[<</FT/Sig/V<</ByteRange[0 1 2 3]/Contents<00>>>>>]>>>>>>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		rep, err := Verify(t.Context(), doc, VerifyOptions{Roots: x509.NewCertPool()})
		if err == nil && rep.Err() == nil {
			t.Fatalf("an unsigned or fuzzed file verified as validly signed")
		}
	})
}
