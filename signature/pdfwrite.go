package signature

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pdf"
)

// pdfTextString returns s (UTF-8) as a PDF text string token that every conforming reader
// decodes back to s. A string of printable ASCII (with tab, CR and LF) is written as a literal
// string with ( ) \ and the control characters escaped; any other is written as a hexadecimal
// string of UTF-16BE with a byte-order mark, <FEFF...>, characters outside the Basic
// Multilingual Plane as surrogate pairs. No byte of s therefore reaches the file unescaped.
// Invalid UTF-8 is written as U+FFFD.
func pdfTextString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
			// Outside PDFDocEncoding's ASCII subset: 0x18-0x1f would read as accents there.
			ascii = false
			break
		}
	}
	if ascii {
		var b bytes.Buffer
		b.WriteByte('(')
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '(', ')', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte(')')
		return b.String()
	}
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 6+4*len(u))
	out = append(out, "<FEFF"...)
	for _, c := range u {
		out = append(out, hexDigits[c>>12], hexDigits[c>>8&15], hexDigits[c>>4&15], hexDigits[c&15])
	}
	return string(append(out, '>'))
}

const hexDigits = "0123456789ABCDEF"

// pdfName returns n as a PDF name token: a slash, then n with every byte that is not a regular
// printable character (white space, delimiters, '#', non-ASCII) written as #XX.
func pdfName(n string) string {
	b := []byte{'/'}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || !isRegular(c) {
			b = append(b, '#', hexDigits[c>>4], hexDigits[c&15])
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// pdfDate formats t as a PDF date, D:YYYYMMDDHHmmSS+HH'mm', in t's own zone.
func pdfDate(t time.Time) string {
	s := "D:" + t.Format("20060102150405")
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s%c%02d'%02d'", s, sign, off/3600, off/60%60)
}

// objRef is an indirect object's number and generation.
type objRef struct {
	id  uint32
	gen uint16
}

func (o objRef) String() string { return fmt.Sprintf("%d %d R", o.id, o.gen) }

func refOf(v pdf.Value) objRef {
	p := v.GetPtr()
	return objRef{p.GetID(), p.GetGen()}
}

// copier writes values read with github.com/digitorus/pdf back as PDF syntax. The reader
// resolves indirect references as it goes; a value read from within object N carries N, so a
// value that carries another object is written as a reference to it, not copied.
type copier struct {
	b *bytes.Buffer
}

// value writes v, found inside container (the dictionary or array holding it).
func (c copier) value(v, container pdf.Value, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("%w: objects nested more than %d deep", ErrUnsupportedPDF, maxNesting)
	}
	if v.IsNull() {
		c.b.WriteString("null")
		return nil
	}
	if v.GetPtr() != container.GetPtr() {
		c.b.WriteString(refOf(v).String())
		return nil
	}
	switch v.Kind() {
	case pdf.Bool:
		c.b.WriteString(strconv.FormatBool(v.Bool()))
	case pdf.Integer:
		c.b.WriteString(strconv.FormatInt(v.Int64(), 10))
	case pdf.Real:
		c.b.WriteString(strconv.FormatFloat(v.Float64(), 'f', -1, 64))
	case pdf.String:
		// The exact bytes, as a hexadecimal string: nothing to escape.
		c.b.WriteByte('<')
		c.b.WriteString(hex.EncodeToString([]byte(v.RawString())))
		c.b.WriteByte('>')
	case pdf.Name:
		c.b.WriteString(pdfName(v.Name()))
	case pdf.Array:
		c.b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				c.b.WriteByte(' ')
			}
			if err := c.value(v.Index(i), v, depth+1); err != nil {
				return err
			}
		}
		c.b.WriteByte(']')
	case pdf.Dict:
		c.b.WriteString("<<")
		if err := c.entries(v, nil, depth+1); err != nil {
			return err
		}
		c.b.WriteString(" >>")
	default: // a stream is always an indirect object, so never reached within one
		return fmt.Errorf("%w: a direct %v value", ErrUnsupportedPDF, v.Kind())
	}
	return nil
}

// entries writes the entries of dictionary d, less the keys in skip, each preceded by a space.
func (c copier) entries(d pdf.Value, skip []string, depth int) error {
	for _, k := range d.Keys() {
		if slices.Contains(skip, k) {
			continue
		}
		c.b.WriteByte(' ')
		c.b.WriteString(pdfName(k))
		c.b.WriteByte(' ')
		if err := c.value(d.Key(k), d, depth); err != nil {
			return err
		}
	}
	return nil
}

// elements writes the elements of array a, each preceded by a space.
func (c copier) elements(a pdf.Value, depth int) error {
	for i := 0; i < a.Len(); i++ {
		c.b.WriteByte(' ')
		if err := c.value(a.Index(i), a, depth); err != nil {
			return err
		}
	}
	return nil
}

// sigDetails are the visible entries of a signature dictionary.
type sigDetails struct {
	Name, Reason, Location, ContactInfo string
	Time                                time.Time
	TSA                                 string // written as /EvidentiaTSA when not ""
	// ContentsSize is how many bytes of CMS the /Contents hex string has room for.
	ContentsSize int
}

// sigRevision is a document with an incremental update appended that adds a certification
// signature whose /Contents is still zeros (its /ByteRange is final): Signed gives the bytes
// the signature covers, Fill writes the signature. It owns out.
type sigRevision struct {
	out           []byte
	contentsStart int // offset of the '<' of /Contents
	contentsEnd   int // offset just after its '>'
}

// byteRangeWidth is the room written for /ByteRange, overwritten in place once the layout is
// known: enough for four 10-digit offsets.
const byteRangeWidth = 48

// Signed returns the bytes the signature covers: the whole file but the /Contents string.
func (s *sigRevision) Signed() []byte {
	b := make([]byte, 0, len(s.out)-(s.contentsEnd-s.contentsStart))
	return append(append(b, s.out[:s.contentsStart]...), s.out[s.contentsEnd:]...)
}

// Fill writes cms, in hexadecimal and padded with zeros, into /Contents and returns the signed
// file (s's own buffer). It fails, without changing anything, when cms does not fit the room
// reserved.
func (s *sigRevision) Fill(cms []byte) ([]byte, error) {
	room := (s.contentsEnd - s.contentsStart - 2) / 2
	if len(cms) > room {
		return nil, fmt.Errorf("signature: the CMS signature is %d bytes, more than the %d reserved for it", len(cms), room)
	}
	hex.Encode(s.out[s.contentsStart+1:], cms)
	return s.out, nil
}

// prepareRevision appends to doc (read as r) an incremental update that adds a certification
// signature permitting no change (DocMDP P=1) with the details d: the signature dictionary,
// an invisible widget annotation on the first page that is its field, a copy of the first page
// listing that widget in /Annots, and a copy of the catalog with the field in /AcroForm and
// the signature in /Perms; then a classic cross-reference section for those objects and a
// trailer chained to the previous one with /Prev. doc is not changed.
//
// prepareRevision refuses (ErrUnsupportedPDF) a file whose last cross-reference section is a
// stream, or that has a hybrid /XRefStm, is encrypted, has no catalog or first page as
// indirect dictionaries, or is already signed or certified.
func prepareRevision(doc []byte, r *pdf.Reader, d sigDetails) (rev *sigRevision, err error) {
	err = safely(func() error {
		var e error
		rev, e = buildRevision(doc, r, d)
		return e
	})
	if err != nil && !errors.Is(err, ErrUnsupportedPDF) {
		err = fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	return rev, err
}

// buildRevision is prepareRevision without its recovery of panics (the PDF reader panics on
// some malformed files): it checks doc with readRevisionBase, then writes, in this order, the
// signature dictionary, the widget, the first page, the catalog, the cross-reference section
// and the trailer, and finally writes the /ByteRange in place. Its errors wrap
// ErrUnsupportedPDF, or come from the copier.
func buildRevision(doc []byte, r *pdf.Reader, d sigDetails) (*sigRevision, error) {
	base, err := readRevisionBase(doc, r)
	if err != nil {
		return nil, err
	}
	w := newRevisionWriter(doc, base.size, d.ContentsSize)
	w.writeSignature(d)
	w.writeWidget(base.page, base.field)
	if err := w.writePage(base.page); err != nil {
		return nil, err
	}
	if err := w.writeCatalog(base.root, base.acro, base.fields, r.PDFVersion); err != nil {
		return nil, err
	}
	xrefAt := w.writeXref()
	if err := w.writeTrailer(doc, base.trailer, refOf(base.root), base.prev, d, xrefAt); err != nil {
		return nil, err
	}
	return w.finish()
}

// unsupported returns an error wrapping ErrUnsupportedPDF that says why, the format and args
// as fmt.Sprintf takes them.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupportedPDF, fmt.Sprintf(format, args...))
}

// revisionBase is what buildRevision takes from the document it appends to.
type revisionBase struct {
	trailer pdf.Value
	size    int64 // the trailer's /Size: the number of the first new object
	prev    int64 // the offset of the last cross-reference section
	root    pdf.Value
	page    pdf.Value // the first page
	acro    pdf.Value // the catalog's /AcroForm (may be null)
	fields  pdf.Value // its /Fields (may be null)
	field   string    // the name of the new signature field, unused by the form's fields
}

// readRevisionBase checks, in this order, that doc (read as r) can take a certification
// signature (readTrailer, then readCatalog) and returns what the update needs of it. It
// writes nothing; its errors wrap ErrUnsupportedPDF.
func readRevisionBase(doc []byte, r *pdf.Reader) (revisionBase, error) {
	var b revisionBase
	var err error
	if b.trailer, b.size, b.prev, err = readTrailer(doc, r); err != nil {
		return revisionBase{}, err
	}
	if err := b.readCatalog(); err != nil {
		return revisionBase{}, err
	}
	return b, nil
}

// readTrailer returns r's trailer, its /Size and the offset of the last cross-reference
// section, refusing a cross-reference stream, a hybrid /XRefStm, an encrypted file, an
// unusable /Size (it must leave room for two more objects) and an offset outside doc.
func readTrailer(doc []byte, r *pdf.Reader) (trailer pdf.Value, size, prev int64, err error) {
	trailer = r.Trailer()
	if r.XrefInformation.Type != "table" {
		return trailer, 0, 0, unsupported("its cross-reference section is a %s, not a table", r.XrefInformation.Type)
	}
	if !trailer.Key("XRefStm").IsNull() {
		return trailer, 0, 0, unsupported("it has a hybrid cross-reference stream (/XRefStm)")
	}
	if !trailer.Key("Encrypt").IsNull() {
		return trailer, 0, 0, unsupported("it is encrypted")
	}
	size = trailer.Key("Size").Int64()
	if trailer.Key("Size").Kind() != pdf.Integer || size < 1 || size > maxObjects-2 {
		return trailer, 0, 0, unsupported("the trailer's /Size %v is not usable", trailer.Key("Size"))
	}
	prev = r.XrefInformation.StartPos
	if prev <= 0 || prev >= int64(len(doc)) {
		return trailer, 0, 0, unsupported("the last cross-reference section is at %d, outside the file", prev)
	}
	return trailer, size, prev, nil
}

// readCatalog fills in b's root, page, acro, fields and field from b.trailer, refusing a file
// with no indirect catalog, one already certified, with no first page (or the catalog as its
// first page), with form fields too deep or too many, or already signed. The field is
// "Signature1", else the first "SignatureN" (N = 2, 3...) no top-level field is named.
func (b *revisionBase) readCatalog() error {
	root := b.trailer.Key("Root")
	if root.Kind() != pdf.Dict || refOf(root).id == 0 {
		return unsupported("no catalog (/Root) dictionary")
	}
	if !root.Key("Perms").Key("DocMDP").IsNull() {
		return unsupported("it already carries a certification signature")
	}
	page, ok := firstPage(root.Key("Pages"), root)
	if !ok {
		return unsupported("no first page")
	}
	if refOf(page) == refOf(root) {
		return unsupported("the first page is the catalog")
	}
	acro := root.Key("AcroForm")
	fields := acro.Key("Fields")
	signed, names, ok := inspectFields(fields)
	if !ok {
		return unsupported("the form's fields are nested too deeply or too many")
	}
	if signed {
		return unsupported("it is signed already (a certification signature must be the first)")
	}
	field := "Signature1"
	for n := 2; names[field]; n++ {
		field = "Signature" + strconv.Itoa(n)
	}
	b.root, b.page, b.acro, b.fields, b.field = root, page, acro, fields, field
	return nil
}

// revisionWriter writes one incremental update after a copy of the document: out holds the
// document and what has been written of the update, offsets where each object of the update
// begins in out, rev the /Contents span as it becomes known.
type revisionWriter struct {
	out         *bytes.Buffer
	cp          copier
	offsets     map[objRef]int
	rev         *sigRevision
	byteRangeAt int    // offset of the /ByteRange room, written by finish
	sigRef      objRef // the new signature dictionary: object number size
	widgetRef   objRef // the new widget: size+1
	newSize     int64  // the new trailer's /Size: size+2
}

// newRevisionWriter returns a writer whose buffer holds a copy of doc, followed by a newline
// when doc does not end with one, with room reserved for the update and a /Contents of
// contentsSize bytes. The update's two new objects are numbered size and size+1.
func newRevisionWriter(doc []byte, size int64, contentsSize int) *revisionWriter {
	w := &revisionWriter{
		sigRef:    objRef{uint32(size), 0},
		widgetRef: objRef{uint32(size + 1), 0},
		newSize:   size + 2,
		offsets:   map[objRef]int{},
		rev:       &sigRevision{},
	}
	w.out = bytes.NewBuffer(make([]byte, 0, len(doc)+2*contentsSize+8192))
	w.out.Write(doc)
	if len(doc) > 0 && doc[len(doc)-1] != '\n' && doc[len(doc)-1] != '\r' {
		w.out.WriteByte('\n')
	}
	w.cp = copier{w.out}
	return w
}

// writeSignature writes the signature dictionary with the details d. /ByteRange (blank room,
// its offset kept for finish) and /Contents (zeros, its span kept in rev) come first: what
// follows them, the visible details among it, is signed like the rest of the file.
func (w *revisionWriter) writeSignature(d sigDetails) {
	out := w.out
	w.offsets[w.sigRef] = out.Len()
	fmt.Fprintf(out, "%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached\n/ByteRange ", w.sigRef.id)
	w.byteRangeAt = out.Len()
	out.WriteString("[0 0 0 0]")
	out.Write(bytes.Repeat([]byte{' '}, byteRangeWidth-len("[0 0 0 0]")))
	out.WriteString("\n/Contents ")
	w.rev.contentsStart = out.Len()
	out.WriteByte('<')
	out.Write(bytes.Repeat([]byte{'0'}, 2*d.ContentsSize))
	out.WriteByte('>')
	w.rev.contentsEnd = out.Len()
	out.WriteString("\n/Reference [<< /Type /SigRef /TransformMethod /DocMDP /DigestMethod /SHA256 /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>]\n")
	for _, e := range []struct{ key, val string }{
		{"Name", d.Name}, {"Reason", d.Reason}, {"Location", d.Location}, {"ContactInfo", d.ContactInfo},
	} {
		if e.val != "" {
			fmt.Fprintf(out, "/%s %s\n", e.key, pdfTextString(e.val))
		}
	}
	fmt.Fprintf(out, "/M %s\n", pdfTextString(pdfDate(d.Time)))
	if d.TSA != "" {
		fmt.Fprintf(out, "/EvidentiaTSA %s\n", pdfTextString(d.TSA))
	}
	out.WriteString("/Prop_Build << /App << /Name /Evidentia >> >>\n>>\nendobj\n")
}

// writeWidget writes the field: an invisible widget on page, named field, whose value is the
// signature.
func (w *revisionWriter) writeWidget(page pdf.Value, field string) {
	w.offsets[w.widgetRef] = w.out.Len()
	fmt.Fprintf(w.out, "%d 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /F 132 /P %s /V %s /T %s >>\nendobj\n",
		w.widgetRef.id, refOf(page), w.sigRef, pdfTextString(field))
}

// writePage writes a new version of page (the first page, same object number), listing the
// widget after its own annotations. It refuses a page whose /Annots is not an array.
func (w *revisionWriter) writePage(page pdf.Value) error {
	pageRef := refOf(page)
	w.offsets[pageRef] = w.out.Len()
	fmt.Fprintf(w.out, "%d %d obj\n<<", pageRef.id, pageRef.gen)
	if err := w.cp.entries(page, []string{"Annots"}, 1); err != nil {
		return err
	}
	w.out.WriteString(" /Annots [")
	if annots := page.Key("Annots"); annots.Kind() == pdf.Array {
		if err := w.cp.elements(annots, 1); err != nil {
			return err
		}
	} else if !annots.IsNull() {
		return unsupported("the first page's /Annots is not an array")
	}
	fmt.Fprintf(w.out, " %s] >>\nendobj\n", w.widgetRef)
	return nil
}

// writeCatalog writes a new version of the catalog root (same object number): its entries,
// /Version raised to 1.7 when neither pdfVersion (the header's) nor its own is at least that,
// the form (writeAcroForm) and /Perms with /DocMDP naming the signature.
func (w *revisionWriter) writeCatalog(root, acro, fields pdf.Value, pdfVersion string) error {
	rootRef := refOf(root)
	w.offsets[rootRef] = w.out.Len()
	fmt.Fprintf(w.out, "%d %d obj\n<<", rootRef.id, rootRef.gen)
	skip := []string{"AcroForm", "Perms"}
	version := pdfVersion
	if v := root.Key("Version").Name(); v > version {
		version = v
	}
	if version < "1.7" {
		skip = append(skip, "Version")
	}
	if err := w.cp.entries(root, skip, 1); err != nil {
		return err
	}
	if version < "1.7" {
		w.out.WriteString(" /Version /1.7") // SHA-256 in adbe.pkcs7.detached is PDF 1.6
	}
	if err := w.writeAcroForm(acro, fields); err != nil {
		return err
	}
	w.out.WriteString(" /Perms <<")
	if perms := root.Key("Perms"); perms.Kind() == pdf.Dict {
		if err := w.cp.entries(perms, []string{"DocMDP"}, 2); err != nil {
			return err
		}
	}
	fmt.Fprintf(w.out, " /DocMDP %s >> >>\nendobj\n", w.sigRef)
	return nil
}

// writeAcroForm writes the catalog's /AcroForm entry: acro's entries, its /Fields with the
// widget last, and /SigFlags 3. It refuses an /AcroForm that is not a dictionary and /Fields
// that are not an array (either may be null).
func (w *revisionWriter) writeAcroForm(acro, fields pdf.Value) error {
	w.out.WriteString(" /AcroForm <<")
	if acro.Kind() == pdf.Dict {
		if err := w.cp.entries(acro, []string{"Fields", "SigFlags"}, 2); err != nil {
			return err
		}
	} else if !acro.IsNull() {
		return unsupported("the catalog's /AcroForm is not a dictionary")
	}
	w.out.WriteString(" /Fields [")
	if fields.Kind() == pdf.Array {
		if err := w.cp.elements(fields, 2); err != nil {
			return err
		}
	} else if !fields.IsNull() {
		return unsupported("the form's /Fields is not an array")
	}
	fmt.Fprintf(w.out, " %s] /SigFlags 3 >>", w.widgetRef)
	return nil
}

// writeXref writes the cross-reference section of the objects written so far, one subsection
// per run of consecutive object numbers, and returns its offset.
func (w *revisionWriter) writeXref() int {
	out := w.out
	xrefAt := out.Len()
	refs := make([]objRef, 0, len(w.offsets))
	for ref := range w.offsets {
		refs = append(refs, ref)
	}
	slices.SortFunc(refs, func(a, b objRef) int { return int(a.id) - int(b.id) })
	out.WriteString("xref\n")
	for i := 0; i < len(refs); {
		j := i + 1
		for j < len(refs) && refs[j].id == refs[j-1].id+1 {
			j++
		}
		fmt.Fprintf(out, "%d %d\n", refs[i].id, j-i)
		for _, ref := range refs[i:j] {
			fmt.Fprintf(out, "%010d %05d n \n", w.offsets[ref], ref.gen) // 20 bytes each
		}
		i = j
	}
	return xrefAt
}

// writeTrailer writes the trailer, chained to the previous section at prev and keeping the
// previous trailer's /Info, with revisionID's /ID, then startxref (xrefAt) and %%EOF.
func (w *revisionWriter) writeTrailer(doc []byte, trailer pdf.Value, rootRef objRef, prev int64, d sigDetails, xrefAt int) error {
	fmt.Fprintf(w.out, "trailer\n<< /Size %d /Root %s /Prev %d", w.newSize, rootRef, prev)
	if info := trailer.Key("Info"); !info.IsNull() {
		w.out.WriteString(" /Info ")
		if err := w.cp.value(info, trailer, 1); err != nil {
			return err
		}
	}
	first, second := revisionID(doc, trailer, d)
	fmt.Fprintf(w.out, " /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n", first, second, xrefAt)
	return nil
}

// revisionID returns the two halves of the new trailer's /ID. The file's permanent identifier
// stays (the previous /ID's first, when a non-empty string; else the first 16 bytes of doc's
// SHA-256); the second changes with this revision: the first 16 bytes of a SHA-256 over doc's
// SHA-256 and d's time, name, reason and location.
func revisionID(doc []byte, trailer pdf.Value, d sigDetails) (first, second []byte) {
	sum := sha256.Sum256(doc)
	first = sum[:16]
	if id := trailer.Key("ID"); id.Len() == 2 && id.Index(0).Kind() == pdf.String && id.Index(0).RawString() != "" {
		first = []byte(id.Index(0).RawString())
	}
	h := sha256.New()
	h.Write(sum[:])
	h.Write([]byte(pdfDate(d.Time) + "\x00" + d.Name + "\x00" + d.Reason + "\x00" + d.Location))
	return first, h.Sum(nil)[:16]
}

// finish writes the final /ByteRange, which covers the whole buffer but /Contents, into the
// room kept for it and returns the revision, which then owns the buffer. It refuses a file
// whose offsets do not fit that room.
func (w *revisionWriter) finish() (*sigRevision, error) {
	rev := w.rev
	rev.out = w.out.Bytes()
	end := int64(len(rev.out))
	br := fmt.Sprintf("[0 %d %d %d]", rev.contentsStart, rev.contentsEnd, end-int64(rev.contentsEnd))
	if len(br) > byteRangeWidth {
		return nil, unsupported("the file is too large to sign (%d bytes)", end)
	}
	copy(rev.out[w.byteRangeAt:], br)
	return rev, nil
}

// maxNodes bounds how many page tree nodes or form fields the writer visits.
const maxNodes = 100_000

// firstPage returns the first page of the page tree whose root node is pages (found in
// container): the first leaf, in order, of indirect /Type /Page dictionaries. It does not
// trust /Count, and gives up on a tree that loops, nests more than 64 deep or has more than
// maxNodes nodes.
func firstPage(pages, container pdf.Value) (pdf.Value, bool) {
	seen := map[objRef]bool{}
	var walk func(n, parent pdf.Value, depth int) (pdf.Value, bool)
	walk = func(n, parent pdf.Value, depth int) (pdf.Value, bool) {
		ref := refOf(n)
		if depth > 64 || len(seen) >= maxNodes || n.Kind() != pdf.Dict || ref.id == 0 || ref == refOf(parent) || seen[ref] {
			return pdf.Value{}, false
		}
		seen[ref] = true
		switch n.Key("Type").Name() {
		case "Page":
			return n, true
		case "Pages":
			kids := n.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				if p, ok := walk(kids.Index(i), kids, depth+1); ok {
					return p, true
				}
				if len(seen) >= maxNodes {
					break
				}
			}
		}
		return pdf.Value{}, false
	}
	return walk(pages, container, 0)
}

// inspectFields tells whether the form fields (with their kids) hold a signed signature field,
// and returns the names of the top-level fields. ok is false for fields nested more than 32
// deep or more than maxNodes of them (counting a field each time it is reached).
func inspectFields(fields pdf.Value) (signed bool, names map[string]bool, ok bool) {
	names = map[string]bool{}
	visits := 0
	var walk func(list pdf.Value, depth int) bool
	walk = func(list pdf.Value, depth int) bool {
		if depth > 32 {
			return false
		}
		for i := 0; i < list.Len(); i++ {
			if visits++; visits > maxNodes {
				return false
			}
			f := list.Index(i)
			if depth == 0 {
				names[f.Key("T").Text()] = true
			}
			if f.Key("FT").Name() == "Sig" && !f.Key("V").IsNull() {
				signed = true
			}
			if !walk(f.Key("Kids"), depth+1) {
				return false
			}
		}
		return true
	}
	ok = walk(fields, 0)
	return signed, names, ok
}
