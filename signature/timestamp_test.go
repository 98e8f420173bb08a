package signature

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"

	"evidentia/internal/testpki"
)

// derKids parses the one DER element b and returns it and its children.
func derKids(t testing.TB, b []byte) (asn1.RawValue, [][]byte) {
	t.Helper()
	var rv asn1.RawValue
	if rest, err := asn1.Unmarshal(b, &rv); err != nil || len(rest) > 0 {
		t.Fatalf("DER: %v (%d bytes left)", err, len(rest))
	}
	var kids [][]byte
	for in := rv.Bytes; len(in) > 0; {
		var k asn1.RawValue
		rest, err := asn1.Unmarshal(in, &k)
		if err != nil {
			t.Fatalf("DER child: %v", err)
		}
		kids = append(kids, k.FullBytes)
		in = rest
	}
	return rv, kids
}

// derBuild encodes rv's header around kids.
func derBuild(t testing.TB, rv asn1.RawValue, kids [][]byte) []byte {
	t.Helper()
	out, err := asn1.Marshal(asn1.RawValue{Class: rv.Class, Tag: rv.Tag, IsCompound: true, Bytes: bytes.Join(kids, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withToken returns the CMS cms with its signer's unsigned attributes replaced by one
// timestamp token attribute holding token, or by none when token is nil: what anyone can do
// to a signature without its key, since the unsigned attributes are not signed.
func withToken(t testing.TB, cms, token []byte) []byte {
	t.Helper()
	ci, ciKids := derKids(t, cms)         // ContentInfo: OID, [0] SignedData
	exp, expKids := derKids(t, ciKids[1]) // [0] EXPLICIT
	sd, sdKids := derKids(t, expKids[0])  // SignedData: ..., signerInfos SET
	sis, sisKids := derKids(t, sdKids[len(sdKids)-1])
	si, siKids := derKids(t, sisKids[0]) // SignerInfo: ..., signature, [1] unsigned?
	if last, _ := derKids(t, siKids[len(siKids)-1]); last.Class == asn1.ClassContextSpecific && last.Tag == 1 {
		siKids = siKids[:len(siKids)-1]
	}
	if token != nil {
		oid, _ := asn1.Marshal(oidTimestampToken)
		attr := derBuild(t, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence}, [][]byte{oid,
			derBuild(t, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet}, [][]byte{token})})
		siKids = append(siKids, derBuild(t, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1}, [][]byte{attr}))
	}
	sisKids[0] = derBuild(t, si, siKids)
	sdKids[len(sdKids)-1] = derBuild(t, sis, sisKids)
	expKids[0] = derBuild(t, sd, sdKids)
	ciKids[1] = derBuild(t, exp, expKids)
	return derBuild(t, ci, ciKids)
}

// putCMS writes cms into the /Contents of doc's signature s, zero-padded to the same length,
// so that the byte ranges still hold.
func putCMS(t testing.TB, doc []byte, s Signature, cms []byte) []byte {
	t.Helper()
	a, b := s.ByteRange[1], s.ByteRange[2]
	room := int(b - a - 2)
	h := hex.EncodeToString(cms)
	if len(h) > room {
		t.Fatalf("the CMS (%d hex digits) does not fit in /Contents (%d)", len(h), room)
	}
	out := bytes.Clone(doc)
	copy(out[a+1:b-1], h+strings.Repeat("0", room-len(h)))
	return out
}

// tokenOver asks the real TSA for a token over value and returns the token.
func tokenOver(t testing.TB, tsaURL string, value []byte) []byte {
	t.Helper()
	_, tok, err := Stamp(t.Context(), tsaURL, value, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func sigValue(t testing.TB, cms []byte) []byte {
	t.Helper()
	p7, err := pkcs7.Parse(cms)
	if err != nil {
		t.Fatal(err)
	}
	return p7.Signers[0].EncryptedDigest
}

// TestTimestampTampering reproduces finding 5 on real signed reports (test CA, signer, and the
// real `openssl ts -reply` authority): the token sits in the unsigned part of /Contents, so it
// can be removed, swapped or forged without the signer's key. Each now makes the signature
// invalid, naming why.
func TestTimestampTampering(t *testing.T) {
	needTool(t, "openssl")
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	opt := VerifyOptions{Roots: pki.Pool(), RootsSource: "--ca ca.crt"}
	signed, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{TSA: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(t.Context(), signed, opt)
	if err != nil || rep.Err() != nil {
		t.Fatalf("untampered: %v %v", err, rep.Err())
	}
	orig := rep.Signatures[0]
	if orig.ClaimedTSA != tsa.URL {
		t.Fatalf("/EvidentiaTSA = %q, want %q (Sign must name its authority)", orig.ClaimedTSA, tsa.URL)
	}
	if orig.TimestampSkew < 0 || orig.TimestampSkew > time.Minute || !strings.Contains(strings.Join(orig.Notes, ";"), "the signing time the signature claims") {
		t.Errorf("skew %v, notes %q", orig.TimestampSkew, orig.Notes)
	}
	sum := sha256.Sum256(pki.Signer.Raw)
	if orig.Fingerprint != hex.EncodeToString(sum[:]) {
		t.Errorf("fingerprint %q", orig.Fingerprint)
	}
	if !strings.Contains(rep.Roots, "1 signer root from --ca ca.crt: Evidentia Test CA") {
		t.Errorf("roots %q", rep.Roots)
	}
	// The rebuilding itself changes nothing: the same token put back verifies.
	if r, _ := Verify(t.Context(), putCMS(t, signed, orig, withToken(t, orig.CMS, orig.Timestamp.Token)), opt); r == nil || r.Err() != nil {
		t.Fatalf("the same token put back: %v", r.Err())
	}

	// Another report, signed and stamped a moment later, gives its token.
	other, _, err := Sign(t.Context(), minimalPDF(map[string][]byte{"x": []byte("y")}), signer(pki), Options{TSA: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	orep, _ := Verify(t.Context(), other, opt)
	// An attacker's own timestamp authority, dating the token a year back.
	attacker, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ekuTS, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	fakeTSA := selfCert(t, "Evidentia Test TSA", attacker, &pkix.Extension{Id: oidExtKeyUsage, Critical: true, Value: ekuTS})
	value := sigValue(t, orig.CMS)

	// A report signed 50 minutes ago (as its /M says) without a timestamp, stamped now.
	old, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{Time: time.Now().Add(-50 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	oldRep, _ := Verify(t.Context(), old, opt)
	oldSig := oldRep.Signatures[0]

	tests := []struct {
		name string
		doc  []byte
		want error
		says string
	}{
		{"token removed", putCMS(t, signed, orig, withToken(t, orig.CMS, nil)), ErrTimestampMissing, "carries no timestamp token"},
		{"token of another signature", putCMS(t, signed, orig, withToken(t, orig.CMS, orep.Signatures[0].Timestamp.Token)), ErrTimestamp, "stamps another value"},
		{"real authority's token over another value", putCMS(t, signed, orig, withToken(t, orig.CMS, tokenOver(t, tsa.URL, []byte("another value")))), ErrTimestamp, "stamps another value"},
		{"backdated token from an authority of the attacker's", putCMS(t, signed, orig, withToken(t, orig.CMS, forgeToken(t, value, time.Now().AddDate(-1, 0, 0), fakeTSA, attacker))), ErrTimestamp, "is untrusted here"},
		{"backdated token, authority untrusted, no skew", putCMS(t, signed, orig, withToken(t, orig.CMS, forgeToken(t, value, orig.SigningTime, fakeTSA, attacker))), ErrTimestamp, "its time cannot be relied on"},
		{"token made 50 minutes after the claimed signing time", putCMS(t, old, oldSig, withToken(t, oldSig.CMS, tokenOver(t, tsa.URL, sigValue(t, oldSig.CMS)))), ErrTimestampTime, "is 50m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Verify(t.Context(), tc.doc, opt)
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Signatures[0]
			if !s.WholeFile || s.Signer == nil || errors.Is(rep.Err(), ErrDigestMismatch) || errors.Is(rep.Err(), ErrBadSignature) {
				t.Fatalf("the tampering broke the signature itself (it must not: the token is unsigned): %v", rep.Err())
			}
			var all []string
			found := false
			for _, p := range s.Problems {
				all = append(all, p.Error())
				if errors.Is(p, tc.want) && strings.Contains(p.Error(), tc.says) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %q, want %v saying %q", all, tc.want, tc.says)
			}
		})
	}

	// Without roots nothing can be trusted; an untrusted authority is then a note, not a
	// problem, and the roots are said.
	rep, _ = Verify(t.Context(), signed, VerifyOptions{})
	if !strings.Contains(rep.Roots, "no signer roots given") || !errors.Is(rep.Err(), ErrUntrusted) {
		t.Errorf("no roots: %q, %v", rep.Roots, rep.Err())
	}
}
