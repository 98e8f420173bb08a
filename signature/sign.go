// Package signature signs finished PDF reports with a CMS signature over the whole file, with
// an optional RFC 3161 timestamp from a timestamp authority, and verifies such signatures
// independently of how they were made: that the signed byte ranges cover the whole file, the
// digest, the signature, the signer's certificate (trusted, or self-made and said so) and the
// timestamp token (time, authority, imprint). It also reads the files embedded in a PDF.
//
// Signing uses github.com/digitorus/pdfsign, which writes an incremental update with a
// certification signature (/SubFilter /adbe.pkcs7.detached) whose CMS carries the ESS
// signing-certificate-v2 attribute; verification is written here on the PDF object reader
// github.com/digitorus/pdf and the CMS parser github.com/digitorus/pkcs7.
package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
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

// Sign returns doc signed by s: an incremental update adding a certification signature that
// covers the whole file and permits no later change (DocMDP P=1), and what Verify finds about
// that signature (certificate trust judged against the system's roots). The result is verified
// before it is returned; when opt.TSA is set it must carry a valid timestamp token that stamps
// this signature, or Sign fails with ErrTSA and returns nothing.
//
// Sign returns when ctx is done even if the timestamp authority has not answered; the request
// then finishes, unused, in the background (the signing library takes no context and sets no
// timeout of its own, so it ends when the operating system gives up on the connection).
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
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
			Info: sign.SignDataSignatureInfo{
				Name:        s.Certificate.Subject.CommonName,
				Reason:      opt.Reason,
				Location:    opt.Location,
				ContactInfo: opt.ContactInfo,
				Date:        opt.Time,
			},
		},
		Signer:            s.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Certificate,
		CertificateChains: [][]*x509.Certificate{append([]*x509.Certificate{s.Certificate}, s.Chain...)},
		TSA:               sign.TSA{URL: opt.TSA},
	}

	type result struct {
		out []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		var out bytes.Buffer
		err := safely(func() error {
			return sign.Sign(bytes.NewReader(doc), &out, rdr, int64(len(doc)), data)
		})
		ch <- result{out.Bytes(), err}
	}()
	var res result
	if opt.TSA != "" {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		select {
		case res = <-ch:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-timer.C:
			return nil, nil, fmt.Errorf("%w: %s did not answer within %s", ErrTSA, opt.TSA, timeout)
		}
	} else {
		res = <-ch
	}
	if res.err != nil {
		if opt.TSA != "" && isTSAError(res.err) {
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, opt.TSA, res.err)
		}
		return nil, nil, fmt.Errorf("signature: signing failed: %w", res.err)
	}

	// Check what was made with the verifier, as a reader would.
	rep, err := Verify(ctx, res.out, VerifyOptions{})
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
		case errors.Is(p, ErrTimestamp):
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrTSA, opt.TSA, p)
		default:
			return nil, nil, fmt.Errorf("signature: the signed file does not verify: %w", p)
		}
	}
	if opt.TSA != "" && sig.Timestamp == nil {
		return nil, nil, fmt.Errorf("%w: %s: the signature carries no timestamp token", ErrTSA, opt.TSA)
	}
	return res.out, &sig, nil
}

// isTSAError tells whether a pdfsign error came from talking to the timestamp authority.
func isTSAError(err error) bool {
	msg := err.Error()
	for _, s := range []string{"timestamp", "non success response", "failed to create request", "failed to prepare request", "failed to read response"} {
		if bytes.Contains([]byte(msg), []byte(s)) {
			return true
		}
	}
	return false
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
	err = safely(func() error {
		var e error
		r, e = pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
		return e
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
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
