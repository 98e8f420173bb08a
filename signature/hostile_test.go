package signature

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rawPDF writes objs (object i+1 is objs[i]) with a classic cross-reference table and the
// trailer dictionary's extra entries trailer; /Root is object 1.
func rawPDF(objs []string, trailer string) []byte { return pdfOf("%PDF-1.7\n", objs, 1, trailer) }

// pdfOf writes header, then objs (object i+1 is objs[i]), a classic cross-reference table and
// a trailer naming object root as /Root, with the extra entries trailer.
func pdfOf(header string, objs []string, root int, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, root, trailer, xref)
	return b.Bytes()
}

// hostilePDFs are small PDFs built to make a verifier walk, allocate or loop without end.
func hostilePDFs() map[string][]byte {
	self8 := "<< /FT /Tx /T (a) /Kids [" + strings.Repeat("3 0 R ", 8) + "] >>"
	dag := []string{"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>", "<< /Type /Pages /Kids [] /Count 0 >>"}
	for i := 3; i < 3+20; i++ { // 20 levels, each node listing the next 8 times: 8^20 paths
		dag = append(dag, fmt.Sprintf("<< /T (n%d) /Kids [%s] >>", i, strings.Repeat(fmt.Sprintf("%d 0 R ", i+1), 8)))
	}
	dag = append(dag, "<< /FT /Sig /T (leaf) >>")
	// Found by FuzzVerifyPDF: a comment swallows the end of a /Kids array, which then runs over
	// the next objects; the reader looped for ever on it.
	swallowed := rawPDF(dag, "")
	swallowed = bytes.Replace(swallowed, []byte("/Kids [8 0 R"), []byte("/Kids [8%0 R"), 1)
	wide := "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + strings.Repeat("<< >> ", maxTreeNodes+1) + "] >> >>"
	return map[string][]byte{
		// The 470-byte file: a form field whose /Kids lists itself 8 times.
		"kids lists itself 8 times": rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
			"<< /Type /Pages /Kids [] /Count 0 >>",
			self8,
		}, ""),
		"kids cycle through two objects": rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
			"<< /Type /Pages /Kids [] /Count 0 >>",
			"<< /T (a) /Kids [4 0 R 4 0 R 4 0 R 4 0 R] >>",
			"<< /T (b) /Kids [3 0 R 3 0 R 3 0 R 3 0 R] >>",
		}, ""),
		"kids lists the next level 8 times, 20 deep": rawPDF(dag, ""),
		"field tree beyond the node budget":          rawPDF([]string{wide, "<< /Type /Pages /Kids [] /Count 0 >>"}, ""),
		"names cycle": rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
			"<< /Type /Pages /Kids [] /Count 0 >>",
			"<< /Kids [4 0 R 4 0 R 4 0 R 4 0 R 3 0 R] >>",
			"<< /Kids [3 0 R 4 0 R 3 0 R 4 0 R] >>",
		}, ""),
		"names lists the same file spec many times": rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [" + strings.Repeat("(a) 3 0 R ", 1000) + "] >> >> >>",
			"<< /Type /Pages /Kids [] /Count 0 >>",
			"<< /Type /Filespec /F (a) /EF << /F 4 0 R >> >>",
			"<< /Length 1 >>\nstream\nx\nendstream",
		}, ""),
		"xref stream of 3e9 objects": append([]byte("%PDF-1.7\n%"+strings.Repeat("x", 300)+"\n"),
			[]byte("1 0 obj\n<< /Type /XRef /Si#7Ae 3000000000 /W [1 2 1] /Root 1 0 R /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n311\n%%EOF\n")...),
		"xref row of a terabyte": append([]byte("%PDF-1.7\n%"+strings.Repeat("x", 300)+"\n"),
			[]byte("1 0 obj\n<< /Type /XRef /Size 2 /W [1 1000000000000 1] /Root 1 0 R /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n311\n%%EOF\n")...),
		"xref table starting at object 3e9": []byte("%PDF-1.7\n%" + strings.Repeat("x", 300) + "\nxref\n3000000000 1\n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n311\n%%EOF\n"),
		"no end of file marker, 1 MiB":      append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 1<<20)...),
		"kids array swallowed by a comment": swallowed,
		// Found by FuzzVerifyPDF: the table sits where a comment seems to run on (\x1a is no
		// line end), but the reader goes to startxref's offset and reads it.
		"xref table of 3e9 objects inside a comment": []byte("%PDF-1.7\n%" + strings.Repeat("x", 300) + "\x1axref\n3000000000 1\n0000000009 00000 n \ntrailer\n<< /Size\xbe\xd27\xed 2 /Root 1 0 R >>\nstartxref\n311\n%%EOF\n"),
		// Found by the red-team review: the reader recurses once a level and a stack overflow
		// ends the program; these used to print "fatal error: stack overflow" and a trace.
		"arrays nested 2,000,000 deep, hidden in a string": hiddenDeepPDF(2_000_000),
		"arrays nested 3,000,000 deep in an object stream": objectStreamPDF("2 0 " + strings.Repeat("[", 3_000_000) + strings.Repeat("]", 3_000_000)),
		"an array never closed in an object stream":        objectStreamPDF("2 0 [ 1 2 "),
	}
}

// hiddenDeepPDF is a PDF whose Pages object, n arrays deep, sits inside a literal string of
// the catalog, where a scan that skips strings does not look, and the cross-reference table
// points at it.
func hiddenDeepPDF(n int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	off1 := b.Len()
	b.WriteString("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X (")
	off2 := b.Len()
	b.WriteString("2 0 obj " + strings.Repeat("[", n) + strings.Repeat("]", n) + " endobj")
	b.WriteString(") >>\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 3\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n", off1, off2)
	fmt.Fprintf(&b, "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// objectStreamPDF is a PDF whose catalog, object 2, is the first object of a compressed object
// stream holding objStm (its header "2 0 " and the object), found through a cross-reference
// stream: where no scan of the file's bytes can see it.
func objectStreamPDF(objStm string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(objStm))
	zw.Close()
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	o4 := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n", z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	o5 := b.Len()
	row := func(t byte, a uint32, g uint16) []byte {
		return []byte{t, byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a), byte(g >> 8), byte(g)}
	}
	var rows []byte
	for _, r := range [][]byte{row(0, 0, 65535), row(0, 0, 0), row(2, 4, 0), row(0, 0, 0), row(1, uint32(o4), 0), row(1, uint32(o5), 0)} {
		rows = append(rows, r...)
	}
	fmt.Fprintf(&b, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 2 0 R /Length %d >>\nstream\n", len(rows))
	b.Write(rows)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", o5)
	return b.Bytes()
}

// TestBERRefused: a CMS signature or timestamp in BER, nested 262,000 indefinite lengths
// deep, took the CMS parser minutes (its BER-to-DER conversion is quadratic in the depth) and
// the first Ctrl+C did not stop it; signatures and tokens are DER, and anything else is
// refused at once.
func TestBERRefused(t *testing.T) {
	const n = 262_000
	ber := append(bytes.Repeat([]byte{0x30, 0x80}, n), 0x02, 0x01, 0x00)
	ber = append(ber, bytes.Repeat([]byte{0, 0}, n)...)
	if _, err := VerifyDetached(ber, []byte("manifest"), VerifyOptions{}); !errors.Is(err, ErrNotCMS) {
		t.Errorf("VerifyDetached(BER) = %v, want ErrNotCMS", err)
	}
	if _, err := VerifyTimestamp(ber, []byte("manifest"), nil); !errors.Is(err, ErrTimestamp) {
		t.Errorf("VerifyTimestamp(BER) = %v, want ErrTimestamp", err)
	}
	if _, err := TokenFromResponse(ber); !errors.Is(err, ErrTimestamp) {
		t.Errorf("TokenFromResponse(BER) = %v, want ErrTimestamp", err)
	}
	// One indefinite length, shallow, is refused too: DER has none.
	if err := checkDERNesting([]byte{0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00}); err == nil {
		t.Error("an indefinite length passed as DER")
	}
}

// TestHostilePDFsEndPromptly reproduces finding 4: each file used to hang Verify (8^16 walks
// of one field), loop, or end the program with "out of memory"; now each gives an error or a
// problem at once.
func TestHostilePDFsEndPromptly(t *testing.T) {
	for name, doc := range hostilePDFs() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			rep, err := Verify(t.Context(), doc, VerifyOptions{})
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Verify took %v", d)
			}
			if err == nil && rep.Err() == nil {
				t.Fatalf("a hostile file verified")
			}
			if err != nil && !errors.Is(err, ErrNotPDF) {
				t.Errorf("error %v, want ErrNotPDF", err)
			}
		})
	}
	if n := len(hostilePDFs()["kids lists itself 8 times"]); n > 500 {
		t.Errorf("the issue's file is %d bytes here, about 470 there", n)
	}
	if _, err := Verify(t.Context(), hostilePDFs()["field tree beyond the node budget"], VerifyOptions{}); !errors.Is(err, ErrStructure) {
		t.Errorf("beyond the budget: %v, want ErrStructure", err)
	}
	rep, err := Verify(t.Context(), hostilePDFs()["names lists the same file spec many times"], VerifyOptions{})
	if err != nil || len(rep.Attachments) != 1 {
		t.Errorf("one file spec listed 1000 times: %v, %d attachments, want 1", err, len(rep.Attachments))
	}
}

// TestVerifyStopsWhenCancelled checks that Verify returns ctx's error within a second of the
// cancellation, also when the work itself would take long (here: a slow reader stands in for
// the object reader, which takes no context).
func TestVerifyStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Verify(ctx, minimalPDF(nil), VerifyOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: %v", err)
	}
	// A file whose embedded file takes long to read: 300 MiB deflated into a few hundred KiB
	// (read up to the 256 MiB bound, then refused).
	doc := bombPDF(t, []string{"bomb"}, 300<<20)
	// The time a whole read takes is the shorter of two: a first read can be ten times slower
	// (a cold start under Wine), and cancelling at a tenth of it would come after a warm read
	// had already finished.
	whole := time.Duration(1<<63 - 1)
	for range 2 {
		start := time.Now()
		_, err := Verify(t.Context(), doc, VerifyOptions{})
		whole = min(whole, time.Since(start))
		if !errors.Is(err, ErrNotPDF) || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("uncancelled: %v", err)
		}
	}
	ctx, cancel = context.WithCancel(t.Context())
	time.AfterFunc(whole/10, cancel)
	start := time.Now()
	_, err := Verify(ctx, doc, VerifyOptions{})
	if d := time.Since(start); !errors.Is(err, context.Canceled) || d > whole/10+time.Second {
		t.Errorf("cancelled after %v while reading: %v after %v", whole/10, err, d)
	}
	t.Logf("reading the bomb takes %v; cancelled after %v, Verify returned", whole, whole/10)
}

// bombPDF makes a PDF embedding, under each name, size zero bytes deflated.
func bombPDF(t testing.TB, names []string, size int) []byte {
	t.Helper()
	data := deflateZeros(t, size)
	objs := []string{"", "<< /Type /Pages /Kids [] /Count 0 >>"}
	var entries []string
	for _, n := range names {
		objs = append(objs, fmt.Sprintf("<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", len(data), data))
		objs = append(objs, fmt.Sprintf("<< /Type /Filespec /F (%s) /EF << /F %d 0 R >> >>", n, len(objs)))
		entries = append(entries, fmt.Sprintf("(%s) %d 0 R", n, len(objs)))
	}
	objs[0] = "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [" + strings.Join(entries, " ") + "] >> >> >>"
	return rawPDF(objs, "")
}

// deflateZeros returns size zero bytes, zlib-compressed (as /FlateDecode reads them).
func deflateZeros(t testing.TB, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := zlib.NewWriterLevel(&b, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n := 0; n < size; n += len(chunk) {
		zw.Write(chunk[:min(len(chunk), size-n)])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNotAPDFIsSaidPlainly: a file that is no PDF at all (an image renamed .pdf) is "not a
// PDF", not a file built to exhaust the reader.
func TestNotAPDFIsSaidPlainly(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 64))
	_, err := Verify(t.Context(), png, VerifyOptions{})
	if !errors.Is(err, ErrNotPDF) || errors.Is(err, ErrStructure) || !strings.Contains(err.Error(), "%PDF-") {
		t.Fatalf("Verify(PNG) = %v, want ErrNotPDF naming the missing header, not ErrStructure", err)
	}
}
