package safezip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ent describes one entry of a test ZIP. With raw set, the entry is written with CreateRaw:
// data is written as is and the header (sizes, CRC, method, flags) is taken from hdr.
type ent struct {
	name   string
	data   []byte
	method uint16
	mode   fs.FileMode // 0: regular 0644
	raw    bool
	hdr    func(*zip.FileHeader)
}

func buildZip(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range ents {
		fh := &zip.FileHeader{Name: e.name, Method: e.method}
		if e.mode != 0 {
			fh.SetMode(e.mode)
		}
		if e.raw {
			fh.CompressedSize64 = uint64(len(e.data))
			fh.UncompressedSize64 = uint64(len(e.data))
			fh.CRC32 = crc32.ChecksumIEEE(e.data)
			if e.hdr != nil {
				e.hdr(fh)
			}
			w, err := zw.CreateRaw(fh)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.data)
			continue
		}
		if e.hdr != nil {
			e.hdr(fh)
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(b []byte, lim Limits) (*Reader, error) {
	return Open(bytes.NewReader(b), int64(len(b)), lim)
}

func readAll(r *Reader, name string) ([]byte, error) {
	rc, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// deflateZeros returns the raw deflate stream of n zero bytes, streamed (the zeros are never in
// memory) and the CRC-32 of those n bytes.
func deflateZeros(t testing.TB, n int64) ([]byte, uint32) {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	h := crc32.NewIEEE()
	if _, err := io.CopyN(io.MultiWriter(fw, h), zeros{}, n); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	return buf.Bytes(), h.Sum32()
}

func TestOpenValid(t *testing.T) {
	inner := buildZip(t, ent{name: "inner.txt", data: []byte("inside"), method: zip.Deflate})
	b := buildZip(t,
		ent{name: "VERIFY.txt", data: []byte("hello"), method: zip.Deflate},
		ent{name: "captures/", mode: fs.ModeDir | 0o755},
		ent{name: "captures/01-예시-abc/화면.png", data: bytes.Repeat([]byte("x"), 5000), method: zip.Deflate},
		ent{name: "archive/case.wacz", data: inner, method: zip.Store},
		ent{name: "empty", method: zip.Store},
	)
	r, err := open(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"VERIFY.txt", "captures/", "captures/01-예시-abc/화면.png", "archive/case.wacz", "empty"}
	if got := r.Names(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Names = %q, want %q", got, want)
	}
	if got, err := readAll(r, "VERIFY.txt"); err != nil || string(got) != "hello" {
		t.Fatalf("read = %q, %v", got, err)
	}
	if got, err := readAll(r, "empty"); err != nil || len(got) != 0 {
		t.Fatalf("read empty = %q, %v", got, err)
	}
	if _, ok := r.Entry("archive/case.wacz"); !ok {
		t.Fatal("Entry: not found")
	}
	if _, ok := r.Entry("Archive/case.wacz"); ok {
		t.Fatal("Entry is exact, found a case variant")
	}
	if _, err := r.Open("nope"); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("Open(nope) = %v, want ErrNoEntry", err)
	}
	if _, _, _, err := r.ReaderAt(context.Background(), "nope", t.TempDir()); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("ReaderAt(nope) = %v, want ErrNoEntry", err)
	}
}

func TestRefusals(t *testing.T) {
	small := Limits{MaxEntries: 3, MaxEntrySize: 1000, MaxTotalSize: 1500, MaxRatio: 200}
	bomb, bombCRC := deflateZeros(t, 64<<20)
	data := []byte("some content")
	tests := []struct {
		name  string
		lim   Limits
		ents  []ent
		entry string // the entry the error must name
		want  []error
		edit  func(t testing.TB, b []byte) []byte // changes the bytes written, when set
	}{
		{"absolute", DefaultLimits(), []ent{{name: "/etc/passwd", data: data}}, "/etc/passwd", []error{ErrUnsafe}, nil},
		{"dotdot", DefaultLimits(), []ent{{name: "a/../../evil", data: data}}, "a/../../evil", []error{ErrUnsafe}, nil},
		{"dotdot only", DefaultLimits(), []ent{{name: "..", data: data}}, "..", []error{ErrUnsafe}, nil},
		{"dot", DefaultLimits(), []ent{{name: "a/./b", data: data}}, "a/./b", []error{ErrUnsafe}, nil},
		{"backslash", DefaultLimits(), []ent{{name: `..\evil.exe`, data: data}}, `..\evil.exe`, []error{ErrUnsafe}, nil},
		{"drive", DefaultLimits(), []ent{{name: "C:evil", data: data}}, "C:evil", []error{ErrUnsafe}, nil},
		{"drive slash", DefaultLimits(), []ent{{name: "c:/evil", data: data}}, "c:/evil", []error{ErrUnsafe}, nil},
		{"empty name", DefaultLimits(), []ent{{name: "", data: data}}, "", []error{ErrUnsafe}, nil},
		{"empty element", DefaultLimits(), []ent{{name: "a//b", data: data}}, "a//b", []error{ErrUnsafe}, nil},
		{"invalid utf8", DefaultLimits(), []ent{{name: "bad\xff\xfe", data: data}}, "bad\xff\xfe", []error{ErrUnsafe}, nil},
		{"control", DefaultLimits(), []ent{{name: "a\nb", data: data}}, "a\nb", []error{ErrUnsafe}, nil},
		{"c1 control", DefaultLimits(), []ent{{name: "a\u0085b", data: data}}, "a\u0085b", []error{ErrUnsafe}, nil},
		{"bidi override", DefaultLimits(), []ent{{name: "report\u202efdp.exe", data: data}}, "report\u202efdp.exe", []error{ErrUnsafe}, nil},
		{"symlink", DefaultLimits(), []ent{{name: "link", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}}, "link", []error{ErrUnsafe}, nil},
		{"device", DefaultLimits(), []ent{{name: "dev", mode: fs.ModeDevice | 0o644}}, "dev", []error{ErrUnsafe}, nil},
		{"fifo", DefaultLimits(), []ent{{name: "pipe", mode: fs.ModeNamedPipe | 0o644}}, "pipe", []error{ErrUnsafe}, nil},
		{"dir mode without slash", DefaultLimits(), []ent{{name: "d", mode: fs.ModeDir | 0o755}}, "d", []error{ErrUnsafe}, nil},
		{"dir with content", DefaultLimits(), []ent{{name: "d/", data: data, raw: true}}, "d/", []error{ErrUnsafe}, nil},
		{"duplicate", DefaultLimits(), []ent{{name: "a.txt", data: data}, {name: "a.txt", data: data}}, "a.txt", []error{ErrUnsafe}, nil},
		{"duplicate case", DefaultLimits(), []ent{{name: "Report.PDF", data: data}, {name: "report.pdf", data: data}}, "report.pdf", []error{ErrUnsafe}, nil},
		{"duplicate fold ß", DefaultLimits(), []ent{{name: "straße", data: data}, {name: "STRASSE", data: data}}, "STRASSE", []error{ErrUnsafe}, nil},
		{"duplicate nfc", DefaultLimits(), []ent{{name: "caf\u00e9", data: data}, {name: "cafe\u0301", data: data}}, "cafe\u0301", []error{ErrUnsafe}, nil},
		{"duplicate hangul nfd", DefaultLimits(), []ent{{name: "\uac00.txt", data: data}, {name: "\u1100\u1161.txt", data: data}}, "\u1100\u1161.txt", []error{ErrUnsafe}, nil},
		{"file and folder", DefaultLimits(), []ent{{name: "a/b", data: data}, {name: "A", data: data}}, "A", []error{ErrUnsafe}, nil},
		{"folder entry and file", DefaultLimits(), []ent{{name: "x/", mode: fs.ModeDir | 0o755}, {name: "x", data: data}}, "x", []error{ErrUnsafe}, nil},
		{"encrypted", DefaultLimits(), []ent{{name: "secret", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Flags |= 1 }}}, "secret", []error{ErrUnsafe}, nil},
		{"bzip2", DefaultLimits(), []ent{{name: "b.bz2", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Method = 12 }}}, "b.bz2", []error{ErrUnsafe}, nil},
		{"stored sizes differ", DefaultLimits(), []ent{{name: "s", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.UncompressedSize64 = 100 }}}, "s", []error{ErrUnsafe}, nil},
		{"too many entries", small, []ent{{name: "1"}, {name: "2"}, {name: "3"}, {name: "4"}}, "", []error{ErrUnsafe, ErrTooLarge}, nil},
		{"declared entry size", small, []ent{{name: "big", data: make([]byte, 1001), method: zip.Deflate}}, "big", []error{ErrUnsafe, ErrTooLarge}, nil},
		{"declared total size", small, []ent{{name: "a", data: make([]byte, 800)}, {name: "b", data: make([]byte, 800)}}, "b", []error{ErrUnsafe, ErrTooLarge}, nil},
		{"declared ratio (64 MiB bomb)", DefaultLimits(), []ent{{name: "bomb", data: bomb, raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, 64<<20, bombCRC
		}}}, "bomb", []error{ErrUnsafe, ErrTooLarge}, nil},
		{"data past the end", DefaultLimits(), []ent{{name: "long", data: data, raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.CompressedSize64 = zip.Deflate, 1<<40
		}}}, "long", []error{ErrNotZip}, nil},

		// Bytes that no check would cover, or that other tools read differently.
		{"data after the end record", DefaultLimits(), []ent{{name: "a.txt", data: data}}, "", []error{ErrUnsafe, ErrNotZip},
			func(_ testing.TB, b []byte) []byte { return append(b, "appended payload"...) }},
		{"a whole ZIP before the real one (offsets adjusted)", DefaultLimits(), []ent{{name: "real.txt", data: data}}, "real.txt", []error{ErrUnsafe, ErrNotZip},
			func(t testing.TB, _ []byte) []byte {
				decoy := buildZip(t, ent{name: "decoy.txt", data: []byte("what other tools extract")})
				var buf bytes.Buffer
				buf.Write(decoy)
				zw := zip.NewWriter(&buf)
				zw.SetOffset(int64(len(decoy)))
				w, _ := zw.Create("real.txt")
				w.Write(data)
				if err := zw.Close(); err != nil {
					t.Fatal(err)
				}
				return buf.Bytes()
			}},
		{"local header names another file", DefaultLimits(), []ent{{name: "aaaaaaaaaaaaaaa.csv", data: data}}, "aaaaaaaaaaaaaaa.csv", []error{ErrUnsafe},
			func(_ testing.TB, b []byte) []byte {
				return bytes.Replace(b, []byte("aaaaaaaaaaaaaaa.csv"), []byte("../../../etc/xx.csv"), 1) // the local header's
			}},
		{"local header flags differ (encrypted)", DefaultLimits(), []ent{{name: "f", data: data}}, "f", []error{ErrUnsafe},
			func(_ testing.TB, b []byte) []byte { b[6] |= 1; return b }},
		{"local header method differs", DefaultLimits(), []ent{{name: "m", data: data}}, "m", []error{ErrUnsafe},
			func(_ testing.TB, b []byte) []byte { b[8] = 8; return b }},
		{"local header size differs", DefaultLimits(), []ent{{name: "s", data: data, raw: true}}, "s", []error{ErrUnsafe},
			func(_ testing.TB, b []byte) []byte { b[18]--; return b }},
		{"local header missing", DefaultLimits(), []ent{{name: "l", data: data}}, "l", []error{ErrNotZip},
			func(_ testing.TB, b []byte) []byte { b[0] = 'X'; return b }},
		{"gap between entries", DefaultLimits(), []ent{{name: "a", data: data}, {name: "b", data: data}}, "b", []error{ErrUnsafe, ErrNotZip},
			func(t testing.TB, b []byte) []byte { return splice(t, b, headerOffsets(t, b)[1], 0, []byte("hidden")) }},
		{"gap before the central directory", DefaultLimits(), []ent{{name: "a", data: data}}, "a", []error{ErrUnsafe, ErrNotZip},
			func(t testing.TB, b []byte) []byte { return splice(t, b, cdOffset(t, b), 0, []byte("hidden")) }},
		{"gap before the first entry", DefaultLimits(), []ent{{name: "a", data: data}}, "a", []error{ErrUnsafe, ErrNotZip},
			func(t testing.TB, b []byte) []byte { return splice(t, b, 0, 0, []byte("MZ stub")) }},
		{"junk inside the central directory", DefaultLimits(), []ent{{name: "a", data: data}}, "", []error{ErrUnsafe, ErrNotZip},
			func(t testing.TB, b []byte) []byte {
				end := len(b) - 22
				b = append(b[:end:end], append([]byte("junk"), b[end:]...)...)
				binary.LittleEndian.PutUint32(b[len(b)-22+12:], binary.LittleEndian.Uint32(b[len(b)-22+12:])+4)
				return b
			}},
		{"data descriptor does not match", DefaultLimits(), []ent{{name: "d", data: data, method: zip.Deflate}}, "d", []error{ErrUnsafe, ErrNotZip},
			func(t testing.TB, b []byte) []byte {
				i := bytes.Index(b, []byte("PK\x07\x08"))
				b[i+4] ^= 1 // its CRC
				return b
			}},
		{"data descriptor flag without descriptor", DefaultLimits(), []ent{{name: "d", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Flags |= 0x8 }}}, "d", []error{ErrNotZip},
			func(t testing.TB, b []byte) []byte {
				i := bytes.Index(b, []byte("PK\x07\x08"))
				return splice(t, b, i, 16, nil)
			}},
		{"overlapping entries", DefaultLimits(), []ent{{name: "a", data: buildZip(t, ent{name: "b", data: []byte("x")})}, {name: "b", data: []byte("x")}}, "a", []error{ErrUnsafe},
			func(t testing.TB, b []byte) []byte {
				// b's central header points at the copy of its local header inside a's data.
				cd := bytes.LastIndex(b, []byte("PK\x01\x02"))
				binary.LittleEndian.PutUint32(b[cd+42:], uint32(headerOffsets(t, b)[0]+30+1))
				return b
			}},
		{"comment holding an end record signature", DefaultLimits(), []ent{{name: "a", data: data}}, "", []error{ErrUnsafe},
			func(t testing.TB, b []byte) []byte {
				b = append(b, "xxPK\x05\x06"...)
				binary.LittleEndian.PutUint16(b[len(b)-8-2:], 8)
				return b
			}},
		{"spanning disks", DefaultLimits(), []ent{{name: "a", data: data}}, "", []error{ErrNotZip},
			func(t testing.TB, b []byte) []byte { b[len(b)-22+4] = 1; return b }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := buildZip(t, tc.ents...)
			if tc.edit != nil {
				b = tc.edit(t, b)
			}
			r, err := open(b, tc.lim)
			if err == nil {
				t.Fatalf("Open accepted it: %q", r.Names())
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if tc.entry != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.entry)) {
				t.Errorf("err = %v, does not name %q", err, tc.entry)
			}
		})
	}
}

// TestReadLimits checks entries whose headers lie: Open accepts them, reading fails.
func TestReadLimits(t *testing.T) {
	bomb, bombCRC := deflateZeros(t, 64<<20)
	data := bytes.Repeat([]byte("evidence "), 1000)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.DefaultCompression)
	fw.Write(data)
	fw.Close()
	crc := crc32.ChecksumIEEE(data)
	lim := DefaultLimits()
	tests := []struct {
		name string
		e    ent
		want error
	}{
		{"bomb declaring 1 KiB", ent{name: "bomb", data: bomb, raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, 1024, bombCRC
		}}, ErrTooLarge},
		{"bomb declaring 2 MiB", ent{name: "bomb", data: bomb, raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, 2<<20, bombCRC
		}}, ErrTooLarge},
		{"declared too short", ent{name: "short", data: deflated.Bytes(), raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, uint64(len(data)-1), crc
		}}, ErrTooLarge},
		{"declared too long", ent{name: "long", data: deflated.Bytes(), raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, uint64(len(data)+1), crc
		}}, ErrNotZip},
		{"wrong crc", ent{name: "crc", data: deflated.Bytes(), raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, uint64(len(data)), crc^1
		}}, ErrNotZip},
		{"zero crc", ent{name: "crc0", data: deflated.Bytes(), raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, uint64(len(data)), 0
		}}, ErrNotZip},
		{"stored wrong crc", ent{name: "stored", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.CRC32 ^= 1 }}, ErrNotZip},
		{"garbage deflate", ent{name: "garbage", data: []byte{0xff, 0xff, 0xff, 0xff}, raw: true, hdr: func(h *zip.FileHeader) {
			h.Method, h.UncompressedSize64 = zip.Deflate, 10
		}}, ErrNotZip},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := buildZip(t, tc.e)
			r, err := open(b, lim)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			_, err = readAll(r, tc.e.name)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.e.name)) {
				t.Fatalf("read: %v, want %v naming %q", err, tc.want, tc.e.name)
			}
			dir := t.TempDir()
			_, _, _, err = r.ReaderAt(context.Background(), tc.e.name, dir)
			if tc.e.hdr != nil && r.byName[tc.e.name].Method == zip.Deflate {
				if !errors.Is(err, tc.want) {
					t.Fatalf("ReaderAt: %v, want %v", err, tc.want)
				}
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Fatalf("ReaderAt left %v behind", left)
				}
			}
		})
	}
}

// TestZipBomb1GiB builds a ZIP holding 1 GiB of zeros in about 1 MB without ever holding or
// compressing the gigabyte: deflate blocks of 16 MiB of zeros, ended by a flush, decode the same
// way wherever they appear after zeros, so one is repeated 64 times. Open must refuse it on its
// declared ratio, and on MaxEntrySize; the first 32 MiB really inflate to zeros.
func TestZipBomb1GiB(t *testing.T) {
	const chunk, total = 16 << 20, 1 << 30
	var block bytes.Buffer
	fw, _ := flate.NewWriter(&block, flate.BestCompression)
	if _, err := io.CopyN(fw, zeros{}, chunk); err != nil {
		t.Fatal(err)
	}
	fw.Flush() // byte-aligned, not final
	h := crc32.NewIEEE()
	io.CopyN(h, zeros{}, total)
	f, err := os.Create(filepath.Join(t.TempDir(), "bomb.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "zeros.bin", Method: zip.Deflate, CRC32: h.Sum32(),
		UncompressedSize64: total, CompressedSize64: uint64(block.Len()*(total/chunk) + 5)})
	if err != nil {
		t.Fatal(err)
	}
	for range total / chunk {
		w.Write(block.Bytes())
	}
	w.Write([]byte{0x01, 0x00, 0x00, 0xff, 0xff}) // final empty stored block
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	t.Logf("1 GiB of zeros in a %d-byte ZIP", st.Size())
	if _, err := Open(f, st.Size(), DefaultLimits()); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), `"zeros.bin"`) {
		t.Fatalf("Open = %v, want ErrTooLarge naming zeros.bin", err)
	}
	if _, err := Open(f, st.Size(), Limits{MaxEntrySize: 16 << 20}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Open with a 16 MiB entry limit = %v, want ErrTooLarge", err)
	}
	// Without limits it opens, and it is what it claims: zeros.
	r, err := Open(f, st.Size(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := r.Open("zeros.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	head := make([]byte, 32<<20)
	if _, err := io.ReadFull(rc, head); err != nil || bytes.IndexFunc(head, func(r rune) bool { return r != 0 }) >= 0 {
		t.Fatalf("the bomb does not inflate to zeros: %v", err)
	}
}

func TestTruncatedAndGarbage(t *testing.T) {
	b := buildZip(t,
		ent{name: "a.txt", data: bytes.Repeat([]byte("a"), 3000), method: zip.Deflate},
		ent{name: "b.bin", data: bytes.Repeat([]byte{1, 2, 3}, 1000)},
	)
	for _, n := range []int{0, 1, 4, 22, 30, 100, len(b) / 2, len(b) - 23, len(b) - 22, len(b) - 10, len(b) - 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if _, err := open(b[:n], DefaultLimits()); !errors.Is(err, ErrNotZip) {
				t.Fatalf("Open(%d of %d bytes) = %v, want ErrNotZip", n, len(b), err)
			}
		})
	}
	for _, g := range [][]byte{[]byte("not a zip at all"), bytes.Repeat([]byte("PK\x05\x06"), 100), make([]byte, 4096)} {
		if _, err := open(g, DefaultLimits()); !errors.Is(err, ErrNotZip) {
			t.Errorf("Open(garbage %q...) = %v, want ErrNotZip", g[:min(8, len(g))], err)
		}
	}
	// A truncated ZIP whose last stored entry is a ZIP: archive/zip alone would open the inner one.
	inner := buildZip(t, ent{name: "inner.txt", data: []byte("inner")})
	outer := buildZip(t, ent{name: "a.txt", data: []byte("outer")}, ent{name: "nested.zip", data: inner})
	cut := outer[:bytes.Index(outer, inner)+len(inner)]
	if r, err := open(cut, DefaultLimits()); !errors.Is(err, ErrNotZip) {
		t.Errorf("Open(truncated before the outer directory) = %v, %v; want ErrNotZip", r, err)
	}
	if _, err := open(append([]byte("MZ self-extractor stub"), outer...), DefaultLimits()); !errors.Is(err, ErrNotZip) {
		t.Errorf("Open(data before the ZIP) = %v, want ErrNotZip", err)
	}
	if _, err := Open(nil, 0, DefaultLimits()); !errors.Is(err, ErrNotZip) {
		t.Errorf("Open(nil) = %v, want ErrNotZip", err)
	}
}

// TestDamagedData flips a byte inside a stored entry's data: Open cannot see it, reading must.
func TestDamagedData(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789"), 100)
	b := buildZip(t, ent{name: "doc.txt", data: content})
	i := bytes.Index(b, content)
	b[i+500] ^= 0x01
	r, err := open(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(r, "doc.txt"); !errors.Is(err, ErrNotZip) || !errors.Is(err, zip.ErrChecksum) {
		t.Fatalf("read = %v, want ErrNotZip and zip.ErrChecksum", err)
	}
}

func TestReaderAt(t *testing.T) {
	inner := buildZip(t,
		ent{name: "datapackage.json", data: []byte(`{"profile":"data-package"}`), method: zip.Deflate},
		ent{name: "archive/data.warc.gz", data: bytes.Repeat([]byte("w"), 10000)},
	)
	outer := buildZip(t,
		ent{name: "archive/stored.wacz", data: inner, method: zip.Store},
		ent{name: "archive/deflated.wacz", data: inner, method: zip.Deflate},
	)
	r, err := open(outer, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"archive/stored.wacz", "archive/deflated.wacz"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ra, size, cleanup, err := r.ReaderAt(context.Background(), name, dir)
			if err != nil {
				t.Fatal(err)
			}
			if size != int64(len(inner)) {
				t.Fatalf("size = %d, want %d", size, len(inner))
			}
			left, _ := os.ReadDir(dir)
			stored := strings.Contains(name, "stored")
			if stored != (len(left) == 0) {
				t.Fatalf("temporary files: %v (stored: %v)", left, stored)
			}
			nr, err := Open(ra, size, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(nr, "datapackage.json")
			if err != nil || !strings.Contains(string(got), "data-package") {
				t.Fatalf("nested read = %q, %v", got, err)
			}
			cleanup()
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Fatalf("cleanup left %v", left)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, _, _, err := r.ReaderAt(ctx, "archive/deflated.wacz", dir); !errors.Is(err, context.Canceled) {
		t.Fatalf("ReaderAt(cancelled) = %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("cancelled ReaderAt left %v", left)
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"a", "a/b.txt", "dir/", "captures/01-example.com-abcdef12/screenshot.png", "보고서/보고서.pdf", "ab:c", "x/C:y"} {
		if r := CheckName(ok); r != "" {
			t.Errorf("CheckName(%q) = %q, want accepted", ok, r)
		}
	}
	for _, bad := range []string{"", "/a", "a/", "a\\b", "D:x", "a/../b", "./a", "a//b", "a\x00", "a\x7f", "\xc3"} {
		if bad == "a/" {
			continue // folders are accepted by name; Open checks their mode
		}
		if r := CheckName(bad); r == "" {
			t.Errorf("CheckName(%q) accepted it", bad)
		}
	}
}

// FuzzOpen opens arbitrary bytes with small limits and reads every entry through Open and
// ReaderAt: nothing may panic, and every failure must be one of the package's errors.
func FuzzOpen(f *testing.F) {
	bomb, bombCRC := deflateZeros(f, 4<<20)
	seeds := [][]ent{
		{{name: "a.txt", data: []byte("hello"), method: zip.Deflate}, {name: "d/", mode: fs.ModeDir | 0o755}, {name: "d/b", data: []byte("x")}},
		{{name: "nested.zip", data: buildZip(f, ent{name: "x", data: []byte("inner"), method: zip.Deflate})}},
		{{name: "../evil", data: []byte("x")}},
		{{name: "a", data: []byte("1")}, {name: "A", data: []byte("2")}},
		{{name: "link", data: []byte("/etc"), mode: fs.ModeSymlink | 0o777}},
		{{name: "bomb", data: bomb, raw: true, hdr: func(h *zip.FileHeader) { h.Method, h.UncompressedSize64, h.CRC32 = zip.Deflate, 1000, bombCRC }}},
		{{name: "crc", data: []byte("abc"), raw: true, hdr: func(h *zip.FileHeader) { h.CRC32 = 0 }}},
	}
	for _, s := range seeds {
		b := buildZip(f, s...)
		f.Add(b)
		f.Add(b[:len(b)-5])
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	lim := Limits{MaxEntries: 20, MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20, MaxRatio: 50}
	sentinel := func(err error) bool {
		return errors.Is(err, ErrUnsafe) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotZip) || errors.Is(err, ErrNoEntry)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := open(b, lim)
		if err != nil {
			if !sentinel(err) {
				t.Fatalf("Open: unexpected error %v", err)
			}
			return
		}
		dir := t.TempDir()
		for _, name := range r.Names() {
			if _, err := readAll(r, name); err != nil && !sentinel(err) {
				t.Fatalf("read %q: unexpected error %v", name, err)
			}
			ra, size, cleanup, err := r.ReaderAt(context.Background(), name, dir)
			if err != nil {
				if !sentinel(err) {
					t.Fatalf("ReaderAt %q: unexpected error %v", name, err)
				}
				continue
			}
			if size > lim.MaxEntrySize {
				t.Fatalf("ReaderAt %q: size %d above the limit", name, size)
			}
			io.Copy(io.Discard, io.NewSectionReader(ra, 0, size))
			cleanup()
		}
	})
}

// TestZip64Directory opens a ZIP with more entries than the classic end record can count, so
// that archive/zip writes the ZIP64 records: the entry count and directory position checks read
// those.
func TestZip64Directory(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	const n = 70_000
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("f/%05d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	if r, err := open(buf.Bytes(), DefaultLimits()); err != nil || len(r.Names()) != n {
		t.Fatalf("Open = %v", err)
	}
	lim := DefaultLimits()
	lim.MaxEntries = n - 1
	if _, err := open(buf.Bytes(), lim); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Open with MaxEntries %d = %v, want ErrTooLarge", lim.MaxEntries, err)
	}
}

// cdOffset returns the central directory's offset in a ZIP without comment or ZIP64 records.
func cdOffset(t testing.TB, b []byte) int {
	t.Helper()
	if len(b) < 22 || string(b[len(b)-22:len(b)-18]) != "PK\x05\x06" {
		t.Fatal("cdOffset: no plain end record")
	}
	return int(binary.LittleEndian.Uint32(b[len(b)-22+16:]))
}

// headerOffsets returns the local header offsets of the central directory's entries, in order.
func headerOffsets(t testing.TB, b []byte) []int {
	t.Helper()
	var out []int
	for p := cdOffset(t, b); string(b[p:p+4]) == "PK\x01\x02"; {
		out = append(out, int(binary.LittleEndian.Uint32(b[p+42:])))
		p += 46 + int(binary.LittleEndian.Uint16(b[p+28:])) + int(binary.LittleEndian.Uint16(b[p+30:])) + int(binary.LittleEndian.Uint16(b[p+32:]))
	}
	return out
}

// splice replaces the n bytes at offset at of the ZIP b (without comment or ZIP64 records) by
// ins and moves the offsets of the central directory and end record that point after them, so
// that archive/zip still reads the result.
func splice(t testing.TB, b []byte, at, n int, ins []byte) []byte {
	t.Helper()
	delta := len(ins) - n
	out := append(append(bytes.Clone(b[:at]), ins...), b[at+n:]...)
	cd := cdOffset(t, out)
	if cd >= at+n {
		cd += delta
		binary.LittleEndian.PutUint32(out[len(out)-22+16:], uint32(cd))
	}
	for p := cd; string(out[p:p+4]) == "PK\x01\x02"; {
		if off := int(binary.LittleEndian.Uint32(out[p+42:])); off >= at+n {
			binary.LittleEndian.PutUint32(out[p+42:], uint32(off+delta))
		}
		p += 46 + int(binary.LittleEndian.Uint16(out[p+28:])) + int(binary.LittleEndian.Uint16(out[p+30:])) + int(binary.LittleEndian.Uint16(out[p+32:]))
	}
	return out
}

// TestOpenWriters opens ZIPs as other writers make them: archive/zip with and without data
// descriptors, Store and Deflate, with a comment; Info-ZIP zip 3.0 and Python 3.11's zipfile
// (testdata: testdata/make_python.py; "zip -r infozip.zip d" then "zip -z" for a comment,
// "zip - a.txt big.txt >infozip-stdout.zip", "zip -fz infozip-zip64.zip big.txt a.txt", and
// into a pipe "zip - big.txt a.txt | cat >infozip-pipe.zip" and "zip -r - . | cat"). Every
// entry must open and read back with its CRC.
func TestOpenWriters(t *testing.T) {
	data := bytes.Repeat([]byte("evidence "), 500)
	goZip := func(comment string, ents ...ent) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			b := buildZip(t, ents...)
			if comment != "" {
				b = append(b, comment...)
				binary.LittleEndian.PutUint16(b[len(b)-len(comment)-2:], uint16(len(comment)))
			}
			return b
		}
	}
	file := func(name string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	tests := []struct {
		name    string
		zip     func(t *testing.T) []byte
		entries int
	}{
		{"go descriptors", goZip("", ent{name: "d.txt", data: data, method: zip.Deflate}, ent{name: "s.bin", data: data}, ent{name: "dir/", mode: fs.ModeDir | 0o755}), 3},
		{"go raw, no descriptors", goZip("", ent{name: "s.bin", data: data, raw: true}, ent{name: "t.bin", data: data[:7], raw: true}), 2},
		{"go raw with descriptor", goZip("", ent{name: "s.bin", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Flags |= 0x8 }}), 1},
		{"go with comment", goZip("채증 comment", ent{name: "a", data: data, method: zip.Deflate}), 1},
		{"go empty", goZip(""), 0},
		{"infozip", file("infozip.zip"), 5},
		{"infozip to stdout", file("infozip-stdout.zip"), 2},
		{"infozip zip64", file("infozip-zip64.zip"), 2},
		{"infozip to pipe", file("infozip-pipe.zip"), 2},
		{"infozip folder to pipe", file("infozip-pipe-dir.zip"), 4},
		{"python", file("python.zip"), 3},
		{"python unseekable", file("python-stream.zip"), 3},
		{"python zip64", file("python-zip64.zip"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := open(tc.zip(t), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Names()) != tc.entries {
				t.Errorf("entries %q, want %d", r.Names(), tc.entries)
			}
			for _, n := range r.Names() {
				if _, err := readAll(r, n); err != nil {
					t.Errorf("read %q: %v", n, err)
				}
			}
		})
	}
}

// sparse is a file of which only the written chunks that are not all zeros are kept: ZIPs of
// several GiB (ZIP64 sizes and offsets) cost a few kilobytes.
type sparse struct {
	size   int64
	chunks map[int64][]byte
}

var zeroChunk = make([]byte, 1<<20)

func (s *sparse) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i += len(zeroChunk) {
		if !bytes.Equal(p[i:min(i+len(zeroChunk), len(p))], zeroChunk[:min(len(zeroChunk), len(p)-i)]) {
			s.chunks[s.size] = bytes.Clone(p)
			break
		}
	}
	s.size += int64(len(p))
	return len(p), nil
}

func (s *sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-off))
	clear(p[:n])
	for at, c := range s.chunks {
		if at < off+int64(n) && at+int64(len(c)) > off {
			lo, hi := max(at, off), min(at+int64(len(c)), off+int64(n))
			copy(p[lo-off:hi-off], c[lo-at:hi-at])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestZip64Big opens ZIPs that archive/zip writes with ZIP64 sizes, offsets and end records: a
// stored entry of 5 GiB of zeros (its local header saturated, or a data descriptor with 8-byte
// sizes), then an entry whose local header is beyond 4 GiB. The layout checks must accept them,
// and still refuse bytes appended after them.
func TestZip64Big(t *testing.T) {
	const big = 5 << 30
	chunk := zeroChunk
	for _, flags := range []uint16{0, 0x8} {
		t.Run(fmt.Sprintf("flags %#x", flags), func(t *testing.T) {
			s := &sparse{chunks: map[int64][]byte{}}
			zw := zip.NewWriter(s)
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "zeros.bin", Method: zip.Store, Flags: flags,
				CompressedSize64: big, UncompressedSize64: big, CRC32: 0xdeadbeef}) // Open does not read the data
			if err != nil {
				t.Fatal(err)
			}
			for range big / len(chunk) {
				w.Write(chunk)
			}
			w, _ = zw.Create("after.txt")
			w.Write([]byte("beyond 4 GiB"))
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := Open(s, s.size, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := readAll(r, "after.txt"); err != nil || string(got) != "beyond 4 GiB" {
				t.Fatalf("read after.txt = %q, %v", got, err)
			}
			s.Write([]byte("appended"))
			if _, err := Open(s, s.size, Limits{}); !errors.Is(err, ErrUnsafe) {
				t.Fatalf("Open with appended bytes = %v, want ErrUnsafe", err)
			}
		})
	}
}
