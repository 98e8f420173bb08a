package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"evidentia/safezip"
)

// rawRewrite copies the bundle entry by entry without recompressing (CreateRaw: same method,
// flags, CRC and sizes); change may alter an entry's header and raw data. Nothing signed
// changes: this is what anyone can do without the key.
func rawRewrite(t testing.TB, b []byte, change func(fh *zip.FileHeader, raw []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
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
		raw = change(&fh, raw)
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestSmuggledEntries checks the two ways a reviewer found to make other tools extract
// something else from a genuine bundle, without the key, while Verify said it was valid.
func TestSmuggledEntries(t *testing.T) {
	needTool(t, "openssl")
	fx := newFixture(t, false)
	opt := VerifyOptions{Roots: fx.pki.Pool()}
	if rep, err := verify(t, fx.zip, opt); err != nil || !rep.OK() {
		t.Fatalf("genuine bundle: %v %+v", err, rep)
	}

	// 1. After VERIFY.txt's deflate stream, inside its compressed size: a data descriptor that
	// ends it for a streaming reader (Java's ZipInputStream, jar x < bundle.zip), then a local
	// header and a forged report/report.pdf, which such a reader extracts.
	forged := []byte("%PDF-1.7 forged report")
	smuggled := rawRewrite(t, fx.zip, func(fh *zip.FileHeader, raw []byte) []byte {
		if fh.Name != GuideName {
			return raw
		}
		if fh.Method != zip.Deflate || fh.Flags&0x8 == 0 {
			t.Fatalf("%s: method %d flags %#x, the proof needs a deflated entry with a data descriptor", GuideName, fh.Method, fh.Flags)
		}
		tail := binary.LittleEndian.AppendUint32(nil, 0x08074b50)
		tail = binary.LittleEndian.AppendUint32(tail, fh.CRC32)
		tail = binary.LittleEndian.AppendUint32(tail, uint32(len(raw)))
		tail = binary.LittleEndian.AppendUint32(tail, uint32(fh.UncompressedSize64))
		lh := make([]byte, 30)
		binary.LittleEndian.PutUint32(lh, 0x04034b50)
		binary.LittleEndian.PutUint16(lh[4:], 20)
		binary.LittleEndian.PutUint32(lh[14:], crc32.ChecksumIEEE(forged))
		binary.LittleEndian.PutUint32(lh[18:], uint32(len(forged)))
		binary.LittleEndian.PutUint32(lh[22:], uint32(len(forged)))
		binary.LittleEndian.PutUint16(lh[26:], uint16(len("report/report.pdf")))
		tail = append(append(append(tail, lh...), "report/report.pdf"...), forged...)
		raw = append(raw, tail...)
		fh.CompressedSize64 = uint64(len(raw))
		return raw
	})
	rep, err := verify(t, smuggled, opt)
	switch {
	case err != nil && !errors.Is(err, safezip.ErrUnsafe):
		t.Errorf("data after VERIFY.txt's deflate stream: Verify = %v, want safezip.ErrUnsafe", err)
	case err == nil && (rep.OK() || !hasProblem(rep, GuideName, safezip.ErrUnsafe)):
		t.Errorf("data after VERIFY.txt's deflate stream: OK=%v problems=%v, want an unsafe %s", rep.OK(), rep.Problems, GuideName)
	}

	// 2. Info-ZIP Unicode Path extra fields (0x7075) swapping the names of two files: unzip
	// and 7-Zip extract each under the other's name.
	a, b := "captures/01-example.com-abcdef12/text.txt", "custody/custody.csv"
	unicodePath := func(header, name string) []byte {
		d := binary.LittleEndian.AppendUint16(nil, 0x7075)
		d = binary.LittleEndian.AppendUint16(d, uint16(5+len(name)))
		d = append(d, 1)
		d = binary.LittleEndian.AppendUint32(d, crc32.ChecksumIEEE([]byte(header)))
		return append(d, name...)
	}
	swapped := rawRewrite(t, fx.zip, func(fh *zip.FileHeader, raw []byte) []byte {
		switch fh.Name {
		case a:
			fh.Extra = append(fh.Extra, unicodePath(a, b)...)
		case b:
			fh.Extra = append(fh.Extra, unicodePath(b, a)...)
		}
		return raw
	})
	if _, err := verify(t, swapped, opt); !errors.Is(err, safezip.ErrUnsafe) || !strings.Contains(err.Error(), "0x7075") {
		t.Errorf("names swapped by Unicode Path fields: Verify = %v, want safezip.ErrUnsafe naming the field", err)
	}
}
