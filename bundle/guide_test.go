package bundle

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGuideFormat(t *testing.T) {
	g := Guide(GuideInfo{BundleName: "사건 001.zip", ReportPaths: []string{"report/report.pdf"}, WACZPath: "archive/a.wacz", Signed: true, SignerSelfSigned: true, Timestamped: true})
	if !bytes.HasPrefix(g, []byte("\xef\xbb\xbf")) {
		t.Error("no UTF-8 byte order mark")
	}
	if !utf8.Valid(g) {
		t.Error("not UTF-8")
	}
	if bytes.Count(g, []byte("\n")) != bytes.Count(g, []byte("\r\n")) || bytes.Count(g, []byte("\r")) != bytes.Count(g, []byte("\r\n")) {
		t.Error("line endings are not all CRLF")
	}
	s := string(g)
	ko, en := strings.Index(s, "[한국어]"), strings.Index(s, "[English]")
	if ko < 0 || en < 0 || ko > en {
		t.Fatalf("Korean must come first: %d %d", ko, en)
	}
	for _, w := range []string{"해시", "전자서명", "타임스탬프", "무결성", "합니다", "sha256sum", "shasum -a 256", "certutil -hashfile", "Get-FileHash",
		"openssl cms -verify", "openssl ts -verify", "openssl ts -reply", "pdfsig", "Adobe Acrobat Reader", "https://replayweb.page", "datapackage.json",
		"evidentia verify", "'사건 001.zip'", "self-made", "TSA_ROOT.pem",
		"  - Total document signed\r\n", "  - Signature Validation: Signature is Valid.\r\n", `"Not total document signed"`, `"Signature Validation: Digest Mismatch."`,
		"서명된 파일이 아닙니다", "개정판", "종료 코드 0"} {
		if !strings.Contains(s, w) {
			t.Errorf("the guide lacks %q", w)
		}
	}
	ks, es := guideCommands(s[ko:en], PromptShell), guideCommands(s[en:], PromptShell)
	if !slices.Equal(ks, es) || len(ks) == 0 {
		t.Errorf("the two languages give different commands:\n%q\n%q", ks, es)
	}
	unsigned := string(Guide(GuideInfo{BundleName: "x.zip"}))
	if strings.Contains(unsigned, "openssl") || !strings.Contains(unsigned, "not signed") || !strings.Contains(unsigned, "전자서명이 없습니다") {
		t.Error("the guide of an unsigned bundle must say so and give no signature command")
	}
}

// guideCommands returns the commands of text written after prompt.
func guideCommands(text, prompt string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if c, ok := strings.CutPrefix(line, prompt); ok {
			out = append(out, c)
		}
	}
	return out
}

// TestGuideCommands runs every Linux/macOS command of VERIFY.txt, as the guide states it, on a
// real bundle: first on the intact bundle (each must succeed), then on tampered copies (the
// hash and signature checks must fail). Only `evidentia verify` is not run (the command line
// belongs to another package), and TSA_ROOT.pem is replaced by the bundle's certs/tsa.pem,
// which in the test PKI holds the root.
func TestGuideCommands(t *testing.T) {
	for _, tool := range []string{"openssl", "unzip", "sha256sum", "shasum", "pdfsig", "grep", "sed"} {
		needTool(t, tool)
	}
	for _, selfSigned := range []bool{false, true} {
		name := "ca-issued"
		if selfSigned {
			name = "self-signed"
		}
		t.Run(name, func(t *testing.T) {
			fx := newFixture(t, selfSigned)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, bundleName), fx.zip, 0o600); err != nil {
				t.Fatal(err)
			}
			guide := string(Guide(fx.guide))
			cmds := guideCommands(guide[strings.Index(guide, "[English]"):], PromptShell)
			run := func(t *testing.T, wd, c string) (string, error) {
				c = strings.ReplaceAll(c, "TSA_ROOT.pem", "certs/tsa.pem")
				cmd := exec.Command("sh", "-c", c)
				cmd.Dir = wd
				cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			wd := dir
			checked := map[string]bool{}
			expect := func(c, out string) []string {
				switch {
				case strings.HasPrefix(c, "unzip "):
					return []string{"/manifest.json.p7s", "/captures/01-example.com-abcdef12/화면 설명.txt"}
				case strings.HasSuffix(c, "sha256sum -c -"), strings.HasSuffix(c, "shasum -a 256 -c -"):
					return []string{": OK"}
				case strings.HasPrefix(c, "sha256sum "), strings.HasPrefix(c, "shasum -a 256 "):
					return []string{string(fx.files[1].SHA256)}
				case strings.HasPrefix(c, "openssl cms -verify"):
					return []string{"CMS Verification successful"}
				case strings.HasPrefix(c, "openssl ts -verify"):
					return []string{"Verification: OK"}
				case strings.HasPrefix(c, "openssl ts -reply"):
					return []string{"Time stamp:", "Status: Granted."}
				case strings.HasPrefix(c, "pdfsig "):
					// The two lines the guide says a reader must see.
					return []string{"  - Total document signed\n", "Signature Validation: Signature is Valid.\n"}
				}
				return nil
			}
			for _, c := range cmds {
				if strings.HasPrefix(c, "evidentia ") || c == "cd .." {
					continue // `cd ..` only leads to the evidentia command, which is not run here
				}
				if d, ok := strings.CutPrefix(c, "cd "); ok {
					wd = filepath.Join(wd, strings.Trim(d, "'"))
					continue
				}
				out, err := run(t, wd, c)
				if err != nil {
					t.Fatalf("%s: %v\n%s", c, err, out)
				}
				want := expect(c, out)
				if want == nil {
					t.Fatalf("no expectation for the guide's command %q", c)
				}
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("%s: output lacks %q:\n%s", c, w, out)
					}
				}
				if strings.Contains(c, " -c -") {
					if n := strings.Count(out, ": OK"); n != len(fx.files) {
						t.Errorf("%s: %d files OK, want %d:\n%s", c, n, len(fx.files), out)
					}
				}
				checked[strings.Fields(c)[0]+" "+strings.Fields(c)[1]] = true
			}
			for _, k := range []string{"unzip " + bundleName, "openssl cms", "openssl ts", "pdfsig report/report.pdf", "sha256sum report/report.pdf"} {
				if !checked[k] {
					t.Errorf("the guide's %q was not run", k)
				}
			}

			// Tampered: the same commands must fail.
			find := func(prefix, suffix string) string {
				for _, c := range cmds {
					if strings.HasPrefix(c, prefix) && strings.HasSuffix(c, suffix) {
						return c
					}
				}
				t.Fatalf("no command %s...%s", prefix, suffix)
				return ""
			}
			shot := filepath.Join(wd, "captures/01-example.com-abcdef12/화면 설명.txt")
			orig, _ := os.ReadFile(shot)
			os.WriteFile(shot, append(bytes.Clone(orig), '!'), 0o600)
			for _, c := range []string{find("grep", "sha256sum -c -"), find("grep", "shasum -a 256 -c -")} {
				if out, err := run(t, wd, c); err == nil || !strings.Contains(out, "화면 설명.txt: FAILED") {
					t.Errorf("%s on a changed file: %v\n%s", c, err, out)
				}
			}
			os.WriteFile(shot, orig, 0o600)
			mf := filepath.Join(wd, ManifestName)
			m, _ := os.ReadFile(mf)
			os.WriteFile(mf, bytes.Replace(m, []byte("evidentia-test"), []byte("evidentia-tesT"), 1), 0o600)
			if out, err := run(t, wd, find("openssl cms -verify", "")); err == nil || strings.Contains(out, "CMS Verification successful") {
				t.Errorf("openssl cms -verify on a changed manifest: %v\n%s", err, out)
			}
			if out, err := run(t, wd, find("openssl ts -verify", "")); err == nil || strings.Contains(out, "Verification: OK") {
				t.Errorf("openssl ts -verify on a changed manifest: %v\n%s", err, out)
			}

			// The report altered two ways (finding 7): a byte changed in the signed part, and a
			// revision appended after signing. The guide's pdfsig command must not show both
			// lines the guide requires, and must show the line the guide says means altered.
			rp := filepath.Join(wd, "report/report.pdf")
			pdf, err := os.ReadFile(rp)
			if err != nil {
				t.Fatal(err)
			}
			en := guide[strings.Index(guide, "[English]"):]
			for _, tc := range []struct {
				name string
				data []byte
				want string
			}{
				{"changed byte", changeSignedByte(t, pdf), "Signature Validation: Digest Mismatch."},
				{"appended revision", appendRevision(t, pdf), "  - Not total document signed\n"},
			} {
				os.WriteFile(rp, tc.data, 0o600)
				out, err := run(t, wd, find("pdfsig ", ""))
				if err != nil {
					t.Fatalf("pdfsig on the %s: %v\n%s", tc.name, err, out)
				}
				if !strings.Contains(out, tc.want) {
					t.Errorf("pdfsig on the %s does not print %q:\n%s", tc.name, tc.want, out)
				}
				if strings.Contains(out, "  - Total document signed\n") && strings.Contains(out, "Signature is Valid.") {
					t.Errorf("pdfsig on the %s prints both lines the guide requires:\n%s", tc.name, out)
				}
				if !strings.Contains(en, `"`+strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tc.want), "- "))+`"`) {
					t.Errorf("the guide does not say what %q means", tc.want)
				}
				t.Logf("pdfsig on the %s:\n%s", tc.name, out)
			}
			os.WriteFile(rp, pdf, 0o600)
		})
	}
}

// changeSignedByte returns pdf with one byte of its signed part changed, harmlessly for its
// structure: the space before the first object's generation number becomes a line break.
func changeSignedByte(t *testing.T, pdf []byte) []byte {
	t.Helper()
	i := bytes.Index(pdf, []byte(" 0 obj"))
	if i < 0 {
		t.Fatal("no object in the PDF")
	}
	out := bytes.Clone(pdf)
	out[i] = '\n'
	return out
}

// appendRevision returns pdf with an incremental update appended, as any PDF editor writes
// one: a new document information dictionary (another title), its cross-reference section and
// a trailer pointing back (/Prev) to the signed revision.
func appendRevision(t *testing.T, pdf []byte) []byte {
	t.Helper()
	last := func(re string) []string {
		m := regexp.MustCompile(re).FindAllSubmatch(pdf, -1)
		if len(m) == 0 {
			t.Fatalf("no %s in the PDF", re)
		}
		out := make([]string, len(m[len(m)-1]))
		for i, b := range m[len(m)-1] {
			out[i] = string(b)
		}
		return out
	}
	prev := last(`startxref\s+(\d+)`)[1]
	root := last(`/Root\s+(\d+\s+\d+)\s+R`)[1]
	size, err := strconv.Atoi(last(`/Size\s+(\d+)`)[1])
	if err != nil {
		t.Fatal(err)
	}
	out := bytes.Clone(pdf)
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	objAt := len(out)
	out = fmt.Appendf(out, "%d 0 obj\n<< /Title (Another title) /Producer (an editor) >>\nendobj\n", size)
	xrefAt := len(out)
	out = fmt.Appendf(out, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s R /Info %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		size, objAt, size+1, root, size, prev, xrefAt)
	return out
}
