// Package signature signs finished PDF reports with a CMS signature over the whole file, with
// an optional RFC 3161 timestamp from a timestamp authority, and verifies such signatures
// independently of how they were made: that the signed byte ranges cover the whole file, the
// digest, the signature, the signer's certificate (trusted, or self-made and said so) and the
// timestamp token (time, authority, imprint). It also reads the files embedded in a PDF.
//
// Signing writes the incremental update itself: a certification signature (/SubFilter
// /adbe.pkcs7.detached, DocMDP P=1) whose CMS, made with github.com/digitorus/pkcs7, carries
// the ESS signing-certificate-v2 attribute. Every string it writes is escaped or hexadecimal,
// so any Unicode name, reason or location signs. Reading uses the PDF object reader
// github.com/digitorus/pdf and the CMS parser github.com/digitorus/pkcs7.
package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
)

// Errors returned (wrapped) by Sign and Verify.
var (
	ErrNotPDF          = errors.New("signature: not a readable PDF")
	ErrNotSigned       = errors.New("signature: the PDF has no signature")
	ErrNotWholeFile    = errors.New("signature: the signature does not cover the whole file")
	ErrDigestMismatch  = errors.New("signature: digest mismatch (the file was changed after signing)")
	ErrBadSignature    = errors.New("signature: the signature does not verify")
	ErrUntrusted       = errors.New("signature: the signer's certificate is not trusted")
	ErrCertificateTime = errors.New("signature: the certificate was not valid when the file was signed")
	ErrTimestamp       = errors.New("signature: timestamp token invalid")
	ErrTSA             = errors.New("signature: timestamp authority failed")
	ErrInvalidSigner   = errors.New("signature: unusable signing identity")
	// ErrUnsupportedPDF is a readable PDF whose structure Sign does not write an update for (a
	// cross-reference stream, encryption, no catalog or first page, a file signed already): Sign
	// refuses it rather than write a revision that readers might take differently.
	ErrUnsupportedPDF = errors.New("signature: cannot sign this PDF")
)

// Signer is who signs: a certificate, the issuers above it (nearest first, may be empty) and
// its private key.
type Signer struct {
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	Key         crypto.Signer
}

// Options are the visible details and the timestamp authority of a signature.
type Options struct {
	Reason      string    // why it was signed, e.g. "전자증거 채증 보고서"
	Location    string    // where, e.g. the operator's unit
	ContactInfo string    // e.g. an e-mail address
	Time        time.Time // the signing time written in the signature dictionary; zero = now
	// TSA is the URL of an RFC 3161 timestamp authority; "" signs without a timestamp. When it
	// is set and the authority fails, Sign fails: it never returns an unstamped signature.
	TSA string
	// TSATimeout bounds the authority's answer; zero means 30 seconds.
	TSATimeout time.Duration
}

// DefaultTSATimeout is how long Sign waits for a timestamp authority by default.
const DefaultTSATimeout = 30 * time.Second

// Room reserved in /Contents for the CMS, beyond the certificates it carries: the signed
// attributes, the signature value and the structure around them; and, with a timestamp
// authority, its token (which carries the authority's own certificates).
const (
	cmsReserve   = 4 << 10
	tokenReserve = 16 << 10
)

var (
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidTimestampTokenAttr   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
)

// Sign returns doc signed by s: an incremental update adding a certification signature that
// covers the whole file and permits no later change (DocMDP P=1), and what Verify finds about
// that signature (certificate trust judged with VerifyOptions{}). The result is verified
// before it is returned; when opt.TSA is set it must carry a valid timestamp token that stamps
// this signature, or Sign fails with ErrTSA and returns nothing.
//
// The signature dictionary holds the signer's name /Name (the certificate's common name) and
// opt's Reason, Location and ContactInfo (each left out when empty), the signing time /M
// (opt.Time, always written) and, when opt.TSA is set, the authority's URL as /EvidentiaTSA,
// so that a token removed later is missed; the field is named Signature1 (or the first free
// SignatureN). Every string is written escaped or as UTF-16 hexadecimal, so any Unicode text
// signs. The CMS (SHA-256) carries the signed attributes content-type,
// message-digest, signing-time and ESS signing-certificate-v2, the signer's certificate and
// s.Chain, and with opt.TSA the RFC 3161 token over the signature value as the unsigned
// attribute id-aa-timeStampToken.
//
// doc must be a PDF with a classic cross-reference table (as fpdf writes it, with or without
// earlier incremental updates), not encrypted and not signed yet; any other is refused with an
// error wrapping ErrNotPDF (unreadable) or ErrUnsupportedPDF. Sign returns ctx.Err() when ctx
// ends first, waiting at most opt.TSATimeout for the authority.
func Sign(ctx context.Context, doc []byte, s Signer, opt Options) ([]byte, *Signature, error) {
	if s.Certificate == nil || s.Key == nil {
		return nil, nil, fmt.Errorf("%w: no certificate or key", ErrInvalidSigner)
	}
	if !publicKeysEqual(s.Certificate.PublicKey, s.Key.Public()) {
		return nil, nil, fmt.Errorf("%w: the key does not belong to the certificate", ErrInvalidSigner)
	}
	if opt.TSA != "" {
		u, err := url.Parse(opt.TSA)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("%w: %q is not an http(s) URL", ErrTSA, opt.TSA)
		}
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	if c := s.Certificate; opt.Time.Before(c.NotBefore) || opt.Time.After(c.NotAfter) {
		return nil, nil, fmt.Errorf("%w: the certificate is valid from %s to %s, not at %s", ErrInvalidSigner,
			c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly), opt.Time.UTC().Format(time.DateOnly))
	}
	timeout := opt.TSATimeout
	if timeout <= 0 {
		timeout = DefaultTSATimeout
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	rdr, err := openPDF(doc)
	if err != nil {
		return nil, nil, err
	}
	room := cmsReserve + len(s.Certificate.Raw)
	for _, c := range s.Chain {
		if c == nil {
			return nil, nil, fmt.Errorf("%w: an empty certificate in the chain", ErrInvalidSigner)
		}
		room += len(c.Raw)
	}
	if opt.TSA != "" {
		room += tokenReserve
	}
	rev, err := prepareRevision(doc, rdr, sigDetails{
		Name:         s.Certificate.Subject.CommonName,
		Reason:       opt.Reason,
		Location:     opt.Location,
		ContactInfo:  opt.ContactInfo,
		Time:         opt.Time,
		TSA:          opt.TSA,
		ContentsSize: room,
	})
	if err != nil {
		return nil, nil, err
	}
	cms, err := signCMS(ctx, rev.Signed(), s, opt.TSA, timeout)
	if err != nil {
		return nil, nil, err
	}
	out, err := rev.Fill(cms)
	if err != nil {
		if opt.TSA != "" {
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, opt.TSA, err)
		}
		return nil, nil, err
	}

	// Check what was made with the verifier, as a reader would.
	rep, err := Verify(ctx, out, VerifyOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("signature: the signed file does not verify: %w", err)
	}
	if len(rep.Signatures) != 1 {
		return nil, nil, fmt.Errorf("signature: the signed file has %d signatures, want 1", len(rep.Signatures))
	}
	sig := rep.Signatures[0]
	for _, p := range sig.Problems {
		switch {
		case errors.Is(p, ErrUntrusted) && (sig.Trust == TrustUntrusted || sig.Trust == TrustSelfSigned):
			// Whether the signer is trusted is the reader's judgement, not the signer's.
		case errors.Is(p, ErrTimestamp), errors.Is(p, ErrTimestampTime), errors.Is(p, ErrTimestampMissing):
			// The authority's token is unusable, or its clock is far from ours (opt.Time).
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, opt.TSA, p)
		default:
			return nil, nil, fmt.Errorf("signature: the signed file does not verify: %w", p)
		}
	}
	if opt.TSA != "" && sig.Timestamp == nil {
		return nil, nil, fmt.Errorf("%w: %s: the signature carries no timestamp token", ErrTSA, opt.TSA)
	}
	return out, &sig, nil
}

// signCMS returns the detached CMS SignedData over signed made by s: SHA-256, the signed
// attributes content-type, message-digest, signing-time and ESS signing-certificate-v2, the
// signer's certificate and chain; and, when tsa is set, the authority's RFC 3161 token over the
// signature value as the unsigned attribute id-aa-timeStampToken (ErrTSA when the authority
// fails; ctx.Err() when ctx ends first).
func signCMS(ctx context.Context, signed []byte, s Signer, tsa string, timeout time.Duration) ([]byte, error) {
	var sd *pkcs7.SignedData
	err := safely(func() error {
		var err error
		if sd, err = pkcs7.NewSignedData(signed); err != nil {
			return err
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		ess, err := signingCertificateV2(s.Certificate)
		if err != nil {
			return err
		}
		if err := sd.AddSignerChain(s.Certificate, s.Key, s.Chain, pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{ess}}); err != nil {
			return err
		}
		sd.Detach()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("signature: signing failed: %w", err)
	}
	if tsa != "" {
		si := &sd.GetSignedData().SignerInfos[0]
		_, token, err := Stamp(ctx, tsa, si.EncryptedDigest, timeout)
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			return nil, err
		}
		attr := pkcs7.Attribute{Type: oidTimestampTokenAttr, Value: asn1.RawValue{FullBytes: token}}
		if err := si.SetUnauthenticatedAttributes([]pkcs7.Attribute{attr}); err != nil {
			return nil, fmt.Errorf("%w: %s: the token cannot be embedded: %v", ErrTSA, tsa, err)
		}
	}
	var der []byte
	err = safely(func() error {
		var err error
		der, err = sd.Finish()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("signature: signing failed: %w", err)
	}
	return der, nil
}

// signingCertificateV2 returns the ESS signing-certificate-v2 attribute (RFC 5035) naming
// cert by its SHA-256 hash (the default algorithm, so not written), which binds the signature
// to that certificate and no other with the same key.
func signingCertificateV2(cert *x509.Certificate) (pkcs7.Attribute, error) {
	type essCertIDv2 struct {
		CertHash []byte
	}
	type signingCertificate struct {
		Certs []essCertIDv2
	}
	sum := sha256.Sum256(cert.Raw)
	der, err := asn1.Marshal(signingCertificate{Certs: []essCertIDv2{{CertHash: sum[:]}}})
	if err != nil {
		return pkcs7.Attribute{}, err
	}
	return pkcs7.Attribute{Type: oidSigningCertificateV2, Value: asn1.RawValue{FullBytes: der}}, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}

// maxNesting bounds how deeply arrays and dictionaries may nest in a PDF that is read. The
// object reader recurses without a limit, and a stack overflow cannot be recovered.
const maxNesting = 128

// openPDF parses doc with the PDF object reader, which panics on some malformed input.
func openPDF(doc []byte) (r *pdf.Reader, err error) {
	if err := checkNesting(doc, maxNesting); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if err := checkObjects(doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	err = safely(func() error {
		var e error
		r, e = pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
		return e
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if t := r.XrefInformation.Type; t != "table" {
		// A cross-reference stream lets objects live inside compressed object streams, where
		// the checks above cannot see them (and the reader recurses and loops there as
		// anywhere). Evidentia's reports (fpdf, and the signature's own update) never use one.
		return nil, fmt.Errorf("%w: it uses a cross-reference stream (objects in compressed object streams), which Evidentia's reports never do; check such a file with pdfsig", ErrNotPDF)
	}
	return r, nil
}

// safely runs fn and turns a panic in it into an error.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return fn()
}

// checkNesting scans doc as PDF tokens (skipping comments, strings and stream data) and fails if
// arrays and dictionaries nest deeper than max.
func checkNesting(doc []byte, max int) error {
	depth := 0
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; c {
		case '%':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
		case '(':
			for n := 0; i < len(doc); i++ {
				if doc[i] == '\\' {
					i++
				} else if doc[i] == '(' {
					n++
				} else if doc[i] == ')' {
					if n--; n == 0 {
						break
					}
				}
			}
		case '[':
			depth++
		case ']', '>':
			if c == '>' && (i+1 >= len(doc) || doc[i+1] != '>') {
				continue
			}
			if c == '>' {
				i++
			}
			if depth > 0 {
				depth--
			}
		case '<':
			if i+1 < len(doc) && doc[i+1] == '<' {
				depth++
				i++
				break
			}
			for i < len(doc) && doc[i] != '>' { // a hex string
				i++
			}
		case 's':
			if bytes.HasPrefix(doc[i:], []byte("stream")) && (i == 0 || !isRegular(doc[i-1])) {
				end := bytes.Index(doc[i:], []byte("endstream"))
				if end < 0 {
					return nil // unterminated: the reader will say so
				}
				i += end + len("endstream") - 1
			}
		}
		if depth > max {
			return fmt.Errorf("arrays or dictionaries nested more than %d deep at byte %d", max, i)
		}
	}
	return nil
}

// isRegular tells whether c is a PDF regular character (not white space or a delimiter).
func isRegular(c byte) bool {
	return !bytes.ContainsRune([]byte(" \t\r\n\f\x00()<>[]{}/%"), rune(c))
}
