package identity

import (
	"crypto/x509"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// MaxP12Size bounds the PKCS#12 files Evidentia reads for an import (they are a few
// kilobytes): a larger file is refused before it is parsed.
const MaxP12Size = 1 << 20

// Import reads a PKCS#12 file (.p12, .pfx) holding one private key (RSA of at least 2048 bits,
// or ECDSA on P-256, P-384 or P-521), its certificate and, optionally, the issuers'
// certificates. Both OpenSSL 3's default encryption (AES-256-CBC, PBKDF2, SHA-256 MAC) and the
// legacy ones (3DES, RC2, SHA-1 MAC) are read. The certificate of the key becomes the leaf,
// wherever it stands in the file; the others are ordered nearest issuer first by following
// issuer names (certificates that do not link stay after, in file order).
//
// A certificate whose subject, issuer or e-mail address holds a character textsafe.Clean
// refuses (a control, C1, bidirectional or zero-width character, invalid UTF-8) is refused with
// an error wrapping both ErrBadP12 and ErrUnsafeName (see CheckNames).
//
// A wrong password is ErrWrongPassphrase; anything else unusable is ErrBadP12.
func Import(p12 []byte, p12Password string) (*Identity, error) {
	raw, leaf, cas, err := pkcs12.DecodeChain(p12, p12Password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, fmt.Errorf("%w: the password of the PKCS#12 file is wrong", ErrWrongPassphrase)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadP12, err)
	}
	key, err := checkKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadP12, err)
	}
	all := append([]*x509.Certificate{leaf}, cas...)
	at := -1
	for i, c := range all {
		if matches(key, c) {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("%w: no certificate in it matches its private key", ErrBadP12)
	}
	leaf = all[at]
	// Every certificate of the file is shown (identity show, every report and verification):
	// none may carry a name that could disguise what is shown.
	for _, c := range all {
		if err := CheckNames(c); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadP12, err)
		}
	}
	var others []*x509.Certificate
	for _, c := range all {
		if !c.Equal(leaf) {
			others = append(others, c)
		}
	}
	return &Identity{Certificate: leaf, Chain: orderChain(leaf, others), Key: key}, nil
}

// orderChain orders certs from the issuer of leaf upwards, following issuer names (and
// checking the signature when several certificates bear the same name). Duplicates are
// dropped; certificates off the path keep their order at the end.
func orderChain(leaf *x509.Certificate, certs []*x509.Certificate) []*x509.Certificate {
	var rest []*x509.Certificate
	for _, c := range certs {
		dup := false
		for _, r := range rest {
			if r.Equal(c) {
				dup = true
				break
			}
		}
		if !dup {
			rest = append(rest, c)
		}
	}
	var out []*x509.Certificate
	cur := leaf
	for len(rest) > 0 && !SelfSigned(cur) {
		next := -1
		for i, c := range rest {
			if string(c.RawSubject) != string(cur.RawIssuer) {
				continue
			}
			if next < 0 {
				next = i
			}
			if cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		cur = rest[next]
		out = append(out, cur)
		rest = append(rest[:next:next], rest[next+1:]...)
	}
	return append(out, rest...)
}
