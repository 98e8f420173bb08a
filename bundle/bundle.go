// Package bundle writes and verifies the investigators' bundle: one ZIP holding a case's
// evidence (report, web archive, captures, custody log, certificates), a manifest.json listing
// every file with its SHA-256 and size, a detached CMS signature and an RFC 3161 timestamp of
// that manifest, and VERIFY.txt, a guide to checking all of it with standard tools only.
//
// The Writer streams: no file's content is ever held in memory, whatever the number or size of
// the files. Verify reads bundles from anyone through safezip and reports every problem it
// finds, naming the file.
package bundle

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/internal/ctxio"
	"evidentia/safezip"
	"evidentia/signature"
)

// Names of the files the bundle itself writes. ManifestName, SignatureName and TimestampName
// are reserved: Add and Create refuse them. GuideName is written by the caller (Guide renders
// it), normally first.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.json.p7s"
	TimestampName = "manifest.json.tsr"
	GuideName     = "VERIFY.txt"
)

// FormatV1 is the format of the manifest this package writes and reads.
const FormatV1 = "evidentia.bundle/1"

// Errors of the Writer.
var (
	ErrBadPath   = errors.New("bundle: path not allowed in a bundle")
	ErrDuplicate = errors.New("bundle: path already in the bundle")
	ErrBusy      = errors.New("bundle: a file created with Create is still open")
	ErrClosed    = errors.New("bundle: the writer is finished or failed")
)

// File is one file of the bundle as the manifest lists it.
type File struct {
	Path   string          `json:"path"`
	SHA256 evidence.Digest `json:"sha256"`
	Size   int64           `json:"size"`
}

// Case identifies the case the bundle was made for.
type Case struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Reference string `json:"reference,omitempty"` // the case number used by the authority
}

// CaptureRef is one capture in the bundle: its identifier, address, the SHA-256 of its sealed
// capture manifest (which identifies it) and the folder holding its files.
type CaptureRef struct {
	ID             string          `json:"id"`
	URL            string          `json:"url"`
	FinalURL       string          `json:"final_url,omitempty"`
	Title          string          `json:"title,omitempty"`
	Status         string          `json:"status,omitempty"`
	CapturedAt     time.Time       `json:"captured_at,omitzero"`
	ManifestSHA256 evidence.Digest `json:"manifest_sha256"`
	Folder         string          `json:"folder"`
}

// Manifest is the content of manifest.json, written in canonical JSON (evidence.Canonical).
// Files lists every file of the bundle except manifest.json and its signature and timestamp,
// in the order they were written.
type Manifest struct {
	Format   string    `json:"format"`
	BundleID string    `json:"bundle_id"`
	Created  time.Time `json:"created"`
	Software string    `json:"software"`
	Operator string    `json:"operator,omitempty"`
	Unit     string    `json:"unit,omitempty"`
	// Recipient is to whom the bundle was handed over, as the operator wrote it.
	Recipient string `json:"recipient,omitempty"`
	// ReportID identifies the signed report inside the bundle.
	ReportID string `json:"report_id,omitempty"`
	Case     *Case  `json:"case,omitempty"`
	// TimestampAuthority is the authority Finish asked for manifest.json.tsr ("" when none):
	// being signed, it makes a removed timestamp detectable.
	TimestampAuthority string       `json:"timestamp_authority,omitempty"`
	Captures           []CaptureRef `json:"captures"`
	Files              []File       `json:"files"`
}

// CheckPath returns why p cannot be the path of a file in a bundle, or "" if it can. Beyond
// what safezip accepts, a bundle path names a file (no trailing "/"), and every element can be
// a file name on Windows: none of < > : " | ? *, no trailing dot or space, no device name
// (CON, NUL, COM1...). These rules also keep the manifest readable by the sed one-liner of
// VERIFY.txt.
func CheckPath(p string) string {
	if reason := safezip.CheckName(p); reason != "" {
		return reason
	}
	if strings.HasSuffix(p, "/") {
		return "a folder, not a file"
	}
	if i := strings.IndexAny(p, `<>:"|?*`); i >= 0 {
		return fmt.Sprintf("character %q is not allowed on Windows", p[i])
	}
	for _, e := range strings.Split(p, "/") {
		if strings.HasSuffix(e, ".") || strings.HasSuffix(e, " ") {
			return fmt.Sprintf("element %q ends with a dot or space", e)
		}
		base, _, _ := strings.Cut(strings.ToUpper(e), ".")
		switch base {
		case "CON", "PRN", "AUX", "NUL",
			"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
			"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
			return fmt.Sprintf("element %q is a Windows device name", e)
		}
	}
	return ""
}

func isReserved(p string) bool {
	k := safezip.Key(p)
	return k == safezip.Key(ManifestName) || k == safezip.Key(SignatureName) || k == safezip.Key(TimestampName)
}

// Writer writes a bundle as a stream. Its methods are not safe for concurrent use. A failure
// while a file is being written leaves the ZIP incomplete: the Writer then refuses everything
// (ErrClosed) and the output must be discarded. Refusing a path (ErrBadPath, ErrDuplicate)
// writes nothing and the Writer stays usable.
type Writer struct {
	zw       *zip.Writer
	modified time.Time
	files    []File
	keys     map[string]string // safezip.Key of every path -> path
	dirs     map[string]string // safezip.Key of every parent folder -> a path under it
	open     bool
	failed   error
	finished bool
	tsr      []byte // the timestamp response Finish wrote
}

// NewWriter returns a Writer writing a ZIP to w. Entries carry the time NewWriter was called
// as their modification time. The caller owns w: Finish does not close it.
func NewWriter(w io.Writer) *Writer {
	return &Writer{
		zw:       zip.NewWriter(w),
		modified: time.Now().Truncate(time.Second),
		keys:     make(map[string]string),
		dirs:     make(map[string]string),
	}
}

func (bw *Writer) usable() error {
	switch {
	case bw.failed != nil:
		return fmt.Errorf("%w: %w", ErrClosed, bw.failed)
	case bw.finished:
		return ErrClosed
	case bw.open:
		return ErrBusy
	}
	return nil
}

// claim checks that p can be added and reserves it.
func (bw *Writer) claim(p string) error {
	if reason := CheckPath(p); reason != "" {
		return fmt.Errorf("%w: %q: %s", ErrBadPath, p, reason)
	}
	if isReserved(p) {
		return fmt.Errorf("%w: %q is written by the bundle itself", ErrBadPath, p)
	}
	k := safezip.Key(p)
	if other, dup := bw.keys[k]; dup {
		return fmt.Errorf("%w: %q (as %q)", ErrDuplicate, p, other)
	}
	if under, dup := bw.dirs[k]; dup {
		return fmt.Errorf("%w: %q is already the folder of %q", ErrDuplicate, p, under)
	}
	var parents []string
	for i := strings.LastIndexByte(k, '/'); i > 0; i = strings.LastIndexByte(k[:i], '/') {
		if other, clash := bw.keys[k[:i]]; clash {
			return fmt.Errorf("%w: %q would be inside the file %q", ErrDuplicate, p, other)
		}
		parents = append(parents, k[:i])
	}
	bw.keys[k] = p
	for _, d := range parents {
		if _, ok := bw.dirs[d]; !ok {
			bw.dirs[d] = p
		}
	}
	return nil
}

// create claims p and starts its ZIP entry, deflated or (store) stored.
//
// Every entry is streamed, so its CRC-32 and sizes follow its data in a data descriptor
// (flag bit 3, which zip.Writer.CreateHeader always sets). Java's ZipInputStream cannot stream
// a stored entry with a descriptor ("only DEFLATED entries can have EXT descriptor"); writing
// one without needs its CRC-32 before its data (CreateRaw), hence reading the content twice or
// holding it in memory, which the Writer promises never to do. The stored entries are exactly
// the streamed, large, already compressed ones (the WACZ, screenshots, recordings), so they
// keep the descriptor: readers that use the central directory (unzip, 7-Zip, Windows, macOS,
// Python, java.util.zip.ZipFile) read them. The small in-memory files (VERIFY.txt, the report,
// custody files, certificates, manifest.json and its signature and timestamp) are deflated,
// which streams in Java too.
func (bw *Writer) create(p string, store bool) (io.Writer, error) {
	if err := bw.usable(); err != nil {
		return nil, err
	}
	if err := bw.claim(p); err != nil {
		return nil, err
	}
	method := zip.Deflate
	if store {
		method = zip.Store
	}
	w, err := bw.zw.CreateHeader(&zip.FileHeader{Name: p, Method: method, Modified: bw.modified})
	if err != nil {
		bw.failed = err
		return nil, fmt.Errorf("bundle: %q: %w", p, err)
	}
	return w, nil
}

// Add writes a file at path p with the content of r, streamed through SHA-256, and returns it
// as the manifest will list it. store writes it uncompressed (Method Store), for content that
// is already compressed or that readers open in place (a WACZ). p must pass CheckPath, must not
// be a reserved name, and must not collide with another file (equal after case folding and
// Unicode normalisation, or a file used as a folder). ctx cancels the copy.
func (bw *Writer) Add(ctx context.Context, p string, r io.Reader, store bool) (File, error) {
	w, err := bw.create(p, store)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), ctxio.Reader(ctx, r))
	if err != nil {
		bw.failed = err
		return File{}, fmt.Errorf("bundle: %q: %w", p, err)
	}
	f := File{Path: p, SHA256: digest(h), Size: n}
	bw.files = append(bw.files, f)
	return f, nil
}

// Create starts a file at path p (same rules as Add) for a producer that writes, such as the
// WACZ writer. Nothing else may be added until the returned writer is closed; Close records the
// file for the manifest (and does not close anything else). Abandoning it unclosed makes the
// bundle unfinishable (ErrBusy).
func (bw *Writer) Create(p string, store bool) (io.WriteCloser, error) {
	w, err := bw.create(p, store)
	if err != nil {
		return nil, err
	}
	bw.open = true
	return &fileWriter{bw: bw, path: p, w: w, h: sha256.New()}, nil
}

type fileWriter struct {
	bw     *Writer
	path   string
	w      io.Writer
	h      hash.Hash
	n      int64
	closed bool
}

func (f *fileWriter) Write(p []byte) (int, error) {
	if f.closed {
		return 0, fmt.Errorf("bundle: %q: write after Close", f.path)
	}
	n, err := f.w.Write(p)
	f.h.Write(p[:n])
	f.n += int64(n)
	if err != nil {
		f.bw.failed = err
		return n, fmt.Errorf("bundle: %q: %w", f.path, err)
	}
	return n, nil
}

func (f *fileWriter) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	f.bw.open = false
	if f.bw.failed != nil {
		return fmt.Errorf("%w: %w", ErrClosed, f.bw.failed)
	}
	f.bw.files = append(f.bw.files, File{Path: f.path, SHA256: digest(f.h), Size: f.n})
	return nil
}

// Files returns the files written so far, in order. The slice is the caller's.
func (bw *Writer) Files() []File {
	return append([]File(nil), bw.files...)
}

// Finish writes manifest.json: meta with Format set to FormatV1, Created to now (UTC) when
// zero, and Files to every file written, in canonical JSON. Then, if s is not nil,
// manifest.json.p7s, a detached CMS signature of those bytes (DER); then, if tsa is not "",
// manifest.json.tsr, the whole RFC 3161 response of the authority at tsa over them (DER),
// waiting at most tsaTimeout (zero: the signature package's default). It closes the ZIP but
// not the underlying writer, and returns the manifest and its bytes. A failure to sign or
// stamp (signature.ErrTSA...) is returned and leaves the bundle unfinished: the caller
// discards it, or retries without the timestamp with a new Writer.
func (bw *Writer) Finish(ctx context.Context, meta Manifest, s *signature.Signer, tsa string, tsaTimeout time.Duration) (*Manifest, []byte, error) {
	if err := bw.usable(); err != nil {
		return nil, nil, err
	}
	m := meta
	m.Format = FormatV1
	if m.Created.IsZero() {
		m.Created = time.Now().UTC().Truncate(time.Second)
	}
	if m.Captures == nil {
		m.Captures = []CaptureRef{}
	}
	m.TimestampAuthority = tsa
	m.Files = bw.Files()
	if m.Files == nil {
		m.Files = []File{}
	}
	b, err := evidence.Canonical(&m)
	if err != nil {
		return nil, nil, fmt.Errorf("bundle: manifest: %w", err)
	}
	var sig, tsr []byte
	if s != nil {
		if sig, err = signature.SignDetached(b, *s); err != nil {
			return nil, nil, fmt.Errorf("bundle: signing the manifest: %w", err)
		}
	}
	if tsa != "" {
		if tsr, _, err = signature.Stamp(ctx, tsa, b, tsaTimeout); err != nil {
			return nil, nil, fmt.Errorf("bundle: timestamping the manifest: %w", err)
		}
	}
	for _, e := range []struct {
		name string
		data []byte
	}{{ManifestName, b}, {SignatureName, sig}, {TimestampName, tsr}} {
		if e.data == nil {
			continue
		}
		w, err := bw.zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: bw.modified})
		if err == nil {
			_, err = w.Write(e.data)
		}
		if err != nil {
			bw.failed = err
			return nil, nil, fmt.Errorf("bundle: %s: %w", e.name, err)
		}
	}
	if err := bw.zw.Close(); err != nil {
		bw.failed = err
		return nil, nil, fmt.Errorf("bundle: %w", err)
	}
	bw.finished = true
	bw.tsr = tsr
	return &m, b, nil
}

// TimestampResponse returns the authority's response written as manifest.json.tsr by Finish,
// or nil.
func (bw *Writer) TimestampResponse() []byte { return bw.tsr }

// CertsPEM returns certificates as PEM, in the given order: for certs/signer.pem, the signer's
// certificate followed by its chain up to the root, so that `openssl cms -verify -CAfile
// certs/signer.pem` as VERIFY.txt states it can complete the chain.
func CertsPEM(certs ...*x509.Certificate) []byte {
	var b strings.Builder
	for _, c := range certs {
		if c != nil {
			pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
		}
	}
	return []byte(b.String())
}

func digest(h hash.Hash) evidence.Digest {
	return evidence.Digest(hex.EncodeToString(h.Sum(nil)))
}
