package signature

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"evidentia/internal/testpki"
)

// identityCert makes a self-signed certificate for key naming cn and org, as
// `evidentia identity create` does.
func identityCert(t *testing.T, key crypto.Signer, serial int64, cn, org string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{org}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sigDictOf returns the value (/V) of the one signature field of doc, as the PDF reader sees it.
func sigDictOf(t *testing.T, doc []byte) pdf.Value {
	t.Helper()
	r, err := openPDF(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v pdf.Value
	safely(func() error {
		f := r.Trailer().Key("Root").Key("AcroForm").Key("Fields")
		for i := 0; i < f.Len(); i++ {
			if f.Index(i).Key("FT").Name() == "Sig" {
				v = f.Index(i).Key("V")
			}
		}
		return nil
	})
	if v.Kind() != pdf.Dict {
		t.Fatal("no signature dictionary")
	}
	return v
}

// TestKoreanNameSigns is the reported failure: an identity named 최민수 (U+CD5C, whose UTF-16
// holds the byte 0x5C, a backslash) signing for the unit 대한민국 경찰청 (한: 0x5C again).
// pdfsign wrote those bytes unescaped and the result did not parse ("invalid escape sequence").
func TestKoreanNameSigns(t *testing.T) {
	needTool(t, "pdfsig")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cert := identityCert(t, key, 1, "최민수", "대한민국 경찰청")
	opt := Options{Reason: "전자증거 채증 보고서", Location: "대한민국 경찰청", ContactInfo: "최민수 (choi@example.test)"}
	signed, made, err := Sign(t.Context(), minimalPDF(nil), Signer{Certificate: cert, Key: key}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if made.Name != "최민수" || made.Location != opt.Location {
		t.Errorf("Sign's own findings: name %q location %q", made.Name, made.Location)
	}
	rep, err := Verify(t.Context(), signed, VerifyOptions{})
	if err != nil || rep.Err() != nil {
		t.Fatalf("Verify: %v %v", err, rep.Err())
	}
	s := rep.Signatures[0]
	if s.Name != "최민수" || s.Reason != opt.Reason || s.Location != opt.Location || s.Signer.Subject.CommonName != "최민수" {
		t.Errorf("read back name %q reason %q location %q signer %q", s.Name, s.Reason, s.Location, s.Signer.Subject.CommonName)
	}
	if got := sigDictOf(t, signed).Key("ContactInfo").Text(); got != opt.ContactInfo {
		t.Errorf("contact info read back as %q", got)
	}
	out := pdfsig(t, write(t, signed), "")
	for _, want := range []string{"Signer Certificate Common Name: 최민수\n", "Signer full Distinguished Name: CN=최민수,O=대한민국 경찰청\n", "Signature is Valid.", "Total document signed", "Signature Type: adbe.pkcs7.detached"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, out)
		}
	}
}

// TestEveryHangulSyllableSigns signs about 40 documents whose signer name, organisation,
// reason, location and contact together hold every Hangul syllable U+AC00..U+D7A3 once, a few
// hundred per signature, and checks each with poppler's pdfsig and with Verify.
func TestEveryHangulSyllableSigns(t *testing.T) {
	needTool(t, "pdfsig")
	const first, last = 0xAC00, 0xD7A3
	var all []rune
	delimiterBytes := 0
	for r := rune(first); r <= last; r++ {
		all = append(all, r)
		if lo := byte(r); lo == '(' || lo == ')' || lo == '\\' { // the high byte never is one
			delimiterBytes++
		}
	}
	if len(all) != 11172 || delimiterBytes != 132 {
		t.Fatalf("%d syllables, %d with a delimiter byte in UTF-16; want 11172 and 132", len(all), delimiterBytes)
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	doc := minimalPDF(nil)
	// Each signature takes 280 syllables: 56 for the name, 40 for the organisation (so that
	// pdfsig, which cuts the distinguished name it prints after about 300 bytes, prints both
	// whole), the rest for the reason, location and contact.
	const perSignature = 280
	cum := [...]int{0, 56, 96, 158, 219, perSignature}
	checked := map[rune]bool{}
	for n, start := 0, 0; start < len(all); n, start = n+1, start+perSignature {
		chunk := all[start:min(start+perSignature, len(all))]
		var field [len(cum) - 1]string
		for i := range field {
			field[i] = string(chunk[cum[i]*len(chunk)/perSignature : cum[i+1]*len(chunk)/perSignature])
		}
		cn, org := field[0], field[1]
		opt := Options{Reason: field[2], Location: field[3], ContactInfo: field[4]}
		cert := identityCert(t, key, int64(n+1), cn, org)
		signed, _, err := Sign(t.Context(), doc, Signer{Certificate: cert, Key: key}, opt)
		if err != nil {
			t.Fatalf("signature %d (U+%04X..U+%04X): %v", n, chunk[0], chunk[len(chunk)-1], err)
		}
		rep, err := Verify(t.Context(), signed, VerifyOptions{})
		if err != nil || rep.Err() != nil {
			t.Fatalf("signature %d: Verify: %v %v", n, err, rep.Err())
		}
		s := rep.Signatures[0]
		if s.Name != cn || s.Reason != opt.Reason || s.Location != opt.Location || s.Signer.Subject.CommonName != cn {
			t.Fatalf("signature %d: read back name %q reason %q location %q", n, s.Name, s.Reason, s.Location)
		}
		if got := sigDictOf(t, signed).Key("ContactInfo").Text(); got != opt.ContactInfo {
			t.Fatalf("signature %d: contact info read back as %q", n, got)
		}
		out := pdfsig(t, write(t, signed), "")
		for _, want := range []string{
			"Signer Certificate Common Name: " + cn + "\n",
			"Signer full Distinguished Name: CN=" + cn + ",O=" + org + "\n",
			"Signature Validation: Signature is Valid.",
			"Total document signed",
		} {
			if !strings.Contains(out, want) {
				t.Fatalf("signature %d: pdfsig lacks %q:\n%s", n, want, out)
			}
		}
		for _, f := range field {
			for _, r := range f {
				checked[r] = true
			}
		}
	}
	if len(checked) != len(all) {
		t.Fatalf("%d of %d syllables went through a checked signature", len(checked), len(all))
	}
}

// TestTimestampedSignatureNamesItsAuthority signs with the test timestamp authority: the token
// is in the CMS as id-aa-timeStampToken, stamps the signature value, and the authority's URL is
// in the signature dictionary as /EvidentiaTSA, within the signed bytes.
func TestTimestampedSignatureNamesItsAuthority(t *testing.T) {
	needTool(t, "openssl")
	needTool(t, "pdfsig")
	needTool(t, "certutil")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	signed, made, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{Reason: "최한차방표로", TSA: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	if made.Timestamp == nil || !made.Timestamp.ImprintOK {
		t.Fatalf("no timestamp in Sign's findings: %+v", made.Timestamp)
	}
	v := sigDictOf(t, signed)
	if got := v.Key("EvidentiaTSA").Text(); got != tsa.URL {
		t.Errorf("/EvidentiaTSA = %q, want %q", got, tsa.URL)
	}
	if v.Key("M").Text() == "" {
		t.Error("no signing time /M with a timestamp")
	}
	br := made.ByteRange
	at := int64(bytes.Index(signed, []byte("/EvidentiaTSA ("+tsa.URL+")")))
	if at < br[2] || at >= br[2]+br[3] {
		t.Errorf("/EvidentiaTSA at %d is outside the signed range after the contents %v", at, br)
	}

	p7, err := pkcs7.Parse(made.CMS)
	if err != nil {
		t.Fatal(err)
	}
	si := p7.Signers[0]
	var token []byte
	for _, a := range si.UnauthenticatedAttributes {
		if a.Type.Equal(oidTimestampTokenAttr) {
			token = a.Value.Bytes
		}
	}
	ts, err := timestamp.Parse(token)
	if err != nil {
		t.Fatalf("the token: %v", err)
	}
	sum := sha256.Sum256(si.EncryptedDigest)
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, sum[:]) {
		t.Errorf("the token stamps %x, not the signature value's SHA-256 %x", ts.HashedMessage, sum)
	}
	for _, oid := range []string{"1.2.840.113549.1.9.3", "1.2.840.113549.1.9.4", "1.2.840.113549.1.9.5", "1.2.840.113549.1.9.16.2.47"} {
		found := false
		for _, a := range si.AuthenticatedAttributes {
			found = found || a.Type.String() == oid
		}
		if !found {
			t.Errorf("signed attribute %s missing", oid)
		}
	}

	// Changing the authority's name in the dictionary breaks the signature.
	b := bytes.Clone(signed)
	b[at+int64(len("/EvidentiaTSA (h"))] = 'H'
	if rep, err := Verify(t.Context(), b, VerifyOptions{Roots: pki.Pool()}); err != nil || !errors.Is(rep.Err(), ErrDigestMismatch) {
		t.Errorf("changed /EvidentiaTSA: %v %v", err, rep.Err())
	}
	out := pdfsig(t, write(t, signed), pki.NSSDB(t))
	for _, want := range []string{"Signature is Valid.", "Certificate is Trusted.", "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, out)
		}
	}
	// Without an authority there is no /EvidentiaTSA.
	plain, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if k := sigDictOf(t, plain).Key("EvidentiaTSA"); !k.IsNull() || bytes.Contains(plain, []byte("EvidentiaTSA")) {
		t.Errorf("/EvidentiaTSA without an authority: %v", k)
	}
}
