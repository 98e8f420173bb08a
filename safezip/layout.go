package safezip

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The ZIP records that Open checks byte by byte (APPNOTE.TXT 6.3.10, section 4.3).
const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigDescriptor = 0x08074b50
	sigEnd        = 0x06054b50
	sigEnd64      = 0x06064b50
	sigLocator64  = 0x07064b50

	localLen   = 30 // fixed part of a local file header
	centralLen = 46 // fixed part of a central directory header
	endLen     = 22 // end of central directory record, without its comment
	end64Len   = 56 // ZIP64 end of central directory record, version 1 (no extensible data)
	locatorLen = 20 // ZIP64 end of central directory locator

	zip64ExtraID = 0x0001
	sat16        = 0xffff
	sat32        = 0xffffffff

	// emptyDeflateLen is the length of the empty deflate stream 03 00 (one final fixed-Huffman
	// block holding only its end code), which Java's ZipOutputStream writes for folders.
	emptyDeflateLen = 2

	// maxZipComment is the longest ZIP comment Open accepts. Go's zip.Writer writes none unless
	// asked to; "zip -z" and Python add a line or a few.
	maxZipComment = 1024

	// flagsChecked are the general purpose flag bits that change how an entry is read or named:
	// encryption (0), data descriptor (3), strong encryption (6), UTF-8 names (11) and masked
	// local header (13). The local header and the central directory must agree on them; the
	// other bits (compression options) do not change what is extracted.
	flagsChecked = 0x0001 | 0x0008 | 0x0040 | 0x0800 | 0x2000
)

var endSignature = []byte("PK\x05\x06")

// checkExtra checks the extra field of the local or central header (where) of the entry
// name: a list of fields (ID, length, data) that fills it exactly, each ID at most once, and
// only IDs whose data changes neither the name nor the bytes that any tool extracts:
//
//   - 0x0001 ZIP64 sizes and offset (checked against the headers by readCentral/checkLocal);
//   - 0x000a NTFS times, 0x5455 extended timestamp (archive/zip and Info-ZIP write it);
//   - 0x7875 Info-ZIP Unix UID/GID (Info-ZIP zip, in the testdata fixtures);
//   - 0xcafe, the jar marker that Java's JarOutputStream puts on a jar's first entry, empty;
//   - 0xd935, the alignment padding of Android's zipalign: filler no tool interprets.
//
// Everything else is refused, in particular the Info-ZIP Unicode Path (0x7075) and Unicode
// Comment (0x6375) fields: unzip and 7-Zip name the entry after the Unicode Path instead of its
// header name, so a bundle could be extracted with two files' names swapped.
func checkExtra(name, where string, x []byte) error {
	var seen []uint64
	for len(x) > 0 {
		if len(x) < 4 {
			return unsafeEntry(name, "the extra field of its %s ends with %d bytes that are no field", where, len(x))
		}
		id, n := le16(x), le16(x[2:])
		if n > uint64(len(x)-4) {
			return unsafeEntry(name, "extra field 0x%04x of its %s declares %d bytes, only %d follow", id, where, n, len(x)-4)
		}
		if slices.Contains(seen, id) {
			return unsafeEntry(name, "extra field 0x%04x appears twice in its %s (tools may read either)", id, where)
		}
		seen = append(seen, id)
		switch id {
		case zip64ExtraID, 0x000a, 0x5455, 0x7875, 0xd935:
		case 0xcafe:
			if n != 0 {
				return unsafeEntry(name, "the jar marker extra field 0xcafe of its %s holds %d bytes (it holds none)", where, n)
			}
		case 0x7075:
			return unsafeEntry(name, "its %s has an Info-ZIP Unicode Path extra field (0x7075): unzip and 7-Zip would extract it under the name that field holds", where)
		case 0x6375:
			return unsafeEntry(name, "its %s has an Info-ZIP Unicode Comment extra field (0x6375)", where)
		default:
			return unsafeEntry(name, "its %s has an unknown extra field 0x%04x", where, id)
		}
		x = x[4+n:]
	}
	return nil
}

// checkZipComment checks the ZIP comment (after the end record): at most maxZipComment bytes
// of UTF-8 text, without control characters other than tab and newline and without
// bidirectional controls, since unzip prints it before listing or extracting.
func checkZipComment(c []byte) error {
	switch {
	case len(c) > maxZipComment:
		return fmt.Errorf("%w: the ZIP comment has %d bytes, more than %d", ErrUnsafe, len(c), maxZipComment)
	case !utf8.Valid(c):
		return fmt.Errorf("%w: the ZIP comment is not UTF-8", ErrUnsafe)
	}
	if i := strings.IndexFunc(string(c), func(r rune) bool {
		return r != '\t' && r != '\n' && (unicode.IsControl(r) || isBidiControl(r))
	}); i >= 0 {
		return fmt.Errorf("%w: the ZIP comment holds a control character at byte %d (it could change what unzip prints)", ErrUnsafe, i)
	}
	return nil
}

func le16(b []byte) uint64 { return uint64(binary.LittleEndian.Uint16(b)) }
func le32(b []byte) uint64 { return uint64(binary.LittleEndian.Uint32(b)) }
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// errUncovered is a refusal for bytes that belong to no record of the ZIP (before the first
// entry, between two, after the end record). It wraps ErrUnsafe, since other tools may read
// those bytes as something else, and ErrNotZip, since a truncated or damaged file looks the
// same.
func errUncovered(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrUnsafe, ErrNotZip, fmt.Sprintf(format, args...))
}

func errDamaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotZip, fmt.Sprintf(format, args...))
}

// directoryEnd is what the end of central directory records say, after checking that they
// agree and end exactly at the end of the file.
type directoryEnd struct {
	entries  uint64 // entries declared
	cdOffset uint64 // where the central directory starts
	cdSize   uint64 // its size in bytes
	cdEndAt  uint64 // where it must end: the ZIP64 end record's offset, else the end record's
}

// readDirectoryEnd finds the end of central directory record: the last one in the file's last
// 22+65535 bytes, as archive/zip and Python's zipfile take it. Its declared comment must end
// exactly at size and hold no other end record signature; the ZIP must not span disks. When a
// ZIP64 locator lies right before it, the ZIP64 end record it points at must end exactly at
// the locator, and every field of the end record must be either saturated or equal to the
// ZIP64 one (so that readers that consult either read the same directory).
func readDirectoryEnd(r io.ReaderAt, size int64) (directoryEnd, error) {
	var d directoryEnd
	n := min(int64(endLen+0xffff), size)
	if n < endLen {
		return d, errDamaged("%d bytes, too short for a ZIP", size)
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
		return d, fmt.Errorf("%w: %w", ErrNotZip, err)
	}
	i := bytes.LastIndex(buf[:len(buf)-endLen+len(endSignature)], endSignature)
	if i < 0 {
		return d, errDamaged("no end of central directory record")
	}
	e := buf[i:]
	pos := uint64(size - n + int64(i)) // of the end record
	switch recEnd := i + endLen + int(le16(e[20:])); {
	case recEnd > len(buf):
		return d, errDamaged("the end of central directory record at offset %d is truncated", pos)
	case recEnd < len(buf):
		return d, errUncovered("%d bytes after the end of central directory record (offset %d) belong to no record", len(buf)-recEnd, pos)
	}
	if bytes.Contains(e[4:], endSignature) {
		return d, fmt.Errorf("%w: the ZIP comment holds another end of central directory signature", ErrUnsafe)
	}
	if err := checkZipComment(e[endLen:]); err != nil {
		return d, err
	}
	if le16(e[4:]) != 0 || le16(e[6:]) != 0 || le16(e[8:]) != le16(e[10:]) {
		return d, errDamaged("the end record describes a ZIP spanning several disks")
	}
	entries, cdSize, cdOffset := le16(e[10:]), le32(e[12:]), le32(e[16:])
	d = directoryEnd{entries: entries, cdOffset: cdOffset, cdSize: cdSize, cdEndAt: pos}

	var loc [locatorLen]byte
	if pos < locatorLen {
		return d, nil
	}
	if _, err := r.ReadAt(loc[:], int64(pos-locatorLen)); err != nil {
		return d, fmt.Errorf("%w: %w", ErrNotZip, err)
	}
	if le32(loc[:]) != sigLocator64 {
		return d, nil // no ZIP64 records: the end record's values are the only ones
	}
	locAt := pos - locatorLen
	at := le64(loc[8:])
	if le32(loc[4:]) != 0 || le32(loc[16:]) != 1 {
		return d, errDamaged("the ZIP64 locator describes a ZIP spanning several disks")
	}
	if at > locAt || locAt-at < end64Len {
		return d, errDamaged("the ZIP64 locator points at offset %d, not before it", at)
	}
	var rec [end64Len]byte
	if _, err := r.ReadAt(rec[:], int64(at)); err != nil {
		return d, fmt.Errorf("%w: %w", ErrNotZip, err)
	}
	if le32(rec[:]) != sigEnd64 {
		return d, errDamaged("no ZIP64 end record at offset %d", at)
	}
	if recSize := le64(rec[4:]); recSize != end64Len-12 || at+end64Len != locAt {
		return d, errUncovered("the ZIP64 end record at offset %d declares %d bytes and ends %d bytes before its locator", at, recSize+12, locAt-at-end64Len)
	}
	if le32(rec[16:]) != 0 || le32(rec[20:]) != 0 || le64(rec[24:]) != le64(rec[32:]) {
		return d, errDamaged("the ZIP64 end record describes a ZIP spanning several disks")
	}
	d64 := directoryEnd{entries: le64(rec[32:]), cdSize: le64(rec[40:]), cdOffset: le64(rec[48:]), cdEndAt: at}
	if (entries != sat16 && entries != d64.entries) || (cdSize != sat32 && cdSize != d64.cdSize) || (cdOffset != sat32 && cdOffset != d64.cdOffset) {
		return d, fmt.Errorf("%w: the end record and the ZIP64 end record describe different central directories", ErrUnsafe)
	}
	return d64, nil
}

// located is an entry of the central directory with where its local header is.
type located struct {
	f      *zip.File
	offset uint64
}

// readCentral reads the central directory that d describes, header by header, and returns its
// entries with their local header offsets. It must hold exactly d.entries headers, the ones
// archive/zip read into files (same names, flags, methods, CRCs and sizes), and nothing else;
// their extra fields must pass checkExtra, and they hold no comment.
func readCentral(r io.ReaderAt, d directoryEnd, files []*zip.File) ([]located, error) {
	if d.entries != uint64(len(files)) {
		return nil, errDamaged("the end record declares %d entries, the central directory holds %d", d.entries, len(files))
	}
	br := bufio.NewReader(io.NewSectionReader(r, int64(d.cdOffset), int64(d.cdSize)))
	out := make([]located, 0, len(files))
	var h [centralLen]byte
	for _, f := range files {
		if _, err := io.ReadFull(br, h[:]); err != nil || le32(h[:]) != sigCentral {
			return nil, errDamaged("the central directory does not hold entry %q where archive/zip read it", f.Name)
		}
		nameLen, extraLen, commentLen := le16(h[28:]), le16(h[30:]), le16(h[32:])
		rest := make([]byte, nameLen+extraLen+commentLen)
		if _, err := io.ReadFull(br, rest); err != nil {
			return nil, errDamaged("the central directory header of %q runs past the directory's end", f.Name)
		}
		name, extra := rest[:nameLen], rest[nameLen:nameLen+extraLen]
		if err := checkExtra(f.Name, "central directory header", extra); err != nil {
			return nil, err
		}
		if commentLen != 0 {
			// Our writers write none; unzip prints it, and nothing here would check it.
			return nil, unsafeEntry(f.Name, "has a comment of %d bytes in the central directory", commentLen)
		}
		csize, usize, offset := le32(h[20:]), le32(h[24:]), le32(h[42:])
		// The ZIP64 extra field, read as archive/zip reads it: only the saturated values, in order.
		needU, needC, needOff := usize == sat32, csize == sat32, offset == sat32
		for x := extra; len(x) >= 4; {
			id, n := le16(x), le16(x[2:])
			if uint64(len(x)-4) < n {
				break
			}
			field := x[4 : 4+n]
			x = x[4+n:]
			if id != zip64ExtraID {
				continue
			}
			for _, v := range []struct {
				need *bool
				val  *uint64
			}{{&needU, &usize}, {&needC, &csize}, {&needOff, &offset}} {
				if *v.need && len(field) >= 8 {
					*v.val, field, *v.need = le64(field), field[8:], false
				}
			}
		}
		if needC || needOff || string(name) != f.Name || uint16(le16(h[8:])) != f.Flags || uint16(le16(h[10:])) != f.Method ||
			uint32(le32(h[16:])) != f.CRC32 || csize != f.CompressedSize64 || usize != f.UncompressedSize64 {
			return nil, errDamaged("the central directory header of %q is not what archive/zip read", f.Name)
		}
		out = append(out, located{f: f, offset: offset})
	}
	if _, err := br.Peek(1); err != io.EOF {
		return nil, errUncovered("the central directory holds more than its %d entries", len(files))
	}
	return out, nil
}

// checkLayout checks that the entries, in the order of their local headers, cover the file
// from offset 0 to the central directory without gap or overlap: each local header has the
// central directory's name (exact bytes), flags that matter, method, CRC and sizes (zero
// allowed when a data descriptor follows), and each entry ends where the next begins, after its
// data and, when flag bit 3 is set, its data descriptor (with or without signature, with 4- or
// 8-byte sizes) matching the central directory. The central directory must start right after
// the last entry.
func checkLayout(r io.ReaderAt, size int64, d directoryEnd, ents []located) error {
	slices.SortStableFunc(ents, func(a, b located) int {
		switch {
		case a.offset < b.offset:
			return -1
		case a.offset > b.offset:
			return 1
		}
		return 0
	})
	pos := uint64(0)
	prev := ""
	for i, e := range ents {
		name := e.f.Name
		switch {
		case e.offset > pos && i == 0:
			return errUncovered("%d bytes before the first entry %q belong to no entry", e.offset, name)
		case e.offset > pos:
			return errUncovered("%d bytes between the entries %q and %q belong to no entry", e.offset-pos, prev, name)
		case e.offset < pos:
			return unsafeEntry(name, "overlaps the entry %q", prev)
		}
		dataEnd, err := checkLocal(r, size, e)
		if err != nil {
			return err
		}
		next, nextName := d.cdOffset, "the central directory"
		if i+1 < len(ents) {
			next, nextName = ents[i+1].offset, fmt.Sprintf("the entry %q", ents[i+1].f.Name)
		}
		pos = dataEnd
		if pos > next {
			return unsafeEntry(name, "overlaps %s", nextName)
		}
		if e.f.Flags&0x8 != 0 {
			if next == dataEnd {
				return fmt.Errorf("%w: entry %q: its flags announce a data descriptor, none follows its data", ErrNotZip, name)
			}
			if next-dataEnd > 24 || !isDescriptor(r, dataEnd, int(next-dataEnd), e.f) {
				return errUncovered("entry %q: the %d bytes between its data and %s are not the data descriptor its flags announce (matching the central directory)", name, next-dataEnd, nextName)
			}
			pos = next
		}
		prev = name
	}
	switch {
	case pos < d.cdOffset && len(ents) == 0:
		return errUncovered("%d bytes before the central directory belong to no entry", d.cdOffset)
	case pos < d.cdOffset:
		return errUncovered("%d bytes between the last entry %q and the central directory belong to no entry", d.cdOffset-pos, prev)
	}
	return nil
}

// checkLocal checks the local header of e against the central directory and returns where the
// entry's data ends. The CRC and sizes must be the central directory's; they may be zero when a
// data descriptor follows (flag bit 3), and a size may be saturated (0xffffffff) when the
// central one needs ZIP64. Its extra field must pass checkExtra, and a deflated folder's 2
// bytes of data must be the empty deflate stream.
func checkLocal(r io.ReaderAt, size int64, e located) (uint64, error) {
	f := e.f
	var h [localLen]byte
	if e.offset > uint64(size) || uint64(size)-e.offset < localLen {
		return 0, fmt.Errorf("%w: entry %q: its local header runs past the end of the file", ErrNotZip, f.Name)
	}
	if _, err := r.ReadAt(h[:], int64(e.offset)); err != nil {
		return 0, fmt.Errorf("%w: entry %q: %w", ErrNotZip, f.Name, err)
	}
	if le32(h[:]) != sigLocal {
		return 0, fmt.Errorf("%w: entry %q: no local file header at offset %d", ErrNotZip, f.Name, e.offset)
	}
	nameLen, extraLen := le16(h[26:]), le16(h[28:])
	dataStart := e.offset + localLen + nameLen + extraLen
	if dataStart > uint64(size) || f.CompressedSize64 > uint64(size)-dataStart {
		return 0, fmt.Errorf("%w: entry %q: its data runs past the end of the file", ErrNotZip, f.Name)
	}
	rest := make([]byte, nameLen+extraLen)
	if _, err := r.ReadAt(rest, int64(e.offset+localLen)); err != nil {
		return 0, fmt.Errorf("%w: entry %q: %w", ErrNotZip, f.Name, err)
	}
	if name := rest[:nameLen]; string(name) != f.Name {
		return 0, unsafeEntry(f.Name, "its local header names it %q", truncateName(string(name)))
	}
	if err := checkExtra(f.Name, "local header", rest[nameLen:]); err != nil {
		return 0, err
	}
	if flags := uint16(le16(h[6:])); flags&flagsChecked != f.Flags&flagsChecked {
		return 0, unsafeEntry(f.Name, "its local header has flags %#04x, the central directory %#04x", flags, f.Flags)
	}
	if method := uint16(le16(h[8:])); method != f.Method {
		return 0, unsafeEntry(f.Name, "its local header says method %d, the central directory %d", method, f.Method)
	}
	crc, csize, usize := le32(h[14:]), le32(h[18:]), le32(h[22:])
	if csize == sat32 || usize == sat32 {
		// The local ZIP64 extra field holds both sizes (APPNOTE 4.5.3); accept one alone too.
		for x := rest[nameLen:]; len(x) >= 4; {
			id, n := le16(x), le16(x[2:])
			if uint64(len(x)-4) < n {
				break
			}
			field := x[4 : 4+n]
			x = x[4+n:]
			if id != zip64ExtraID {
				continue
			}
			if len(field) >= 16 {
				usize, csize = le64(field), le64(field[8:])
			} else if len(field) >= 8 && usize == sat32 {
				usize = le64(field)
			} else if len(field) >= 8 {
				csize = le64(field)
			}
			break
		}
	}
	descriptor := f.Flags&0x8 != 0
	agrees := func(local, central uint64) bool {
		// A size left saturated (no ZIP64 extra field, as archive/zip's CreateRaw writes it)
		// agrees with a central size that needs ZIP64.
		return local == central || (descriptor && local == 0) || (local == sat32 && central >= sat32)
	}
	if !agrees(crc, uint64(f.CRC32)) || !agrees(csize, f.CompressedSize64) || !agrees(usize, f.UncompressedSize64) {
		return 0, unsafeEntry(f.Name, "its local header declares CRC %08x and sizes %d/%d, the central directory %08x and %d/%d",
			crc, csize, usize, f.CRC32, f.CompressedSize64, f.UncompressedSize64)
	}
	if f.Mode().IsDir() && f.Method == zip.Deflate {
		var b [emptyDeflateLen]byte
		if _, err := r.ReadAt(b[:], int64(dataStart)); err != nil {
			return 0, fmt.Errorf("%w: entry %q: %w", ErrNotZip, f.Name, err)
		}
		if b != [emptyDeflateLen]byte{0x03, 0x00} {
			return 0, unsafeEntry(f.Name, "is a folder whose data % x is not the empty deflate stream", b)
		}
	}
	return dataStart + f.CompressedSize64, nil
}

// isDescriptor reports whether the n bytes at off are a data descriptor of f: an optional
// signature, the CRC-32, then the compressed and uncompressed sizes in 4 or (ZIP64) 8 bytes,
// all equal to the central directory's. n tells the form: 12 and 20 without signature, 16 and
// 24 with.
func isDescriptor(r io.ReaderAt, off uint64, n int, f *zip.File) bool {
	b := make([]byte, n)
	if _, err := r.ReadAt(b, int64(off)); err != nil {
		return false
	}
	if n == 16 || n == 24 {
		if le32(b) != sigDescriptor {
			return false
		}
		b = b[4:]
	}
	var csize, usize uint64
	switch len(b) {
	case 12:
		csize, usize = le32(b[4:]), le32(b[8:])
	case 20:
		csize, usize = le64(b[4:]), le64(b[12:])
	default:
		return false
	}
	return le32(b) == uint64(f.CRC32) && csize == f.CompressedSize64 && usize == f.UncompressedSize64
}

// truncateName shortens a name quoted in an error to 200 bytes.
func truncateName(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
