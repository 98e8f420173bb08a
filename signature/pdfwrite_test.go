package signature

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdf"

	"evidentia/internal/testpki"
)

// readBack writes token as the value of /X in the catalog of a small PDF and returns what the
// PDF object reader (github.com/digitorus/pdf, not our writer) reads there.
func readBack(t *testing.T, token string) pdf.Value {
	t.Helper()
	doc := minimalPDF(nil)
	doc = bytes.Replace(doc, []byte("/Type /Catalog"), []byte("/Type /Catalog /X "+token), 1)
	// The catalog grew: rebuild the cross-reference offsets by re-serialising through an update.
	doc = fixXref(t, doc)
	r, err := openPDF(doc)
	if err != nil {
		t.Fatalf("%s: %v", token, err)
	}
	var v pdf.Value
	if err := safely(func() error { v = r.Trailer().Key("Root").Key("X"); return nil }); err != nil {
		t.Fatalf("%s: %v", token, err)
	}
	return v
}

// fixXref rewrites the cross-reference table of a single-revision PDF from its objects.
func fixXref(t *testing.T, doc []byte) []byte {
	t.Helper()
	at := bytes.LastIndex(doc, []byte("\nxref\n"))
	if at < 0 {
		t.Fatal("no xref")
	}
	body := doc[:at+1]
	var offsets []int
	for i := 1; ; i++ {
		o := bytes.Index(body, []byte(fmt.Sprintf("\n%d 0 obj", i)))
		if o < 0 {
			break
		}
		offsets = append(offsets, o+1)
	}
	tr := bytes.Index(doc[at:], []byte("trailer"))
	end := bytes.Index(doc[at:], []byte("startxref"))
	var b bytes.Buffer
	b.Write(body)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	b.Write(doc[at+tr : at+end])
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func TestPDFTextString(t *testing.T) {
	hexForm := regexp.MustCompile(`^<FEFF([0-9A-F]{4})*>$`)
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "()"},
		{"plain", "Hong Gildong", "(Hong Gildong)"},
		{"parentheses and backslash", `a(b)c\d`, `(a\(b\)c\\d)`},
		{"unbalanced", `)(`, `(\)\()`},
		{"every ASCII delimiter", `()<>[]{}/%#`, `(\(\)<>[]{}/%#)`},
		{"CR LF tab", "line1\r\nline2\tend\r", `(line1\r\nline2\tend\r)`},
		{"trailing backslash", `C:\`, `(C:\\)`},
		{"NUL", "a\x00b", "<FEFF006100000062>"},
		{"control 0x01", "\x01", "<FEFF0001>"},
		{"0x18, an accent in PDFDocEncoding", "\x18", "<FEFF0018>"},
		{"DEL", "\x7f", "<FEFF007F>"},
		{"Latin-1", "é", "<FEFF00E9>"},
		{"최 (0x5C)", "최", "<FEFFCD5C>"},
		{"한 (0x5C)", "한", "<FEFFD55C>"},
		{"차 (0x28)", "차", "<FEFFCC28>"},
		{"방 (0x29)", "방", "<FEFFBC29>"},
		{"표 and 로 (0x5C)", "표로", "<FEFFD45CB85C>"},
		{"the repro name", "최민수", "<FEFFCD5CBBFCC218>"},
		{"the repro unit", "대한민국 경찰청", "<FEFFB300D55CBBFCAD6D0020ACBDCC30CCAD>"},
		{"Hangul with ASCII delimiters", `최(한)\`, "<FEFFCD5C0028D55C0029005C>"},
		{"non-BMP emoji", "😀", "<FEFFD83DDE00>"},
		{"non-BMP CJK extension B", "𠀀최", "<FEFFD840DC00CD5C>"},
		{"invalid UTF-8", "\xff", "<FEFFFFFD>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pdfTextString(tc.in)
			if got != tc.want {
				t.Fatalf("pdfTextString(%q) = %s, want %s", tc.in, got, tc.want)
			}
			if got[0] == '<' && !hexForm.MatchString(got) {
				t.Fatalf("%s is not a UTF-16BE hex string", got)
			}
			want := tc.in
			if want == "\xff" {
				want = "\uFFFD"
			}
			v := readBack(t, got)
			if v.Kind() != pdf.String || v.Text() != want {
				t.Errorf("the PDF reader reads %s as %v %q, want %q", got, v.Kind(), v.Text(), want)
			}
		})
	}
}

func TestPDFName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Foo", "/Foo"},
		{"A B", "/A#20B"},
		{"a#b", "/a#23b"},
		{"x/y", "/x#2Fy"},
		{"(p)", "/#28p#29"},
		{"<[%]>", "/#3C#5B#25#5D#3E"},
		{"한", "/#ED#95#9C"},
		{"", "/"},
	}
	for _, tc := range tests {
		got := pdfName(tc.in)
		if got != tc.want {
			t.Errorf("pdfName(%q) = %s, want %s", tc.in, got, tc.want)
			continue
		}
		if tc.in == "" {
			continue // an empty name is valid PDF, but a poor test of the reader
		}
		if v := readBack(t, got); v.Kind() != pdf.Name || v.Name() != tc.in {
			t.Errorf("the PDF reader reads %s as %v %q", got, v.Kind(), v.Name())
		}
	}
}

func TestPDFDate(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC), "D:20261202030405+00'00'"},
		{time.Date(2026, 12, 2, 12, 4, 5, 0, time.FixedZone("KST", 9*3600)), "D:20261202120405+09'00'"},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", -(3*3600+30*60))), "D:20260102030405-03'30'"},
	}
	for _, tc := range tests {
		got := pdfDate(tc.at)
		if got != tc.want {
			t.Errorf("pdfDate(%v) = %s, want %s", tc.at, got, tc.want)
		}
		back, err := parsePDFDate(got)
		if err != nil || !back.Equal(tc.at) {
			t.Errorf("parsePDFDate(%s) = %v, %v", got, back, err)
		}
	}
}

// startxref returns the offset the last startxref of doc names.
func startxref(t *testing.T, doc []byte) int {
	t.Helper()
	i := bytes.LastIndex(doc, []byte("startxref"))
	f := strings.Fields(string(doc[i+len("startxref"):]))
	n, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// appendUpdate appends a classic incremental update to doc holding objs (number -> body) and
// a trailer of the given /Size and /Root with /Prev.
func appendUpdate(t *testing.T, doc []byte, size, root int, objs map[int]string) []byte {
	t.Helper()
	prev := startxref(t, doc)
	var b bytes.Buffer
	b.Write(doc)
	offsets := map[int]int{}
	var nums []int
	for n := 1; n < size; n++ {
		if body, ok := objs[n]; ok {
			offsets[n] = b.Len()
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
			nums = append(nums, n)
		}
	}
	xref := b.Len()
	b.WriteString("xref\n")
	for _, n := range nums {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Prev %d /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] >>\nstartxref\n%d\n%%%%EOF\n", size, root, prev, xref)
	return b.Bytes()
}

// TestSignAfterIncrementalUpdate signs a file that already has an incremental update which
// gave its first page an annotation (through an indirect /Annots array) and its catalog a form
// with a text field called Signature1: the signature keeps both, picks another field name,
// keeps the file's /ID, and poppler and Verify call it valid.
func TestSignAfterIncrementalUpdate(t *testing.T) {
	needTool(t, "pdfsig")
	pki := testpki.New(t)
	doc := minimalPDF(nil) // 1 catalog, 2 pages, 3 font, 4 content, 5 page; /Size 6
	page := "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R /Annots 8 0 R >>"
	updated := appendUpdate(t, doc, 10, 1, map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R /Lang (ko-KR) /AcroForm << /Fields [7 0 R] /DA (/Helv 0 Tf 0 g) >> >>",
		5: page,
		6: "<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /Border [0 0 0] /A << /S /URI /URI (https://example.test/\\(x\\)) >> >>",
		7: "<< /FT /Tx /T (Signature1) /V (filled in) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 5 0 R >>",
		8: "[6 0 R]",
	})
	// A second update on top, changing nothing but the trailer's chain.
	updated = appendUpdate(t, updated, 10, 1, map[int]string{9: "<< /Producer (second update) >>"})
	if rep, err := Verify(t.Context(), updated, VerifyOptions{}); err != nil || len(rep.Signatures) != 0 {
		t.Fatalf("the updated test file is not a readable unsigned PDF: %v", err)
	}

	signed, made, err := Sign(t.Context(), updated, signer(pki), Options{Reason: "증거 보고서", Location: "서울 (본청)"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, updated) || !made.WholeFile || made.Field != "Signature2" {
		t.Fatalf("prefix %v whole %v field %q", bytes.HasPrefix(signed, updated), made.WholeFile, made.Field)
	}
	rep, err := Verify(t.Context(), signed, VerifyOptions{Roots: pki.Pool()})
	if err != nil || rep.Err() != nil {
		t.Fatalf("verify: %v %v", err, rep.Err())
	}
	if s := rep.Signatures[0]; s.Reason != "증거 보고서" || s.Location != "서울 (본청)" || s.Name != "홍길동" {
		t.Errorf("name/reason/location = %q/%q/%q", s.Name, s.Reason, s.Location)
	}
	r, err := openPDF(signed)
	if err != nil {
		t.Fatal(err)
	}
	var annots, fields []string
	var lang, da, id string
	var perms pdf.Value
	safely(func() error {
		root := r.Trailer().Key("Root")
		a := r.Page(1).V.Key("Annots")
		for i := 0; i < a.Len(); i++ {
			annots = append(annots, a.Index(i).Key("Subtype").Name())
		}
		f := root.Key("AcroForm").Key("Fields")
		for i := 0; i < f.Len(); i++ {
			fields = append(fields, f.Index(i).Key("T").Text())
		}
		lang, da = root.Key("Lang").Text(), root.Key("AcroForm").Key("DA").Text()
		id = fmt.Sprintf("%x", r.Trailer().Key("ID").Index(0).RawString())
		perms = root.Key("Perms").Key("DocMDP")
		if a.Index(0).Key("A").Key("URI").Text() != "https://example.test/(x)" {
			t.Errorf("the link's URI changed: %q", a.Index(0).Key("A").Key("URI").Text())
		}
		return nil
	})
	if strings.Join(annots, ",") != "Link,Widget" {
		t.Errorf("first page annotations = %v, want the link and the signature widget", annots)
	}
	if strings.Join(fields, ",") != "Signature1,Signature2" {
		t.Errorf("form fields = %v", fields)
	}
	if lang != "ko-KR" || da != "/Helv 0 Tf 0 g" {
		t.Errorf("catalog /Lang %q, form /DA %q: entries of the earlier update lost", lang, da)
	}
	if id != "00112233445566778899aabbccddeeff" {
		t.Errorf("the file's permanent /ID changed to %s", id)
	}
	if perms.Key("Type").Name() != "Sig" || perms.Key("Reference").Index(0).Key("TransformParams").Key("P").Int64() != 1 {
		t.Errorf("/Perms /DocMDP does not name the signature with P 1: %v", perms)
	}
	out := pdfsig(t, write(t, signed), pki.NSSDB(t))
	for _, want := range []string{"Signature Field Name: Signature2", "Signature is Valid.", "Certificate is Trusted.", "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, out)
		}
	}
}

// xrefStreamPDF is a one-page PDF whose cross-reference section is a stream (PDF 1.5), with
// an optional hybrid-style trailer key.
func xrefStreamPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	}
	offsets := []int{}
	for i, o := range objs {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xrefAt := b.Len()
	var data bytes.Buffer
	entry := func(typ byte, off uint32, gen uint16) {
		data.WriteByte(typ)
		binary.Write(&data, binary.BigEndian, off)
		binary.Write(&data, binary.BigEndian, gen)
	}
	entry(0, 0, 0xffff)
	for _, o := range offsets {
		entry(1, uint32(o), 0)
	}
	entry(1, uint32(xrefAt), 0)
	fmt.Fprintf(&b, "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", data.Len())
	b.Write(data.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return b.Bytes()
}

// encryptedPDF is minimalPDF encrypted with RC4 (revision 2) under an empty user password,
// which the reader opens; its streams are left as they were, which does not matter here.
func encryptedPDF(t *testing.T) []byte {
	t.Helper()
	pad := []byte("\x28\xbf\x4e\x5e\x4e\x75\x8a\x41\x64\x00\x4e\x56\xff\xfa\x01\x08\x2e\x2e\x00\xb6\xd0\x68\x3e\x80\x2f\x0c\xa9\xfe\x64\x53\x69\x7a")
	o := bytes.Repeat([]byte{0x42}, 32)
	id := []byte("0123456789abcdef")
	p := int32(-4)
	h := md5.New()
	h.Write(pad)
	h.Write(o)
	binary.Write(h, binary.LittleEndian, p)
	h.Write(id)
	key := h.Sum(nil)[:5]
	c, err := rc4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	u := make([]byte, 32)
	c.XORKeyStream(u, pad)
	doc := minimalPDF(nil)
	enc := fmt.Sprintf("/Encrypt << /Filter /Standard /V 1 /R 2 /O <%x> /U <%x> /P %d >> /ID [<%x> <%x>] >>", o, u, p, id, id)
	i := bytes.LastIndex(doc, []byte(">>\nstartxref"))
	return append(append(bytes.Clone(doc[:i]), enc...), doc[i+2:]...)
}

func TestSignRefusesWhatItCannotWrite(t *testing.T) {
	pki := testpki.New(t)
	signedOnce, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain := minimalPDF(nil)
	hybrid := bytes.Replace(plain, []byte("/Size 6"), []byte("/Size 6 /XRefStm 9"), 1)
	noPages := bytes.Replace(plain, []byte("/Kids [5 0 R] /Count 1"), []byte("/Kids [] /Count 0"), 1)
	noPages = fixXref(t, noPages)
	loop := fixXref(t, bytes.Replace(plain, []byte("/Kids [5 0 R] /Count 1"), []byte("/Kids [2 0 R] /Count 1"), 1))
	tests := []struct {
		name string
		doc  []byte
		want error
		text string
	}{
		{"a cross-reference stream", xrefStreamPDF(), ErrNotPDF, "cross-reference stream"},
		{"a hybrid /XRefStm", hybrid, ErrUnsupportedPDF, "XRefStm"},
		{"encrypted", encryptedPDF(t), ErrUnsupportedPDF, "encrypted"},
		{"already signed", signedOnce, ErrUnsupportedPDF, "certification"},
		{"no page", noPages, ErrUnsupportedPDF, "no first page"},
		{"a page tree that loops", loop, ErrUnsupportedPDF, "no first page"},
		{"not a PDF", []byte("%PDF-1.7\nhello\n%%EOF\n"), ErrNotPDF, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := openPDF(tc.doc); err != nil && tc.want != ErrNotPDF {
				t.Fatalf("the test file is unreadable, so this tests nothing: %v", err)
			}
			out, got, err := Sign(t.Context(), tc.doc, signer(pki), Options{})
			if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.text) || out != nil || got != nil {
				t.Errorf("Sign = %d bytes, %v; want %v mentioning %q", len(out), err, tc.want, tc.text)
			}
		})
	}
}

func TestSignWithoutFinalNewline(t *testing.T) {
	pki := testpki.New(t)
	doc := bytes.TrimRight(minimalPDF(nil), "\n")
	signed, _, err := Sign(t.Context(), doc, signer(pki), Options{Reason: "no newline"})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Verify(t.Context(), signed, VerifyOptions{Roots: pki.Pool()}); err != nil || rep.Err() != nil || !bytes.HasPrefix(signed, doc) {
		t.Fatalf("%v %v", err, rep.Err())
	}
}

func TestContentsRoomIsNotOverrun(t *testing.T) {
	doc := minimalPDF(nil)
	r, err := openPDF(doc)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := prepareRevision(doc, r, sigDetails{Name: "x", Time: time.Now(), ContentsSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	before := bytes.Clone(rev.out)
	if _, err := rev.Fill(bytes.Repeat([]byte{0x30}, 17)); err == nil || !strings.Contains(err.Error(), "more than the 16 reserved") {
		t.Errorf("17 bytes into 16: %v", err)
	}
	if !bytes.Equal(before, rev.out) {
		t.Error("a CMS that does not fit changed the file")
	}
	if _, err := rev.Fill(bytes.Repeat([]byte{0xAB}, 16)); err != nil {
		t.Errorf("16 bytes into 16: %v", err)
	}
	if !bytes.Contains(rev.out, []byte("/Contents <"+strings.Repeat("ab", 16)+">")) {
		t.Error("the CMS is not where /Contents is")
	}
}

// TestTamperedDetailsAreDetected changes one byte of each hex-written detail of a signature
// after signing: the signature covers them, so the digest no longer matches.
func TestTamperedDetailsAreDetected(t *testing.T) {
	needTool(t, "pdfsig")
	pki := testpki.New(t)
	signed, _, err := Sign(t.Context(), minimalPDF(nil), signer(pki), Options{Reason: "채증 (사유)", Location: "대한민국 경찰청", ContactInfo: "최민수 <c@example.test>"})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"/Name <FEFF", "/Reason <FEFF", "/Location <FEFF", "/ContactInfo <FEFF", "/M (D:", "/TransformParams << /Type /TransformParams /P ", "/DocMDP "} {
		t.Run(key, func(t *testing.T) {
			i := bytes.LastIndex(signed, []byte(key))
			if i < 0 {
				t.Fatalf("%s not written", key)
			}
			b := bytes.Clone(signed)
			j := i + len(key)
			if !strings.ContainsRune("0123456789ABCDEF", rune(b[j])) {
				t.Fatalf("%s is followed by %q, not a digit", key, b[j])
			}
			if b[j] == '0' { // another digit, so that the file still parses
				b[j] = '1'
			} else {
				b[j] = '0'
			}
			rep, err := Verify(t.Context(), b, VerifyOptions{Roots: pki.Pool()})
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(rep.Err(), ErrDigestMismatch) {
				t.Errorf("Err() = %v, want ErrDigestMismatch", rep.Err())
			}
			if out := pdfsig(t, write(t, b), ""); !strings.Contains(out, "Digest Mismatch.") {
				t.Errorf("pdfsig:\n%s", out)
			}
		})
	}
}

// FuzzSign feeds Sign damaged files: it must refuse them with an error, never panic, and
// whatever it does sign must verify and keep the original bytes.
func FuzzSign(f *testing.F) {
	pki := testpki.New(f)
	doc := minimalPDF(nil)
	f.Add(doc)
	f.Add(xrefStreamPDF())
	f.Add(doc[:len(doc)-40])
	f.Add(bytes.Replace(doc, []byte("/Type /Page "), []byte("/Type /Page /Annots 99 0 R "), 1))
	f.Add([]byte("%PDF-1.7\ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n9\n%%EOF"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, s, err := Sign(t.Context(), doc, signer(pki), Options{Reason: "최(한)\\"})
		if err != nil {
			if out != nil || s != nil {
				t.Fatalf("an error with a result: %v", err)
			}
			return
		}
		if !bytes.HasPrefix(out, doc) || !s.Valid() && !errors.Is(s.Problems[0], ErrUntrusted) {
			t.Fatalf("signed, but: prefix %v problems %v", bytes.HasPrefix(out, doc), s.Problems)
		}
	})
}
