package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/internal/ctxio"
	"evidentia/safezip"
	"evidentia/signature"
)

// Problems that Verify reports; each Problem wraps one of them (or, for a Checker, the
// checker's own error).
var (
	ErrManifest    = errors.New("bundle: manifest.json missing or invalid")
	ErrFileChanged = errors.New("bundle: file changed (SHA-256 or size differs from manifest.json)")
	ErrFileMissing = errors.New("bundle: file listed in manifest.json is missing")
	ErrFileAdded   = errors.New("bundle: file not listed in manifest.json")
	ErrNotSigned   = errors.New("bundle: manifest.json is not signed")
	ErrSignature   = errors.New("bundle: the signature of manifest.json does not verify")
	ErrUntrusted   = errors.New("bundle: the signer of manifest.json is not trusted")
	ErrTimestamp   = errors.New("bundle: the timestamp of manifest.json does not verify")
	// ErrCertificateTime is a signer whose certificate was not valid when the bundle was
	// signed: at the trusted timestamp's time, or at its own claim when there is none.
	ErrCertificateTime = errors.New("bundle: the signer's certificate was not valid when manifest.json was signed")
	ErrChecker         = errors.New("bundle: a check failed to run")
)

// Size bounds of the small files Verify reads into memory.
const (
	maxManifest = 64 << 20
	maxSigFile  = 1 << 20
)

// Entry is a file of the bundle handed to a Checker. Its content has been checked against the
// manifest. Open streams it; ReaderAt gives random access (a stored entry in place, otherwise a
// temporary copy in a folder that Verify creates and removes); the caller of ReaderAt calls the
// returned cleanup.
type Entry struct {
	Path     string
	Size     int64
	Stored   bool  // the ZIP holds it uncompressed (ReaderAt then reads it in place, copying nothing)
	Packed   int64 // its compressed size in the ZIP (Size when stored)
	Open     func() (io.ReadCloser, error)
	ReaderAt func(ctx context.Context) (io.ReaderAt, int64, func(), error)
}

// Checker checks one file of the bundle further (a PDF's signature, a WACZ) and returns what
// is wrong with it; nil or empty means nothing. Verify calls checkers one at a time, from its
// own goroutine.
type Checker func(ctx context.Context, e Entry) []error

// VerifyOptions says what Verify trusts and what else it checks.
type VerifyOptions struct {
	// Roots are the only roots the signer and the timestamp authority are trusted through;
	// nil means none (the computer's web roots are never signer roots): a self-made signer is
	// then recognised and said, any other is untrusted, and so is every timestamp authority.
	Roots *x509.CertPool
	// RootsSource says where Roots came from (e.g. "--ca ca.pem"), for Report.Roots.
	RootsSource string
	// Checkers maps path.Match patterns (for example "report/*.pdf") to checks run on every
	// listed file that matches and whose content is unchanged, in the manifest's order and,
	// for one file, in the order of the sorted patterns.
	Checkers map[string]Checker
	// Limits bound the ZIP; the zero value means safezip.DefaultLimits().
	Limits safezip.Limits
	// TempDir is where Verify makes its temporary folder (for Entry.ReaderAt); "" means the
	// system's temporary folder.
	TempDir string
}

// Problem is one thing wrong with a bundle, naming the file it concerns.
type Problem struct {
	Path string
	Err  error
}

func (p Problem) Error() string { return p.Path + ": " + p.Err.Error() }

// Unwrap returns Err.
func (p Problem) Unwrap() error { return p.Err }

// Report is what Verify found.
type Report struct {
	Manifest    *Manifest // nil when manifest.json is missing or unreadable
	Files       int       // files listed in the manifest whose content matches it
	Signed      bool      // manifest.json.p7s verifies over manifest.json
	Signer      *x509.Certificate
	SignerTrust signature.Trust
	TrustDetail string
	// SignerJudgedAt is when the signer's certificate was judged valid: the trusted
	// timestamp's time, else the signer's own claimed signing time.
	SignerJudgedAt time.Time
	// Roots says which roots the signer and the authority were judged against (see
	// signature.DescribeRoots).
	Roots     string
	Timestamp *signature.Timestamp // nil when the bundle has no timestamp or it is unreadable
	Problems  []Problem
}

// OK reports whether the bundle verifies: its manifest is valid and signed, every file matches
// it, and nothing (signature trust, timestamp, checkers) reported a problem. A self-signed
// signer is not a problem (see SignerTrust).
func (r *Report) OK() bool {
	return r.Manifest != nil && r.Signed && len(r.Problems) == 0
}

func (r *Report) problem(p string, sentinel error, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Path: p, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)})
}

// Verify checks the bundle in ra (size bytes): a safe ZIP; manifest.json present and valid
// (format FormatV1, no unknown field, valid paths and digests); every listed file present with
// its exact SHA-256 and size (streamed, never loaded whole); no unlisted file (folder entries
// are ignored); manifest.json.p7s a valid detached signature of manifest.json whose signer
// was issued for signing documents and chains to opt.Roots (only those: nil means none) or is
// self-signed, its certificate valid at the trusted timestamp's time (else at its claimed
// signing time); manifest.json.tsr, when present or when the manifest names an authority, a
// valid timestamp of manifest.json, by an authority trusted through opt.Roots when roots are
// given (without roots an intact token by an authority nobody vouched for is not a problem,
// but its time is not relied on: Timestamp.Trust says so); then
// opt.Checkers. It returns an error only when it cannot start: an unsafe or unreadable ZIP
// (wrapping the safezip errors), an invalid checker pattern, or ctx done. Everything else is a
// Problem in the Report.
//
// The steps, in this order: checkerPatterns and openBundleZip (the errors above), then a
// verifier's readManifest (nothing else is checked without a valid manifest), checkFiles,
// checkUnlisted, checkTimestamp (whose trusted time the signer is judged at), checkSignature,
// and runCheckers; the verdict is Report.OK.
func Verify(ctx context.Context, ra io.ReaderAt, size int64, opt VerifyOptions) (*Report, error) {
	patterns, err := checkerPatterns(opt.Checkers)
	if err != nil {
		return nil, err
	}
	zr, err := openBundleZip(ra, size, opt.Limits)
	if err != nil {
		return nil, err
	}
	v := &verifier{zr: zr, opt: opt, rep: &Report{}}
	if !v.readManifest() {
		return v.rep, nil
	}
	good, err := v.checkFiles(ctx)
	if err != nil {
		return nil, err
	}
	v.checkUnlisted()
	trustedAt := v.checkTimestamp()
	v.checkSignature(trustedAt)
	if len(patterns) > 0 {
		if err := runCheckers(ctx, zr, good, patterns, opt, v.rep); err != nil {
			return nil, err
		}
	}
	return v.rep, nil
}

// checkerPatterns returns the patterns of checkers, sorted (the order Verify runs them in for
// one file), or an error naming the first invalid path.Match pattern met.
func checkerPatterns(checkers map[string]Checker) ([]string, error) {
	patterns := make([]string, 0, len(checkers))
	for p := range checkers {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("bundle: checker pattern %q: %w", p, err)
		}
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	return patterns, nil
}

// openBundleZip opens the ZIP in ra (size bytes) under lim, the zero value meaning
// safezip.DefaultLimits(). An unsafe or unreadable ZIP is an error wrapping safezip's.
func openBundleZip(ra io.ReaderAt, size int64, lim safezip.Limits) (*safezip.Reader, error) {
	if lim == (safezip.Limits{}) {
		lim = safezip.DefaultLimits()
	}
	zr, err := safezip.Open(ra, size, lim)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return zr, nil
}

// verifier holds one run of Verify: the opened ZIP, the options, the Report being filled in
// and, once readManifest succeeded, manifest.json's bytes and decoded form. Its check methods
// run in the order Verify calls them and only add to rep; each says what it relies on.
type verifier struct {
	zr  *safezip.Reader
	opt VerifyOptions
	rep *Report
	mb  []byte    // manifest.json as read
	m   *Manifest // manifest.json decoded; set with rep.Manifest
}

// readManifest reads and strictly decodes manifest.json (see parseManifest), setting v.mb,
// v.m and rep.Manifest. It reports false, with a problem on ManifestName added, when the
// manifest is missing, too big, unreadable or invalid: no other check can then run.
func (v *verifier) readManifest() bool {
	mb, ok := readSmall(v.zr, v.rep, ManifestName, maxManifest, ErrManifest)
	if !ok {
		if _, present := v.zr.Entry(ManifestName); !present {
			v.rep.problem(ManifestName, ErrManifest, "the bundle has no %s", ManifestName)
		}
		return false
	}
	m, err := parseManifest(mb)
	if err != nil {
		v.rep.Problems = append(v.rep.Problems, Problem{ManifestName, err})
		return false
	}
	v.mb, v.m, v.rep.Manifest = mb, m, m
	return true
}

// checkFiles streams every file the manifest lists through SHA-256, in the manifest's order,
// adding ErrFileMissing or ErrFileChanged problems and counting rep.Files. It returns the
// files whose content matches (the ones checkers may see), or ctx's error when ctx is done.
func (v *verifier) checkFiles(ctx context.Context) ([]File, error) {
	var good []File
	for _, f := range v.m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, ok := v.zr.Entry(f.Path); !ok {
			v.rep.problem(f.Path, ErrFileMissing, "%s", f.Path)
			continue
		}
		d, n, err := hashEntry(ctx, v.zr, f.Path)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			v.rep.problem(f.Path, ErrFileChanged, "%w", err)
		case n != f.Size || d != f.SHA256:
			v.rep.problem(f.Path, ErrFileChanged, "SHA-256 %s, %d bytes; manifest.json says %s, %d bytes", d, n, f.SHA256, f.Size)
		default:
			v.rep.Files++
			good = append(good, f)
		}
	}
	return good, nil
}

// checkUnlisted adds an ErrFileAdded problem for every entry of the ZIP, in the ZIP's order,
// that the manifest does not list, other than manifest.json, its signature and its timestamp;
// folder entries are ignored.
func (v *verifier) checkUnlisted() {
	listed := make(map[string]bool, len(v.m.Files))
	for _, f := range v.m.Files {
		listed[f.Path] = true
	}
	for _, name := range v.zr.Names() {
		if listed[name] || name == ManifestName || name == SignatureName || name == TimestampName {
			continue
		}
		if e, _ := v.zr.Entry(name); e.Mode().IsDir() {
			continue
		}
		v.rep.problem(name, ErrFileAdded, "%s", name)
	}
}

// checkTimestamp sets rep.Roots and checks manifest.json.tsr against manifest.json. The
// timestamp comes before the signature: when its authority is trusted, its time is what the
// signer's certificate is judged at (the signer's own claim of when it signed proves nothing),
// and checkTimestamp returns that time; otherwise it returns the zero time. It sets
// rep.Timestamp for an intact token and adds an ErrTimestamp problem when the token is
// unreadable or does not verify, when roots were given and its authority is not trusted
// through them, or when the manifest names an authority but the bundle has no timestamp.
// Without roots an intact token by an authority nobody vouched for is no problem, but its time
// is not relied on (Timestamp.Trust says so, as for a PDF's timestamp).
func (v *verifier) checkTimestamp() (trustedAt time.Time) {
	roots := v.opt.Roots
	v.rep.Roots = signature.DescribeRoots(roots, v.opt.RootsSource)
	tsr, ok := readSmall(v.zr, v.rep, TimestampName, maxSigFile, ErrTimestamp)
	if !ok {
		if _, present := v.zr.Entry(TimestampName); !present && v.m.TimestampAuthority != "" {
			v.rep.problem(TimestampName, ErrTimestamp, "manifest.json names the authority %q but the bundle has no timestamp", v.m.TimestampAuthority)
		}
		return time.Time{}
	}
	token, err := signature.TokenFromResponse(tsr)
	if err == nil {
		var ts *signature.Timestamp
		ts, err = signature.VerifyTimestamp(token, v.mb, roots)
		if err == nil {
			v.rep.Timestamp = ts
			switch {
			case ts.Trust == signature.TrustTrusted:
				trustedAt = ts.Time
			case signature.HasRoots(roots):
				// The reader named whom they trust, and this authority is not among them.
				v.rep.problem(TimestampName, ErrTimestamp, "the authority %q is %s here (%s)", ts.Authority, ts.Trust, ts.TrustDetail)
			}
		}
	}
	if err != nil {
		v.rep.problem(TimestampName, ErrTimestamp, "%w", err)
	}
	return trustedAt
}

// checkSignature checks manifest.json.p7s as a detached signature of manifest.json, judging
// the signer against opt.Roots at trustedAt (the zero time: at the signer's claimed signing
// time). A signature that verifies sets rep.Signed and the signer fields; it adds ErrUntrusted
// when the signer is untrusted and ErrCertificateTime when the certificate was not valid at the
// time it was judged at. A signature that does not verify is ErrSignature, and a missing one
// ErrNotSigned.
func (v *verifier) checkSignature(trustedAt time.Time) {
	sig, ok := readSmall(v.zr, v.rep, SignatureName, maxSigFile, ErrSignature)
	if !ok {
		if _, present := v.zr.Entry(SignatureName); !present {
			v.rep.problem(SignatureName, ErrNotSigned, "the bundle has no %s", SignatureName)
		}
		return
	}
	d, err := signature.VerifyDetached(sig, v.mb, signature.VerifyOptions{Roots: v.opt.Roots, RootsSource: v.opt.RootsSource, At: trustedAt})
	if err != nil {
		v.rep.problem(SignatureName, ErrSignature, "%w", err)
		return
	}
	rep := v.rep
	rep.Signed = true
	rep.Signer, rep.SignerTrust, rep.TrustDetail, rep.SignerJudgedAt = d.Signer, d.Trust, d.TrustDetail, d.JudgedAt
	if d.Trust == signature.TrustUntrusted {
		rep.problem(SignatureName, ErrUntrusted, "%s: %s", d.Signer.Subject, d.TrustDetail)
	}
	if at := d.JudgedAt; at.Before(d.Signer.NotBefore) || at.After(d.Signer.NotAfter) {
		rep.problem(SignatureName, ErrCertificateTime, "%s signed at %s (%s), its certificate is valid %s to %s", d.Signer.Subject,
			at.UTC().Format(time.RFC3339), judgedBy(trustedAt), d.Signer.NotBefore.UTC().Format(time.RFC3339), d.Signer.NotAfter.UTC().Format(time.RFC3339))
	}
}

// judgedBy says which time a signer was judged at.
func judgedBy(trustedAt time.Time) string {
	if trustedAt.IsZero() {
		return "as the signer claims"
	}
	return "the trusted timestamp's time"
}

// readSmall reads a small entry whole. It returns false when the entry is absent (no problem
// added) or unreadable (a problem wrapping sentinel added).
func readSmall(zr *safezip.Reader, rep *Report, name string, limit int64, sentinel error) ([]byte, bool) {
	e, ok := zr.Entry(name)
	if !ok {
		return nil, false
	}
	if e.UncompressedSize64 > uint64(limit) {
		rep.problem(name, sentinel, "%d bytes, more than %d", e.UncompressedSize64, limit)
		return nil, false
	}
	rc, err := zr.Open(name)
	if err != nil {
		rep.problem(name, sentinel, "%w", err)
		return nil, false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		rep.problem(name, sentinel, "%w", err)
		return nil, false
	}
	return b, true
}

// parseManifest decodes manifest.json strictly.
func parseManifest(b []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrManifest, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the manifest", ErrManifest)
	}
	if m.Format != FormatV1 {
		return nil, fmt.Errorf("%w: unknown format %q (this version reads %q)", ErrManifest, m.Format, FormatV1)
	}
	seen := make(map[string]string, len(m.Files))
	for _, f := range m.Files {
		if reason := CheckPath(f.Path); reason != "" {
			return nil, fmt.Errorf("%w: file %q: %s", ErrManifest, f.Path, reason)
		}
		if isReserved(f.Path) {
			return nil, fmt.Errorf("%w: file %q is a reserved name", ErrManifest, f.Path)
		}
		k := safezip.Key(f.Path)
		if other, dup := seen[k]; dup {
			return nil, fmt.Errorf("%w: file %q listed twice (as %q)", ErrManifest, f.Path, other)
		}
		seen[k] = f.Path
		if _, err := evidence.ParseDigest(string(f.SHA256)); err != nil {
			return nil, fmt.Errorf("%w: file %q: %w", ErrManifest, f.Path, err)
		}
		if f.Size < 0 {
			return nil, fmt.Errorf("%w: file %q: negative size", ErrManifest, f.Path)
		}
	}
	return &m, nil
}

// hashEntry streams an entry through SHA-256.
func hashEntry(ctx context.Context, zr *safezip.Reader, name string) (evidence.Digest, int64, error) {
	rc, err := zr.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxio.Reader(ctx, rc))
	if err != nil {
		return "", n, err
	}
	return digest(h), n, nil
}

// runCheckers runs the matching checkers on the unchanged files, with a temporary folder for
// Entry.ReaderAt that is removed afterwards.
func runCheckers(ctx context.Context, zr *safezip.Reader, files []File, patterns []string, opt VerifyOptions, rep *Report) error {
	var tmp string
	defer func() {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}()
	tempDir := func() (string, error) {
		if tmp == "" {
			d, err := os.MkdirTemp(opt.TempDir, "evidentia-verify-*")
			if err != nil {
				return "", err
			}
			tmp = d
		}
		return tmp, nil
	}
	for _, f := range files {
		zf, _ := zr.Entry(f.Path)
		e := Entry{
			Path:   f.Path,
			Size:   f.Size,
			Stored: zf != nil && zf.Method == zip.Store,
			Packed: packedSize(zf),
			Open:   func() (io.ReadCloser, error) { return zr.Open(f.Path) },
			ReaderAt: func(ctx context.Context) (io.ReaderAt, int64, func(), error) {
				d, err := tempDir()
				if err != nil {
					return nil, 0, nil, err
				}
				return zr.ReaderAt(ctx, f.Path, d)
			},
		}
		for _, p := range patterns {
			// Case-insensitively: "report/X.PDF" is a PDF all the same.
			if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(f.Path)); !ok {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, err := range runChecker(ctx, opt.Checkers[p], e) {
				if err != nil {
					rep.Problems = append(rep.Problems, Problem{Path: f.Path, Err: err})
				}
			}
		}
	}
	return nil
}

func packedSize(zf *zip.File) int64 {
	if zf == nil {
		return 0
	}
	return int64(zf.CompressedSize64)
}

// runChecker calls c, turning a panic into a problem so that it never reaches the user.
func runChecker(ctx context.Context, c Checker, e Entry) (errs []error) {
	defer func() {
		if v := recover(); v != nil {
			errs = append(errs, fmt.Errorf("%w: %v", ErrChecker, v))
		}
	}()
	return c(ctx, e)
}
