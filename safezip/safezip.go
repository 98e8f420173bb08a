// Package safezip reads ZIP files that come from untrusted sources (bundles and web archives
// handed in by others) without letting them harm the reader: unsafe names, links, duplicates
// that a file system would merge, encrypted entries, zip bombs, and bytes that other tools
// could read as something else than what was checked are refused when the ZIP is opened, and
// reading an entry enforces the limits on the bytes actually produced, never on the sizes the
// headers claim.
//
// Nothing is ever written to disk except by Reader.ReaderAt, into the directory its caller names.
package safezip

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"evidentia/internal/ctxio"
)

// Errors of safezip. Refusals are wrapped with the entry's name and the reason; limit refusals
// made when the ZIP is opened (declared sizes) wrap both ErrUnsafe and ErrTooLarge, and bytes
// that belong to no record of the ZIP both ErrUnsafe and ErrNotZip (see Open).
var (
	ErrUnsafe   = errors.New("safezip: unsafe ZIP")
	ErrTooLarge = errors.New("safezip: entry too large")
	ErrNotZip   = errors.New("safezip: not a readable ZIP (truncated or damaged)")
	ErrNoEntry  = errors.New("safezip: no such entry")
)

// ratioFloor is the uncompressed size under which the ratio limit is not applied: small, very
// compressible files (a blank page, a JSON of zeros) are common and harmless.
const ratioFloor = 1 << 20

// Limits bounds what a ZIP may hold. A zero or negative field means "no limit" for that field;
// use DefaultLimits and change what you need.
type Limits struct {
	MaxEntries   int   // entries in the central directory
	MaxEntrySize int64 // uncompressed bytes of one entry
	MaxTotalSize int64 // uncompressed bytes of all entries together
	MaxRatio     int64 // uncompressed:compressed, applied to entries above 1 MiB uncompressed
}

// DefaultLimits returns limits sized for evidence bundles and web archives: 100 000 entries
// (a bundle holds about ten files per capture, a WACZ a handful), 8 GiB per entry (a long
// WARC or a screen recording), 64 GiB in all, and a ratio of 200:1 above 1 MiB. Screenshots,
// PDFs and gzipped WARCs hardly compress at all and HTML or JSON stays far below 100:1, while
// a deflate bomb reaches about 1000:1.
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:   100_000,
		MaxEntrySize: 8 << 30,
		MaxTotalSize: 64 << 30,
		MaxRatio:     200,
	}
}

// Reader is an opened, checked ZIP. It is safe for concurrent use by several goroutines as long
// as the underlying io.ReaderAt is.
type Reader struct {
	ra     io.ReaderAt
	size   int64
	lim    Limits
	zr     *zip.Reader
	names  []string
	byName map[string]*zip.File
}

// Open reads the central directory of the ZIP in r (size bytes) and checks every entry against
// lim and the safety rules: no absolute path, drive letter, backslash, "." or ".." element,
// empty name or element, control character or invalid UTF-8 in a name; only regular files and
// directories (no links, devices...); no two names that a case-insensitive, Unicode-normalising
// file system would merge, and no name that is both a file and a directory; no encryption; only
// the Store and Deflate methods; no more than MaxEntries entries; declared sizes and ratios
// within the limits; a folder holds no data (Store with no byte, or Deflate with the 2-byte
// empty stream, as Java writes folders).
//
// Open also refuses what would make other tools name an entry otherwise than its header name:
// a name that is not ASCII without the UTF-8 flag (general purpose bit 11; unzip and Windows
// would read it as CP437); an extra field, in the local or the central header, other than the
// harmless ones (ZIP64 0x0001, NTFS times 0x000a, extended timestamp 0x5455, Info-ZIP Unix
// owner 0x7875, the empty jar marker 0xcafe, zipalign padding 0xd935), in particular the
// Info-ZIP Unicode Path (0x7075) and Unicode Comment (0x6375) fields, which unzip and 7-Zip
// read instead of the header; an extra field that is not a well-formed list of fields filling
// its length exactly, or has a field twice; an entry comment; a ZIP comment longer than 1 KiB
// or that is not UTF-8 text (a control character other than tab and newline could rewrite
// what unzip prints).
//
// Open also checks that every byte of the file is part of the one ZIP it describes, so that no
// other tool can extract something else than what was checked: the entries, in the order of
// their local headers, start at offset 0 and follow each other without gap or overlap (each
// ends where the next begins: local header, name, extra field, data, and the data descriptor
// its flag bit 3 announces, with or without signature, with 4- or 8-byte sizes); every local
// header has the central directory's exact name bytes, method, flags that change how it is read
// (encryption, descriptor, UTF-8), CRC and sizes; the central directory starts right after the
// last entry and holds exactly the declared headers; the end record (after the ZIP64 end record
// and locator when present, which must agree with it) ends exactly at size, its own declared
// comment being the only bytes allowed after it; the ZIP does not span disks. Data before the
// ZIP (self-extractors, polyglots, a decoy ZIP), appended data and overlapping entries (overlap
// zip bombs) are therefore refused. Bytes hidden after the end of a deflate stream but inside
// its entry's compressed size (where a streaming reader would find more entries) can only be
// seen by inflating: Reader.Open refuses them when the entry is read to its end, so a caller
// that vouches for a ZIP reads every entry to its end (bundle.Verify and wacz.Verify do).
//
// A refusal names the entry and what is wrong. It wraps ErrUnsafe for what would be read
// differently or dangerously (with ErrTooLarge for limits); ErrNotZip for a damaged or
// truncated ZIP; both for bytes outside every record (before, between or after them), which
// may be hidden content or the sign of a truncated or damaged file.
func Open(r io.ReaderAt, size int64, lim Limits) (*Reader, error) {
	if r == nil || size < 0 {
		return nil, fmt.Errorf("%w: no input", ErrNotZip)
	}
	end, err := readDirectoryEnd(r, size)
	if err != nil {
		return nil, err
	}
	if lim.MaxEntries > 0 && end.entries > uint64(lim.MaxEntries) {
		return nil, fmt.Errorf("%w: %w: %d entries, more than %d", ErrUnsafe, ErrTooLarge, end.entries, lim.MaxEntries)
	}
	if end.cdSize > end.cdEndAt || end.cdOffset != end.cdEndAt-end.cdSize {
		// Data before the ZIP (a self-extractor, a polyglot) or, typically, a truncated ZIP
		// whose last stored entry is itself a ZIP: archive/zip would silently open that one.
		return nil, fmt.Errorf("%w: the central directory is not where its end record says (data before the ZIP, or a truncated file)", ErrNotZip)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		// ErrInsecurePath (GODEBUG zipinsecurepath=0) comes with a usable reader; our own
		// checks below are stricter.
		return nil, fmt.Errorf("%w: %w", ErrNotZip, err)
	}
	if lim.MaxEntries > 0 && len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: %w: %d entries, more than %d", ErrUnsafe, ErrTooLarge, len(zr.File), lim.MaxEntries)
	}
	sr := &Reader{ra: r, size: size, lim: lim, zr: zr, names: make([]string, 0, len(zr.File)), byName: make(map[string]*zip.File, len(zr.File))}
	folded := make(map[string]string, len(zr.File)) // folded key -> original name
	dirs := make(map[string]string)                 // folded parent directories -> a file under it
	var total uint64
	for _, f := range zr.File {
		if err := checkEntry(f, lim); err != nil {
			return nil, err
		}
		key := foldName(strings.TrimSuffix(f.Name, "/"))
		if other, dup := folded[key]; dup {
			return nil, unsafeEntry(f.Name, "duplicate of %q (names equal after Unicode normalisation and case folding)", other)
		}
		folded[key] = f.Name
		for i := strings.LastIndexByte(key, '/'); i > 0; i = strings.LastIndexByte(key[:i], '/') {
			if _, seen := dirs[key[:i]]; seen {
				break
			}
			dirs[key[:i]] = f.Name
		}
		total += f.UncompressedSize64
		if lim.MaxTotalSize > 0 && total > uint64(lim.MaxTotalSize) {
			return nil, tooLargeEntry(f.Name, "the entries together declare more than %d bytes", lim.MaxTotalSize)
		}
		sr.names = append(sr.names, f.Name)
		sr.byName[f.Name] = f
	}
	for _, f := range zr.File {
		if f.Mode().IsDir() {
			continue
		}
		if under, clash := dirs[foldName(f.Name)]; clash {
			return nil, unsafeEntry(f.Name, "is a file and also the folder of %q", under)
		}
	}
	ents, err := readCentral(r, end, zr.File)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(r, size, end, ents); err != nil {
		return nil, err
	}
	return sr, nil
}

func unsafeEntry(name, format string, args ...any) error {
	return fmt.Errorf("%w: entry %q: %s", ErrUnsafe, name, fmt.Sprintf(format, args...))
}

func tooLargeEntry(name, format string, args ...any) error {
	return fmt.Errorf("%w: %w: entry %q: %s", ErrUnsafe, ErrTooLarge, name, fmt.Sprintf(format, args...))
}

// checkEntry applies the per-entry rules of Open.
func checkEntry(f *zip.File, lim Limits) error {
	if reason := CheckName(f.Name); reason != "" {
		return unsafeEntry(f.Name, "%s", reason)
	}
	mode := f.Mode()
	isDir := strings.HasSuffix(f.Name, "/")
	switch {
	case mode&fs.ModeSymlink != 0:
		return unsafeEntry(f.Name, "is a symbolic link")
	case isDir != mode.IsDir():
		return unsafeEntry(f.Name, "name and mode disagree on whether it is a folder")
	case mode&fs.ModeType&^fs.ModeDir != 0:
		return unsafeEntry(f.Name, "is not a regular file (mode %v)", mode)
	case isDir && (f.UncompressedSize64 != 0 || f.CRC32 != 0):
		return unsafeEntry(f.Name, "is a folder with content")
	case f.Flags&0x800 == 0 && !isASCII(f.Name):
		return unsafeEntry(f.Name, "its name is not ASCII but its UTF-8 flag (general purpose bit 11) is not set: unzip and Windows would read it as CP437, another name")
	}
	if f.Flags&0x1 != 0 {
		return unsafeEntry(f.Name, "is encrypted")
	}
	switch f.Method {
	case zip.Store:
		if f.CompressedSize64 != f.UncompressedSize64 {
			return unsafeEntry(f.Name, "stored, but its sizes differ (%d compressed, %d uncompressed)", f.CompressedSize64, f.UncompressedSize64)
		}
	case zip.Deflate:
	default:
		return unsafeEntry(f.Name, "unsupported compression method %d", f.Method)
	}
	if isDir && !(f.Method == zip.Store && f.CompressedSize64 == 0 || f.Method == zip.Deflate && f.CompressedSize64 == emptyDeflateLen) {
		// checkLocal checks that the 2 deflated bytes are the empty stream.
		return unsafeEntry(f.Name, "is a folder with %d bytes of data (none, or the %d-byte empty deflate stream, allowed)", f.CompressedSize64, emptyDeflateLen)
	}
	if lim.MaxEntrySize > 0 && f.UncompressedSize64 > uint64(lim.MaxEntrySize) {
		return tooLargeEntry(f.Name, "declares %d bytes, more than %d", f.UncompressedSize64, lim.MaxEntrySize)
	}
	if lim.MaxRatio > 0 && f.UncompressedSize64 > ratioFloor &&
		(f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 >= uint64(lim.MaxRatio)) {
		return tooLargeEntry(f.Name, "declares a compression ratio above %d:1 (%d from %d bytes)", lim.MaxRatio, f.UncompressedSize64, f.CompressedSize64)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// CheckName returns why name is not an acceptable ZIP entry name, or "" if it is. Accepted
// names are relative, slash-separated, valid UTF-8 without control characters, with no empty,
// "." or ".." element, no backslash and no drive letter; a trailing "/" marks a folder. The
// bundle writer uses it so that it never writes what a reader would refuse.
func CheckName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case !utf8.ValidString(name):
		return "name is not valid UTF-8"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "name contains a control character"
	case strings.IndexFunc(name, isBidiControl) >= 0:
		return "name contains a bidirectional text control (it could disguise the name)"
	case strings.Contains(name, `\`):
		return "name contains a backslash"
	case name[0] == '/':
		return "absolute path"
	case len(name) >= 2 && name[1] == ':' && (name[0]|0x20 >= 'a' && name[0]|0x20 <= 'z'):
		return "name starts with a drive letter"
	}
	elems := strings.Split(strings.TrimSuffix(name, "/"), "/")
	for _, e := range elems {
		switch e {
		case "":
			return "empty path element"
		case ".", "..":
			return fmt.Sprintf("%q path element", e)
		}
	}
	return ""
}

// isBidiControl reports the embedding, override and isolate controls that can make a name
// display as another (for example "report\u202Efdp.exe").
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

var folder = cases.Fold()

// Key returns the key under which case-insensitive, Unicode-normalising file systems (Windows,
// macOS) store name: two names with the same Key are duplicates for Open. Callers that write
// ZIPs use it to refuse what Open would refuse.
func Key(name string) string { return foldName(name) }

func foldName(name string) string {
	return norm.NFC.String(folder.String(norm.NFC.String(name)))
}

// Names returns the entries' names in ZIP order. The slice is the caller's.
func (r *Reader) Names() []string {
	return append([]string(nil), r.names...)
}

// Entry returns the entry called exactly name.
func (r *Reader) Entry(name string) (*zip.File, bool) {
	f, ok := r.byName[name]
	return f, ok
}

// Open returns the content of the entry called name. Reading it fails with ErrTooLarge as soon
// as the bytes produced exceed the entry's declared size, MaxEntrySize or (above 1 MiB) MaxRatio
// times the compressed size, and with ErrNotZip (naming the entry) when the data is truncated,
// damaged or does not match its CRC-32. At the end of a deflated entry's stream, every byte of
// its compressed size must have been consumed: bytes after the stream (which a streaming
// reader such as Java's ZipInputStream would take for a data descriptor and more entries)
// fail the read with ErrUnsafe instead of io.EOF. The checks at the end apply only to a reader
// read to its end (io.EOF). The caller closes it.
func (r *Reader) Open(name string) (io.ReadCloser, error) {
	f, ok := r.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoEntry, name)
	}
	// The raw data is a section of CompressedSize64 bytes (Open checked that it lies inside
	// the file): a decompressor cannot read past it.
	off, err := f.DataOffset()
	if err != nil {
		return nil, fmt.Errorf("%w: entry %q: %w", ErrNotZip, name, err)
	}
	raw := io.NewSectionReader(r.ra, off, int64(f.CompressedSize64))
	var rc io.ReadCloser
	var br *byteReader
	switch f.Method {
	case zip.Store:
		rc = io.NopCloser(raw)
	case zip.Deflate:
		br = newByteReader(raw)
		rc = flate.NewReader(br)
	default:
		return nil, unsafeEntry(name, "unsupported compression method %d", f.Method)
	}
	limit := f.UncompressedSize64
	if r.lim.MaxEntrySize > 0 && uint64(r.lim.MaxEntrySize) < limit {
		limit = uint64(r.lim.MaxEntrySize)
	}
	return &entryReader{f: f, rc: rc, br: br, lim: r.lim, limit: limit, crc: crc32.NewIEEE()}, nil
}

// entryReader enforces the limits and the CRC on the bytes actually produced, and that a
// deflate stream ends exactly at the end of the entry's data.
type entryReader struct {
	f     *zip.File
	rc    io.ReadCloser
	br    *byteReader // what flate reads, for a deflated entry; nil for a stored one
	lim   Limits
	limit uint64
	n     uint64
	crc   hash.Hash32
	err   error
}

func (e *entryReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.rc.Read(p)
	e.n += uint64(n)
	e.crc.Write(p[:n])
	switch {
	case e.n > e.limit:
		e.err = fmt.Errorf("%w: entry %q: produced more than %d bytes", ErrTooLarge, e.f.Name, e.limit)
	case e.lim.MaxRatio > 0 && e.n > ratioFloor && e.n/max(e.f.CompressedSize64, 1) >= uint64(e.lim.MaxRatio):
		e.err = fmt.Errorf("%w: entry %q: expands more than %d:1", ErrTooLarge, e.f.Name, e.lim.MaxRatio)
	case err == io.EOF:
		if e.br != nil && e.br.consumed != e.f.CompressedSize64 {
			e.err = fmt.Errorf("%w: entry %q: %d bytes of data after the end of the compressed stream (other tools could read them as more entries)",
				ErrUnsafe, e.f.Name, e.f.CompressedSize64-e.br.consumed)
		} else if e.n != e.f.UncompressedSize64 {
			e.err = fmt.Errorf("%w: entry %q: %d bytes, the header says %d", ErrNotZip, e.f.Name, e.n, e.f.UncompressedSize64)
		} else if e.crc.Sum32() != e.f.CRC32 {
			e.err = fmt.Errorf("%w: entry %q: %w", ErrNotZip, e.f.Name, zip.ErrChecksum)
		} else {
			return n, io.EOF
		}
	case err != nil:
		e.err = fmt.Errorf("%w: entry %q: %w", ErrNotZip, e.f.Name, err)
	default:
		return n, nil
	}
	return 0, e.err
}

func (e *entryReader) Close() error { return e.rc.Close() }

// ReaderAt gives random access to the entry called name, to open a ZIP nested in this one. A
// stored (uncompressed) entry is a section of the outer file: nothing is copied and its CRC is
// not checked (callers that need integrity hash the content, or parse it with Open again,
// which checks its own entries). Any other entry is extracted through Open, with every limit,
// into a new temporary file created inside tmpDir (the system's temporary folder if tmpDir is
// ""); cleanup closes and removes it and must be called once the caller is done, also after a
// later failure. ctx cancels the extraction.
func (r *Reader) ReaderAt(ctx context.Context, name, tmpDir string) (ra io.ReaderAt, size int64, cleanup func(), err error) {
	f, ok := r.byName[name]
	if !ok {
		return nil, 0, nil, fmt.Errorf("%w: %q", ErrNoEntry, name)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	if f.Method == zip.Store {
		off, err := f.DataOffset()
		if err != nil {
			return nil, 0, nil, fmt.Errorf("%w: entry %q: %w", ErrNotZip, name, err)
		}
		n := int64(f.UncompressedSize64)
		return io.NewSectionReader(r.ra, off, n), n, func() {}, nil
	}
	rc, err := r.Open(name)
	if err != nil {
		return nil, 0, nil, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(tmpDir, "safezip-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("safezip: entry %q: %w", name, err)
	}
	cleanup = func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	n, err := io.Copy(tmp, ctxio.Reader(ctx, rc))
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return tmp, n, cleanup, nil
}

// byteReader reads an entry's compressed data for flate through a small buffer, counting
// exactly the bytes handed out. As an io.ByteReader it makes flate read byte by byte what it
// needs and never further (flate wraps other readers in a bufio.Reader, which reads ahead), so
// that at the end of the stream consumed is where the stream ends.
type byteReader struct {
	r        io.Reader
	buf      []byte
	i, n     int
	consumed uint64
	err      error
}

func newByteReader(r io.Reader) *byteReader { return &byteReader{r: r, buf: make([]byte, 4096)} }

func (b *byteReader) fill() bool {
	for b.i == b.n && b.err == nil {
		b.i = 0
		b.n, b.err = b.r.Read(b.buf)
	}
	return b.i < b.n
}

func (b *byteReader) ReadByte() (byte, error) {
	if !b.fill() {
		return 0, b.err
	}
	c := b.buf[b.i]
	b.i++
	b.consumed++
	return c, nil
}

func (b *byteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if b.i == b.n && len(p) >= len(b.buf) && b.err == nil {
		n, err := b.r.Read(p) // a large read (a stored block) bypasses the buffer
		b.consumed += uint64(n)
		b.err = err
		if n > 0 {
			return n, nil
		}
		return 0, err
	}
	if !b.fill() {
		return 0, b.err
	}
	n := copy(p, b.buf[b.i:b.n])
	b.i += n
	b.consumed += uint64(n)
	return n, nil
}
