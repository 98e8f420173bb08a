package wacz

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestWriteLayout(t *testing.T) {
	f := buildFixture(t)
	var out bytes.Buffer
	res, err := Write(context.Background(), &out, f.warcs(), Options{Title: "채증 2026-11-27", Created: fixtureTime, Software: "evidentia test"})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
		if strings.HasPrefix(zf.Name, "archive/") {
			if zf.Method != zip.Store {
				t.Errorf("%s: method %d, want Store", zf.Name, zf.Method)
			}
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(b, f.Data[strings.TrimPrefix(zf.Name, "archive/")]) {
				t.Errorf("%s is not byte-identical to the WARC given", zf.Name)
			}
		}
	}
	want := "archive/0190c3f2-0001.warc.gz archive/0190c3f2-0002.warc.gz archive/0190c3f2-0003.warc.gz indexes/index.cdxj pages/pages.jsonl datapackage.json datapackage-digest.json"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries\n got %s\nwant %s", got, want)
	}
	for _, fl := range res.Files {
		if strings.HasPrefix(fl.Path, "archive/") {
			sum := sha256.Sum256(f.Data[fl.Name])
			if fl.Hash != "sha256:"+hex.EncodeToString(sum[:]) || fl.Bytes != int64(len(f.Data[fl.Name])) {
				t.Errorf("%s: hash/bytes %s %d do not match the WARC", fl.Path, fl.Hash, fl.Bytes)
			}
		}
	}
	if res.Pages != 3 || res.Signed || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "not-recorded") {
		t.Errorf("result: pages %d signed %v notes %q", res.Pages, res.Signed, res.Notes)
	}
	if res.Records != 7+6+5 {
		t.Errorf("records %d, want 18", res.Records)
	}
}

func TestWriteRefuses(t *testing.T) {
	f := buildFixture(t)
	good := f.warcs()
	bad := func(mut func(ws []WARC) []WARC) []WARC {
		ws := append([]WARC(nil), good...)
		return mut(ws)
	}
	flip := func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 0x40; return c }
	tests := []struct {
		name  string
		warcs []WARC
		want  error
	}{
		{"none", nil, ErrBadName},
		{"path name", bad(func(ws []WARC) []WARC { ws[0].Name = "../x.warc.gz"; return ws }), ErrBadName},
		{"not .warc.gz", bad(func(ws []WARC) []WARC { ws[0].Name = "x.zip"; return ws }), ErrBadName},
		{"twice", bad(func(ws []WARC) []WARC { ws[1].Name = ws[0].Name; return ws }), ErrBadName},
		{"not gzip", bad(func(ws []WARC) []WARC { ws[0].Open = opener([]byte("WARC/1.1\r\n")); return ws }), ErrBadWARC},
		{"corrupt", bad(func(ws []WARC) []WARC { ws[0].Open = opener(flip(f.Data[f.Names[0]])); return ws }), ErrBadWARC},
		{"open fails", bad(func(ws []WARC) []WARC {
			ws[0].Open = func(context.Context) (io.ReadCloser, error) { return nil, errors.New("gone") }
			return ws
		}), nil},
		{"page without response", bad(func(ws []WARC) []WARC {
			ws[2].Open = opener(f.Data[f.Names[0]][:0])
			return ws
		}), ErrBadWARC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Write(context.Background(), io.Discard, tt.warcs, Options{})
			if err == nil {
				t.Fatal("Write succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

func opener(b []byte) func(context.Context) (io.ReadCloser, error) {
	return func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}
