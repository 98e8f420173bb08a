// Package identity holds the signing identity of Evidentia: the certificate and private key
// that sign the PDF evidence reports.
//
// An Identity is the unlocked form, kept in memory only. A File is the stored form: the
// certificates in clear (so that they can be shown without a passphrase) and the private key
// sealed with a passphrase (argon2id, then XChaCha20-Poly1305). The private key is never
// written anywhere unencrypted, and the passphrase is never written at all.
//
// An identity comes from Create (a new ECDSA P-256 key and a self-signed document-signing
// certificate) or from Import (a PKCS#12 file issued by a certification authority). Seal turns
// it into a File, Save or Install write the File, Load reads it back and File.Unlock returns
// the Identity again.
//
// Errors wrap the sentinels below and are tested with errors.Is.
package identity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"evidentia/textsafe"
)

var (
	// ErrNoIdentity reports that there is no identity file (yet).
	ErrNoIdentity = errors.New("identity: no signing identity")
	// ErrWrongPassphrase reports that a passphrase does not open the sealed key (or that the
	// sealed key was altered: the two cannot be told apart). Import returns it, too, when the
	// password of the PKCS#12 file is wrong.
	ErrWrongPassphrase = errors.New("identity: wrong passphrase")
	// ErrWeakPassphrase reports a passphrase refused by Seal (fewer than MinPassphrase characters).
	ErrWeakPassphrase = errors.New("identity: passphrase too weak")
	// ErrCorrupt reports an identity file that does not parse, whose parts do not fit together
	// or whose parameters are out of bounds.
	ErrCorrupt = errors.New("identity: identity file corrupt")
	// ErrExists reports that an identity file is already present where a new one would go.
	ErrExists = errors.New("identity: a signing identity already exists")
	// ErrInvalid reports invalid input: a missing name, a malformed e-mail address, an
	// identity without certificate or key.
	ErrInvalid = errors.New("identity: invalid input")
	// ErrBadP12 reports a PKCS#12 file that Import cannot use: it does not parse, holds no
	// private key, no certificate for that key, or a key of a kind or size not supported.
	// A wrong password is reported as ErrWrongPassphrase instead.
	ErrBadP12 = errors.New("identity: unusable PKCS#12 file")
	// ErrUnsafeName reports a name (a subject or issuer attribute, an e-mail address) holding a
	// character that cannot be shown safely (see textsafe.Clean: control, C1, bidirectional or
	// zero-width characters, line breaks, invalid UTF-8). Such a name would be printed on every
	// report and verification, where it could disguise what is shown; it is refused, not
	// escaped. Create wraps it with ErrInvalid; Import with ErrBadP12.
	ErrUnsafeName = errors.New("identity: name holds characters that cannot be shown safely")
)

// MinPassphrase is the least number of characters (Unicode code points) Seal accepts.
const MinPassphrase = 8

// DefaultValidity is the validity of a certificate made by Create when CreateOptions.Validity
// is zero.
const DefaultValidity = 5 * 365 * 24 * time.Hour

// OIDDocumentSigning is the extended key usage id-kp-documentSigning (RFC 9336).
var OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// Identity is an unlocked signing identity: the signer's certificate, its issuers (leaf
// excluded, nearest issuer first, may be empty) and the private key. Its public key is the
// certificate's.
type Identity struct {
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	Key         crypto.Signer
}

// CreateOptions are the inputs of Create. Name and Org are required.
type CreateOptions struct {
	Name, Org, Email string
	Now              time.Time     // zero = time.Now
	Validity         time.Duration // zero = DefaultValidity
}

// ub-common-name and ub-organization-name of RFC 5280.
const maxNameLen = 64

// Create makes a new identity: an ECDSA P-256 key and a self-signed certificate for it with
// subject CN=Name, O=Org, the e-mail address (if any) as an rfc822Name, a random 128-bit
// serial number, validity from an hour before now, key usages digitalSignature and
// contentCommitment (non-repudiation), and extended key usages emailProtection (which
// poppler/NSS require of PDF signers) and documentSigning (RFC 9336). Errors wrap ErrInvalid
// when the options are not usable.
func Create(opts CreateOptions) (*Identity, error) {
	name, err := dnValue("name", opts.Name)
	if err != nil {
		return nil, err
	}
	org, err := dnValue("organization", opts.Org)
	if err != nil {
		return nil, err
	}
	email := strings.TrimSpace(opts.Email)
	if email != "" {
		if err := checkEmail(email); err != nil {
			return nil, err
		}
	}
	if opts.Validity < 0 {
		return nil, fmt.Errorf("%w: negative validity", ErrInvalid)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	validity := opts.Validity
	if validity == 0 {
		validity = DefaultValidity
	}
	if validity < time.Hour {
		return nil, fmt.Errorf("%w: validity shorter than an hour", ErrInvalid)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: generating the key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("identity: serial number: %w", err)
	}
	serial.SetBit(serial, 127, 1) // always 128 bits long, never zero
	skid, err := subjectKeyID(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{org}},
		NotBefore:             now.Add(-time.Hour).UTC(),
		NotAfter:              now.Add(validity).UTC(),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{OIDDocumentSigning},
		BasicConstraintsValid: true,
		IsCA:                  false,
		SubjectKeyId:          skid,
	}
	if email != "" {
		tmpl.EmailAddresses = []string{email}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("identity: making the certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("identity: making the certificate: %w", err)
	}
	return &Identity{Certificate: cert, Key: key}, nil
}

// dnValue checks one attribute of the subject: required, printable, at most 64 characters.
func dnValue(what, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", fmt.Errorf("%w: the %s is required", ErrInvalid, what)
	case !utf8.ValidString(s):
		return "", fmt.Errorf("%w: %w: the %s is not valid UTF-8", ErrInvalid, ErrUnsafeName, what)
	case !textsafe.Clean(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0:
		return "", fmt.Errorf("%w: %w: the %s contains control or invisible characters", ErrInvalid, ErrUnsafeName, what)
	case utf8.RuneCountInString(s) > maxNameLen:
		return "", fmt.Errorf("%w: the %s is longer than %d characters", ErrInvalid, what, maxNameLen)
	}
	return s, nil
}

// checkEmail accepts a bare ASCII address (an rfc822Name is an IA5String) without control
// characters.
func checkEmail(email string) error {
	if !textsafe.Clean(email) {
		return fmt.Errorf("%w: %w: the e-mail address %s", ErrInvalid, ErrUnsafeName, textsafe.Line(email, 100))
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return fmt.Errorf("%w: %q is not an e-mail address", ErrInvalid, email)
	}
	for i := 0; i < len(email); i++ {
		if email[i] >= utf8.RuneSelf {
			return fmt.Errorf("%w: the e-mail address %q must be plain ASCII", ErrInvalid, email)
		}
	}
	return nil
}

// subjectKeyID is the key identifier of RFC 7093 method 1: the leftmost 160 bits of the
// SHA-256 of the subjectPublicKey bit string.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("identity: public key: %w", err)
	}
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		return nil, fmt.Errorf("identity: public key: %w", err)
	}
	sum := sha256.Sum256(info.PublicKey.Bytes)
	return sum[:20], nil
}

// matches reports whether key is the private key of cert.
func matches(key crypto.Signer, cert *x509.Certificate) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// checkKey refuses keys that should not sign evidence: RSA below 2048 bits, curves other
// than P-256, P-384 and P-521. Ed25519 is refused, too: PDF readers hardly verify it.
func checkKey(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("RSA key of %d bits (at least 2048 needed)", k.N.BitLen())
		}
		return k, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return k, nil
		}
		return nil, fmt.Errorf("ECDSA key on an unsupported curve")
	case ed25519.PrivateKey, *ed25519.PrivateKey:
		return nil, fmt.Errorf("Ed25519 keys are not supported (use RSA or ECDSA)")
	}
	return nil, fmt.Errorf("unsupported key type %T (use RSA or ECDSA)", key)
}

// KeyType describes the key of cert, for example "ECDSA P-256" or "RSA 3072".
func KeyType(cert *x509.Certificate) string {
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", pub.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + pub.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return cert.PublicKeyAlgorithm.String()
}

// CheckNames returns an error wrapping ErrUnsafeName when a value of cert's subject or issuer
// (every attribute, the ones Go does not name included) or one of its e-mail addresses holds a
// character textsafe.Clean refuses; nil otherwise. The error shows the value escaped.
func CheckNames(cert *x509.Certificate) error {
	check := func(what string, v any) error {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		if !textsafe.Clean(s) {
			return fmt.Errorf("%w: the certificate's %s %s", ErrUnsafeName, what, textsafe.Line(s, 100))
		}
		return nil
	}
	for _, dn := range []struct {
		what  string
		names []pkix.AttributeTypeAndValue
	}{{"subject", cert.Subject.Names}, {"issuer", cert.Issuer.Names}} {
		for _, atv := range dn.names {
			if err := check(dn.what+" attribute "+atv.Type.String(), atv.Value); err != nil {
				return err
			}
		}
	}
	// The parsed names hold what Names does; ExtraNames only what a template sets. Both are
	// checked so that a certificate made in memory is judged as its DER would be.
	for _, n := range []pkix.Name{cert.Subject, cert.Issuer} {
		for _, atv := range n.ExtraNames {
			if err := check("name attribute "+atv.Type.String(), atv.Value); err != nil {
				return err
			}
		}
	}
	for _, e := range cert.EmailAddresses {
		if err := check("e-mail address", e); err != nil {
			return err
		}
	}
	return nil
}

// Fingerprint is the SHA-256 of the DER encoding of cert.
func Fingerprint(cert *x509.Certificate) [32]byte {
	return sha256.Sum256(cert.Raw)
}

// SelfSigned reports whether cert is issued by itself and its signature verifies with its own
// key (whatever its basic constraints).
func SelfSigned(cert *x509.Certificate) bool {
	if string(cert.RawIssuer) != string(cert.RawSubject) {
		return false
	}
	return cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil
}
