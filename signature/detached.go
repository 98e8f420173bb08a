package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"evidentia/evidence"
)

// Errors of the detached signatures and timestamps.
var (
	ErrNotCMS = errors.New("signature: not a CMS signature")
)

// maxTSAResponse bounds what is read from a timestamp authority.
const maxTSAResponse = 1 << 20

// SignDetached returns a detached CMS (PKCS #7) SignedData over data, in DER, made by s: SHA-256,
// signed attributes (content type, message digest, signing time), the signer's certificate and
// its chain. `openssl cms -verify -binary -inform DER -in SIG -content DATA` checks it.
func SignDetached(data []byte, s Signer) ([]byte, error) {
	if s.Certificate == nil || s.Key == nil {
		return nil, fmt.Errorf("%w: no certificate or key", ErrInvalidSigner)
	}
	if !publicKeysEqual(s.Certificate.PublicKey, s.Key.Public()) {
		return nil, fmt.Errorf("%w: the key does not belong to the certificate", ErrInvalidSigner)
	}
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(s.Certificate, s.Key, s.Chain, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("signature: signing failed: %w", err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("signature: signing failed: %w", err)
	}
	return der, nil
}

// Detached is what VerifyDetached found about a detached CMS signature.
type Detached struct {
	Signer      *x509.Certificate
	Fingerprint string // lowercase hex SHA-256 of the signer's certificate (DER)
	Certs       []*x509.Certificate
	SigningTime time.Time // as the signer claims it (signed attribute); zero if absent
	// JudgedAt is the time the certificate was judged at: VerifyOptions.At when given, else
	// SigningTime (else the time of verification).
	JudgedAt    time.Time
	Trust       Trust
	TrustDetail string
	Roots       string // which roots the signer was judged against (see DescribeRoots)
}

// VerifyDetached checks the detached CMS signature sig over data: exactly one signer, its
// certificate carried in sig, the message digest and the signature. A signature that does not
// verify returns ErrBadSignature (or ErrNotCMS when sig cannot be read). How far the signer is
// trusted (against opt.Roots only, nil = none; see JudgeSigner, at opt.At when set) is
// reported in Trust, not as an error: the caller decides what an untrusted signer means.
func VerifyDetached(sig, data []byte, opt VerifyOptions) (*Detached, error) {
	roots := opt.Roots
	if err := checkDERNesting(sig); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCMS, err)
	}
	var p7 *pkcs7.PKCS7
	err := safely(func() error {
		var err error
		p7, err = pkcs7.Parse(sig)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCMS, err)
	}
	if len(p7.Signers) != 1 {
		return nil, fmt.Errorf("%w: %d signers, want 1", ErrBadSignature, len(p7.Signers))
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		return nil, fmt.Errorf("%w: the signature does not carry its signer's certificate", ErrBadSignature)
	}
	out := &Detached{Signer: cert, Fingerprint: string(evidence.SumBytes(cert.Raw)), Certs: p7.Certificates, Roots: DescribeRoots(roots, opt.RootsSource)}
	if err := checkCertSet(p7.Certificates, cert, roots); err != nil {
		return out, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	p7.Content = data
	if err := safely(p7.Verify); err != nil {
		return out, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	var st time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &st); err == nil {
		out.SigningTime = st
	}
	at := opt.At
	if at.IsZero() {
		at = out.SigningTime
	}
	if at.IsZero() {
		at = time.Now()
	}
	out.JudgedAt = at
	out.Trust, out.TrustDetail = JudgeSigner(cert, p7.Certificates, roots, at)
	return out, nil
}

// checkDERNesting refuses what is not DER, and DER nested deeper than the parsers can take (see
// the PDF pre-check). Signatures, timestamp tokens and responses are DER (RFC 5652 signed
// attributes, RFC 3161 2.4.2); BER's indefinite lengths are refused outright: the CMS parser
// converts BER to DER recursively, in time quadratic in its depth, which a small file can make
// last for hours.
func checkDERNesting(der []byte) error {
	// A cheap walk of definite-length DER headers, constructed ones only, bounded in depth.
	var walk func(b []byte, d int) error
	walk = func(b []byte, d int) error {
		if d > 64 {
			return errors.New("nested too deep")
		}
		for len(b) > 0 {
			var raw asn1.RawValue
			rest, err := asn1.Unmarshal(b, &raw)
			if err != nil {
				return fmt.Errorf("not DER (an indefinite or malformed length at depth %d): %v", d, err)
			}
			if raw.IsCompound {
				if err := walk(raw.Bytes, d+1); err != nil {
					return err
				}
			}
			b = rest
		}
		return nil
	}
	return walk(der, 0)
}

// Stamp asks the RFC 3161 authority at tsaURL for a timestamp over the SHA-256 of data (with a
// nonce, asking for the authority's certificate) and returns the authority's whole response
// (DER TimeStampResp, what `openssl ts -verify -in` reads) and the token inside it. The token is
// checked before it is returned: it must stamp data, carry the nonce, and be signed by a
// timestamping-only certificate (ErrTSA otherwise). timeout bounds the exchange (zero: 30 s).
func Stamp(ctx context.Context, tsaURL string, data []byte, timeout time.Duration) (resp, token []byte, err error) {
	u, err := url.Parse(tsaURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("%w: %q is not an http(s) URL", ErrTSA, tsaURL)
	}
	if timeout <= 0 {
		timeout = DefaultTSATimeout
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, nil, err
	}
	req, err := timestamp.CreateRequest(bytes.NewReader(data), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true, Nonce: nonce})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTSA, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, tsaURL, bytes.NewReader(req))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTSA, err)
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	hresp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, nil, fmt.Errorf("%w: %s did not answer within %s", ErrTSA, tsaURL, timeout)
		}
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, tsaURL, err)
	}
	defer hresp.Body.Close()
	if hresp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("%w: %s answered %s", ErrTSA, tsaURL, hresp.Status)
	}
	resp, err = io.ReadAll(io.LimitReader(hresp.Body, maxTSAResponse+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, tsaURL, err)
	}
	if len(resp) > maxTSAResponse {
		return nil, nil, fmt.Errorf("%w: %s: the answer is too large", ErrTSA, tsaURL)
	}
	token, err = TokenFromResponse(resp)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, tsaURL, err)
	}
	ts, err := VerifyTimestamp(token, data, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, tsaURL, err)
	}
	parsed, err := timestamp.Parse(token)
	if err != nil || parsed.Nonce == nil || parsed.Nonce.Cmp(nonce) != 0 {
		return nil, nil, fmt.Errorf("%w: %s: the token does not answer this request (nonce)", ErrTSA, tsaURL)
	}
	if ts.Time.IsZero() {
		return nil, nil, fmt.Errorf("%w: %s: the token has no time", ErrTSA, tsaURL)
	}
	return resp, token, nil
}

// TokenFromResponse returns the TimeStampToken of a granted DER TimeStampResp; a refused or
// unreadable response is an error naming the authority's status.
func TokenFromResponse(resp []byte) ([]byte, error) {
	if err := checkDERNesting(resp); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	var r struct {
		Status struct {
			Status       int
			StatusString []string       `asn1:"optional,utf8"`
			FailInfo     asn1.BitString `asn1:"optional"`
		}
		Token asn1.RawValue `asn1:"optional"`
	}
	rest, err := asn1.Unmarshal(resp, &r)
	if err != nil {
		return nil, fmt.Errorf("%w: unreadable response: %v", ErrTimestamp, err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%w: trailing data after the response", ErrTimestamp)
	}
	if r.Status.Status > 1 { // 0 granted, 1 grantedWithMods
		return nil, fmt.Errorf("%w: the authority refused (status %d %v)", ErrTimestamp, r.Status.Status, r.Status.StatusString)
	}
	if len(r.Token.FullBytes) == 0 {
		return nil, fmt.Errorf("%w: the response holds no token", ErrTimestamp)
	}
	return r.Token.FullBytes, nil
}

// VerifyTimestamp checks an RFC 3161 token over data: the token's signature, that its signer is
// a timestamping-only certificate, and that its imprint is the hash of data. The authority's
// trust (against roots only, nil = none: then no authority is trusted) is reported in the
// result, not as an error.
// Problems wrap ErrTimestamp.
func VerifyTimestamp(token, data []byte, roots *x509.CertPool) (*Timestamp, error) {
	if err := checkDERNesting(token); err != nil {
		return &Timestamp{Token: token}, fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	var out *Timestamp
	err := safely(func() error {
		var err error
		out, err = checkTimestamp(token, data, roots)
		return err
	})
	if out == nil {
		out = &Timestamp{Token: token}
	}
	if err == nil {
		var certs []*x509.Certificate
		if p7, perr := pkcs7.Parse(token); perr == nil {
			certs = p7.Certificates
		}
		if cerr := checkCertSet(certs, out.Certificate, roots); cerr != nil {
			err = fmt.Errorf("%w: %v", ErrTimestamp, cerr)
		}
	}
	return out, err
}

// checkCertSet makes sure that the certificates a signature carries besides its signer's are
// intact: each must be signed by itself (a root), by another certificate of the set, or chain to
// roots (nil: none). The signer's own certificate is covered by the signature check and
// judged for trust apart; this catches a changed byte in the others (an issuer's copy), which
// would otherwise go unnoticed in a file whose every byte should count.
func checkCertSet(certs []*x509.Certificate, signer *x509.Certificate, roots *x509.CertPool) error {
	for _, c := range certs {
		if signer != nil && c.Equal(signer) {
			continue
		}
		ok := false
		for _, issuer := range certs {
			if bytes.Equal(c.RawIssuer, issuer.RawSubject) && c.CheckSignatureFrom(issuer) == nil {
				ok = true
				break
			}
		}
		if !ok && bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil {
			ok = true
		}
		if !ok {
			pool := roots
			if pool == nil {
				pool = x509.NewCertPool()
			}
			inter := x509.NewCertPool()
			for _, o := range certs {
				inter.AddCert(o)
			}
			_, err := c.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: c.NotBefore.Add(time.Second)})
			ok = err == nil
		}
		if !ok {
			return fmt.Errorf("the certificate %q it carries cannot be checked: it was changed, or its issuer is neither in the signature nor trusted", c.Subject.String())
		}
	}
	return nil
}

// SignHash signs the SHA-256 of msg with s's key (ECDSA: ASN.1 DER; RSA: PKCS #1 v1.5), the
// form the WACZ signing specification uses for its "signature".
func SignHash(msg []byte, s Signer) ([]byte, error) {
	if s.Key == nil {
		return nil, fmt.Errorf("%w: no key", ErrInvalidSigner)
	}
	sum := sha256.Sum256(msg)
	return s.Key.Sign(rand.Reader, sum[:], crypto.SHA256)
}

// VerifyHash checks a SignHash signature of msg against pub (ECDSA or RSA).
func VerifyHash(msg, sig []byte, pub crypto.PublicKey) error {
	sum := sha256.Sum256(msg)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, sum[:], sig) {
			return ErrBadSignature
		}
		return nil
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSignature, err)
		}
		return nil
	default:
		return fmt.Errorf("%w: unsupported key type %T", ErrBadSignature, pub)
	}
}
