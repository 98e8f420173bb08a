// Package archive writes and reads the WARC 1.1 files of a capture: every HTTP exchange a page
// made. The WACZ packages that wrap them for replay are package wacz's.
package archive

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// Header is one header line.
type Header struct {
	Name  string
	Value string
}

// Exchange is one HTTP request and its response, as the browser saw it.
type Exchange struct {
	URL      string
	Method   string
	Protocol string // as the browser reported it: http/1.1, h2, h3 ...
	// RequestHeaders are the headers as sent. RequestBody is the request body, if any.
	RequestHeaders []Header
	RequestBody    []byte
	RequestTime    time.Time

	// Status is 0 when no response arrived (the request failed or never finished).
	Status     int
	StatusText string
	// RawResponseHead is the status line and header lines exactly as received, when the
	// browser had them (HTTP/1.x). When empty, ResponseHeaders are used.
	RawResponseHead string
	ResponseHeaders []Header
	ResponseTime    time.Time
	// Body is the response body as the browser returned it (content-encoding removed).
	// BodyComplete is false when it was not recorded or was cut off.
	Body         []byte
	BodyComplete bool
	RemoteIP     string
}

// WARCInfo describes the software and the capture, for the warcinfo record.
type WARCInfo struct {
	Software    string
	Operator    string
	Description string
	Extra       []Header
}

// WARCWriter writes a gzip-per-record WARC 1.1 file. Every record carries a SHA-256
// WARC-Block-Digest, and response and request records a WARC-Payload-Digest. It is not safe
// for concurrent use.
type WARCWriter struct {
	w        io.Writer
	filename string
	records  int
	err      error
}

// NewWARCWriter starts a WARC file on w named filename (used in the warcinfo record) and
// writes its warcinfo record.
func NewWARCWriter(w io.Writer, filename string, info WARCInfo) (*WARCWriter, error) {
	ww := &WARCWriter{w: w, filename: filename}
	var body bytes.Buffer
	fields := []Header{
		{"software", info.Software},
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
	}
	if info.Operator != "" {
		fields = append(fields, Header{"operator", info.Operator})
	}
	if info.Description != "" {
		fields = append(fields, Header{"description", info.Description})
	}
	fields = append(fields, info.Extra...)
	for _, f := range fields {
		fmt.Fprintf(&body, "%s: %s\r\n", f.Name, oneLine(f.Value))
	}
	rb := newBuilder(gowarc.Warcinfo)
	rb.AddWarcHeader(gowarc.WarcFilename, filename)
	rb.AddWarcHeaderTime(gowarc.WarcDate, time.Now())
	rb.AddWarcHeader(gowarc.ContentType, "application/warc-fields")
	if _, err := rb.Write(body.Bytes()); err != nil {
		return nil, err
	}
	if _, err := ww.write(rb); err != nil {
		return nil, err
	}
	return ww, nil
}

// Records returns the number of records written so far, warcinfo included.
func (ww *WARCWriter) Records() int { return ww.records }

// WriteExchange writes a request record and, when a response arrived, a response record
// linked to it by WARC-Concurrent-To. Reconstructed parts are described in ReconstructionNote.
func (ww *WARCWriter) WriteExchange(ex *Exchange) error {
	u, err := url.Parse(ex.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil // data:, blob: and the like are not network traffic
	}
	reqTime := ex.RequestTime
	if reqTime.IsZero() {
		reqTime = time.Now()
	}

	req := newBuilder(gowarc.Request)
	req.AddWarcHeader(gowarc.WarcTargetURI, ex.URL)
	req.AddWarcHeaderTime(gowarc.WarcDate, reqTime)
	req.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	if ex.RemoteIP != "" {
		req.AddWarcHeader(gowarc.WarcIPAddress, ex.RemoteIP)
	}
	if _, err := req.Write(requestBlock(u, ex)); err != nil {
		return err
	}
	reqID, err := ww.write(req)
	if err != nil {
		return err
	}
	if ex.Status == 0 {
		return nil
	}

	resp := newBuilder(gowarc.Response)
	resp.AddWarcHeader(gowarc.WarcTargetURI, ex.URL)
	respTime := ex.ResponseTime
	if respTime.IsZero() {
		respTime = reqTime
	}
	resp.AddWarcHeaderTime(gowarc.WarcDate, respTime)
	resp.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	resp.AddWarcHeader(gowarc.WarcConcurrentTo, reqID)
	if ex.RemoteIP != "" {
		resp.AddWarcHeader(gowarc.WarcIPAddress, ex.RemoteIP)
	}
	if !ex.BodyComplete {
		resp.AddWarcHeader(gowarc.WarcTruncated, "unspecified")
	}
	if _, err := resp.Write(responseBlock(ex)); err != nil {
		return err
	}
	_, err = ww.write(resp)
	return err
}

// gowarcMu serialises gowarc's option set-up and record building: gowarc v3.1.0 writes a
// global of github.com/google/uuid (EnableRandPool) every time it builds options, and reads
// it when it makes a record id, so two WARCs written at once would race.
var gowarcMu sync.Mutex

func newBuilder(t gowarc.RecordType) gowarc.WarcRecordBuilder {
	gowarcMu.Lock()
	defer gowarcMu.Unlock()
	return gowarc.NewRecordBuilder(t,
		gowarc.WithAddMissingRecordId(true),
		gowarc.WithAddMissingContentLength(true),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
		gowarc.WithDefaultDigestEncoding(gowarc.Base16),
		gowarc.WithFixContentLength(true),
	)
}

// write builds the record and writes it as its own gzip member. It returns the record id.
func (ww *WARCWriter) write(rb gowarc.WarcRecordBuilder) (string, error) {
	if ww.err != nil {
		return "", ww.err
	}
	gowarcMu.Lock()
	rec, _, err := rb.Build()
	gowarcMu.Unlock()
	if err != nil {
		return "", fmt.Errorf("archive: build warc record: %w", err)
	}
	defer rec.Close()
	id := rec.WarcHeader().Get(gowarc.WarcRecordID)
	gz, _ := gzip.NewWriterLevel(ww.w, gzip.BestSpeed)
	if _, _, err := gowarc.NewMarshaler().Marshal(gz, rec, 0); err != nil {
		ww.err = fmt.Errorf("archive: write warc record: %w", err)
		return "", ww.err
	}
	if err := gz.Close(); err != nil {
		ww.err = fmt.Errorf("archive: write warc record: %w", err)
		return "", ww.err
	}
	ww.records++
	return id, nil
}

// transferHeaders lists headers that describe the transfer, not the body we hold.
var transferHeaders = map[string]bool{"transfer-encoding": true, "content-encoding": true, "content-length": true}

func requestBlock(u *url.URL, ex *Exchange) []byte {
	var b bytes.Buffer
	target := u.RequestURI()
	method := ex.Method
	if method == "" {
		method = "GET"
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, target)
	hasHost := false
	for _, h := range ex.RequestHeaders {
		name := h.Name
		if strings.HasPrefix(name, ":") { // HTTP/2 pseudo-headers
			if name == ":authority" {
				name = "Host"
			} else {
				continue
			}
		}
		if strings.EqualFold(name, "host") {
			hasHost = true
		}
		fmt.Fprintf(&b, "%s: %s\r\n", name, oneLine(h.Value))
	}
	if !hasHost {
		fmt.Fprintf(&b, "Host: %s\r\n", u.Host)
	}
	b.WriteString("\r\n")
	b.Write(ex.RequestBody)
	return b.Bytes()
}

// responseBlock rebuilds the HTTP response message. The body is the decoded body the browser
// returned, so Content-Encoding and Transfer-Encoding no longer apply: they are kept under
// X-Archive-Orig- names and Content-Length is set to the length of the body held.
func responseBlock(ex *Exchange) []byte {
	var b bytes.Buffer
	statusLine := fmt.Sprintf("HTTP/1.1 %d %s", ex.Status, statusText(ex))
	if ex.RawResponseHead != "" {
		if first, _, _ := strings.Cut(ex.RawResponseHead, "\n"); strings.HasPrefix(first, "HTTP/") {
			statusLine = strings.TrimRight(first, "\r")
		}
	}
	headers := ex.HeaderLines()
	b.WriteString(statusLine + "\r\n")
	for _, h := range headers {
		if transferHeaders[strings.ToLower(h.Name)] {
			fmt.Fprintf(&b, "X-Archive-Orig-%s: %s\r\n", h.Name, oneLine(h.Value))
			continue
		}
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, oneLine(h.Value))
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(ex.Body))
	b.Write(ex.Body)
	return b.Bytes()
}

// HeaderLines returns the response header lines: parsed from RawResponseHead when the
// browser had the raw text, else ResponseHeaders.
func (ex *Exchange) HeaderLines() []Header {
	if ex.RawResponseHead == "" {
		return ex.ResponseHeaders
	}
	var headers []Header
	lines := strings.Split(strings.ReplaceAll(ex.RawResponseHead, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if i == 0 && strings.HasPrefix(l, "HTTP/") {
			continue
		}
		if name, value, ok := strings.Cut(l, ":"); ok {
			headers = append(headers, Header{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
	}
	return headers
}

func statusText(ex *Exchange) string {
	if ex.StatusText != "" {
		return ex.StatusText
	}
	return httpStatusText(ex.Status)
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// SplitHeaderMap turns a browser header map (duplicates joined with "\n") into sorted lines.
func SplitHeaderMap(m map[string]any) []Header {
	var out []Header
	for name, v := range m {
		s := fmt.Sprint(v)
		for _, part := range strings.Split(s, "\n") {
			out = append(out, Header{name, part})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

// ErrBadWARC reports a WARC file that does not parse or whose digests do not match.
var ErrBadWARC = errors.New("archive: bad WARC")

// WARCRecord summarises one record read back by ReadWARC.
type WARCRecord struct {
	Type      string
	TargetURI string
	IPAddress string
	Status    int
	Payload   []byte
}

// ReadWARC reads every record of a WARC file and checks, for each, that its
// WARC-Block-Digest and (where present) WARC-Payload-Digest are SHA-256 digests that match
// the bytes. It returns the records, or an error wrapping ErrBadWARC that names the record.
func ReadWARC(r io.Reader) ([]WARCRecord, error) {
	gowarcMu.Lock()
	rd, err := gowarc.NewWarcFileReaderFromStream(r, 0, gowarc.WithStrictValidation())
	gowarcMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadWARC, err)
	}
	defer rd.Close()
	var out []WARCRecord
	for rec, err := range rd.Records() {
		if err != nil {
			return out, fmt.Errorf("%w: record %d: %v", ErrBadWARC, len(out)+1, err)
		}
		item, err := checkRecord(rec.WarcRecord)
		rec.Close()
		if err != nil {
			return out, fmt.Errorf("%w: record %d (%s %s): %v", ErrBadWARC, len(out)+1, item.Type, item.TargetURI, err)
		}
		out = append(out, item)
	}
	return out, nil
}

func checkRecord(wr gowarc.WarcRecord) (WARCRecord, error) {
	item := WARCRecord{
		Type:      wr.Type().String(),
		TargetURI: wr.WarcHeader().Get(gowarc.WarcTargetURI),
		IPAddress: wr.WarcHeader().Get(gowarc.WarcIPAddress),
	}
	block := wr.Block()
	if err := block.Cache(); err != nil {
		return item, err
	}
	raw, err := readAll(block.RawBytes())
	if err != nil {
		return item, err
	}
	if err := checkDigest("block", wr.WarcHeader().Get(gowarc.WarcBlockDigest), raw, true); err != nil {
		return item, err
	}
	pb, ok := block.(gowarc.PayloadBlock)
	if !ok {
		return item, nil
	}
	payload, err := readAll(pb.PayloadBytes())
	if err != nil {
		return item, err
	}
	if err := checkDigest("payload", wr.WarcHeader().Get(gowarc.WarcPayloadDigest), payload, false); err != nil {
		return item, err
	}
	if hb, ok := block.(gowarc.HttpResponseBlock); ok {
		item.Status = hb.HttpStatusCode()
		item.Payload = payload
	}
	return item, nil
}

func readAll(r io.Reader, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// checkDigest compares a "sha256:<hex>" header with the SHA-256 of data.
func checkDigest(what, header string, data []byte, required bool) error {
	if header == "" {
		if required {
			return fmt.Errorf("no %s digest", what)
		}
		return nil
	}
	alg, val, _ := strings.Cut(header, ":")
	if !strings.EqualFold(alg, "sha256") {
		return fmt.Errorf("%s digest is %s, not sha256", what, alg)
	}
	sum := sha256.Sum256(data)
	if !strings.EqualFold(val, hex.EncodeToString(sum[:])) {
		return fmt.Errorf("%s digest mismatch", what)
	}
	return nil
}

func httpStatusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "Status " + strconv.Itoa(code)
}
