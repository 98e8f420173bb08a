package bundle

import (
	"fmt"
	"regexp"
	"strings"
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

func writeGuide(b *strings.Builder, g GuideInfo, l lang) {
	t := func(ko, en string) string {
		if l == korean {
			return ko
		}
		return en
	}
	p := func(ko, en string, args ...any) { fmt.Fprintf(b, t(ko, en)+"\n", args...) }
	cmd := func(prompt, c string) { b.WriteString(prompt + c + "\n") }
	folder := strings.TrimSuffix(g.BundleName, ".zip")
	if folder == g.BundleName {
		folder += "-files"
	}
	example := ""
	if len(g.ReportPaths) > 0 {
		example = g.ReportPaths[0]
	}
	if example == "" {
		example = g.WACZPath
	}
	if example == "" {
		example = GuideName
	}
	step := 0
	head := func(ko, en string) {
		step++
		fmt.Fprintf(b, "\n%d. %s\n", step, t(ko, en))
	}

	if l == korean {
		b.WriteString("[한국어]\n")
		b.WriteString(strings.Repeat("-", 66) + "\n")
		p("이 묶음(ZIP 파일)에 들어 있는 모든 파일의 SHA-256 해시와 크기는 manifest.json에 기록되어 있습니다.", "")
		if g.Signed {
			p("manifest.json에는 전자서명(manifest.json.p7s)이 붙어 있어, manifest.json과 그것이 가리키는 모든 파일의 무결성을 확인할 수 있습니다.", "")
		} else {
			p("주의: 이 묶음에는 전자서명이 없습니다. 해시는 파일이 manifest.json과 일치하는지만 보여 주며, manifest.json 자체가 바뀌지 않았음은 증명하지 못합니다.", "")
		}
		if g.Timestamped {
			p("타임스탬프(manifest.json.tsr)는 manifest.json이 어느 시각에 이미 존재했는지를 타임스탬프 기관이 증명한 것입니다.", "")
		}
		p("아래 명령은 Evidentia 없이 표준 도구만으로 실행할 수 있습니다. '$'로 시작하는 줄은 Linux·macOS 터미널, '>'는 Windows 명령 프롬프트, 'PS>'는 Windows PowerShell에서 입력합니다($, >, PS> 자체는 입력하지 않습니다).", "")
	} else {
		b.WriteString("[English]\n")
		b.WriteString(strings.Repeat("-", 66) + "\n")
		p("", "manifest.json lists every file of this bundle (a ZIP file) with its SHA-256 hash and size.")
		if g.Signed {
			p("", "manifest.json carries a digital signature (manifest.json.p7s), which proves the integrity of manifest.json and so of every file it lists.")
		} else {
			p("", "Warning: this bundle is not signed. The hashes show that the files match manifest.json, not that manifest.json itself is unchanged.")
		}
		if g.Timestamped {
			p("", "The timestamp (manifest.json.tsr) is a timestamp authority's proof that manifest.json existed at a given time.")
		}
		p("", "The commands below need only standard tools, not Evidentia. Lines starting with '$' are for a Linux or macOS terminal, '>' for the Windows command prompt, 'PS>' for Windows PowerShell (do not type the $, > or PS> itself).")
	}

	head("압축 풀기", "Unzip")
	p("Windows: 파일 탐색기에서 %s 파일을 마우스 오른쪽 단추로 누르고 \"압축 풀기(모두 추출)\"를 선택합니다.",
		"Windows: in File Explorer, right-click %s and choose \"Extract All\".", g.BundleName)
	p("macOS: Finder에서 두 번 누르거나, 터미널에서 아래 명령을 실행합니다. Linux: 터미널에서 실행합니다.",
		"macOS: double-click it in Finder, or use the commands below in Terminal. Linux: use them in a terminal.")
	cmd(PromptShell, "unzip "+shq(g.BundleName)+" -d "+shq(folder))
	cmd(PromptShell, "cd "+shq(folder))
	p("이후의 모든 명령은 압축을 푼 폴더(%s) 안에서 실행합니다.",
		"Run every following command inside the extracted folder (%s).", folder)

	head("파일 해시(SHA-256) 확인", "Check every file's hash (SHA-256)")
	p("manifest.json의 \"files\"에 파일마다 경로(path), SHA-256 해시(sha256), 크기(size)가 있습니다. 파일의 해시가 한 글자라도 다르면 그 파일은 바뀐 것입니다.",
		"The \"files\" of manifest.json give each file's path, SHA-256 hash (sha256) and size. A file whose hash differs in any character has been changed.")
	p("Linux - 모든 파일을 한 번에 확인합니다. 모든 줄이 \"OK\"로 끝나야 합니다.",
		"Linux - checks every file at once; every line must end in \"OK\".")
	cmd(PromptShell, sumsFromManifest+" | sha256sum -c -")
	p("macOS - 같은 확인입니다.", "macOS - the same check:")
	cmd(PromptShell, sumsFromManifest+" | shasum -a 256 -c -")
	p("파일 하나의 해시를 보려면 (Linux, macOS):", "One file's hash (Linux, macOS):")
	cmd(PromptShell, "sha256sum "+shq(example))
	cmd(PromptShell, "shasum -a 256 "+shq(example))
	p("Windows 명령 프롬프트 - 파일 하나의 해시 (오래된 Windows는 두 자리마다 띄어 씁니다):",
		"Windows command prompt - one file's hash (old Windows versions print spaces between byte pairs):")
	cmd(PromptCmd, "certutil -hashfile "+winq(example)+" SHA256")
	p("Windows PowerShell - 파일 하나, 그리고 모든 파일을 한 번에:", "Windows PowerShell - one file, then every file at once:")
	cmd(PromptPowerShell, "Get-FileHash -Algorithm SHA256 -LiteralPath "+winq(example))
	cmd(PromptPowerShell, psAll)
	p("이 명령들은 manifest.json에 적힌 파일만 확인합니다. 폴더에 manifest.json에 없는 파일이 있다면 나중에 추가된 것입니다(manifest.json, manifest.json.p7s, manifest.json.tsr 제외). 'evidentia verify'는 이것까지 확인합니다.",
		"These commands check the files manifest.json lists. A file in the folder that manifest.json does not list was added later (except manifest.json, manifest.json.p7s and manifest.json.tsr); 'evidentia verify' checks this too.")

	if g.Signed {
		head("전자서명 확인 (manifest.json.p7s)", "Check the signature (manifest.json.p7s)")
		if g.SignerName != "" {
			p("서명자: %s", "Signer: %s", g.SignerName)
		}
		cmd(PromptShell, "openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -CAfile "+shq(g.SignerCertPath)+" -partial_chain -purpose any")
		p("manifest.json의 내용이 출력된 뒤 \"CMS Verification successful\"이 표시되어야 합니다. \"Verification failure\"가 나오면 manifest.json이 서명 후 바뀐 것입니다.",
			"It prints manifest.json, then must say \"CMS Verification successful\". \"Verification failure\" means manifest.json was changed after it was signed.")
		p("이 명령은 묶음에 들어 있는 서명자 인증서(%s)를 신뢰 기준으로 삼습니다. 따라서 그 인증서의 키로 서명한 뒤 manifest.json이(그리고 해시로 묶인 모든 파일이) 바뀌지 않았다는 무결성은 증명하지만, 서명한 사람이 누구인지(신원)는 증명하지 않습니다.",
			"This command trusts the signer's certificate shipped in the bundle (%s). It therefore proves integrity - manifest.json, and every file bound to it by its hash, is unchanged since the key of that certificate signed it - but not identity: who holds that key.", g.SignerCertPath)
		if g.SignerSelfSigned {
			p("이 묶음의 서명 인증서는 서명자가 스스로 만든 인증서(자체 서명 인증서)입니다. 신원은 서명자 또는 소속 기관에 인증서 지문을 확인하여 판단하십시오.",
				"The signing certificate of this bundle is self-made (self-signed). Confirm identity by checking the certificate's fingerprint with the signer or the signer's agency.")
		}
		if fp := Fingerprint(g.SignerCertSHA256); fp != "" {
			p("서명자 인증서의 SHA-256 지문(fingerprint)은 다음과 같습니다. 아래 명령이 같은 값을 출력해야 하며, 이 값을 보낸 사람에게서 전화나 공문 등 별도 경로로 받은 값과 비교하십시오.",
				"The SHA-256 fingerprint of the signer's certificate is below. The command must print the same value; compare it with the value the sender gave you by another channel (telephone, official letter).")
			b.WriteString("    " + fp + "\n")
			cmd(PromptShell, "openssl x509 -in "+shq(g.SignerCertPath)+" -noout -fingerprint -sha256")
		}
		p("기관 인증기관(CA)이 발급한 인증서라면, 그 기관에서 따로 받은 루트 인증서를 -CAfile에 지정하십시오. 그러면 신원까지 확인됩니다.",
			"If the certificate was issued by an agency's certification authority (CA), give that CA's root certificate, obtained from the agency itself, as -CAfile: this also proves identity.")
	}

	if g.Timestamped {
		head("타임스탬프 확인 (manifest.json.tsr)", "Check the timestamp (manifest.json.tsr)")
		cmd(PromptShell, "openssl ts -verify -in manifest.json.tsr -data manifest.json -CAfile TSA_ROOT.pem")
		p("\"Verification: OK\"가 표시되어야 합니다. TSA_ROOT.pem은 타임스탬프 기관의 루트 인증서이며, 그 기관에서 받으십시오.",
			"It must say \"Verification: OK\". TSA_ROOT.pem is the root certificate of the timestamp authority; obtain it from the authority.")
		if g.TSACertPath != "" {
			p("%s에는 기관이 제시한 인증서가 들어 있습니다. 빠른 확인에는 아래처럼 이것을 -CAfile로 쓸 수 있지만, 이것만으로는 기관을 증명하지 못합니다.",
				"%s holds the certificates the authority presented. It can serve as -CAfile for a quick check, as below, but it does not by itself prove who the authority is.", g.TSACertPath)
			cmd(PromptShell, "openssl ts -verify -in manifest.json.tsr -data manifest.json -CAfile "+shq(g.TSACertPath)+" -partial_chain")
		}
		p("타임스탬프의 시각은 다음 명령의 \"Time stamp:\" 줄에 표시됩니다(UTC). manifest.json이 늦어도 이 시각에 존재했다는 뜻입니다.",
			"The time is the \"Time stamp:\" line of the following command (UTC): manifest.json existed at that time at the latest.")
		cmd(PromptShell, "openssl ts -reply -in manifest.json.tsr -text")
	}

	if len(g.ReportPaths) > 0 {
		head("PDF 보고서 확인", "Check the PDF report")
		if len(g.ReportPaths) > 1 {
			p("보고서는 %d권으로 나뉘어 있습니다(각 권의 표지에 몇 번째 채증부터 몇 번째까지인지 적혀 있습니다). 권마다 따로 확인합니다.",
				"The report comes in %d volumes (each cover says which captures it holds); check each one.", len(g.ReportPaths))
		}
		p("보고서(%s)에는 파일 전체에 대한 PDF 전자서명이 있으며, 보고서는 서명 후 어떤 변경도 허용하지 않는 문서로 인증되어 있습니다. Adobe Acrobat Reader로 열어 서명 패널을 보거나, Linux에서 아래 명령을 실행합니다.",
			"The report (%s) carries a PDF signature over the whole file, and is certified as a document that allows no change after signing. Open it in Adobe Acrobat Reader and look at the Signature Panel, or on Linux run the command below.", strings.Join(g.ReportPaths, ", "))
		for _, rp := range g.ReportPaths {
			cmd(PromptShell, "pdfsig "+shq(rp))
		}
		p("서명된 그대로의 파일이면 pdfsig는 다음 두 줄을 모두 출력합니다. 둘 중 하나라도 없으면 그 파일은 서명된 파일이 아닙니다.",
			"For the file as it was signed, pdfsig prints both of these lines; if either is missing, the file is not the file that was signed:")
		b.WriteString("      - Total document signed\n")
		b.WriteString("      - Signature Validation: Signature is Valid.\n")
		p("\"Signature Validation: Digest Mismatch.\"는 서명된 내용이 서명 후 바뀌었다는 뜻입니다. \"Not total document signed\"는 서명 후 파일 끝에 개정판(incremental update)이 덧붙여졌다는 뜻입니다. 덧붙인 개정판은 화면에 보이는 제목이나 페이지 내용을 바꿀 수 있으며, 이때에도 pdfsig는 \"Signature is Valid.\"를 출력합니다(서명된 앞부분에 대해서만 맞는 말입니다). 두 경우 모두 파일이 변경된 것입니다. pdfsig는 어느 경우에도 종료 코드 0으로 끝나므로 출력 내용을 읽어야 합니다.",
			"\"Signature Validation: Digest Mismatch.\" means the signed content was changed after signing. \"Not total document signed\" means a revision (an incremental update) was appended to the file after signing; such a revision can change the title or the pages a reader sees, and pdfsig still prints \"Signature is Valid.\" for it (true only of the signed part before it). Either way the file was altered. pdfsig exits with status 0 in every case: read what it prints.")
		if g.SignerSelfSigned {
			p("서명 인증서가 자체 서명 인증서이므로 pdfsig는 \"Certificate issuer is unknown.\"도 함께 표시하며, Acrobat은 서명자를 알 수 없다고 표시합니다. 이는 위 3단계의 지문으로 확인하는 신원 문제이며, 내용이 바뀌었다는 뜻이 아닙니다.",
				"As the signing certificate is self-signed, pdfsig also prints \"Certificate issuer is unknown.\" and Acrobat calls the signer's identity unknown: that is the identity question settled with the fingerprint in step 3, not a sign of changed content.")
		}
	}

	if g.WACZPath != "" {
		head("웹 아카이브(WACZ) 보기", "View the web archive (WACZ)")
		p("%s는 수집한 웹 페이지의 기록(WARC)을 담은 WACZ 파일입니다. ReplayWeb.page(https://replayweb.page, 인터넷 연결 없이 쓰는 데스크톱 앱도 있습니다)에서 열면 수집 당시의 페이지를 다시 볼 수 있습니다.",
			"%s is a WACZ file holding the recorded web traffic (WARC) of the captured pages. Open it in ReplayWeb.page (https://replayweb.page; there is also a desktop app that works offline) to replay the pages as captured.", g.WACZPath)
		p("WACZ도 ZIP 파일입니다. 그 안의 datapackage.json에 WACZ 안 각 파일의 SHA-256 해시가 기록되어 있습니다.",
			"A WACZ is a ZIP file too; its datapackage.json lists the SHA-256 hash of each file inside it.")
	}

	head("Evidentia로 한 번에 확인", "Check everything with Evidentia")
	p("Evidentia가 설치되어 있다면, ZIP 파일이 있는 폴더(압축을 푼 폴더의 상위 폴더)에서 아래 명령을 실행하면 위의 확인(추가된 파일 포함)을 모두 수행합니다.",
		"With Evidentia installed, this command, run in the folder holding the ZIP file (the one above the extracted folder), performs all the checks above, including added files:")
	cmd(PromptShell, "cd ..")
	cmd(PromptShell, "evidentia verify "+shq(g.BundleName))
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
