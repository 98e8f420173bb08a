package wacz

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"evidentia/archive"
)

// fixtureTime is the fixed capture time of the test WARCs.
var fixtureTime = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// fixture is a set of WARCs written with archive.NewWARCWriter, with the pages recorded in them.
type fixture struct {
	Names []string
	Data  map[string][]byte
	Pages map[string][]Page
}

func (f *fixture) warcs() []WARC {
	var out []WARC
	for _, n := range f.Names {
		data := f.Data[n]
		out = append(out, WARC{Name: n, Pages: f.Pages[n], Open: func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}})
	}
	return out
}

func hdrs(kv ...string) []archive.Header {
	var out []archive.Header
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, archive.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func at(sec int) time.Time { return fixtureTime.Add(time.Duration(sec) * time.Second) }

// Korean page content.
const koreanHTML = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>선거 공보 — 후보자 정보</title></head><body><h1>후보자 정보</h1><img src="/로고.png"></body></html>`

// buildFixture writes three WARCs: a redirect to a Korean-path page; an IDN page with a Korean
// title, an image and a form POST; and a page whose given URL is not recorded (fallback).
func buildFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{Data: map[string][]byte{}, Pages: map[string][]Page{}}
	add := func(name string, pages []Page, exs ...*archive.Exchange) {
		var b bytes.Buffer
		ww, err := archive.NewWARCWriter(&b, name, archive.WARCInfo{Software: "evidentia-test", Operator: "홍길동"})
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range exs {
			if err := ww.WriteExchange(ex); err != nil {
				t.Fatal(err)
			}
		}
		f.Names = append(f.Names, name)
		f.Data[name] = b.Bytes()
		f.Pages[name] = pages
	}
	// URLs as Chromium reports them: punycode host, percent-encoded path (https://선거.한국/공보?id=7).
	idnPage := "https://xn--3e0b707e.xn--v69a850b/%EA%B3%B5%EB%B3%B4?id=7"
	koreanPath := "https://www.example.com/%ED%9B%84%EB%B3%B4%EC%9E%90/%EC%A0%95%EB%B3%B4?b=2&a=1"
	add("0190c3f2-0001.warc.gz",
		[]Page{{ID: "p1", URL: "http://example.com/go", Title: "후보자 정보"}},
		&archive.Exchange{URL: "http://example.com/go", Method: "GET", RequestHeaders: hdrs("Host", "example.com", "User-Agent", "test"),
			RequestTime: at(0), ResponseTime: at(1), Status: 301, ResponseHeaders: hdrs("Location", koreanPath, "Content-Type", "text/html"), BodyComplete: true},
		&archive.Exchange{URL: koreanPath, Method: "GET", RequestHeaders: hdrs("User-Agent", "test"),
			RequestTime: at(2), ResponseTime: at(3), Status: 200, ResponseHeaders: hdrs("Content-Type", "text/html; charset=utf-8"), Body: []byte(koreanHTML), BodyComplete: true},
		&archive.Exchange{URL: "https://www.example.com/%EB%A1%9C%EA%B3%A0.png", Method: "GET", RequestTime: at(4), ResponseTime: at(5), Status: 200,
			ResponseHeaders: hdrs("Content-Type", "image/png"), Body: bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 300), BodyComplete: true},
	)
	add("0190c3f2-0002.warc.gz",
		[]Page{{ID: "p2", URL: idnPage, Title: "선거 공보 — 후보자 정보", TS: at(10)}},
		&archive.Exchange{URL: idnPage, Method: "GET", RequestTime: at(10), ResponseTime: at(11), Status: 200,
			RawResponseHead: "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n\r\n", Body: []byte(koreanHTML), BodyComplete: true},
		&archive.Exchange{URL: "https://xn--3e0b707e.xn--v69a850b/search", Method: "POST", RequestHeaders: hdrs("Content-Type", "application/x-www-form-urlencoded"),
			RequestBody: []byte("q=%ED%9B%84%EB%B3%B4&page=1"), RequestTime: at(12), ResponseTime: at(13), Status: 200,
			ResponseHeaders: hdrs("Content-Type", "application/json"), Body: []byte(`{"results":["후보"]}`), BodyComplete: true},
		&archive.Exchange{URL: "https://xn--3e0b707e.xn--v69a850b/gone", Method: "GET", RequestTime: at(14)}, // no response
	)
	add("0190c3f2-0003.warc.gz",
		[]Page{{URL: "https://example.org/not-recorded", Title: "Fallback"}},
		&archive.Exchange{URL: "https://example.org/style.css", Method: "GET", RequestTime: at(20), ResponseTime: at(21), Status: 200,
			ResponseHeaders: hdrs("Content-Type", "text/css"), Body: []byte("body{color:red}"), BodyComplete: true},
		&archive.Exchange{URL: "https://example.org/index.html", Method: "GET", RequestTime: at(22), ResponseTime: at(23), Status: 200,
			ResponseHeaders: hdrs("Content-Type", "text/html"), Body: []byte("<title>x</title>"), BodyComplete: false},
	)
	return f
}

// writeFile saves b under dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
