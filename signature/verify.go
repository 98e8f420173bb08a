package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// VerifyOptions says what Verify trusts.
type VerifyOptions struct {
	// Roots are the trusted root certificates for signers and timestamp authorities; nil means
	// the system's roots.
	Roots *x509.CertPool
}

// Trust says how far a signer's (or timestamp authority's) certificate is trusted.
type Trust string

// The trust levels. TrustSelfSigned is a certificate its owner made for itself (for example
// with `evidentia identity create`): the signature proves the file is unchanged since that key
// signed it, not who holds the key.
const (
	TrustTrusted    Trust = "trusted"
	TrustSelfSigned Trust = "self-signed"
	TrustUntrusted  Trust = "untrusted"
)

// Report is what Verify found in a PDF.
type Report struct {
	Size        int64
	Signatures  []Signature // in the order of their fields
	Attachments []Attachment
}

// Signature is one signature of a PDF and what was found about it. Problems lists what makes
// it invalid (each wraps one of the package's errors); an empty list means the signature is
// valid. Notes are facts a reader should know that do not make it invalid (a self-made
// certificate, no timestamp, an untrusted issuer).
type Signature struct {
	Field       string
	SubFilter   string
	Name        string
	Reason      string
	Location    string
	SigningTime time.Time // as the signer's dictionary claims it (/M); see Timestamp for a trusted time
	ByteRange   [4]int64
	WholeFile   bool
	Signer      *x509.Certificate
	Certs       []*x509.Certificate // every certificate the signature carries
	CMS         []byte              // the DER CMS SignedData, as embedded
	Trust       Trust
	TrustDetail string
	Timestamp   *Timestamp
	Problems    []error
	Notes       []string
}

// Timestamp is the RFC 3161 signature timestamp embedded in a signature.
type Timestamp struct {
	Time        time.Time
	Authority   string // subject of the authority's certificate
	Serial      string
	Policy      string
	Hash        string // the imprint's hash algorithm
	ImprintOK   bool   // the token stamps this signature's value
	Trust       Trust
	TrustDetail string
	Certificate *x509.Certificate
	Chain       []*x509.Certificate // every certificate the token carries (the authority's first)
	Token       []byte              // the DER TimeStampToken
}

// Valid reports whether the signature and its timestamp, if any, verify.
func (s *Signature) Valid() bool { return len(s.Problems) == 0 }

// Valid reports whether the PDF is signed and every signature is valid (which includes covering
// the whole file: Evidentia's signatures permit no later change).
func (r *Report) Valid() bool { return r.Err() == nil }

// Err returns the first reason the PDF is not validly signed, or nil.
func (r *Report) Err() error {
	if len(r.Signatures) == 0 {
		return ErrNotSigned
	}
	for _, s := range r.Signatures {
		if len(s.Problems) > 0 {
			return s.Problems[0]
		}
	}
	return nil
}

var (
	oidTimestampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	hashByOID         = map[string]crypto.Hash{
		"1.3.14.3.2.26":          crypto.SHA1,
		"2.16.840.1.101.3.4.2.1": crypto.SHA256,
		"2.16.840.1.101.3.4.2.2": crypto.SHA384,
		"2.16.840.1.101.3.4.2.3": crypto.SHA512,
	}
)

// Verify checks every signature of doc and lists its embedded files. It returns an error only
// when doc cannot be read as a PDF (ErrNotPDF) or ctx is done; what is wrong with the
// signatures is in the Report (see Report.Err). An unsigned PDF gives a Report without
// signatures.
func Verify(ctx context.Context, doc []byte, opt VerifyOptions) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := openPDF(doc)
	if err != nil {
		return nil, err
	}
	roots := opt.Roots
	if roots == nil {
		if roots, err = x509.SystemCertPool(); err != nil || roots == nil {
			roots = x509.NewCertPool()
		}
	}
	rep := &Report{Size: int64(len(doc))}
	var fields []pdf.Value
	err = safely(func() error {
		fields = signatureFields(r.Trailer().Key("Root").Key("AcroForm").Key("Fields"), 0)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	for _, f := range fields {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var s Signature
		if err := safely(func() error { s = checkSignature(doc, f, roots); return nil }); err != nil {
			s.Problems = append(s.Problems, fmt.Errorf("%w: unreadable signature dictionary: %v", ErrBadSignature, err))
		}
		rep.Signatures = append(rep.Signatures, s)
	}
	if err := safely(func() error {
		rep.Attachments, err = attachments(r)
		return err
	}); err != nil {
		return nil, fmt.Errorf("%w: embedded files: %v", ErrNotPDF, err)
	}
	return rep, nil
}

// signatureFields returns the signature fields (with a value) among fields and their kids.
func signatureFields(fields pdf.Value, depth int) []pdf.Value {
	var out []pdf.Value
	if depth > 16 {
		return nil
	}
	for i := 0; i < fields.Len(); i++ {
		f := fields.Index(i)
		if kids := f.Key("Kids"); kids.Len() > 0 {
			out = append(out, signatureFields(kids, depth+1)...)
		}
		if f.Key("FT").Name() == "Sig" && !f.Key("V").IsNull() {
			out = append(out, f)
		}
	}
	return out
}

func checkSignature(doc []byte, field pdf.Value, roots *x509.CertPool) Signature {
	v := field.Key("V")
	s := Signature{
		Field:     field.Key("T").Text(),
		SubFilter: v.Key("SubFilter").Name(),
		Name:      v.Key("Name").Text(),
		Reason:    v.Key("Reason").Text(),
		Location:  v.Key("Location").Text(),
	}
	if t, err := parsePDFDate(v.Key("M").Text()); err == nil {
		s.SigningTime = t
	}
	problem := func(sentinel error, format string, args ...any) {
		s.Problems = append(s.Problems, fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)))
	}

	// 1. The byte ranges: [0, a) and [b, b+c), the gap holding exactly the hex CMS.
	br := v.Key("ByteRange")
	size := int64(len(doc))
	if br.Len() != 4 {
		problem(ErrNotWholeFile, "byte range has %d numbers, want 4", br.Len())
		return s
	}
	for i := range 4 {
		s.ByteRange[i] = br.Index(i).Int64()
	}
	a, b, c := s.ByteRange[1], s.ByteRange[2], s.ByteRange[3]
	if s.ByteRange[0] != 0 || a <= 0 || b <= a+1 || c < 0 || b+c > size || doc[a] != '<' || doc[b-1] != '>' {
		problem(ErrNotWholeFile, "byte range %v does not fit the file (%d bytes)", s.ByteRange, size)
		return s
	}
	s.WholeFile = b+c == size
	if !s.WholeFile {
		problem(ErrNotWholeFile, "it covers %d of %d bytes; %d bytes were added after signing", a+c+(b-a), size, size-(b+c))
	}
	der, err := hex.DecodeString(string(doc[a+1 : b-1]))
	if err != nil {
		problem(ErrBadSignature, "the signature contents are not hexadecimal")
		return s
	}
	// The contents are padded with zeros after the CMS; keep the one DER value.
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(der, &outer); err == nil {
		der = outer.FullBytes
	}

	// 2. The CMS: digest over the ranges, then the signature over the signed attributes.
	s.CMS = der
	p7, err := pkcs7.Parse(der)
	if err != nil {
		problem(ErrBadSignature, "unreadable CMS: %v", err)
		return s
	}
	if len(p7.Signers) != 1 {
		problem(ErrBadSignature, "the CMS has %d signers, want 1", len(p7.Signers))
		return s
	}
	s.Certs = p7.Certificates
	s.Signer = p7.GetOnlySigner()
	if s.Signer == nil {
		problem(ErrBadSignature, "the CMS does not carry the signer's certificate")
		return s
	}
	signed := make([]byte, 0, a+c)
	signed = append(append(signed, doc[:a]...), doc[b:b+c]...)
	p7.Content = signed
	if err := p7.Verify(); err != nil {
		var mm *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mm) {
			problem(ErrDigestMismatch, "the signed bytes hash to %x, the signature says %x", mm.ActualDigest, mm.ExpectedDigest)
		} else {
			problem(ErrBadSignature, "%v", err)
		}
		return s
	}

	// 3. The timestamp. Its time is what the certificate is judged at, when its authority is
	// trusted; otherwise the signer's own claim is.
	at := s.SigningTime
	si := p7.Signers[0]
	for _, attr := range si.UnauthenticatedAttributes {
		if !attr.Type.Equal(oidTimestampToken) {
			continue
		}
		ts, err := checkTimestamp(attr.Value.Bytes, si.EncryptedDigest, roots)
		s.Timestamp = ts
		switch {
		case err != nil:
			s.Problems = append(s.Problems, err)
		case ts.Trust == TrustTrusted:
			at = ts.Time
		default:
			s.Notes = append(s.Notes, fmt.Sprintf("the timestamp authority %q is %s here (%s): its time is not relied on", ts.Authority, ts.Trust, ts.TrustDetail))
		}
	}
	if s.Timestamp == nil {
		s.Notes = append(s.Notes, "no timestamp: the signing time is the signer's own claim")
	}
	if at.IsZero() {
		at = time.Now()
	}

	// 4. The certificate: trusted; or self-made, which is said; anything else is a problem.
	s.Trust, s.TrustDetail = judge(s.Signer, p7.Certificates, roots, at, x509.ExtKeyUsageAny)
	switch s.Trust {
	case TrustSelfSigned:
		s.Notes = append(s.Notes, "the signer's certificate is self-made: the signature proves the file is unchanged since that key signed it, not who holds the key")
	case TrustUntrusted:
		problem(ErrUntrusted, "%s (a reader who trusts the issuing authority can add it, e.g. evidentia verify --ca ROOT.pem)", s.TrustDetail)
	}
	if at.Before(s.Signer.NotBefore) || at.After(s.Signer.NotAfter) {
		problem(ErrCertificateTime, "signed at %s, the certificate is valid %s to %s",
			at.UTC().Format(time.RFC3339), s.Signer.NotBefore.UTC().Format(time.RFC3339), s.Signer.NotAfter.UTC().Format(time.RFC3339))
	}
	return s
}

// judge says whether cert chains to roots (using certs as intermediates) at time at.
func judge(cert *x509.Certificate, certs []*x509.Certificate, roots *x509.CertPool, at time.Time, usage x509.ExtKeyUsage) (Trust, string) {
	inter := x509.NewCertPool()
	for _, c := range certs {
		if !c.Equal(cert) {
			inter.AddCert(c)
		}
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{usage}})
	if err == nil {
		return TrustTrusted, "chains to a trusted root"
	}
	if bytes.Equal(cert.RawIssuer, cert.RawSubject) && cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil {
		return TrustSelfSigned, "issued by its own holder"
	}
	return TrustUntrusted, err.Error()
}

// checkTimestamp checks an RFC 3161 token stamping sigValue. The authority is the token's one
// signer, whose certificate must be for timestamping only (extendedKeyUsage critical, RFC 3161
// 2.3); only that certificate's trust is judged.
func checkTimestamp(token, sigValue []byte, roots *x509.CertPool) (*Timestamp, error) {
	out := &Timestamp{Token: token}
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return out, fmt.Errorf("%w: unreadable token: %v", ErrTimestamp, err)
	}
	if len(p7.Signers) != 1 {
		return out, fmt.Errorf("%w: the token has %d signers, want 1", ErrTimestamp, len(p7.Signers))
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		return out, fmt.Errorf("%w: the token does not carry its signer's certificate", ErrTimestamp)
	}
	out.Certificate = cert
	out.Chain = append([]*x509.Certificate{cert}, without(p7.Certificates, cert)...)
	out.Authority = cert.Subject.String()
	// timestamp.Parse checks the token's signature with the certificate of the signer it names.
	ts, err := timestamp.Parse(token)
	if err != nil {
		return out, fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	out.Time, out.Hash = ts.Time, ts.HashAlgorithm.String()
	if ts.SerialNumber != nil {
		out.Serial = ts.SerialNumber.String()
	}
	if ts.Policy != nil {
		out.Policy = ts.Policy.String()
	}
	if !timestampingOnly(cert) {
		return out, fmt.Errorf("%w: the token's signer %q is not a timestamp authority certificate", ErrTimestamp, out.Authority)
	}
	if !ts.HashAlgorithm.Available() {
		return out, fmt.Errorf("%w: unsupported imprint hash", ErrTimestamp)
	}
	h := ts.HashAlgorithm.New()
	h.Write(sigValue)
	out.ImprintOK = bytes.Equal(h.Sum(nil), ts.HashedMessage)
	if !out.ImprintOK {
		return out, fmt.Errorf("%w: the token stamps another value than this signature", ErrTimestamp)
	}
	out.Trust, out.TrustDetail = judge(cert, p7.Certificates, roots, ts.Time, x509.ExtKeyUsageTimeStamping)
	return out, nil
}

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// without returns certs less c.
func without(certs []*x509.Certificate, c *x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	for _, o := range certs {
		if !o.Equal(c) {
			out = append(out, o)
		}
	}
	return out
}

// timestampingOnly tells whether cert's extended key usage is timeStamping alone, marked critical.
func timestampingOnly(cert *x509.Certificate) bool {
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(cert.UnknownExtKeyUsage) != 0 {
		return false
	}
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidExtKeyUsage) {
			return e.Critical
		}
	}
	return false
}

// parsePDFDate parses a PDF date string, D:YYYYMMDDHHmmSS+HH'mm'.
func parsePDFDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(s, "D:")
	s = strings.ReplaceAll(s, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("signature: bad PDF date %q", s)
}
