package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func sampleExchanges() []*Exchange {
	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	return []*Exchange{
		{
			URL: "http://127.0.0.1:8080/page?x=1", Method: "GET", RequestTime: t0, ResponseTime: t0.Add(time.Second),
			RequestHeaders: []Header{{"Accept", "text/html"}},
			Status:         200, StatusText: "OK",
			RawResponseHead: "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=euc-kr\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked",
			Body:            []byte("<html>\xc7\xd1\xb1\xdb</html>"), BodyComplete: true, RemoteIP: "127.0.0.1",
		},
		{
			URL: "https://example.test/api", Method: "POST", RequestBody: []byte(`{"a":1}`), RequestTime: t0,
			RequestHeaders: []Header{{":authority", "example.test"}, {":method", "POST"}, {"content-type", "application/json"}},
			Status:         201, ResponseHeaders: []Header{{"content-type", "application/json"}},
			Body: []byte(`{"ok":true}`), BodyComplete: true, RemoteIP: "10.0.0.1",
		},
		{URL: "http://127.0.0.1:8080/failed", Method: "GET", RequestTime: t0},
		{URL: "data:text/plain,skip", Method: "GET"},
	}
}

func writeSample(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWARCWriter(&buf, "network.warc.gz", WARCInfo{Software: "Evidentia test", Operator: "홍길동"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range sampleExchanges() {
		if err := w.WriteExchange(ex); err != nil {
			t.Fatal(err)
		}
	}
	// warcinfo + 2 request/response pairs + 1 lone request; data: is skipped.
	if w.Records() != 6 {
		t.Fatalf("records = %d, want 6", w.Records())
	}
	return buf.Bytes()
}

func TestWARCRoundTrip(t *testing.T) {
	data := writeSample(t)
	recs, err := ReadWARC(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	types := []string{}
	for _, r := range recs {
		types = append(types, r.Type)
	}
	if got := strings.Join(types, ","); got != "warcinfo,request,response,request,response,request" {
		t.Fatalf("record types = %s", got)
	}
	r := recs[2]
	if r.TargetURI != "http://127.0.0.1:8080/page?x=1" || r.IPAddress != "127.0.0.1" || r.Status != 200 {
		t.Errorf("response = %+v", r)
	}
	if !bytes.Equal(r.Payload, []byte("<html>\xc7\xd1\xb1\xdb</html>")) {
		t.Errorf("payload = %q", r.Payload)
	}
	if recs[4].Status != 201 || string(recs[4].Payload) != `{"ok":true}` {
		t.Errorf("h2 response = %+v", recs[4])
	}
}

func TestWARCIsGzipPerRecordWithSHA256Digests(t *testing.T) {
	data := writeSample(t)
	br := bufio.NewReader(bytes.NewReader(data))
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	var all bytes.Buffer
	for {
		zr.Multistream(false)
		if _, err := io.Copy(&all, zr); err != nil {
			t.Fatal(err)
		}
		members++
		if err := zr.Reset(br); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if members != 6 {
		t.Errorf("gzip members = %d, want one per record (6)", members)
	}
	text := all.String()
	if strings.Count(text, "WARC/1.1\r\n") != 6 {
		t.Errorf("want 6 WARC/1.1 records, text:\n%s", text)
	}
	for _, want := range []string{"WARC-Block-Digest: sha256:", "WARC-Payload-Digest: sha256:", "WARC-IP-Address: 127.0.0.1",
		"X-Archive-Orig-Content-Encoding: gzip", "X-Archive-Orig-Transfer-Encoding: chunked", "Host: example.test", "POST /api HTTP/1.1"} {
		if !strings.Contains(text, want) {
			t.Errorf("WARC lacks %q", want)
		}
	}
	if strings.Contains(text, ":method") {
		t.Errorf("HTTP/2 pseudo-header leaked into the request record")
	}
	if strings.Contains(text, "\r\nContent-Encoding: gzip") {
		t.Errorf("Content-Encoding kept for a decoded body")
	}
}

func TestReadWARCDetectsTampering(t *testing.T) {
	data := writeSample(t)
	// Decompress (an uncompressed WARC is valid too) and flip one byte of the page body: the
	// block digest no longer matches.
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(plain, []byte("<html>"))
	if i < 0 {
		t.Fatal("body not found")
	}
	plain[i+1] ^= 0x20
	if _, err := ReadWARC(bytes.NewReader(plain)); !errors.Is(err, ErrBadWARC) || !strings.Contains(err.Error(), "record 3") {
		t.Errorf("tampered WARC: err = %v, want ErrBadWARC", err)
	}
}
