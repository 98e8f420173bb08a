package wacz

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"evidentia/safezip"
	"evidentia/signature"
)

// VerifyOptions say what Verify trusts.
type VerifyOptions struct {
	// Roots are the only roots the signer and the timestamp authority are trusted through;
	// nil means none (the computer's web roots are never signer roots): a self-made signer is
	// then recognised and said, and no authority is trusted. With Roots given, an untrusted
	// authority is a problem.
	Roots *x509.CertPool
	// RootsSource says where Roots came from (e.g. "--ca ca.pem"), for Report.Roots.
	RootsSource string
}

// Problem is one thing wrong with a WACZ: the file (and, in Err, the record or line) and why.
// Err wraps one of the package's errors.
type Problem struct {
	Path string
	Err  error
}

func (p Problem) Error() string { return p.Path + ": " + p.Err.Error() }

// Report is what Verify found. Problems lists what makes the WACZ invalid; Notes are facts a
// reader should know that do not (a self-made certificate, no timestamp).
type Report struct {
	Created               time.Time // datapackage.json's created
	Software              string
	Files, Records, Pages int // resources listed, WARC records read, pages listed
	// Signed is whether datapackage-digest.json carries a signature at all, valid or not;
	// SignatureValid whether that signature verified (over the digest, with the signer's key,
	// and its timestamp, when there is one, intact). Print "signed: yes" only when both hold.
	Signed         bool
	SignatureValid bool
	// Roots says which roots the signer and the authority were judged against (see
	// signature.DescribeRoots).
	Roots             string
	Signer            *x509.Certificate // nil when unsigned or signed with a bare key
	SignerTrust       signature.Trust
	SignerTrustDetail string
	// Timestamp is the signature's RFC 3161 token as read; its Trust is TrustUntrusted
	// whenever the signature it stamps failed (a token over a bad signature vouches for
	// nothing), whatever its authority.
	Timestamp              *signature.Timestamp
	Problems               []Problem
	Notes                  []string
	IndexLines, IndexedURL int
}

// OK reports whether no problem was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Err returns the problems joined, or nil.
func (r *Report) Err() error {
	var errs []error
	for _, p := range r.Problems {
		errs = append(errs, p)
	}
	return errors.Join(errs...)
}

const (
	maxJSONFile  = 64 << 20 // datapackage.json, datapackage-digest.json
	maxIndexLine = 1 << 20
	// maxProblemsPerFile problems are listed for one file; the others are counted in a last
	// problem ("and N more").
	maxProblemsPerFile = 100
)

// Verify checks the WACZ in ra (size bytes) offline: that the ZIP is safe to read (safezip);
// that every resource of datapackage.json is present with its exact hash and size, and no file
// is unlisted; that datapackage-digest.json hashes datapackage.json, and, when signed, that the
// signature verifies with the signer's certificate (or bare public key), how far that
// certificate is trusted (against opt.Roots only, see signature.JudgeSigner: self-signed is a
// note, untrusted a problem), that the RFC 3161 timeSignature stamps the signature bytes, that
// created is within 10 minutes of it and, when roots are given, that its authority is trusted
// (Report.SignatureValid says whether all of that held); that
// every WARC record's block and payload digests match; that every index line points at a
// record with its URL, digest, date, offset and length; and that every page is an indexed
// URL. It returns an error only when the input is not a readable, safe ZIP (ErrNotWACZ) or ctx
// is done; everything else is a Problem in the Report.
//
// The report stays small whatever the WACZ holds: at most maxProblemsPerFile (100) problems
// are listed per file, followed by one saying how many more there are, and messages quote
// record names, URLs and header values truncated. Memory grows with the number of WARC records
// by a few dozen bytes each (recordSum), not with what their headers hold; a WARC header value
// longer than 8 KiB stops the reading of its WARC with an ErrBadWARC problem naming the record.
func Verify(ctx context.Context, ra io.ReaderAt, size int64, opt VerifyOptions) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	zr, err := safezip.Open(ra, size, safezip.DefaultLimits())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotWACZ, err)
	}
	v := &verifier{ctx: ctx, zr: zr, rep: &Report{}, records: map[string]map[int64]recordSum{}, indexed: map[[sha256.Size]byte]bool{},
		perFile: map[string]int{}, dropped: map[string]*dropped{}}
	roots := opt.Roots
	if roots == nil {
		roots = x509.NewCertPool()
	}
	v.rep.Roots = signature.DescribeRoots(roots, opt.RootsSource)
	present := map[string]bool{}
	for _, n := range zr.Names() {
		present[n] = true
	}

	// 1. The manifest and every file it lists.
	dpBytes, err := v.readSmall(datapackagePath, present)
	var dp datapackage
	if err == nil {
		if err := json.Unmarshal(dpBytes, &dp); err != nil {
			v.problem(datapackagePath, fmt.Errorf("%w: %v", ErrDatapackage, err))
		} else {
			v.checkManifest(&dp)
		}
	}
	listed := map[string]bool{datapackagePath: true, digestPath: true}
	for _, res := range dp.Resources {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if listed[res.Path] {
			if res.Path != datapackagePath && res.Path != digestPath {
				v.problem(datapackagePath, fmt.Errorf("%w: %q is listed twice", ErrDatapackage, res.Path))
			} else {
				v.problem(datapackagePath, fmt.Errorf("%w: lists %q, which cannot hash itself", ErrDatapackage, res.Path))
			}
			continue
		}
		listed[res.Path] = true
		if !present[res.Path] {
			v.problem(res.Path, fmt.Errorf("%w: listed in datapackage.json, not in the ZIP", ErrMissing))
			continue
		}
		if err := v.checkResource(res); err != nil {
			return nil, err
		}
	}
	v.rep.Files = len(dp.Resources)
	for _, n := range zr.Names() {
		if !listed[n] && !strings.HasSuffix(n, "/") {
			v.problem(n, ErrUnlisted)
		}
	}

	// 2. The digest file and its signature.
	if dgBytes, err := v.readSmall(digestPath, present); err == nil {
		v.checkDigest(ctx, dgBytes, dpBytes, roots)
	}

	// 3. The indexes, then the pages (which must be indexed URLs).
	names := zr.Names()
	sort.Strings(names)
	for _, n := range names {
		if strings.HasPrefix(n, "indexes/") && (strings.HasSuffix(n, ".cdxj") || strings.HasSuffix(n, ".cdx") || strings.HasSuffix(n, ".cdx.gz") || strings.HasSuffix(n, ".cdxj.gz")) {
			if err := v.checkIndex(n); err != nil {
				return nil, err
			}
		}
	}
	v.rep.IndexedURL = len(v.indexed)
	for _, n := range names {
		if strings.HasPrefix(n, "pages/") && strings.HasSuffix(n, ".jsonl") {
			if err := v.checkPages(n); err != nil {
				return nil, err
			}
		}
	}
	if !present[pagesPath] {
		v.problem(pagesPath, fmt.Errorf("%w: pages/pages.jsonl is missing", ErrPage))
	}
	v.summarizeDropped()
	return v.rep, nil
}

type verifier struct {
	ctx     context.Context
	zr      *safezip.Reader
	rep     *Report
	records map[string]map[int64]recordSum // WARC path -> member offset -> record
	indexed map[[sha256.Size]byte]bool     // hashes of the URLs of index lines that point at a good record
	perFile map[string]int                 // problems listed per path
	dropped map[string]*dropped            // problems not listed, per path
}

// dropped counts the problems of a file beyond maxProblemsPerFile and keeps the first.
type dropped struct {
	n     int
	first error
}

// recordSum is what Verify keeps of a WARC record for the index cross-check, bounded whatever
// the record's headers hold.
type recordSum struct {
	index     int
	length    int64
	urlHash   [sha256.Size]byte // of WARC-Target-URI
	ts        string            // cdxTimestamp of WARC-Date: at most 14 bytes
	digest    string            // WARC-Payload-Digest, else "sha256:<hex>" of the payload, truncated
	indexable bool              // a response, revisit or resource record whose digests match
}

func summarize(r *record) recordSum {
	d := r.PayloadDigest
	if d == "" {
		d = r.PayloadSHA256
	}
	return recordSum{
		index: r.Index, length: r.Length, urlHash: sha256.Sum256([]byte(r.TargetURI)), ts: cdxTimestamp(r.Date),
		// A valid digest is at most 72 bytes: a truncated one matches no index line, and its
		// record's digest check has failed.
		digest:    truncate(d, 100),
		indexable: r.DigestErr == nil && (r.Type == "response" || r.Type == "revisit" || r.Type == "resource"),
	}
}

// problem records a problem of path; beyond maxProblemsPerFile for that path it is only
// counted (summarizeDropped reports the count).
func (v *verifier) problem(path string, err error) {
	if v.perFile[path] >= maxProblemsPerFile {
		d := v.dropped[path]
		if d == nil {
			d = &dropped{first: err}
			v.dropped[path] = d
		}
		d.n++
		return
	}
	v.perFile[path]++
	v.rep.Problems = append(v.rep.Problems, Problem{Path: path, Err: err})
}

// problems counts the problems of the digest file found so far, listed or not.
func (v *verifier) problems() int {
	n := v.perFile[digestPath]
	if d := v.dropped[digestPath]; d != nil {
		n += d.n
	}
	return n
}

// summarizeDropped adds, for every file with problems not listed, one problem saying how many;
// it wraps the first of them (and so its sentinel).
func (v *verifier) summarizeDropped() {
	paths := make([]string, 0, len(v.dropped))
	for p := range v.dropped {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		d := v.dropped[p]
		v.rep.Problems = append(v.rep.Problems, Problem{Path: p,
			Err: fmt.Errorf("and %d more problems in this file, not listed (the first of them: %w)", d.n, d.first)})
	}
}

// readSmall reads a JSON file of the WACZ root; its absence is a problem.
func (v *verifier) readSmall(name string, present map[string]bool) ([]byte, error) {
	sentinel := ErrDatapackage
	if name == digestPath {
		sentinel = ErrDigestFile
	}
	if !present[name] {
		v.problem(name, fmt.Errorf("%w: missing", sentinel))
		return nil, ErrMissing
	}
	rc, err := v.zr.Open(name)
	if err != nil {
		v.problem(name, fmt.Errorf("%w: %w", sentinel, err))
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxJSONFile+1))
	if err == nil && len(b) > maxJSONFile {
		err = fmt.Errorf("larger than %d bytes", maxJSONFile)
	}
	if err != nil {
		v.problem(name, fmt.Errorf("%w: %w", sentinel, err))
		return nil, err
	}
	return b, nil
}

func (v *verifier) checkManifest(dp *datapackage) {
	if dp.Profile != "data-package" {
		v.problem(datapackagePath, fmt.Errorf("%w: profile is %q, want \"data-package\"", ErrDatapackage, dp.Profile))
	}
	if dp.WACZVersion == "" {
		v.problem(datapackagePath, fmt.Errorf("%w: no wacz_version", ErrDatapackage))
	}
	v.rep.Software = dp.Software
	if dp.Created != "" {
		t, err := time.Parse(time.RFC3339Nano, dp.Created)
		if err != nil {
			v.problem(datapackagePath, fmt.Errorf("%w: created %q is not an RFC 3339 time", ErrDatapackage, dp.Created))
		}
		v.rep.Created = t
	}
	for _, r := range dp.Resources {
		if r.Path == "" || r.Path != strings.TrimPrefix(r.Path, "/") || strings.Contains(r.Path, "\\") || strings.Contains("/"+r.Path+"/", "/../") {
			v.problem(datapackagePath, fmt.Errorf("%w: resource path %q", ErrDatapackage, r.Path))
		}
	}
}

// checkResource stream-hashes one listed file; a WARC is also read record by record.
func (v *verifier) checkResource(res File) error {
	alg, want, _ := strings.Cut(res.Hash, ":")
	if alg != "sha256" {
		v.problem(res.Path, fmt.Errorf("%w: hash %q is not sha256:<hex>", ErrHash, truncate(res.Hash, 80)))
	}
	rc, err := v.zr.Open(res.Path)
	if err != nil {
		v.problem(res.Path, fmt.Errorf("%w: %w", ErrNotWACZ, err))
		return nil
	}
	defer rc.Close()
	h := sha256.New()
	cw := &countWriter{}
	src := io.TeeReader(rc, io.MultiWriter(h, cw))
	if strings.HasPrefix(res.Path, "archive/") {
		recs := map[int64]recordSum{}
		v.records[res.Path] = recs
		n, err := scanWARC(v.ctx, src, func(r *record) error {
			recs[r.Offset] = summarize(r)
			if r.DigestErr != nil {
				v.problem(res.Path, fmt.Errorf("%s: %w", r.name(), r.DigestErr))
			}
			return nil
		})
		v.rep.Records += n
		if err != nil {
			if cerr := v.ctx.Err(); cerr != nil {
				return cerr
			}
			v.problem(res.Path, err)
		}
	}
	if _, err := io.Copy(io.Discard, src); err != nil {
		if cerr := v.ctx.Err(); cerr != nil {
			return cerr
		}
		v.problem(res.Path, fmt.Errorf("%w: %w", ErrNotWACZ, err))
		return nil
	}
	if got := hex.EncodeToString(h.Sum(nil)); alg == "sha256" && !strings.EqualFold(got, want) {
		v.problem(res.Path, fmt.Errorf("%w: datapackage.json says %s, the file hashes to sha256:%s", ErrHash, truncate(res.Hash, 80), got))
	}
	if cw.n != res.Bytes {
		v.problem(res.Path, fmt.Errorf("%w: datapackage.json says %d bytes, the file has %d", ErrSize, res.Bytes, cw.n))
	}
	return nil
}

// checkDigest checks datapackage-digest.json against datapackage.json, and its signature.
func (v *verifier) checkDigest(ctx context.Context, dgBytes, dpBytes []byte, roots *x509.CertPool) {
	var df digestFile
	if err := json.Unmarshal(dgBytes, &df); err != nil {
		v.problem(digestPath, fmt.Errorf("%w: %v", ErrDigestFile, err))
		return
	}
	if df.Path != datapackagePath {
		v.problem(digestPath, fmt.Errorf("%w: path is %q, want %q", ErrDigestFile, df.Path, datapackagePath))
	}
	sum := sha256.Sum256(dpBytes)
	want := "sha256:" + hex.EncodeToString(sum[:])
	if dpBytes != nil && df.Hash != want {
		v.problem(digestPath, fmt.Errorf("%w: hash is %s, datapackage.json hashes to %s", ErrDigestFile, truncate(df.Hash, 80), want))
	}
	if df.SignedData == nil {
		v.rep.Notes = append(v.rep.Notes, "not signed: datapackage-digest.json holds a hash only, which anyone can recompute")
		return
	}
	v.checkSigned(df.SignedData, df.Hash, roots)
}

// checkSigned checks the signature of the digest file and sets Signed, SignatureValid, the
// signer's trust and the timestamp; a signature with any problem is not valid, and its
// timestamp is then not said to be trusted.
func (v *verifier) checkSigned(sd *signedData, digestHash string, roots *x509.CertPool) {
	v.rep.Signed = true
	before := v.problems()
	defer func() {
		v.rep.SignatureValid = v.problems() == before
		if ts := v.rep.Timestamp; ts != nil && !v.rep.SignatureValid && ts.Trust == signature.TrustTrusted {
			ts.Trust = signature.TrustUntrusted
			ts.TrustDetail = "not relied on: the signature it stamps failed"
		}
	}()
	bad := func(sentinel error, format string, args ...any) {
		v.problem(digestPath, fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)))
	}
	if sd.Hash != digestHash {
		bad(ErrSignature, "signedData.hash %s is not the digest file's hash %s", truncate(sd.Hash, 80), truncate(digestHash, 80))
	}
	sig, err := base64.StdEncoding.DecodeString(sd.Signature)
	if err != nil || len(sig) == 0 {
		bad(ErrSignature, "signature is not base64")
		return
	}
	var certs []*x509.Certificate
	chain := sd.SignerCert
	if chain == "" {
		chain = sd.DomainCert
	}
	if chain != "" {
		if certs, err = parsePEMChain(chain); err != nil {
			bad(ErrSignature, "signer certificate: %v", err)
			return
		}
		v.rep.Signer = certs[0]
	}
	var pub crypto.PublicKey
	if v.rep.Signer != nil {
		pub = v.rep.Signer.PublicKey
	}
	if sd.PublicKey != "" {
		der, err := base64.StdEncoding.DecodeString(sd.PublicKey)
		var k crypto.PublicKey
		if err == nil {
			k, err = x509.ParsePKIXPublicKey(der)
		}
		switch {
		case err != nil:
			bad(ErrSignature, "publicKey: %v", err)
			return
		case pub == nil:
			pub = k
		case !publicKeysEqual(pub, k):
			bad(ErrSignature, "publicKey is not the signer certificate's key")
			return
		}
	}
	if pub == nil {
		bad(ErrSignature, "no signer certificate or public key")
		return
	}
	if err := signature.VerifyHash([]byte(sd.Hash), sig, pub); err != nil {
		bad(ErrSignature, "%v", err)
		return
	}
	created, err := time.Parse(time.RFC3339Nano, sd.Created)
	if err != nil {
		bad(ErrSignature, "signedData.created %q is not an RFC 3339 time", truncate(sd.Created, 40))
	}
	at := created

	if sd.TimeSignature == "" {
		v.rep.Notes = append(v.rep.Notes, "no timestamp: the signing time is the signer's own claim")
	} else if token, err := base64.StdEncoding.DecodeString(sd.TimeSignature); err != nil {
		bad(ErrTimestamp, "timeSignature is not base64")
	} else {
		ts, err := signature.VerifyTimestamp(token, sig, roots)
		v.rep.Timestamp = ts
		switch {
		case err != nil:
			bad(ErrTimestamp, "%v", err)
		default:
			if d := ts.Time.Sub(created); !created.IsZero() && (d > 10*time.Minute || d < -10*time.Minute) {
				bad(ErrCreatedTime, "created %s, stamped %s", created.UTC().Format(time.RFC3339), ts.Time.UTC().Format(time.RFC3339))
			}
			if sd.TimestampCert != "" {
				tc, err := parsePEMChain(sd.TimestampCert)
				if err != nil || ts.Certificate == nil || !tc[0].Equal(ts.Certificate) {
					bad(ErrTimestamp, "timestampCert does not hold the token's signer first")
				}
			}
			switch {
			case ts.Trust == signature.TrustTrusted:
				at = ts.Time
			case signature.HasRoots(roots):
				bad(ErrTimestamp, "the timestamp authority %q is %s here (%s): its time cannot be relied on", ts.Authority, ts.Trust, ts.TrustDetail)
			default:
				v.rep.Notes = append(v.rep.Notes, fmt.Sprintf("the timestamp authority %q is %s here (%s): its time is not relied on", ts.Authority, ts.Trust, ts.TrustDetail))
			}
		}
	}
	if at.IsZero() {
		at = time.Now()
	}
	if v.rep.Signer == nil {
		v.rep.SignerTrust = signature.TrustUntrusted
		v.rep.SignerTrustDetail = "a bare public key: who holds it is not said"
		v.rep.Notes = append(v.rep.Notes, "signed with a bare public key (anonymous form): the signature proves the WACZ is unchanged since that key signed it, not who holds the key")
		return
	}
	s := v.rep.Signer
	v.rep.SignerTrust, v.rep.SignerTrustDetail = signature.JudgeSigner(s, certs, roots, at)
	switch v.rep.SignerTrust {
	case signature.TrustSelfSigned:
		v.rep.Notes = append(v.rep.Notes, "the signer's certificate is self-made: the signature proves the WACZ is unchanged since that key signed it, not who holds the key")
	case signature.TrustUntrusted:
		bad(ErrUntrusted, "%s", v.rep.SignerTrustDetail)
	}
	if at.Before(s.NotBefore) || at.After(s.NotAfter) {
		bad(ErrCertTime, "signed at %s, the certificate is valid %s to %s", at.UTC().Format(time.RFC3339),
			s.NotBefore.UTC().Format(time.RFC3339), s.NotAfter.UTC().Format(time.RFC3339))
	}
}

// publicKeysEqual tells whether a and b are the same public key.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	ae, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ae.Equal(b)
}

func parsePEMChain(s string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(s)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate")
	}
	return out, nil
}

// lines calls fn for every line of the entry name (gunzipped when it ends in .gz).
func (v *verifier) lines(name string, fn func(n int, line string)) error {
	rc, err := v.zr.Open(name)
	if err != nil {
		v.problem(name, fmt.Errorf("%w: %w", ErrNotWACZ, err))
		return nil
	}
	defer rc.Close()
	var r io.Reader = rc
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(rc)
		if err != nil {
			v.problem(name, fmt.Errorf("%w: %v", ErrIndex, err))
			return nil
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxIndexLine)
	n := 0
	for sc.Scan() {
		n++
		if n%1024 == 0 {
			if err := v.ctx.Err(); err != nil {
				return err
			}
		}
		fn(n, sc.Text())
	}
	if err := sc.Err(); err != nil {
		v.problem(name, fmt.Errorf("%w: line %d: %v", ErrNotWACZ, n+1, err))
	}
	return nil
}

// checkIndex checks every CDXJ line against the record it points at.
func (v *verifier) checkIndex(name string) error {
	prev := ""
	return v.lines(name, func(n int, line string) {
		if strings.TrimSpace(line) == "" {
			return
		}
		v.rep.IndexLines++
		bad := func(format string, args ...any) {
			v.problem(name, fmt.Errorf("%w: line %d: %s", ErrIndex, n, fmt.Sprintf(format, args...)))
		}
		key, rest, ok1 := strings.Cut(line, " ")
		ts, js, ok2 := strings.Cut(rest, " ")
		var f map[string]any
		if !ok1 || !ok2 || json.Unmarshal([]byte(js), &f) != nil {
			bad("not a CDXJ line")
			return
		}
		if key+" "+ts < prev {
			bad("out of order (the index must be sorted for lookups)")
		}
		prev = key + " " + ts
		str := func(k string) string {
			switch x := f[k].(type) {
			case string:
				return x
			case float64:
				return strconv.FormatFloat(x, 'f', -1, 64)
			}
			return ""
		}
		url, file := str("url"), "archive/"+str("filename")
		recs, ok := v.records[file]
		if !ok {
			bad("filename %q is not a WARC listed in the WACZ", str("filename"))
			return
		}
		off, err1 := strconv.ParseInt(str("offset"), 10, 64)
		length, err2 := strconv.ParseInt(str("length"), 10, 64)
		if err1 != nil || err2 != nil {
			bad("bad offset or length")
			return
		}
		r, ok := recs[off]
		if !ok {
			bad("no record starts at offset %d of %s", off, file)
			return
		}
		bads := 0
		check := func(ok bool, format string, args ...any) {
			if !ok {
				bads++
				bad(format, args...)
			}
		}
		check(r.length == length, "length %d, the record's gzip member is %d bytes", length, r.length)
		urlHash := sha256.Sum256([]byte(url))
		check(urlHash == r.urlHash, "url %q is not the WARC-Target-URI of record %d at offset %d", truncate(url, 200), r.index, off)
		if d := str("digest"); d != "" {
			check(d == r.digest || "sha256:"+d == r.digest, "digest %s, the record's is %s", truncate(d, 80), r.digest)
		}
		check(ts == r.ts, "timestamp %s, the record's WARC-Date is %s", truncate(ts, 40), r.ts)
		if str("method") == "" {
			check(key == SURT(url), "key %q, the URL's SURT is %q", truncate(key, 200), truncate(SURT(url), 200))
		}
		if bads == 0 && r.indexable {
			v.indexed[urlHash] = true
		}
	})
}

// checkPages checks a pages file: its header, and that every page is an indexed URL.
func (v *verifier) checkPages(name string) error {
	return v.lines(name, func(n int, line string) {
		if strings.TrimSpace(line) == "" {
			return
		}
		bad := func(format string, args ...any) {
			v.problem(name, fmt.Errorf("%w: line %d: %s", ErrPage, n, fmt.Sprintf(format, args...)))
		}
		var p struct {
			Format *string `json:"format"`
			URL    string  `json:"url"`
			TS     string  `json:"ts"`
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			bad("not JSON")
			return
		}
		if n == 1 {
			if p.Format == nil || *p.Format != "json-pages-1.0" {
				bad(`the first line is not a {"format": "json-pages-1.0"} header`)
			}
			return
		}
		v.rep.Pages++
		if _, err := time.Parse(time.RFC3339Nano, p.TS); err != nil {
			bad("ts %q is not an RFC 3339 time", truncate(p.TS, 40))
		}
		if !v.indexed[sha256.Sum256([]byte(p.URL))] {
			bad("url %q is not an indexed record", truncate(p.URL, 200))
		}
	})
}
