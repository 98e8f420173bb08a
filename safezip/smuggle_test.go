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
	"strings"
	"testing"
)

// extraField returns one extra field: its ID, its length and data.
func extraField(id uint16, data []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, id)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// unicodePath returns an Info-ZIP Unicode Path extra field (0x7075) giving the entry called
// header the name name, as Info-ZIP unzip and 7-Zip read it.
func unicodePath(header, name string) []byte {
	d := []byte{1}
	d = binary.LittleEndian.AppendUint32(d, crc32.ChecksumIEEE([]byte(header)))
	return extraField(0x7075, append(d, name...))
}

// localHeader returns a local file header with its name for a stored entry without data
// descriptor.
func localHeader(name string, data []byte) []byte {
	h := make([]byte, 30, 30+len(name))
	binary.LittleEndian.PutUint32(h, sigLocal)
	binary.LittleEndian.PutUint16(h[4:], 20)
	binary.LittleEndian.PutUint32(h[14:], crc32.ChecksumIEEE(data))
	binary.LittleEndian.PutUint32(h[18:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[22:], uint32(len(data)))
	binary.LittleEndian.PutUint16(h[26:], uint16(len(name)))
	return append(h, name...)
}

// appendToStream rewrites the ZIP b entry by entry, raw (CreateRaw: same method, flags, CRC
// and sizes), appending tail to the compressed data of the entry carrier and raising its
// compressed size to cover it. The result is a consistent ZIP: only the compressed stream of
// carrier ends before its data does.
func appendToStream(t testing.TB, b []byte, carrier string, tail func(f *zip.File, raw []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rr, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(rr)
		if err != nil {
			t.Fatal(err)
		}
		fh := f.FileHeader
		if f.Name == carrier {
			found = true
			raw = append(raw, tail(f, raw)...)
			fh.CompressedSize64 = uint64(len(raw))
		}
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	if !found {
		t.Fatalf("no entry %q", carrier)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// smuggle hides, after the deflate stream of carrier (deflated, with a data descriptor), a
// data descriptor that ends carrier for a streaming reader (Java's ZipInputStream), then a
// local header and data of another entry: a streaming reader extracts it, a central
// directory reader never sees it.
func smuggle(t testing.TB, b []byte, carrier, name string, data []byte) []byte {
	t.Helper()
	return appendToStream(t, b, carrier, func(f *zip.File, raw []byte) []byte {
		if f.Method != zip.Deflate || f.Flags&0x8 == 0 {
			t.Fatalf("%q is not deflated with a data descriptor", carrier)
		}
		d := binary.LittleEndian.AppendUint32(nil, sigDescriptor)
		d = binary.LittleEndian.AppendUint32(d, f.CRC32)
		d = binary.LittleEndian.AppendUint32(d, uint32(len(raw)))
		d = binary.LittleEndian.AppendUint32(d, uint32(f.UncompressedSize64))
		return append(append(d, localHeader(name, data)...), data...)
	})
}

// folderEnt is a folder entry "d/" with compressed data, which CreateRaw does not write for a
// name ending in "/": it is written as "d#", and asFolder renames it.
func folderEnt(method uint16, stream []byte) ent {
	return ent{name: "d#", data: stream, raw: true, mode: fs.ModeDir | 0o755, hdr: func(h *zip.FileHeader) {
		h.Method, h.UncompressedSize64, h.CRC32 = method, 0, 0
	}}
}

func asFolder(_ testing.TB, b []byte) []byte { return bytes.ReplaceAll(b, []byte("d#"), []byte("d/")) }

// TestDataAfterCompressedStream checks that bytes after the end of a deflate stream, inside
// the entry's compressed size, are refused when the entry is read: they are what a streaming
// reader would take for the next entries.
func TestDataAfterCompressedStream(t *testing.T) {
	guide := bytes.Repeat([]byte("How to verify this bundle.\n"), 40)
	report := []byte("%PDF-1.7 genuine report")
	b := buildZip(t,
		ent{name: "VERIFY.txt", data: guide, method: zip.Deflate},
		ent{name: "report/report.pdf", data: report, method: zip.Deflate},
	)
	var again bytes.Buffer // a second, complete deflate stream
	fw, _ := flate.NewWriter(&again, flate.BestSpeed)
	fw.Write([]byte("more"))
	fw.Close()
	tests := []struct {
		name string
		zip  []byte
	}{
		{"smuggled entry", smuggle(t, b, "VERIFY.txt", "report/report.pdf", []byte("%PDF-1.7 forged report"))},
		{"one byte", appendToStream(t, b, "VERIFY.txt", func(*zip.File, []byte) []byte { return []byte{0} })},
		{"a second deflate stream", appendToStream(t, b, "VERIFY.txt", func(*zip.File, []byte) []byte { return again.Bytes() })},
		{"the last entry", appendToStream(t, b, "report/report.pdf", func(*zip.File, []byte) []byte { return []byte("PK\x03\x04 hidden") })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := open(tc.zip, DefaultLimits())
			if err != nil {
				// Refusing it when opening would do too; the layout itself is consistent.
				if !errors.Is(err, ErrUnsafe) {
					t.Fatalf("Open = %v, want ErrUnsafe", err)
				}
				return
			}
			bad := 0
			for _, n := range r.Names() {
				_, err := readAll(r, n)
				if err == nil {
					continue
				}
				bad++
				if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), fmt.Sprintf("%q", n)) || !strings.Contains(err.Error(), "after the end of the compressed stream") {
					t.Errorf("read %q = %v, want ErrUnsafe naming it", n, err)
				}
				if _, _, _, err := r.ReaderAt(context.Background(), n, t.TempDir()); !errors.Is(err, ErrUnsafe) {
					t.Errorf("ReaderAt %q = %v, want ErrUnsafe", n, err)
				}
			}
			if bad != 1 {
				t.Fatalf("%d entries refused, want 1", bad)
			}
		})
	}
	// The genuine ZIP reads back.
	r, err := open(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range r.Names() {
		if _, err := readAll(r, n); err != nil {
			t.Errorf("genuine %q: %v", n, err)
		}
	}
}

// TestByteReader checks that the counting reader given to flate counts exactly what was
// consumed, through ReadByte and Read alike.
func TestByteReader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	for _, step := range []int{1, 7, 4096, 20000} {
		t.Run(fmt.Sprint(step), func(t *testing.T) {
			br := newByteReader(io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data))))
			var got []byte
			for i := 0; ; i++ {
				if i%3 == 0 {
					c, err := br.ReadByte()
					if err == io.EOF {
						break
					}
					got = append(got, c)
				} else {
					p := make([]byte, step)
					n, err := br.Read(p)
					got = append(got, p[:n]...)
					if err == io.EOF {
						break
					}
				}
				if br.consumed != uint64(len(got)) {
					t.Fatalf("consumed %d, returned %d", br.consumed, len(got))
				}
			}
			if !bytes.Equal(got, data) || br.consumed != uint64(len(data)) {
				t.Fatalf("read %d bytes (consumed %d), want %d", len(got), br.consumed, len(data))
			}
		})
	}
}

// TestHeaderRefusals covers what other tools read differently from the header name and sizes:
// extra fields, comments, the UTF-8 flag, folders with data.
func TestHeaderRefusals(t *testing.T) {
	data := []byte("some content")
	ut := extraField(0x5455, []byte{1, 0, 0, 0, 0}) // "UT": extended timestamp
	withExtra := func(x ...[]byte) func(*zip.FileHeader) {
		return func(h *zip.FileHeader) { h.Extra = bytes.Join(x, nil) }
	}
	// retag changes the ID of the first (local header) or last (central directory) extended
	// timestamp field.
	retag := func(last bool, id uint16) func(testing.TB, []byte) []byte {
		return func(t testing.TB, b []byte) []byte {
			i := bytes.Index(b, ut)
			if last {
				i = bytes.LastIndex(b, ut)
			}
			binary.LittleEndian.PutUint16(b[i:], id)
			return b
		}
	}
	comment := func(c string) func(testing.TB, []byte) []byte {
		return func(t testing.TB, b []byte) []byte {
			binary.LittleEndian.PutUint16(b[len(b)-2:], uint16(len(c)))
			return append(b, c...)
		}
	}
	tests := []struct {
		name  string
		ents  []ent
		edit  func(testing.TB, []byte) []byte
		entry string // the entry the error must name
		says  string // and what it must say
	}{
		{"unicode path swaps two files", []ent{
			{name: "captures/a/shot.png", data: []byte("A"), raw: true, hdr: withExtra(unicodePath("captures/a/shot.png", "captures/b/shot.png"))},
			{name: "captures/b/shot.png", data: []byte("B"), raw: true, hdr: withExtra(unicodePath("captures/b/shot.png", "captures/a/shot.png"))},
		}, nil, "captures/a/shot.png", "0x7075"},
		{"unicode path in the local header only", []ent{{name: "f", data: data, raw: true, hdr: withExtra(ut)}}, retag(false, 0x7075), "f", "0x7075"},
		{"unicode path in the central directory only", []ent{{name: "f", data: data, raw: true, hdr: withExtra(ut)}}, retag(true, 0x7075), "f", "0x7075"},
		{"unicode comment", []ent{{name: "f", data: data, raw: true, hdr: withExtra(extraField(0x6375, []byte{1, 0, 0, 0, 0, 'x'}))}}, nil, "f", "0x6375"},
		{"unknown extra field", []ent{{name: "f", data: data, raw: true, hdr: withExtra(ut, extraField(0xbeef, []byte("?")))}}, nil, "f", "0xbeef"},
		{"extra field longer than the extra length", []ent{{name: "f", data: data, raw: true, hdr: withExtra(ut[:len(ut)-1])}}, nil, "f", "extra field"},
		{"bytes after the last extra field", []ent{{name: "f", data: data, raw: true, hdr: withExtra(ut, []byte{0x55, 0x54})}}, nil, "f", "extra field"},
		{"extra field twice", []ent{{name: "f", data: data, raw: true, hdr: withExtra(ut, ut)}}, nil, "f", "0x5455"},
		{"jar marker with data", []ent{{name: "f", data: data, raw: true, hdr: withExtra(extraField(0xcafe, []byte{1}))}}, nil, "f", "0xcafe"},
		{"entry comment", []ent{{name: "f", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Comment = "see also g" }}}, nil, "f", "comment"},
		{"non-ASCII name without the UTF-8 flag", []ent{{name: "화면.png", data: data, raw: true}}, nil, "화면.png", "UTF-8"},
		{"ZIP comment with a terminal escape", []ent{{name: "f", data: data}}, comment("ok\x1b[2J\x1b[Hfake listing"), "", "comment"},
		{"ZIP comment with a carriage return", []ent{{name: "f", data: data}}, comment("genuine\rforged"), "", "comment"},
		{"ZIP comment not UTF-8", []ent{{name: "f", data: data}}, comment("caf\xe9"), "", "comment"},
		{"ZIP comment too long", []ent{{name: "f", data: data}}, comment(strings.Repeat("x", 1025)), "", "comment"},
		{"folder stored with data", []ent{folderEnt(zip.Store, []byte("hidden"))}, asFolder, "d/", ""},
		{"folder deflated with data", []ent{folderEnt(zip.Deflate, []byte{0x03, 0x00, 'h', 'i'})}, asFolder, "d/", "folder"},
		{"folder deflated, not the empty stream", []ent{folderEnt(zip.Deflate, []byte{0x4b, 0x04})}, asFolder, "d/", "folder"},
		{"folder with a CRC", []ent{{name: "d/", raw: true, mode: fs.ModeDir | 0o755, hdr: func(h *zip.FileHeader) { h.CRC32 = 1 }}}, nil, "d/", "folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := buildZip(t, tc.ents...)
			if tc.edit != nil {
				b = tc.edit(t, b)
			}
			r, err := open(b, DefaultLimits())
			if err == nil {
				t.Fatalf("Open accepted it: %q", r.Names())
			}
			if !errors.Is(err, ErrUnsafe) {
				t.Errorf("err = %v, want ErrUnsafe", err)
			}
			if tc.entry != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.entry)) {
				t.Errorf("err = %v, does not name %q", err, tc.entry)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v, does not say %q", err, tc.says)
			}
		})
	}
}

// TestHeaderAccepted opens what harmless writers put in headers: the extra fields that only
// carry times, owners, a jar marker or alignment padding, folders as Java writes them (the
// empty deflate stream), a ZIP comment of several lines.
func TestHeaderAccepted(t *testing.T) {
	data := []byte("some content")
	ntfs := extraField(0x000a, append(make([]byte, 4), extraField(1, make([]byte, 24))...))
	ux := extraField(0x7875, []byte{1, 4, 0xe8, 3, 0, 0, 4, 0xe8, 3, 0, 0})
	tests := []struct {
		name string
		ents []ent
		edit func(testing.TB, []byte) []byte
	}{
		{"times and owners", []ent{{name: "f", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Extra = append(ntfs, ux...) }}}, nil},
		{"extended timestamp (archive/zip)", []ent{{name: "f", data: data, method: zip.Deflate, hdr: func(h *zip.FileHeader) { h.Modified = h.Modified.AddDate(2026, 0, 0) }}}, nil},
		{"jar marker", []ent{{name: "META-INF/", raw: true, mode: fs.ModeDir | 0o755, hdr: func(h *zip.FileHeader) { h.Extra = extraField(0xcafe, nil) }}}, nil},
		{"zipalign padding", []ent{{name: "f", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Extra = extraField(0xd935, []byte{4, 0, 0, 0}) }}}, nil},
		{"folder as Java writes it", []ent{folderEnt(zip.Deflate, []byte{0x03, 0x00})}, asFolder},
		{"UTF-8 flag on an ASCII name", []ent{{name: "f", data: data, raw: true, hdr: func(h *zip.FileHeader) { h.Flags |= 0x800 }}}, nil},
		{"ZIP comment of several lines", []ent{{name: "f", data: data}}, func(_ testing.TB, b []byte) []byte {
			c := "Case 2026-001\n\t채증 자료\n"
			binary.LittleEndian.PutUint16(b[len(b)-2:], uint16(len(c)))
			return append(b, c...)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := buildZip(t, tc.ents...)
			if tc.edit != nil {
				b = tc.edit(t, b)
			}
			r, err := open(b, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range r.Names() {
				if _, err := readAll(r, n); err != nil {
					t.Errorf("read %q: %v", n, err)
				}
			}
		})
	}
}
