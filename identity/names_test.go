package identity

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
	"unicode/utf8"

	"software.sslmate.com/src/go-pkcs12"
)

// unsafeNames are values that must never become a certificate name Evidentia shows.
var unsafeNames = map[string]string{
	"clear screen": "A\x1b[2J\x1b[HVALID",
	"osc title":    "A\x1b]0;pwned\x07",
	"carriage ret": "A\rVALID",
	"line break":   "A\nVALID",
	"rtl override": "A\u202eDILAV",
	"zero width":   "A\u200bB",
	"c1 csi":       "A\u009b2J",
	"bad utf-8":    "A\xff\xfe",
	"del":          "A\x7f",
}

// TestCreateRefusesUnsafeNames: --name, --org and --email with a character textsafe refuses
// are refused with ErrInvalid and ErrUnsafeName.
func TestCreateRefusesUnsafeNames(t *testing.T) {
	for label, v := range unsafeNames {
		for _, o := range []CreateOptions{
			{Name: v, Org: "Org"},
			{Name: "Name", Org: v},
			{Name: "Name", Org: "Org", Email: "a" + v + "@example.test"},
		} {
			id, err := Create(o)
			if !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrUnsafeName) || id != nil {
				t.Errorf("%s %+q: %v, want ErrInvalid and ErrUnsafeName", label, o, err)
			}
		}
	}
	if _, err := Create(CreateOptions{Name: "홍길동 (수사관)", Org: "선거관리위원회", Email: "hong@example.test"}); err != nil {
		t.Errorf("a clean name is refused: %v", err)
	}
}

// certWith makes a self-signed certificate and its key with crypto/x509 directly, its subject
// (and so its issuer) set by subject, and the e-mail addresses given.
func certWith(t *testing.T, subject pkix.Name, emails ...string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: subject, EmailAddresses: emails,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestImportRefusesUnsafeNames: a PKCS#12 whose certificate (the key's or an issuer's) has a
// subject attribute, an issuer attribute or an e-mail address with a character textsafe
// refuses is not imported: ErrBadP12 and ErrUnsafeName; a clean one is.
func TestImportRefusesUnsafeNames(t *testing.T) {
	oidTitle := asn1.ObjectIdentifier{2, 5, 4, 12}
	for label, v := range unsafeNames {
		if !utf8.ValidString(v) {
			// crypto/x509 refuses to write invalid UTF-8 in a UTF8String: it cannot come
			// through a parsed certificate either.
			continue
		}
		cases := map[string]func() ([]byte, error){
			"common name": func() ([]byte, error) {
				c, k := certWith(t, pkix.Name{CommonName: v})
				return pkcs12.Modern.Encode(k, c, nil, "pw")
			},
			"organization": func() ([]byte, error) {
				c, k := certWith(t, pkix.Name{CommonName: "Hong", Organization: []string{v}})
				return pkcs12.Modern.Encode(k, c, nil, "pw")
			},
			"other attribute": func() ([]byte, error) {
				c, k := certWith(t, pkix.Name{CommonName: "Hong", ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidTitle, Value: v}}})
				return pkcs12.Modern.Encode(k, c, nil, "pw")
			},
			"issuer in chain": func() ([]byte, error) {
				c, k := certWith(t, pkix.Name{CommonName: "Hong"})
				ca, _ := certWith(t, pkix.Name{CommonName: v})
				return pkcs12.Modern.Encode(k, c, []*x509.Certificate{ca}, "pw")
			},
		}
		if ascii(v) {
			// An rfc822Name is an IA5String (crypto/x509 writes only ASCII there): the
			// ASCII controls are tried in the e-mail address, the others in the names.
			cases["e-mail"] = func() ([]byte, error) {
				c, k := certWith(t, pkix.Name{CommonName: "Hong"}, "a"+v+"@example.test")
				return pkcs12.Modern.Encode(k, c, nil, "pw")
			}
		}
		for where, mk := range cases {
			p12, err := mk()
			if err != nil {
				t.Logf("%s in %s: cannot be written: %v", label, where, err)
				continue
			}
			id, err := Import(p12, "pw")
			if !errors.Is(err, ErrBadP12) || !errors.Is(err, ErrUnsafeName) || id != nil {
				t.Errorf("%s in %s: %v, want ErrBadP12 and ErrUnsafeName", label, where, err)
			}
			if err != nil && strings.ContainsAny(err.Error(), "\x1b\r\n\x07\x7f\u202e\u200b\u009b") {
				t.Errorf("%s in %s: the error holds the raw value: %q", label, where, err)
			}
		}
	}
	c, k := certWith(t, pkix.Name{CommonName: "홍길동", Organization: []string{"선거관리위원회"}}, "hong@example.test")
	p12, err := pkcs12.Modern.Encode(k, c, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(p12, "pw"); err != nil {
		t.Errorf("a clean certificate is refused: %v", err)
	}
}

// TestCheckNames judges certificates made in memory, invalid UTF-8 included.
func TestCheckNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		cert *x509.Certificate
		bad  bool
	}{
		{"clean", &x509.Certificate{Subject: pkix.Name{CommonName: "홍길동"}, Issuer: pkix.Name{CommonName: "CA"}}, false},
		{"subject", &x509.Certificate{Subject: pkix.Name{Names: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "x\x1b[2J"}}}}, true},
		{"issuer", &x509.Certificate{Issuer: pkix.Name{Names: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "x\xff"}}}}, true},
		{"extra", &x509.Certificate{Subject: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 12}, Value: "\u202e"}}}}, true},
		{"e-mail", &x509.Certificate{EmailAddresses: []string{"a\r@b"}}, true},
	} {
		err := CheckNames(tc.cert)
		if tc.bad != errors.Is(err, ErrUnsafeName) || (!tc.bad && err != nil) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
