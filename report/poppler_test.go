package report

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// needTool skips the test when a poppler tool is missing, unless CI is set: then it fails.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (CI is set): %v", name, err)
		}
		t.Skipf("%s is not installed", name)
	}
}

// run runs a tool and returns its standard output.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	needTool(t, name)
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return string(out)
}

// buildFile builds in and writes the PDF to a temporary file.
func buildFile(t testing.TB, in Input, st *store) string {
	t.Helper()
	var b bytes.Buffer
	if err := Build(context.Background(), &b, in, st.open); err != nil {
		t.Fatalf("Build: %v", err)
	}
	p := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

func pageCount(t testing.TB, pdf string) int {
	t.Helper()
	m := pagesRE.FindStringSubmatch(run(t, "pdfinfo", pdf))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func pageText(t testing.TB, pdf string, page int, args ...string) string {
	t.Helper()
	p := strconv.Itoa(page)
	return run(t, "pdftotext", append(append([]string{"-f", p, "-l", p}, args...), pdf, "-")...)
}

// squash removes all white space, so that text broken across lines can be found.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// hasLine reports whether some line of text contains s.
func hasLine(text, s string) bool {
	for l := range strings.SplitSeq(text, "\n") {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// imageList is the output of pdfimages -list as rows of fields, without the header.
func imageList(t testing.TB, pdf string) [][]string {
	t.Helper()
	var rows [][]string
	for i, l := range strings.Split(strings.TrimSpace(run(t, "pdfimages", "-list", pdf)), "\n") {
		if i < 2 {
			continue // header and rule
		}
		rows = append(rows, strings.Fields(l))
	}
	return rows
}

// renderPage renders one page at dpi and decodes it.
func renderPage(t testing.TB, pdf string, page, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	p := strconv.Itoa(page)
	run(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", pdf, filepath.Join(dir, "page"))
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
