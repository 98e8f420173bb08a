package wacz

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files (and, when missing, the input WARCs) in testdata/")

// TestGolden writes a WACZ from fixed WARCs stored in testdata/golden (record ids and
// warcinfo dates are random, so the inputs are stored, not rebuilt) and compares its index
// and pages with the golden files. -update rewrites the golden files; the input WARCs are
// made only when missing.
func TestGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	f := buildFixture(t)
	var warcs []WARC
	for _, n := range f.Names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); os.IsNotExist(err) && *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, n, f.Data[n])
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run go test ./wacz -run TestGolden -update to create it)", err)
		}
		warcs = append(warcs, WARC{Name: n, Pages: f.Pages[n], Open: opener(data)})
	}
	var out bytes.Buffer
	if _, err := Write(context.Background(), &out, warcs, Options{Title: "golden", Created: fixtureTime, Software: "evidentia test"}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{indexPath, pagesPath, datapackagePath} {
		zf, err := zr.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(zf)
		zf.Close()
		golden := filepath.Join(dir, filepath.Base(name)+".golden")
		if *update {
			writeFile(t, dir, filepath.Base(golden), got)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s:\n got:\n%s\nwant:\n%s", name, golden, got, want)
		}
	}
}
