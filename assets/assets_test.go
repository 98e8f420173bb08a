package assets

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"testing"
)

// maxAssetSize bounds every embedded file; the binaries carry them all.
const maxAssetSize = 6 << 20

// sfntTables parses the TrueType table directory of font and returns the
// table tags it lists, checking that every table lies inside the file.
func sfntTables(t *testing.T, font []byte) map[string]bool {
	t.Helper()
	if len(font) < 12 {
		t.Fatalf("font is %d bytes, too short for an sfnt header", len(font))
	}
	switch v := binary.BigEndian.Uint32(font[0:4]); v {
	case 0x00010000, 0x74727565: // TrueType outlines: 1.0 or 'true'
	default:
		t.Fatalf("sfnt version %#08x, want TrueType (0x00010000 or 'true')", v)
	}
	n := int(binary.BigEndian.Uint16(font[4:6]))
	if n == 0 || 12+16*n > len(font) {
		t.Fatalf("table directory of %d entries does not fit in %d bytes", n, len(font))
	}
	tags := make(map[string]bool, n)
	for i := range n {
		rec := font[12+16*i : 12+16*(i+1)]
		tag := string(rec[0:4])
		off := uint64(binary.BigEndian.Uint32(rec[8:12]))
		length := uint64(binary.BigEndian.Uint32(rec[12:16]))
		if off+length > uint64(len(font)) {
			t.Errorf("table %q [%d, %d) runs past the end of the file (%d bytes)", tag, off, off+length, len(font))
		}
		tags[tag] = true
	}
	return tags
}

func TestFonts(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"regular", FontRegular()},
		{"bold", FontBold()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > maxAssetSize {
				t.Errorf("font is %d bytes, over the %d byte budget", len(tc.data), maxAssetSize)
			}
			tags := sfntTables(t, tc.data)
			for _, want := range []string{"cmap", "glyf", "head", "hmtx", "loca", "name"} {
				if !tags[want] {
					t.Errorf("font has no %q table", want)
				}
			}
		})
	}
	if bytes.Equal(FontRegular(), FontBold()) {
		t.Error("regular and bold fonts are identical")
	}
}

func TestFontLicense(t *testing.T) {
	lic := FontLicense()
	for _, want := range []string{"SIL OPEN FONT LICENSE", "Version 1.1", "NAVER Corporation"} {
		if !bytes.Contains(lic, []byte(want)) {
			t.Errorf("licence text lacks %q", want)
		}
	}
}

func TestIcon(t *testing.T) {
	data := Icon()
	if len(data) > maxAssetSize {
		t.Errorf("icon is %d bytes, over the %d byte budget", len(data), maxAssetSize)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("icon does not decode as PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %dx%d, want 512x512", b.Dx(), b.Dy())
	}
}
