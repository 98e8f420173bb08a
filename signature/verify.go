package signature

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"evidentia/evidence"
)

// VerifyOptions says what Verify (and VerifyDetached) trusts.
type VerifyOptions struct {
	// Roots are the only root certificates a signer or a timestamp authority is trusted
	// through. nil (or an empty pool) means none: the computer's web (TLS) roots are never
	// signer roots, so without Roots only a self-made certificate is recognised (and said to be
	// self-made), and no timestamp authority is trusted.
	Roots *x509.CertPool
	// RootsSource says where Roots came from, for the reports' Roots statement, e.g.
	// "--ca ca.pem"; "" leaves it unsaid (the statement then counts and names the roots).
	RootsSource string
	// At, for VerifyDetached only, is the time the signer's certificate is judged at: a trusted
	// timestamp's time that the caller checked. Zero means the signer's claimed signing time
	// (or now, when it claims none). Verify takes the time of the PDF's own token.
	At time.Time
}

// DescribeRoots says plainly which roots a verification used: roots (nil = none) from source
// ("" = not said), e.g. "no signer roots given: only a self-made certificate can be
// recognised" or "1 signer root from --ca ca.pem: Evidentia Test CA".
func DescribeRoots(roots *x509.CertPool, source string) string {
	var names []string
	if roots != nil {
		//lint:ignore SA1019 the pools given here are never the system's, for which Subjects is incomplete
		for _, raw := range roots.Subjects() {
			var rdn pkix.RDNSequence
			var n pkix.Name
			if _, err := asn1.Unmarshal(raw, &rdn); err == nil {
				n.FillFromRDNSequence(&rdn)
			}
			name := n.CommonName
			if name == "" {
				name = n.String()
			}
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "no signer roots given: only a self-made certificate can be recognised (the computer's web roots are not signer roots)"
	}
	what := "signer roots"
	if len(names) == 1 {
		what = "signer root"
	}
	from := ""
	if source != "" {
		from = " from " + source
	}
	shown := names
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(names)-5))
	}
	return fmt.Sprintf("%d %s%s: %s", len(names), what, from, strings.Join(shown, ", "))
}

// HasRoots tells whether roots holds any certificate: whether a verification against it can
// trust anyone but a self-made signer.
func HasRoots(roots *x509.CertPool) bool {
	//lint:ignore SA1019 see DescribeRoots
	return roots != nil && len(roots.Subjects()) > 0
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
	Size int64
	// Roots says which roots the certificates were judged against (see DescribeRoots).
	Roots       string
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
	// Fingerprint is the lowercase hex SHA-256 of the signer's certificate (DER), as bundles
	// give it (bundle.Fingerprint writes it as openssl does); "" without a signer.
	Fingerprint string
	Certs       []*x509.Certificate // every certificate the signature carries
	CMS         []byte              // the DER CMS SignedData, as embedded
	Trust       Trust
	TrustDetail string
	Timestamp   *Timestamp
	// ClaimedTSA is the timestamp authority the signature dictionary names (/EvidentiaTSA,
	// covered by the signature): the signer asked that authority for a token, so a signature
	// without one lost it. "" when the dictionary names none.
	ClaimedTSA string
	// TimestampSkew is the token's time less the signing time the dictionary claims (/M);
	// zero without a token or a claimed time. More than MaxTimestampSkew either way is a
	// problem.
	TimestampSkew time.Duration
	Problems      []error
	Notes         []string
}

// MaxTimestampSkew is how far a signature's timestamp may be from the signing time its
// dictionary claims (/M): a token further away was made for another occasion, or the claim is
// false.
const MaxTimestampSkew = 10 * time.Minute

// Errors of Verify besides those of sign.go.
var (
	// ErrTimestampTime is a timestamp whose time does not fit the signature: far from the
	// claimed signing time, or before what the signed content says happened.
	ErrTimestampTime = errors.New("signature: the timestamp's time does not fit the signature")
	// ErrTimestampMissing is a signature whose dictionary names a timestamp authority but
	// that carries no token: it was removed (it sits in the unsigned part of the CMS).
	ErrTimestampMissing = errors.New("signature: the timestamp token was removed")
	// ErrStructure is a PDF built to exhaust the reader: a field or name tree beyond the walk's
	// budget, or cross-reference numbers that would allocate without bound (see
	// checkAllocations); it comes wrapped with ErrNotPDF.
	ErrStructure = errors.New("signature: the PDF is built to exhaust its reader (a loop, or a tree or table too large)")
)

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

var oidTimestampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

// Verify checks every signature of doc and lists its embedded files. It returns an error only
// when doc cannot be read as a PDF (ErrNotPDF; with ErrStructure too for a form or name tree
// beyond the walk's budget) or ctx is done; what is wrong with the signatures is in the Report
// (see Report.Err). An unsigned PDF gives a Report without signatures. Certificates are
// judged against opt.Roots only (see VerifyOptions).
//
// Verify returns ctx.Err() promptly once ctx is done, whatever doc holds: the walk of the
// document checks ctx at every object, and the PDF object reader (which takes no context)
// runs on a goroutine that Verify stops waiting for; that goroutine then ends at the walk's
// next check, or when the reader returns.
func Verify(ctx context.Context, doc []byte, opt VerifyOptions) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		rep *Report
		err error
	}
	ch := make(chan result, 1)
	go func() {
		var res result
		if err := safely(func() error {
			res.rep, res.err = verify(ctx, doc, opt)
			return nil
		}); err != nil {
			res = result{nil, fmt.Errorf("%w: %v", ErrNotPDF, err)}
		}
		ch <- res
	}()
	select {
	case res := <-ch:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return res.rep, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Walk budgets: how many nodes of the form's field tree and of the embedded files' name tree
// Verify visits, and how many signature fields it checks, whatever the file says.
const (
	maxTreeNodes       = 100_000
	maxSignatureFields = 64
)

func verify(ctx context.Context, doc []byte, opt VerifyOptions) (*Report, error) {
	if !bytes.Contains(doc[:min(len(doc), 1024)], []byte("%PDF-")) {
		// Not a PDF at all (an image or a page renamed .pdf): say that, not that it is hostile.
		return nil, fmt.Errorf("%w: no %%PDF- header in its first 1024 bytes", ErrNotPDF)
	}
	if err := checkAllocations(doc); err != nil {
		return nil, fmt.Errorf("%w: %w: %v", ErrNotPDF, ErrStructure, err)
	}
	r, err := openPDF(doc)
	if err != nil {
		return nil, err
	}
	roots := opt.Roots
	if roots == nil {
		roots = x509.NewCertPool()
	}
	rep := &Report{Size: int64(len(doc)), Roots: DescribeRoots(roots, opt.RootsSource)}
	var fields []pdf.Value
	err = safely(func() error {
		var e error
		fields, e = signatureFields(ctx, r.Trailer().Key("Root").Key("AcroForm").Key("Fields"))
		return e
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrStructure) {
			return nil, fmt.Errorf("%w: %w", ErrNotPDF, err)
		}
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
		rep.Attachments, err = attachments(ctx, r)
		return err
	}); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrStructure) {
			return nil, fmt.Errorf("%w: embedded files: %w", ErrNotPDF, err)
		}
		return nil, fmt.Errorf("%w: embedded files: %v", ErrNotPDF, err)
	}
	return rep, nil
}

// walker visits a tree of PDF objects at most once each, within a node budget, checking ctx
// at every node. The object reader resolves a reference anew at every visit, so without the
// visited set a node listing itself eight times is walked 8^depth times.
type walker struct {
	ctx     context.Context
	seen    map[any]bool // the references (object number, generation) already visited
	nodes   int
	what    string // "form field tree", for the error
	maxNode int
}

func newWalker(ctx context.Context, what string) *walker {
	return &walker{ctx: ctx, seen: map[any]bool{}, what: what, maxNode: maxTreeNodes}
}

// enter counts a node and fails when ctx is done or the budget is spent.
func (w *walker) enter() error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if w.nodes++; w.nodes > w.maxNode {
		return fmt.Errorf("%w: the %s has more than %d nodes", ErrStructure, w.what, w.maxNode)
	}
	return nil
}

// child returns element i of the array arr and whether to walk it: false when it is a
// reference to an object this walk has already visited (a loop, or a node listed twice).
func (w *walker) child(arr pdf.Value, i int) (pdf.Value, bool) {
	if ref, ok := refAt(arr, i); ok {
		if w.seen[ref] {
			return pdf.Value{}, false
		}
		w.seen[ref] = true
	}
	return arr.Index(i), true
}

// objptrType is the type of the object reader's references (unexported there).
var objptrType = reflect.TypeOf(pdf.Value{}.GetPtr())

// refAt returns the reference that element i of the array arr is, if it is one. The reader
// does not say whether a value was reached through a reference, so the raw array is read.
func refAt(arr pdf.Value, i int) (any, bool) {
	rv := reflect.ValueOf(arr.RawData())
	if rv.Kind() != reflect.Slice || i < 0 || i >= rv.Len() {
		return nil, false
	}
	el := rv.Index(i)
	if el.Kind() == reflect.Interface {
		el = el.Elem()
	}
	if !el.IsValid() || el.Type() != objptrType {
		return nil, false
	}
	return el.Interface(), true
}

// signatureFields returns the signature fields (with a value) among fields and their kids,
// each object once, within the walk's budget and at most maxSignatureFields of them.
func signatureFields(ctx context.Context, fields pdf.Value) ([]pdf.Value, error) {
	w := newWalker(ctx, "form field tree")
	var out []pdf.Value
	var walk func(fields pdf.Value, depth int) error
	walk = func(fields pdf.Value, depth int) error {
		if depth > 32 {
			return fmt.Errorf("%w: the form field tree is more than 32 levels deep", ErrStructure)
		}
		for i := 0; i < fields.Len(); i++ {
			if err := w.enter(); err != nil {
				return err
			}
			f, ok := w.child(fields, i)
			if !ok {
				continue
			}
			if kids := f.Key("Kids"); kids.Len() > 0 {
				if err := walk(kids, depth+1); err != nil {
					return err
				}
			}
			if f.Key("FT").Name() == "Sig" && !f.Key("V").IsNull() {
				if len(out) == maxSignatureFields {
					return fmt.Errorf("%w: more than %d signature fields", ErrStructure, maxSignatureFields)
				}
				out = append(out, f)
			}
		}
		return nil
	}
	if err := walk(fields, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// checkSignature checks the signature field field of doc, judging the signer and the timestamp
// authority against roots (nil: none). It never fails: what is wrong is in the returned
// Signature's Problems, and what a reader should know in its Notes. The steps, each of which
// stops the check when the signature cannot be read further: the signature dictionary's
// claims (signatureDict), the byte ranges (sigCheck.byteRange), the CMS (sigCheck.cms), then
// the timestamp (sigCheck.timestamp) and the certificate (sigCheck.certificate).
func checkSignature(doc []byte, field pdf.Value, roots *x509.CertPool) Signature {
	v := field.Key("V")
	s := signatureDict(field, v)
	c := &sigCheck{s: &s, doc: doc, roots: roots}
	der, ok := c.byteRange(v.Key("ByteRange"))
	if !ok {
		return s
	}
	p7, ok := c.cms(der)
	if !ok {
		return s
	}
	at := c.timestamp(p7)
	c.certificate(p7.Certificates, at)
	return s
}

// signatureDict returns the Signature with what the field and its signature dictionary v
// claim: the field's name, /SubFilter, /Name, /Reason, /Location, /EvidentiaTSA and the signing
// time /M (zero when absent or not a PDF date). Nothing of it is checked yet.
func signatureDict(field, v pdf.Value) Signature {
	s := Signature{
		Field:      field.Key("T").Text(),
		SubFilter:  v.Key("SubFilter").Name(),
		Name:       v.Key("Name").Text(),
		Reason:     v.Key("Reason").Text(),
		Location:   v.Key("Location").Text(),
		ClaimedTSA: v.Key("EvidentiaTSA").Text(),
	}
	if t, err := parsePDFDate(v.Key("M").Text()); err == nil {
		s.SigningTime = t
	}
	return s
}

// sigCheck is one run of checkSignature: the Signature being filled in, the whole file and
// the roots. Its steps run in the order checkSignature calls them and only add to s.
type sigCheck struct {
	s     *Signature
	doc   []byte
	roots *x509.CertPool
}

// problem adds to s.Problems an error wrapping sentinel, saying format with args.
func (c *sigCheck) problem(sentinel error, format string, args ...any) {
	c.s.Problems = append(c.s.Problems, fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)))
}

// note adds a fact to s.Notes.
func (c *sigCheck) note(n string) { c.s.Notes = append(c.s.Notes, n) }

// byteRange checks the byte ranges br: [0, a) and [b, b+c), the gap holding exactly the hex
// CMS. It sets s.ByteRange and s.WholeFile (a range that ends before the file does is an
// ErrNotWholeFile problem, but the check goes on) and returns the one DER value of the gap
// (the zero padding after it cut off). It reports false, with a problem added, when br is not
// four numbers fitting the file (ErrNotWholeFile) or the gap is not hexadecimal or not a
// DER value of bounded nesting (ErrBadSignature).
func (c *sigCheck) byteRange(br pdf.Value) ([]byte, bool) {
	s, doc := c.s, c.doc
	size := int64(len(doc))
	if br.Len() != 4 {
		c.problem(ErrNotWholeFile, "byte range has %d numbers, want 4", br.Len())
		return nil, false
	}
	for i := range 4 {
		s.ByteRange[i] = br.Index(i).Int64()
	}
	a, b, n := s.ByteRange[1], s.ByteRange[2], s.ByteRange[3]
	if s.ByteRange[0] != 0 || a <= 0 || b <= a+1 || n < 0 || b > size || n > size-b || doc[a] != '<' || doc[b-1] != '>' {
		c.problem(ErrNotWholeFile, "byte range %v does not fit the file (%d bytes)", s.ByteRange, size)
		return nil, false
	}
	s.WholeFile = b+n == size
	if !s.WholeFile {
		c.problem(ErrNotWholeFile, "it covers %d of %d bytes; %d bytes were added after signing", a+n+(b-a), size, size-(b+n))
	}
	der, err := hex.DecodeString(string(doc[a+1 : b-1]))
	if err != nil {
		c.problem(ErrBadSignature, "the signature contents are not hexadecimal")
		return nil, false
	}
	// The contents are padded with zeros after the CMS; keep the one DER value.
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(der, &outer); err == nil {
		der = outer.FullBytes
	}
	if err := checkDERNesting(der); err != nil {
		c.problem(ErrBadSignature, "unreadable CMS: %v", err)
		return nil, false
	}
	return der, true
}

// cms checks the CMS der over the bytes s.ByteRange covers (which byteRange checked fit the
// file): the digest over the ranges, then the signature over the signed attributes. It sets
// s.CMS, s.Certs, s.Signer and s.Fingerprint, and returns the parsed CMS, which has exactly
// one signer, whose certificate it carries. It reports false, with a problem added, when the
// CMS is unreadable, has not one signer or lacks the signer's certificate (ErrBadSignature),
// or does not verify (ErrDigestMismatch when the signed bytes hash to another digest).
func (c *sigCheck) cms(der []byte) (*pkcs7.PKCS7, bool) {
	s := c.s
	s.CMS = der
	p7, err := pkcs7.Parse(der)
	if err != nil {
		c.problem(ErrBadSignature, "unreadable CMS: %v", err)
		return nil, false
	}
	if len(p7.Signers) != 1 {
		c.problem(ErrBadSignature, "the CMS has %d signers, want 1", len(p7.Signers))
		return nil, false
	}
	s.Certs = p7.Certificates
	s.Signer = p7.GetOnlySigner()
	if s.Signer == nil {
		c.problem(ErrBadSignature, "the CMS does not carry the signer's certificate")
		return nil, false
	}
	s.Fingerprint = string(evidence.SumBytes(s.Signer.Raw))
	a, b, n := s.ByteRange[1], s.ByteRange[2], s.ByteRange[3]
	signed := make([]byte, 0, a+n)
	signed = append(append(signed, c.doc[:a]...), c.doc[b:b+n]...)
	p7.Content = signed
	if err := p7.Verify(); err != nil {
		var mm *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mm) {
			c.problem(ErrDigestMismatch, "the signed bytes hash to %x, the signature says %x", mm.ActualDigest, mm.ExpectedDigest)
		} else {
			c.problem(ErrBadSignature, "%v", err)
		}
		return nil, false
	}
	return p7, true
}

// timestamp checks the timestamp tokens among the unsigned attributes of the one signer of p7
// (as cms returned it) and returns the time the signer's certificate is to be judged at. The
// token must be the only one (ErrTimestamp), stamp this signature's value and verify (checkTimestamp's problems), be
// within MaxTimestampSkew of the claimed signing time when one is claimed (ErrTimestampTime,
// else a note of the skew; s.TimestampSkew is set), and come from a trusted authority when
// roots were given (ErrTimestamp; without roots a note says its time is not relied on). A
// trusted token's time is returned; otherwise the signer's own claim s.SigningTime is, or now
// when it claims none. It sets s.Timestamp to the token read. No token is
// ErrTimestampMissing when the dictionary names an authority (s.ClaimedTSA), else a note.
func (c *sigCheck) timestamp(p7 *pkcs7.PKCS7) time.Time {
	s := c.s
	at := s.SigningTime
	si := p7.Signers[0]
	tokens := 0
	for _, attr := range si.UnauthenticatedAttributes {
		if !attr.Type.Equal(oidTimestampToken) {
			continue
		}
		if tokens++; tokens > 1 {
			c.problem(ErrTimestamp, "the signature carries %d timestamp tokens, want 1", tokens)
			break
		}
		ts, err := checkTimestamp(attr.Value.Bytes, si.EncryptedDigest, c.roots)
		s.Timestamp = ts
		if err != nil {
			s.Problems = append(s.Problems, err)
			continue
		}
		c.timestampSkew(ts)
		switch {
		case ts.Trust == TrustTrusted:
			at = ts.Time
		case HasRoots(c.roots):
			c.problem(ErrTimestamp, "the timestamp authority %q is %s here (%s): its time cannot be relied on", ts.Authority, ts.Trust, ts.TrustDetail)
		default:
			c.note(fmt.Sprintf("the timestamp authority %q is %s here (%s): its time is not relied on", ts.Authority, ts.Trust, ts.TrustDetail))
		}
	}
	if s.Timestamp == nil {
		if s.ClaimedTSA != "" {
			c.problem(ErrTimestampMissing, "the signature dictionary says it was stamped by %q, but the signature carries no timestamp token", s.ClaimedTSA)
		} else {
			c.note("no timestamp: the signing time is the signer's own claim")
		}
	}
	if at.IsZero() {
		at = time.Now()
	}
	return at
}

// timestampSkew compares the verified token ts with the signing time the dictionary claims,
// when it claims one: it sets s.TimestampSkew and adds an ErrTimestampTime problem when they
// are more than MaxTimestampSkew apart (the token was not made for this signing), else a note.
func (c *sigCheck) timestampSkew(ts *Timestamp) {
	s := c.s
	if s.SigningTime.IsZero() {
		return
	}
	s.TimestampSkew = ts.Time.Sub(s.SigningTime)
	if s.TimestampSkew > MaxTimestampSkew || s.TimestampSkew < -MaxTimestampSkew {
		c.problem(ErrTimestampTime, "the token's time %s is %s the signing time the signature claims (%s); more than %s apart means the token was not made for this signing",
			ts.Time.UTC().Format(time.RFC3339), skewText(s.TimestampSkew), s.SigningTime.UTC().Format(time.RFC3339), MaxTimestampSkew)
	} else {
		c.note(fmt.Sprintf("the timestamp is %s the signing time the signature claims", skewText(s.TimestampSkew)))
	}
}

// certificate judges s.Signer (certs serving as intermediates) at time at, setting s.Trust and
// s.TrustDetail: trusted; or self-made, which a note says; anything else is an ErrUntrusted
// problem. A certificate not valid at at is an ErrCertificateTime problem.
func (c *sigCheck) certificate(certs []*x509.Certificate, at time.Time) {
	s := c.s
	s.Trust, s.TrustDetail = JudgeSigner(s.Signer, certs, c.roots, at)
	switch s.Trust {
	case TrustSelfSigned:
		c.note("the signer's certificate is self-made: the signature proves the file is unchanged since that key signed it, not who holds the key")
	case TrustUntrusted:
		c.problem(ErrUntrusted, "%s (a reader who trusts the issuing authority can add it, e.g. evidentia verify --ca ROOT.pem)", s.TrustDetail)
	}
	if at.Before(s.Signer.NotBefore) || at.After(s.Signer.NotAfter) {
		c.problem(ErrCertificateTime, "signed at %s, the certificate is valid %s to %s",
			at.UTC().Format(time.RFC3339), s.Signer.NotBefore.UTC().Format(time.RFC3339), s.Signer.NotAfter.UTC().Format(time.RFC3339))
	}
}

// skewText says how far a token's time is from a claimed time: "3s after", "2h0m0s before".
func skewText(d time.Duration) string {
	if d < 0 {
		return (-d).Round(time.Second).String() + " before"
	}
	return d.Round(time.Second).String() + " after"
}

// OIDDocumentSigning is the extended key usage id-kp-documentSigning (RFC 9336).
var OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// SignerUsageProblem says why cert is not a certificate for signing documents, or "" when it
// is: its extended key usage must name document signing (1.3.6.1.5.5.7.3.36) or e-mail
// protection, and its key usage digitalSignature or nonRepudiation (contentCommitment). A web
// server's TLS certificate, say, chains to a trusted root all the same but was not issued to
// sign anything.
func SignerUsageProblem(cert *x509.Certificate) string {
	eku := false
	for _, u := range cert.ExtKeyUsage {
		if u == x509.ExtKeyUsageEmailProtection {
			eku = true
		}
	}
	for _, u := range cert.UnknownExtKeyUsage {
		if u.Equal(OIDDocumentSigning) {
			eku = true
		}
	}
	switch {
	case !eku:
		return "the certificate was not issued for signing documents (its extended key usage names neither document signing nor e-mail protection)"
	case cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0:
		return "the certificate's key usage allows neither digitalSignature nor nonRepudiation"
	}
	return ""
}

// JudgeSigner says how far the signer's certificate cert is trusted at time at: TrustTrusted
// when it chains to roots (certs serving as intermediates) and was issued for signing
// documents (see SignerUsageProblem); TrustSelfSigned when it is issued by its own holder and
// has that usage; TrustUntrusted otherwise, the detail saying why. roots nil means none.
func JudgeSigner(cert *x509.Certificate, certs []*x509.Certificate, roots *x509.CertPool, at time.Time) (Trust, string) {
	if p := SignerUsageProblem(cert); p != "" {
		return TrustUntrusted, p
	}
	return judge(cert, certs, roots, at, x509.ExtKeyUsageAny)
}

// judge says whether cert chains to roots (using certs as intermediates) at time at with the
// extended key usage usage, or is self-made. roots nil means none. A self-made certificate is
// TrustSelfSigned only when no roots were given: with roots it is trusted when it is one of
// them (a reader can pin a sender's self-made certificate with --ca) and untrusted otherwise.
func judge(cert *x509.Certificate, certs []*x509.Certificate, roots *x509.CertPool, at time.Time, usage x509.ExtKeyUsage) (Trust, string) {
	if roots == nil {
		roots = x509.NewCertPool()
	}
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
		if HasRoots(roots) {
			// The reader named whom they trust: a certificate anyone could have made under
			// any name is not one of them (unless the reader gave that very certificate).
			return TrustUntrusted, "the certificate is self-made (issued by its own holder) and is not one of the given roots"
		}
		return TrustSelfSigned, "issued by its own holder"
	}
	if !HasRoots(roots) {
		return TrustUntrusted, "no signer roots were given, so no issuing authority is trusted: " + err.Error()
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

// Bounds of the pre-check of what the PDF object reader allocates from numbers in the file.
const (
	eofWindow  = 1024    // %%EOF must be within the file's last eofWindow bytes
	maxXrefRow = 1 << 28 // the widths (/W) of an xref stream's row, summed
)

// checkAllocations refuses a PDF whose cross-reference numbers would make the object reader
// allocate without bound: an xref stream's /Size, or a table subsection's first object and
// count, beyond the file's length (an object takes more than a byte), an xref row (/W) wider
// than maxXrefRow; and a file without %%EOF near its end, which the reader looks for by
// reading ever longer tails (quadratic in the file's size). The reader allocates such a table
// at once, and an allocation that large ends the program ("out of memory" cannot be
// recovered). The reader starts at byte offsets the file gives, which may point into what reads
// as a comment, a string or stream data from the start of the file; so every occurrence is
// checked, wherever it is (names decoded, #xx escapes included).
func checkAllocations(doc []byte) error {
	tail := doc[max(0, len(doc)-eofWindow):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return fmt.Errorf("no %%%%EOF in the last %d bytes", eofWindow)
	}
	limit := int64(len(doc))
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case '/':
			name, end := scanName(doc, i+1)
			switch name {
			case "Size":
				if n, _, ok := scanInt(doc, end); ok && (n < 0 || n > limit) {
					return fmt.Errorf("/Size %d is more objects than a %d-byte file can hold", n, limit)
				}
			case "W":
				j := scanSpace(doc, end)
				if j >= len(doc) || doc[j] != '[' {
					continue
				}
				// Only an array of integers can be an xref row; a font's widths nest arrays.
				sum := int64(0)
				for j++; ; {
					n, next, ok := scanInt(doc, j)
					if !ok {
						break
					}
					if n < 0 || n > maxXrefRow-sum {
						return fmt.Errorf("an xref row (/W) of more than %d bytes", int64(maxXrefRow))
					}
					sum, j = sum+n, next
				}
			}
		case 'x':
			if !bytes.HasPrefix(doc[i:], []byte("xref")) {
				continue
			}
			j := i + len("xref")
			for {
				start, next, ok1 := scanInt(doc, j)
				n, next2, ok2 := scanInt(doc, next)
				if !ok1 || !ok2 {
					break
				}
				if start < 0 || n < 0 || start > limit || n > limit-start {
					return fmt.Errorf("xref subsection %d %d is more objects than a %d-byte file can hold", start, n, limit)
				}
				j = next2
				for k := int64(0); k < 3*n && j < len(doc); k++ { // the rows: offset, generation, f or n
					_, j = scanWord(doc, j)
				}
			}
		}
	}
	return nil
}

// scanSpace returns the offset of the first byte at or after i that is neither white space
// nor in a comment.
func scanSpace(doc []byte, i int) int {
	for i < len(doc) {
		switch c := doc[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0:
			i++
		case c == '%':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// scanWord returns the run of regular characters after white space from i, and where it ends
// (one byte further for a lone delimiter).
func scanWord(doc []byte, i int) (string, int) {
	i = scanSpace(doc, i)
	j := i
	for j < len(doc) && isRegular(doc[j]) {
		j++
	}
	if j == i && j < len(doc) {
		j++
	}
	return string(doc[i:j]), j
}

// scanInt reads an integer after white space from i.
func scanInt(doc []byte, i int) (int64, int, bool) {
	w, end := scanWord(doc, i)
	n, err := strconv.ParseInt(w, 10, 64)
	if err != nil {
		return 0, i, false
	}
	return n, end, true
}

// scanName decodes the name whose first character (after the slash) is at i.
func scanName(doc []byte, i int) (string, int) {
	var name []byte
	for i < len(doc) && isRegular(doc[i]) && len(name) < 16 {
		if doc[i] == '#' && i+2 < len(doc) {
			if b, err := hex.DecodeString(string(doc[i+1 : i+3])); err == nil {
				name = append(name, b[0])
				i += 3
				continue
			}
		}
		name = append(name, doc[i])
		i++
	}
	return string(name), i
}
