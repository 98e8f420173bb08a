package signature

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"evidentia/internal/testpki"
)

// TestReaderTrapsAreRefused gives Verify and Sign files on which the PDF object reader would
// never return (an array left open, a string that runs to the end, an object number in the
// billions): both must refuse them with ErrNotPDF, at once.
func TestReaderTrapsAreRefused(t *testing.T) {
	pki := testpki.New(t)
	doc := minimalPDF(nil)
	page := []byte("/Type /Page /Parent 2 0 R")
	tests := []struct {
		name string
		doc  []byte
		want string
	}{
		{"an array open at endobj", bytes.Replace(doc, page, []byte("/Type /Page /Annots [6 0 R /Parent 2 0 R"), 1), "not closed before endobj"},
		{"an array opened by an object hidden in a comment", bytes.Replace(doc, []byte("%PDF-1.7\n"), []byte("%PDF-1.7 9 0 obj [ % ]\n"), 1), "not closed"},
		{"an array open at the end of the file", append(bytes.Clone(doc), "7 0 obj\n[1 2 3"...), "not closed at the end of the file"},
		{"a string open at the end of the file", append(bytes.Clone(doc), "7 0 obj\n(never closed"...), "string is not closed"},
		{"a hex string open at the end of the file", append(bytes.Clone(doc), "7 0 obj\n<4142"...), "hexadecimal string is not closed"},
		{"a trailer string open at the end of the file", bytes.Replace(doc, []byte("/Root 1 0 R >>"), []byte("/Root 1 0 R /X (open >>"), 1), "string is not closed"},
		{"an object number in the billions", bytes.Replace(doc, []byte("xref\n0 6\n"), []byte("xref\n3000000000 6\n"), 1), "more than 8388607 objects"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkObjects(tc.doc); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("checkObjects = %v, want %q", err, tc.want)
			}
			start := time.Now()
			if _, err := Verify(t.Context(), tc.doc, VerifyOptions{}); !errors.Is(err, ErrNotPDF) {
				t.Errorf("Verify: %v", err)
			}
			if out, _, err := Sign(t.Context(), tc.doc, signer(pki), Options{}); !errors.Is(err, ErrNotPDF) || out != nil {
				t.Errorf("Sign: %v", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestSoundFilesPassTheReaderCheck: the check refuses none of the files this package writes
// or reads in its tests, brackets and keywords in strings, comments and streams included. (It does refuse an object definition followed by an array left open
// even inside a stream, since the reader goes wherever the cross-reference table points.)
func TestSoundFilesPassTheReaderCheck(t *testing.T) {
	pki := testpki.New(t)
	doc := minimalPDF(map[string][]byte{"a.json": []byte("[[[ ( endobj < trailer ( xref [ 1 0 R")})
	signed, _, err := Sign(t.Context(), doc, signer(pki), Options{Reason: "최(한)\\ [endobj"})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"minimal": doc, "signed": signed, "xref stream": xrefStreamPDF(),
		"comment with brackets": bytes.Replace(doc, []byte("%PDF-1.7\n"), []byte("%PDF-1.7\n% [ ( < 9 0 obj\n"), 1)}
	for name, b := range files {
		if err := checkObjects(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
