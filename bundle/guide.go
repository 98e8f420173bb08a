package bundle

import (
	"embed"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"time"
)

// GuideInfo is what Guide needs to know about the bundle it explains.
type GuideInfo struct {
	BundleName       string    // the bundle's file name, e.g. "case-2026-001.zip"
	CaseName         string    // optional
	Created          time.Time // optional
	ReportPaths      []string  // the signed PDF report: one file, or its volumes; none if empty
	WACZPath         string    // the web archive, e.g. "archive/case.wacz"; "" if none
	Signed           bool      // the bundle has manifest.json.p7s
	SignerName       string    // the signer's name as in the certificate
	SignerSelfSigned bool      // the signer's certificate is self-made
	SignerCertPath   string    // PEM of the signer's certificate and chain; "" means "certs/signer.pem"
	SignerCertSHA256 string    // hex SHA-256 of the signer's certificate (DER), its fingerprint; "" if not shown
	Timestamped      bool      // the bundle has manifest.json.tsr
	TSACertPath      string    // PEM of the authority's certificates shipped in the bundle; "" if none
}

// Command-line prefixes in the guide: a POSIX shell (Linux, macOS), the Windows command
// prompt, and PowerShell. Tests run the POSIX lines.
const (
	PromptShell      = "    $ "
	PromptCmd        = "    > "
	PromptPowerShell = "    PS> "
)

// sumsFromManifest reads the path and SHA-256 of every file from manifest.json (canonical JSON:
// keys in a fixed order, no white space; CheckPath keeps quotes and backslashes out of paths)
// and prints them in the "HASH  PATH" format that `sha256sum -c` and `shasum -a 256 -c` read.
const sumsFromManifest = `grep -o '"path":"[^"]*","sha256":"[0-9a-f]*"' manifest.json | sed 's/"path":"\([^"]*\)","sha256":"\([0-9a-f]*\)"/\2  \1/'`

const psAll = `(Get-Content -Raw -Encoding UTF8 manifest.json | ConvertFrom-Json).files | ForEach-Object { $h = (Get-FileHash -Algorithm SHA256 -LiteralPath $_.path).Hash.ToLower(); if ($h -eq $_.sha256) { "OK      " + $_.path } else { "FAILED  " + $_.path } }`

// Guide renders VERIFY.txt: a guide, in Korean and then in English, to verifying the bundle with
// standard tools (unzip, sha256sum / shasum / certutil / Get-FileHash, openssl, pdfsig,
// ReplayWeb.page) and with `evidentia verify`.
//
// The text is UTF-8 with a byte order mark and CRLF line endings. Notepad reads UTF-8 without
// a BOM only since Windows 10 1903; older Notepad, WordPad and many viewers on the Windows PCs
// still found in public offices take a file without BOM for the ANSI code page (CP949 in
// Korea) and show the Korean as mojibake. The BOM costs an invisible character in `cat`; no
// command is on the first line, so copying commands is not affected.
func Guide(g GuideInfo) []byte {
	if g.SignerCertPath == "" {
		g.SignerCertPath = "certs/signer.pem"
	}
	if g.BundleName == "" {
		g.BundleName = "bundle.zip"
	}
	var b strings.Builder
	b.WriteString("\ufeff")
	fmt.Fprintf(&b, "Evidentia 증거 묶음 검증 안내 / Evidence bundle verification guide\n")
	fmt.Fprintf(&b, "%s\n", strings.Repeat("=", 66))
	fmt.Fprintf(&b, "한국어 안내 다음에 영어 안내가 있습니다. The English guide follows the Korean one.\n\n")
	fmt.Fprintf(&b, "묶음 / Bundle: %s\n", g.BundleName)
	if g.CaseName != "" {
		fmt.Fprintf(&b, "사건 / Case: %s\n", g.CaseName)
	}
	if !g.Created.IsZero() {
		fmt.Fprintf(&b, "작성 / Created: %s\n", g.Created.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	b.WriteString("\n")
	writeGuide(&b, g, korean)
	b.WriteString("\n")
	writeGuide(&b, g, english)
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n"))
}

type lang int

const (
	korean lang = iota
	english
)

var plainArg = regexp.MustCompile(`^[A-Za-z0-9._/+-]+$`)

// shq quotes s for a POSIX shell.
func shq(s string) string {
	if plainArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// winq quotes s for the Windows command prompt and PowerShell, with backslashes.
func winq(s string) string {
	s = strings.ReplaceAll(s, "/", `\`)
	if plainArg.MatchString(strings.ReplaceAll(s, `\`, "/")) {
		return s
	}
	return `"` + s + `"`
}

// The investigators' guide of each language, one text/template each (guide_LANG.tmpl). A
// template prints its data as is: nothing in it is HTML- or otherwise escaped, exactly as the
// guide was always written. Untrusted values (the bundle's, case's, signer's and files' names)
// appear verbatim in prose and, in commands, only through shq (POSIX shell) and winq (Windows),
// which the templates call by those names. Lines end in "\n" (Guide turns them into CRLF).
//
// Layout convention of the templates: every action that decides whether lines appear stands on
// its own line and opens with "{{-", which trims the line break before it; the text after it
// begins with the line break that ends the previous line. So a section is
//
//	previous line
//	{{- if .X}}
//	line shown when X
//	{{- end}}
//	next line
//
// and a blank line before a numbered heading goes after the "{{- if}}" that opens it.
//
//go:embed guide_ko.tmpl guide_en.tmpl
var guideFS embed.FS

var guideTemplates = map[lang]*template.Template{
	korean:  parseGuideTemplate("guide_ko.tmpl"),
	english: parseGuideTemplate("guide_en.tmpl"),
}

// parseGuideTemplate parses the embedded template name with the functions the guides use:
// shq and winq (see there) and join (strings.Join). It panics when the template is invalid,
// which the tests would show at once.
func parseGuideTemplate(name string) *template.Template {
	return template.Must(template.New(name).Funcs(template.FuncMap{
		"shq":  shq,
		"winq": winq,
		"join": strings.Join,
	}).ParseFS(guideFS, name))
}

// guideSteps numbers the guide's sections; a section that is left out (no signature, no
// timestamp, no report, no WACZ) has 0 and takes no number.
type guideSteps struct {
	Unzip, Hashes, Signature, Timestamp, Report, WACZ, Evidentia int
}

// guideData is what a guide template renders: the GuideInfo as given (with Guide's defaults)
// and what is derived from it, so that the templates hold no logic beyond "if" and "range".
type guideData struct {
	GuideInfo
	Folder      string // the folder unzip extracts to: BundleName less ".zip", else BundleName + "-files"
	Example     string // the file whose hash the one-file commands show: the first report, else the WACZ, else VERIFY.txt
	Fingerprint string // Fingerprint(SignerCertSHA256): "" when that is not a SHA-256
	Steps       guideSteps

	Sh, Cmd, PS             string // PromptShell, PromptCmd, PromptPowerShell
	SumsFromManifest, PSAll string // the all-files commands (sumsFromManifest, psAll)
}

// newGuideData derives the template data from g: the extraction folder, the example file, the
// fingerprint line and the section numbers (sections in the order unzip, hashes, signature if
// Signed, timestamp if Timestamped, report if ReportPaths, WACZ if WACZPath, Evidentia).
func newGuideData(g GuideInfo) guideData {
	d := guideData{GuideInfo: g, Fingerprint: Fingerprint(g.SignerCertSHA256),
		Sh: PromptShell, Cmd: PromptCmd, PS: PromptPowerShell, SumsFromManifest: sumsFromManifest, PSAll: psAll}
	d.Folder = strings.TrimSuffix(g.BundleName, ".zip")
	if d.Folder == g.BundleName {
		d.Folder += "-files"
	}
	if len(g.ReportPaths) > 0 {
		d.Example = g.ReportPaths[0]
	}
	if d.Example == "" {
		d.Example = g.WACZPath
	}
	if d.Example == "" {
		d.Example = GuideName
	}
	step := 0
	next := func(present bool) int {
		if !present {
			return 0
		}
		step++
		return step
	}
	d.Steps = guideSteps{
		Unzip:     next(true),
		Hashes:    next(true),
		Signature: next(g.Signed),
		Timestamp: next(g.Timestamped),
		Report:    next(len(g.ReportPaths) > 0),
		WACZ:      next(g.WACZPath != ""),
		Evidentia: next(true),
	}
	return d
}

// writeGuide appends the guide in language l to b: its "[language]" heading and rule, what the
// bundle holds, then the numbered steps with their commands, every line ending in "\n". g must
// already carry Guide's defaults (BundleName, SignerCertPath). The templates are fixed and the
// data holds only strings, numbers and booleans, so rendering cannot fail; if it ever did (a
// broken template), writeGuide panics rather than hand investigators a truncated guide.
func writeGuide(b *strings.Builder, g GuideInfo, l lang) {
	if err := guideTemplates[l].Execute(b, newGuideData(g)); err != nil {
		panic("bundle: the verification guide does not render: " + err.Error())
	}
}

// Fingerprint writes a hex SHA-256 as openssl prints certificate fingerprints:
// "sha256 Fingerprint=AB:CD:..." ("" when hexSum is not 64 hex digits long).
func Fingerprint(hexSum string) string {
	if len(hexSum) != 64 {
		return ""
	}
	up := strings.ToUpper(hexSum)
	parts := make([]string, 0, 32)
	for i := 0; i < len(up); i += 2 {
		parts = append(parts, up[i:i+2])
	}
	return "sha256 Fingerprint=" + strings.Join(parts, ":")
}
