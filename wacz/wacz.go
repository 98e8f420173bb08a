// Package wacz writes WACZ 1.1.1 web archives (Web Archive Collection Zipped,
// https://specs.webrecorder.net/wacz/1.1.1/) from the gzip-per-record WARC files recorded at
// capture time, signed after WACZ Signing and Verification 0.1.0, and verifies them offline.
//
// A WACZ written here holds, in this order: archive/<name> for every WARC (stored, byte for
// byte the file given, so its sealed SHA-256 still holds), indexes/index.cdxj, pages/pages.jsonl,
// datapackage.json and datapackage-digest.json.
//
// The signature is the specification's "domain identity + signed timestamp" form adapted to a
// document-signing certificate, which names a person or an office, not a domain: "signature"
// is the signer's signature over the ASCII "sha256:<hex>" hash string (ECDSA ASN.1 DER or RSA
// PKCS #1 v1.5, SHA-256); the certificate chain is in "signerCert" (PEM) instead of
// "domainCert", and no "domain" is claimed; "publicKey" (base64 SubjectPublicKeyInfo DER) names
// the key; "timeSignature" is an RFC 3161 TimeStampToken over the signature bytes and
// "timestampCert" the authority's certificates from that token (PEM).
//
// The signature encoding is DER, as webrecorder's authsign writes and checks it. ReplayWeb.page
// (2.5.3) checks signatures with WebCrypto, which takes only raw r||s ECDSA and, for the
// anonymous form, only P-384 keys: it replays these archives fully but does not show their
// signature as verified. The signature that carries weight is the bundle's (CMS over
// manifest.json, which lists this WACZ's hash) and the report's; Verify here checks this one.
package wacz

import (
	"archive/zip"
	"bytes"
	"context"
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
	"strings"
	"time"

	"github.com/digitorus/pkcs7"

	"evidentia/signature"
)

// Errors returned by Write and Verify, or wrapped in a Problem's Err.
var (
	ErrBadName     = errors.New("wacz: bad WARC name")
	ErrBadWARC     = errors.New("wacz: bad WARC")
	ErrDigest      = errors.New("wacz: WARC digest mismatch")
	ErrNoPages     = errors.New("wacz: no page found in the WARCs")
	ErrNotWACZ     = errors.New("wacz: not a readable WACZ")
	ErrMissing     = errors.New("wacz: listed file missing")
	ErrUnlisted    = errors.New("wacz: file not listed in datapackage.json")
	ErrHash        = errors.New("wacz: file hash mismatch")
	ErrSize        = errors.New("wacz: file size mismatch")
	ErrDatapackage = errors.New("wacz: bad datapackage.json")
	ErrDigestFile  = errors.New("wacz: bad datapackage-digest.json")
	ErrSignature   = errors.New("wacz: the signature does not verify")
	ErrUntrusted   = errors.New("wacz: the signer's certificate is not trusted")
	ErrCertTime    = errors.New("wacz: the certificate was not valid when the WACZ was signed")
	ErrTimestamp   = errors.New("wacz: timestamp invalid")
	ErrCreatedTime = errors.New("wacz: created is more than 10 minutes from the timestamp")
	ErrIndex       = errors.New("wacz: bad index line")
	ErrPage        = errors.New("wacz: bad page entry")
	ErrDuplicate   = errors.New("wacz: duplicate file name in the ZIP")
)

// Version is the WACZ version written; SignedDataVersion the signing specification's.
const (
	Version           = "1.1.1"
	SignedDataVersion = "0.1.0"
	indexPath         = "indexes/index.cdxj"
	pagesPath         = "pages/pages.jsonl"
	datapackagePath   = "datapackage.json"
	digestPath        = "datapackage-digest.json"
	pagesHeader       = `{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}`
)

// WARC is one WARC file to package.
type WARC struct {
	// Name is the file name under archive/, e.g. "0190c3f2-….warc.gz": a plain name ending in
	// .warc.gz, unique in the WACZ.
	Name string
	// Open opens the WARC. It is called once; the bytes are copied into the WACZ unchanged
	// while they are indexed. The reader is closed by Write.
	Open func(ctx context.Context) (io.ReadCloser, error)
	// Pages are the captured pages recorded in this WARC.
	Pages []Page
}

// Page is a captured page. URL should be the exact WARC-Target-URI of a response record of
// its WARC; when it is not, Write uses the first 2xx text/html response instead and says so in
// Result.Notes. ID, when empty, is derived from the URL and time. TS, when zero, is the
// WARC-Date of the page's response record.
type Page struct {
	ID, URL, Title string
	TS             time.Time
}

// Options describe the WACZ and how it is signed.
type Options struct {
	Title, Description string
	Created            time.Time // zero: now
	Software           string
	// Signer signs datapackage-digest.json; nil writes the digest file with path and hash only.
	Signer *signature.Signer
	// TSA is an RFC 3161 authority's URL that stamps the signature; "" means no timeSignature.
	// When it is set and the authority fails, Write fails.
	TSA        string
	TSATimeout time.Duration // zero: signature.DefaultTSATimeout
}

// File is one resource of datapackage.json.
type File struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// Result is what Write wrote.
type Result struct {
	Files             []File // as listed in datapackage.json
	DatapackageSHA256 string // hex
	Records, Pages    int
	Signed            bool
	Timestamp         *signature.Timestamp // nil without a TSA
	// Notes say what Write decided on its own, e.g. a page URL replaced by the indexed one.
	Notes []string
}

// cdxEntry is one line of the CDXJ index. Field order and string-typed numbers follow
// warcio.js's CDXJ output.
type cdxEntry struct {
	urlkey, timestamp string
	URL               string `json:"url"`
	Mime              string `json:"mime,omitempty"`
	Status            string `json:"status,omitempty"`
	Digest            string `json:"digest,omitempty"`
	Length            string `json:"length"`
	Offset            string `json:"offset"`
	Filename          string `json:"filename"`
	Method            string `json:"method,omitempty"`
	RequestBody       string `json:"requestBody,omitempty"`
}

func (e *cdxEntry) line() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(e) // strings only: cannot fail
	return e.urlkey + " " + e.timestamp + " " + strings.TrimSuffix(b.String(), "\n")
}

// pageEntry is one line of pages.jsonl.
type pageEntry struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	TS    string `json:"ts"`
	Title string `json:"title,omitempty"`
}

type datapackage struct {
	Profile      string `json:"profile"`
	WACZVersion  string `json:"wacz_version"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	Created      string `json:"created"`
	Software     string `json:"software,omitempty"`
	MainPageURL  string `json:"mainPageURL,omitempty"`
	MainPageDate string `json:"mainPageDate,omitempty"`
	Resources    []File `json:"resources"`
}

type digestFile struct {
	Path       string      `json:"path"`
	Hash       string      `json:"hash"`
	SignedData *signedData `json:"signedData,omitempty"`
}

type signedData struct {
	Hash          string `json:"hash"`
	Created       string `json:"created"`
	Software      string `json:"software,omitempty"`
	Version       string `json:"version"`
	Signature     string `json:"signature"`
	PublicKey     string `json:"publicKey,omitempty"`
	SignerCert    string `json:"signerCert,omitempty"`
	Domain        string `json:"domain,omitempty"`     // read only: never written
	DomainCert    string `json:"domainCert,omitempty"` // read only: never written
	TimeSignature string `json:"timeSignature,omitempty"`
	TimestampCert string `json:"timestampCert,omitempty"`
}

// timeFormat is how times are written: RFC 3339, UTC, whole seconds.
const timeFormat = "2006-01-02T15:04:05Z"

// Write writes a WACZ of warcs to w and returns what it wrote. It streams: each WARC is read
// once, copied into the ZIP uncompressed (the WARCs are already gzip per record, and replay
// tools read them by byte range) and indexed in the same pass; only the index lines are kept
// in memory. A WARC that does not parse as gzip-per-record WARC, or whose block or payload
// digests do not match, is refused (ErrBadWARC, ErrDigest), as is a bad name (ErrBadName).
// When opt.Signer is set the digest file is signed, and with opt.TSA stamped; an authority's
// failure fails Write (signature.ErrTSA). On error, w holds an incomplete ZIP that the caller
// must discard.
func Write(ctx context.Context, w io.Writer, warcs []WARC, opt Options) (*Result, error) {
	if len(warcs) == 0 {
		return nil, fmt.Errorf("%w: no WARC given", ErrBadName)
	}
	seen := map[string]bool{}
	for _, wc := range warcs {
		if err := checkName(wc.Name); err != nil {
			return nil, err
		}
		if seen[wc.Name] {
			return nil, fmt.Errorf("%w: %q given twice", ErrBadName, wc.Name)
		}
		seen[wc.Name] = true
		if wc.Open == nil {
			return nil, fmt.Errorf("%w: %q has no Open function", ErrBadName, wc.Name)
		}
	}
	created := opt.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC().Truncate(time.Second)

	res := &Result{}
	zw := zip.NewWriter(w)
	var cdx []*cdxEntry
	var pages []pageEntry
	for _, wc := range warcs {
		f, entries, pg, n, err := writeWARC(ctx, zw, wc, created, res)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, f)
		cdx = append(cdx, entries...)
		pages = append(pages, pg...)
		res.Records += n
	}
	res.Pages = len(pages)

	sort.Slice(cdx, func(i, j int) bool {
		a, b := cdx[i], cdx[j]
		if a.urlkey != b.urlkey {
			return a.urlkey < b.urlkey
		}
		if a.timestamp != b.timestamp {
			return a.timestamp < b.timestamp
		}
		return a.line() < b.line()
	})
	var idx bytes.Buffer
	for _, e := range cdx {
		idx.WriteString(e.line() + "\n")
	}
	f, err := writeSmall(zw, indexPath, idx.Bytes(), created)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, f)

	f, err = writeSmall(zw, pagesPath, pagesJSONL(pages), created)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, f)

	dp := datapackage{
		Profile: "data-package", WACZVersion: Version,
		Title: opt.Title, Description: opt.Description,
		Created: created.Format(timeFormat), Software: opt.Software,
		Resources: res.Files,
	}
	if len(pages) == 1 {
		dp.MainPageURL, dp.MainPageDate = pages[0].URL, pages[0].TS
	}
	dpBytes := marshal(dp)
	if _, err := writeSmall(zw, datapackagePath, dpBytes, created); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(dpBytes)
	res.DatapackageSHA256 = hex.EncodeToString(sum[:])
	df := digestFile{Path: datapackagePath, Hash: "sha256:" + res.DatapackageSHA256}
	if opt.Signer != nil {
		sd, ts, err := sign(ctx, df.Hash, dp.Created, opt)
		if err != nil {
			return nil, err
		}
		df.SignedData, res.Signed, res.Timestamp = sd, true, ts
	}
	if _, err := writeSmall(zw, digestPath, marshal(df), created); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("wacz: finish zip: %w", err)
	}
	return res, nil
}

// checkName accepts a plain file name ending in .warc.gz.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") ||
		!strings.HasSuffix(name, ".warc.gz") || len(name) > 255 {
		return fmt.Errorf("%w: %q (want a plain file name ending in .warc.gz)", ErrBadName, name)
	}
	return nil
}

// countWriter counts what passes through it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// writeWARC copies one WARC into the ZIP while indexing it, and resolves its pages.
func writeWARC(ctx context.Context, zw *zip.Writer, wc WARC, created time.Time, res *Result) (File, []*cdxEntry, []pageEntry, int, error) {
	path := "archive/" + wc.Name
	fail := func(err error) (File, []*cdxEntry, []pageEntry, int, error) {
		return File{}, nil, nil, 0, err
	}
	// Stored, with a data descriptor after the data (CreateHeader sets flag bit 3): the WARC is
	// read once, copied while it is indexed, and its CRC-32 is only known at the end. Without
	// the descriptor the CRC would be needed first (CreateRaw), that is a second read of a file
	// of up to gigabytes, or holding it in memory. Replay tools and unzip use the central
	// directory; only streaming readers that refuse stored entries with a descriptor (Java's
	// ZipInputStream) cannot read it.
	zf, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Store, Modified: created})
	if err != nil {
		return fail(fmt.Errorf("wacz: %s: %w", path, err))
	}
	rc, err := wc.Open(ctx)
	if err != nil {
		return fail(fmt.Errorf("wacz: open %s: %w", wc.Name, err))
	}
	defer rc.Close()
	h := sha256.New()
	cw := &countWriter{}
	src := io.TeeReader(rc, io.MultiWriter(zf, h, cw))

	var entries []*cdxEntry
	var responses []*record // response records of text/html 2xx and of the pages' URLs
	want := map[string]bool{}
	for _, p := range wc.Pages {
		want[p.URL] = true
	}
	var lastReq *record
	n, err := scanWARC(ctx, src, func(r *record) error {
		if r.DigestErr != nil {
			return fmt.Errorf("%w: %s: %s: %w", ErrBadWARC, wc.Name, r.name(), r.DigestErr)
		}
		if e := indexEntry(r, lastReq, wc.Name); e != nil {
			entries = append(entries, e)
			if r.Type == "response" && (want[r.TargetURI] || isHTMLOK(r)) {
				responses = append(responses, r)
			}
		}
		lastReq = nil
		if r.Type == "request" {
			lastReq = r
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrBadWARC) && !strings.Contains(err.Error(), wc.Name) {
			err = fmt.Errorf("%s: %w", wc.Name, err)
		}
		return fail(err)
	}
	if _, err := io.Copy(io.Discard, src); err != nil {
		return fail(fmt.Errorf("wacz: read %s: %w", wc.Name, err))
	}
	var pages []pageEntry
	for _, p := range wc.Pages {
		pe, note, err := resolvePage(p, responses, wc.Name)
		if errors.Is(err, ErrNoPages) {
			// A capture that failed (an unreachable host) is evidence too: its WARC is kept,
			// with no page to replay.
			res.Notes = append(res.Notes, err.Error()+"; the WARC is included without a page entry")
			continue
		}
		if err != nil {
			return fail(err)
		}
		if note != "" {
			res.Notes = append(res.Notes, note)
		}
		pages = append(pages, pe)
	}
	f := File{Name: wc.Name, Path: path, Hash: "sha256:" + hex.EncodeToString(h.Sum(nil)), Bytes: cw.n}
	return f, entries, pages, n, nil
}

func isHTMLOK(r *record) bool {
	return r.Status >= 200 && r.Status < 300 && (strings.EqualFold(r.Mime, "text/html") || strings.EqualFold(r.Mime, "application/xhtml+xml"))
}

// indexEntry returns the CDXJ entry of a response, revisit or resource record (nil for the
// others). req is the request record just before it, if any: a non-GET request to the same
// URL makes the key the POST form ReplayWeb.page looks up.
func indexEntry(r *record, req *record, filename string) *cdxEntry {
	if r.TargetURI == "" || (r.Type != "response" && r.Type != "revisit" && r.Type != "resource") {
		return nil
	}
	if r.Type == "resource" && strings.HasPrefix(r.ContentType, "application/warc-fields") {
		return nil
	}
	e := &cdxEntry{
		urlkey:    SURT(r.TargetURI),
		timestamp: cdxTimestamp(r.Date),
		URL:       r.TargetURI,
		Digest:    r.PayloadDigest,
		Length:    fmt.Sprint(r.Length),
		Offset:    fmt.Sprint(r.Offset),
		Filename:  filename,
	}
	switch r.Type {
	case "response":
		e.Mime = r.Mime
	case "revisit":
		e.Mime = "warc/revisit"
	default:
		e.Mime = r.ContentType
		if e.Digest == "" {
			e.Digest = r.PayloadSHA256
		}
	}
	if r.Status != 0 {
		e.Status = fmt.Sprint(r.Status)
	}
	if req != nil && req.TargetURI == r.TargetURI && r.Type != "resource" {
		if key, body, ok := postKeyURL(r.TargetURI, req.Method, req.ReqContentType, req.ReqBody); ok {
			e.urlkey, e.Method, e.RequestBody = SURT(key), req.Method, body
		}
	}
	return e
}

// cdxTimestamp turns a WARC-Date into the 14-digit CDX timestamp.
func cdxTimestamp(date string) string {
	s := strings.NewReplacer("-", "", ":", "", "T", "").Replace(date)
	if len(s) > 14 {
		s = s[:14]
	}
	return s
}

// resolvePage finds the response record of a page: its URL exactly, else the first 2xx HTML
// response (with a note).
func resolvePage(p Page, responses []*record, warcName string) (pageEntry, string, error) {
	var hit *record
	note := ""
	for _, r := range responses {
		if r.TargetURI == p.URL {
			hit = r
			break
		}
	}
	if hit == nil {
		for _, r := range responses {
			if isHTMLOK(r) {
				hit = r
				break
			}
		}
		if hit == nil {
			return pageEntry{}, "", fmt.Errorf("%w: %s has no response record for %q and no 2xx HTML response", ErrNoPages, warcName, p.URL)
		}
		note = fmt.Sprintf("page %q: no response record for that URL in %s; the page is %q, its first 2xx text/html response", p.URL, warcName, hit.TargetURI)
	}
	ts := p.TS
	if ts.IsZero() || note != "" {
		t, err := time.Parse(time.RFC3339Nano, hit.Date)
		if err != nil {
			return pageEntry{}, "", fmt.Errorf("%w: %s: %s has a bad WARC-Date %q", ErrBadWARC, warcName, hit.name(), hit.Date)
		}
		ts = t
	}
	pe := pageEntry{ID: p.ID, URL: hit.TargetURI, TS: ts.UTC().Format(timeFormat), Title: p.Title}
	if pe.ID == "" {
		sum := sha256.Sum256([]byte(pe.TS + " " + pe.URL))
		pe.ID = hex.EncodeToString(sum[:8])
	}
	return pe, note, nil
}

func pagesJSONL(pages []pageEntry) []byte {
	var b bytes.Buffer
	b.WriteString(pagesHeader + "\n")
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, p := range pages {
		_ = enc.Encode(p) // strings only: cannot fail
	}
	return b.Bytes()
}

// marshal encodes v indented, without HTML escaping, ending in a newline.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // our own structs of strings and numbers: cannot fail
	return b.Bytes()
}

// writeSmall writes a deflated file and returns its resource entry.
func writeSmall(zw *zip.Writer, path string, data []byte, modified time.Time) (File, error) {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: modified})
	if err == nil {
		_, err = fw.Write(data)
	}
	if err != nil {
		return File{}, fmt.Errorf("wacz: write %s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	name := path[strings.LastIndexByte(path, '/')+1:]
	return File{Name: name, Path: path, Hash: "sha256:" + hex.EncodeToString(sum[:]), Bytes: int64(len(data))}, nil
}

// sign makes the signedData of the digest file.
func sign(ctx context.Context, hashString, created string, opt Options) (*signedData, *signature.Timestamp, error) {
	s := opt.Signer
	if s.Certificate == nil || s.Key == nil {
		return nil, nil, fmt.Errorf("wacz: sign: %w: no certificate or key", signature.ErrInvalidSigner)
	}
	sig, err := signature.SignHash([]byte(hashString), *s)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz: sign: %w", err)
	}
	if err := signature.VerifyHash([]byte(hashString), sig, s.Certificate.PublicKey); err != nil {
		return nil, nil, fmt.Errorf("wacz: sign: %w: the key does not belong to the certificate", signature.ErrInvalidSigner)
	}
	spki, err := x509.MarshalPKIXPublicKey(s.Certificate.PublicKey)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz: sign: %w", err)
	}
	sd := &signedData{
		Hash: hashString, Created: created, Software: opt.Software, Version: SignedDataVersion,
		Signature:  base64.StdEncoding.EncodeToString(sig),
		PublicKey:  base64.StdEncoding.EncodeToString(spki),
		SignerCert: pemChain(append([]*x509.Certificate{s.Certificate}, s.Chain...)),
	}
	if opt.TSA == "" {
		return sd, nil, nil
	}
	_, token, err := signature.Stamp(ctx, opt.TSA, sig, opt.TSATimeout)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz: timestamp: %w", err)
	}
	ts, err := signature.VerifyTimestamp(token, sig, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz: timestamp: %w", err)
	}
	sd.TimeSignature = base64.StdEncoding.EncodeToString(token)
	sd.TimestampCert = pemChain(tokenCerts(token, ts.Certificate))
	return sd, ts, nil
}

// tokenCerts returns the certificates a token carries, its signer's first.
func tokenCerts(token []byte, signer *x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	if signer != nil {
		out = append(out, signer)
	}
	if p7, err := pkcs7.Parse(token); err == nil {
		for _, c := range p7.Certificates {
			if signer == nil || !c.Equal(signer) {
				out = append(out, c)
			}
		}
	}
	return out
}

func pemChain(certs []*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}
