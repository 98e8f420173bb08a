package signature

import (
	"errors"
	"fmt"
	"strconv"
)

// The object reader (github.com/digitorus/pdf) never returns from some damaged objects: an
// array still open at the object's endobj or at the end of the file, or a literal or hexadecimal
// string that does not end before the end of the file, make it loop for ever (and grow without
// bound); and it allocates a table entry for every object number up to the highest one a
// cross-reference table names. A recovered panic cannot help there, so checkObjects looks for
// them first.

// maxObjects is the most indirect objects a PDF may have (ISO 32000-1, Annex C): no
// cross-reference subsection may reach further.
const maxObjects = 8_388_607

// errScanBudget is returned when a file's object definitions overlap so much that checking them
// would take more than a few passes over the file.
var errScanBudget = errors.New("object definitions overlap too much to be checked")

// checkObjects finds every place in doc where an object definition "N G obj" begins (anywhere:
// the reader goes wherever the cross-reference table points, even into a comment or a stream)
// and tokenizes the one value that follows as the reader would, and checks every
// cross-reference table with its trailer (see checkXref). It fails when an array or dictionary
// is still open at an endobj or at the end of the file, or a string runs to the end of the
// file. The price of looking everywhere: a stream whose data holds an object definition
// followed by an array left open is refused too.
func checkObjects(doc []byte) error {
	budget := 16*len(doc) + 1<<20
	for p := 0; p < len(doc); p++ {
		c := doc[p]
		var body int
		switch {
		case (isDigit(c) || c == '+' || c == '-') && (p == 0 || !isDigit(doc[p-1]) && doc[p-1] != '+' && doc[p-1] != '-'):
			q, ok := objHeader(doc, p)
			if !ok {
				continue
			}
			body = q
		case c == 'x' && hasKeyword(doc, p, "xref"): // where startxref points, whatever precedes it
			if err := checkXref(doc, p+len("xref"), &budget); err != nil {
				return fmt.Errorf("at byte %d: %w", p, err)
			}
			continue
		default:
			continue
		}
		if err := scanBody(doc, body, &budget); err != nil {
			return fmt.Errorf("at byte %d: %w", p, err)
		}
		if budget < 0 {
			return errScanBudget
		}
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// hasKeyword tells whether the keyword kw is at doc[p:], followed by a non-regular byte or the
// end of the file.
func hasKeyword(doc []byte, p int, kw string) bool {
	if len(doc)-p < len(kw) || string(doc[p:p+len(kw)]) != kw {
		return false
	}
	return p+len(kw) == len(doc) || !isRegular(doc[p+len(kw)])
}

// skipSpace returns the position of the next byte in doc from p that is neither white space
// nor part of a comment.
func skipSpace(doc []byte, p int) int {
	for p < len(doc) {
		switch doc[p] {
		case '\x00', '\t', '\n', '\f', '\r', ' ':
			p++
		case '%':
			for p < len(doc) && doc[p] != '\n' && doc[p] != '\r' {
				p++
			}
		default:
			return p
		}
	}
	return p
}

// objHeader tells whether an object definition, an integer, an integer and obj, begins at
// doc[p:], and returns the position after obj.
func objHeader(doc []byte, p int) (int, bool) {
	for range 2 {
		if p < len(doc) && (doc[p] == '+' || doc[p] == '-') {
			p++
		}
		start := p
		for p < len(doc) && isDigit(doc[p]) {
			p++
		}
		if p == start || p < len(doc) && isRegular(doc[p]) {
			return 0, false
		}
		p = skipSpace(doc, p)
	}
	if !hasKeyword(doc, p, "obj") {
		return 0, false
	}
	return p + len("obj"), true
}

// scanBody tokenizes doc from p as the reader would read one value (see checkObjects): it
// ends when the value is complete (the reader then wants endobj or stream, or fails), and
// fails when an array or dictionary is still open at endobj or at the end of the file, when
// they nest deeper than maxNesting (the reader recurses once a level, and a stack overflow
// cannot be recovered), or a string runs to the end of the file. It charges every byte it reads to budget.
func scanBody(doc []byte, p int, budget *int) error {
	depth := 0
	start := p
	defer func() { *budget -= p - start }()
	for {
		p = skipSpace(doc, p)
		if p >= len(doc) {
			if depth > 0 {
				return errors.New("an array or dictionary is not closed at the end of the file")
			}
			return nil
		}
		if *budget-(p-start) < 0 {
			return errScanBudget
		}
		switch doc[p] {
		case '(':
			n := 0
			for ; p < len(doc); p++ {
				if doc[p] == '\\' {
					p++
				} else if doc[p] == '(' {
					n++
				} else if doc[p] == ')' {
					if n--; n == 0 {
						break
					}
				}
			}
			if p >= len(doc) {
				return errors.New("a string is not closed at the end of the file")
			}
			p++
		case '<':
			if p+1 < len(doc) && doc[p+1] == '<' {
				if depth++; depth > maxNesting {
					return fmt.Errorf("arrays or dictionaries nested more than %d deep", maxNesting)
				}
				p += 2
				continue
			}
			for p < len(doc) && doc[p] != '>' {
				p++
			}
			if p >= len(doc) {
				return errors.New("a hexadecimal string is not closed at the end of the file")
			}
			p++
		case '>':
			if p+1 >= len(doc) || doc[p+1] != '>' {
				return nil // the reader fails here, and says so
			}
			p += 2
			depth--
		case '[':
			if depth++; depth > maxNesting {
				// The reader recurses once a level, and a stack overflow ends the program.
				return fmt.Errorf("arrays or dictionaries nested more than %d deep", maxNesting)
			}
			p++
			continue
		case ']':
			p++
			depth--
		case ')':
			return nil // the reader fails here, and says so
		case '/':
			p++
			for p < len(doc) && isRegular(doc[p]) {
				p++
			}
		default: // a number, a keyword, or '{' '}'
			q := p + 1
			for q < len(doc) && isRegular(doc[q]) && isRegular(doc[p]) {
				q++
			}
			kw := string(doc[p:q])
			p = q
			if kw == "endobj" {
				if depth > 0 {
					return errors.New("an array or dictionary is not closed before endobj")
				}
				return nil
			}
		}
		if depth <= 0 {
			return nil // one whole value read
		}
	}
}

// checkXref reads the classic cross-reference table whose subsections begin at doc[p:] as the
// reader would and fails when a subsection reaches beyond maxObjects; then it checks the
// trailer dictionary after it as scanBody does. It stops, without error, where the table stops
// looking like one (the reader then says what is wrong).
func checkXref(doc []byte, p int, budget *int) error {
	start := p
	defer func() { *budget -= p - start }()
	uint := func() (int64, bool) {
		p = skipSpace(doc, p)
		q := p
		for q < len(doc) && isDigit(doc[q]) && q-p < 12 {
			q++
		}
		if q == p || q < len(doc) && isRegular(doc[q]) {
			return 0, false
		}
		n, err := strconv.ParseInt(string(doc[p:q]), 10, 64)
		p = q
		return n, err == nil
	}
	for {
		first, ok1 := uint()
		if !ok1 {
			if hasKeyword(doc, p, "trailer") {
				return scanBody(doc, p+len("trailer"), budget)
			}
			return nil
		}
		count, ok2 := uint()
		if !ok2 {
			return nil
		}
		if first+count > maxObjects {
			return fmt.Errorf("a cross-reference subsection of objects %d to %d: more than %d objects", first, first+count-1, maxObjects)
		}
		for i := int64(0); i < 3*count; i++ { // offset, generation, n or f
			p = skipSpace(doc, p)
			q := p
			for q < len(doc) && isRegular(doc[q]) {
				q++
			}
			if q == p || *budget-(q-start) < 0 {
				return nil
			}
			p = q
		}
	}
}
