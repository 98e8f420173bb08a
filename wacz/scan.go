package wacz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"

	"evidentia/internal/ctxio"
)

// Limits of the record scanner: a WARC or HTTP head longer than maxHead, a header line longer
// than maxLine, or a WARC header value (continuation lines included) longer than maxWARCValue
// is refused (ErrBadWARC).
const (
	maxHead      = 1 << 20
	maxLine      = 64 << 10
	maxWARCValue = 8 << 10
	maxReqBody   = 16 << 10 // request body bytes kept for the POST index key
	gzipReadBuf  = 64 << 10
)

// record is one WARC record as the scanner found it: where its gzip member lies in the file,
// its headers of interest, and whether its digests match.
type record struct {
	Offset, Length int64 // the gzip member holding the record, in the compressed file
	Index          int   // 1-based position in the file

	Type, TargetURI, Date, ContentType string
	BlockDigest, PayloadDigest         string // header values, as written
	PayloadSHA256                      string // "sha256:<hex>" of the payload as read (block for non-HTTP records)

	Status int    // HTTP status of a response or revisit with HTTP headers
	Mime   string // media type of an HTTP response (parameters removed)

	Method         string // HTTP method of a request record
	ReqContentType string
	ReqBody        []byte // the first maxReqBody bytes of a request body, when not a GET (for the POST key)

	// DigestErr says why a digest does not match (wraps ErrDigest); nil when both match.
	DigestErr error
}

// name is how problems refer to the record: its position, type and URL, the last two
// truncated so that a message stays short whatever the headers hold.
func (r *record) name() string {
	if r.Type == "" && r.TargetURI == "" {
		return fmt.Sprintf("record %d at offset %d", r.Index, r.Offset)
	}
	return fmt.Sprintf("record %d at offset %d (%s %s)", r.Index, r.Offset, truncate(r.Type, 40), truncate(r.TargetURI, 200))
}

// memberReader counts the compressed bytes consumed from the file. It is an io.ByteReader so
// that compress/gzip reads from it directly, without a buffer of its own: the count is then
// exactly where each gzip member ends.
type memberReader struct {
	r *bufio.Reader
	n int64
}

func (m *memberReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.n += int64(n)
	return n, err
}

func (m *memberReader) ReadByte() (byte, error) {
	b, err := m.r.ReadByte()
	if err == nil {
		m.n++
	}
	return b, err
}

// scanWARC reads a gzip-per-record WARC from r and calls fn for every record, in order, with
// its member offsets and digest check. Digest mismatches are reported in record.DigestErr;
// anything that stops the reading (not gzip, a member holding more or less than one record, a
// malformed head) is returned as an error wrapping ErrBadWARC. scanWARC reads r to its end.
// Memory does not grow with the size of the records.
func scanWARC(ctx context.Context, r io.Reader, fn func(*record) error) (int, error) {
	br := bufio.NewReaderSize(r, gzipReadBuf)
	mr := &memberReader{r: br}
	var zr *gzip.Reader
	body := bufio.NewReaderSize(nil, 32<<10)
	head := bufio.NewReaderSize(nil, 16<<10) // reused for every record's HTTP message
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if _, err := br.Peek(1); err == io.EOF {
			if n == 0 {
				return 0, fmt.Errorf("%w: the file is empty", ErrBadWARC)
			}
			return n, nil
		} else if err != nil {
			return n, err
		}
		start := mr.n
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(mr)
		} else {
			err = zr.Reset(mr)
		}
		if err != nil {
			return n, fmt.Errorf("%w: offset %d: not a gzip member: %v", ErrBadWARC, start, err)
		}
		zr.Multistream(false)
		n++
		rec := &record{Offset: start, Index: n}
		// ctx is checked inside the record too: one record's block can inflate to gigabytes.
		body.Reset(ctxio.Reader(ctx, zr))
		if err := readRecord(body, head, rec); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return n, cerr
			}
			return n, fmt.Errorf("%w: %s: %v", ErrBadWARC, rec.name(), err)
		}
		rec.Length = mr.n - start
		if err := fn(rec); err != nil {
			return n, err
		}
	}
}

// readRecord reads the one record of a gzip member: head, block (hashed), the closing CRLFs,
// and the member's end (which makes gzip check its CRC).
func readRecord(r, hr *bufio.Reader, rec *record) error {
	version, err := readLine(r)
	if err != nil {
		return fmt.Errorf("no WARC version line: %v", err)
	}
	if !strings.HasPrefix(version, "WARC/") {
		return fmt.Errorf("the member does not start with a WARC record")
	}
	hdr, err := readHeaders(r, warcFields, maxWARCValue)
	if err != nil {
		return fmt.Errorf("WARC headers: %v", err)
	}
	rec.Type = hdr.get("WARC-Type")
	rec.TargetURI = strings.TrimSuffix(strings.TrimPrefix(hdr.get("WARC-Target-URI"), "<"), ">")
	rec.Date = hdr.get("WARC-Date")
	rec.ContentType = hdr.get("Content-Type")
	rec.BlockDigest = hdr.get("WARC-Block-Digest")
	rec.PayloadDigest = hdr.get("WARC-Payload-Digest")
	cl, err := strconv.ParseInt(hdr.get("Content-Length"), 10, 64)
	if err != nil || cl < 0 {
		return fmt.Errorf("bad Content-Length %q", hdr.get("Content-Length"))
	}

	blockH := newDigester(rec.BlockDigest)
	payloadH := newDigester(rec.PayloadDigest)
	payload256 := sha256.New()
	block := &io.LimitedReader{R: r, N: cl}
	isHTTP := strings.HasPrefix(strings.ToLower(strings.TrimSpace(rec.ContentType)), "application/http")
	switch {
	case isHTTP && (rec.Type == "response" || rec.Type == "request" || rec.Type == "revisit"):
		hr.Reset(io.TeeReader(block, blockH))
		if err := readHTTPHead(hr, rec); err != nil {
			return err
		}
		var w io.Writer = io.MultiWriter(payloadH, payload256)
		if rec.Type == "request" && rec.Method != "" && rec.Method != "GET" { // only a POST key needs it
			w = io.MultiWriter(w, &capWriter{buf: &rec.ReqBody, max: maxReqBody})
		}
		if _, err := io.Copy(w, hr); err != nil {
			return fmt.Errorf("block: %v", err)
		}
	default:
		if _, err := io.Copy(io.MultiWriter(blockH, payloadH, payload256), block); err != nil {
			return fmt.Errorf("block: %v", err)
		}
	}
	if block.N > 0 {
		return fmt.Errorf("the block ends %d bytes before its Content-Length", block.N)
	}
	rec.PayloadSHA256 = "sha256:" + hex.EncodeToString(payload256.Sum(nil))

	// The record ends with CRLF CRLF, then the member ends: one record per member.
	var tail [5]byte
	k, err := io.ReadFull(r, tail[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("record end: %v", err)
	}
	if k != 4 || string(tail[:4]) != "\r\n\r\n" {
		if k == 5 {
			return fmt.Errorf("the gzip member holds more than one record (or bytes after the record)")
		}
		return fmt.Errorf("the record does not end with CRLF CRLF")
	}

	var errs []error
	if err := blockH.check("block", rec.BlockDigest, true); err != nil {
		errs = append(errs, err)
	}
	if rec.Type != "revisit" { // a revisit's payload digest is the one of the record it refers to
		if err := payloadH.check("payload", rec.PayloadDigest, false); err != nil {
			errs = append(errs, err)
		}
	}
	rec.DigestErr = errors.Join(errs...)
	return nil
}

// readHTTPHead reads an HTTP message head (status or request line, headers, blank line).
func readHTTPHead(r *bufio.Reader, rec *record) error {
	first, err := readLine(r)
	if err == io.EOF {
		return nil // an empty block: no head
	}
	if err != nil {
		return fmt.Errorf("HTTP head: %v", err)
	}
	hdr, err := readHeaders(r, httpFields, maxLine)
	if err != nil && err != io.EOF {
		return fmt.Errorf("HTTP head: %v", err)
	}
	switch rec.Type {
	case "request":
		method, _, _ := strings.Cut(first, " ")
		rec.Method = method
		rec.ReqContentType = hdr.get("Content-Type")
	default:
		_, rest, _ := strings.Cut(first, " ")
		code, _, _ := strings.Cut(rest, " ")
		if s, err := strconv.Atoi(code); err == nil && strings.HasPrefix(first, "HTTP/") {
			rec.Status = s
		}
		mime, _, _ := strings.Cut(hdr.get("Content-Type"), ";")
		rec.Mime = strings.TrimSpace(mime)
	}
	return nil
}

// headers is a list of header fields in the order read.
type headers [][2]string

func (h headers) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f[0], name) {
			return f[1]
		}
	}
	return ""
}

// The header fields the scanner keeps; the others are read, checked and dropped.
var (
	warcFields = []string{"WARC-Type", "WARC-Target-URI", "WARC-Date", "Content-Type", "WARC-Block-Digest", "WARC-Payload-Digest", "Content-Length"}
	httpFields = []string{"Content-Type"}
)

// readHeaders reads "Name: value" lines (with continuation lines) up to a blank line and
// returns the fields named in keep (compared case-insensitively), in the order read. A value
// longer than maxValue bytes, continuation lines included, is refused whether kept or not.
// Memory and time are linear in the head's size.
func readHeaders(r *bufio.Reader, keep []string, maxValue int) (headers, error) {
	var h headers
	var name string
	var val []byte // the current field's value, when kept
	n, open, kept := 0, false, false
	flush := func() {
		if open && kept {
			h = append(h, [2]string{name, string(val)})
		}
		open = false
	}
	total := 0
	for {
		line, err := readLine(r)
		if err != nil {
			flush()
			return h, err
		}
		total += len(line) + 2
		if total > maxHead {
			return h, errors.New("head too long")
		}
		if line == "" {
			flush()
			return h, nil
		}
		var part string
		if (line[0] == ' ' || line[0] == '\t') && open {
			part = strings.TrimSpace(line)
			n += 1 + len(part)
			if kept {
				val = append(append(val, ' '), part...)
			}
		} else {
			flush()
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				return h, fmt.Errorf("malformed header line %q", truncate(line, 80))
			}
			name, part = strings.TrimSpace(k), strings.TrimSpace(v)
			open, n = true, len(part)
			kept = slices.ContainsFunc(keep, func(f string) bool { return strings.EqualFold(f, name) })
			val = append(val[:0], part...)
		}
		if n > maxValue {
			return h, fmt.Errorf("the value of %q is longer than %d bytes", truncate(name, 80), maxValue)
		}
	}
}

// readLine reads one line ending in LF (CR LF or LF), without the line ending.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	for {
		frag, err := r.ReadSlice('\n')
		buf = append(buf, frag...)
		if len(buf) > maxLine {
			return "", errors.New("line too long")
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				return "", io.ErrUnexpectedEOF
			}
			return "", err
		}
		return string(bytes.TrimRight(buf, "\r\n")), nil
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// capWriter keeps the first max bytes written to it.
type capWriter struct {
	buf *[]byte
	max int
}

func (c *capWriter) Write(p []byte) (int, error) {
	if room := c.max - len(*c.buf); room > 0 {
		*c.buf = append(*c.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// digester hashes with the algorithm a digest header names (SHA-256 when there is none or it
// is unknown; check then says so).
type digester struct {
	hash.Hash
}

func newDigester(header string) digester {
	alg, _, _ := strings.Cut(header, ":")
	switch strings.ToLower(alg) {
	case "sha1", "sha-1":
		return digester{sha1.New()}
	default:
		return digester{sha256.New()}
	}
}

// check compares the digest header with the bytes hashed. A missing header is an error when
// required. The value may be base16 or base32 (as some tools write SHA-1).
func (d digester) check(what, header string, required bool) error {
	if header == "" {
		if required {
			return fmt.Errorf("%w: no %s digest", ErrDigest, what)
		}
		return nil
	}
	alg, val, ok := strings.Cut(header, ":")
	switch strings.ToLower(alg) {
	case "sha256", "sha-256", "sha1", "sha-1":
	default:
		return fmt.Errorf("%w: %s digest algorithm %q is not supported", ErrDigest, what, alg)
	}
	if !ok {
		return fmt.Errorf("%w: malformed %s digest %q", ErrDigest, what, truncate(header, 80))
	}
	sum := d.Sum(nil)
	if want, err := hex.DecodeString(val); err == nil && len(want) == len(sum) {
		if !bytes.Equal(want, sum) {
			return fmt.Errorf("%w: %s digest is %s, the bytes hash to %x", ErrDigest, what, truncate(header, 100), sum)
		}
		return nil
	}
	b32 := strings.TrimRight(strings.ToUpper(val), "=")
	if want, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(b32); err == nil && len(want) == len(sum) {
		if !bytes.Equal(want, sum) {
			return fmt.Errorf("%w: %s digest is %s, the bytes hash to %x", ErrDigest, what, truncate(header, 100), sum)
		}
		return nil
	}
	return fmt.Errorf("%w: malformed %s digest %q", ErrDigest, what, truncate(header, 80))
}
