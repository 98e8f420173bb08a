package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"evidentia/internal/testpki"
	"evidentia/store"
)

type exportJSON struct {
	BundleID string   `json:"bundle_id"`
	Path     string   `json:"path"`
	SHA256   string   `json:"sha256"`
	Size     int64    `json:"size"`
	Files    int      `json:"files"`
	Captures []string `json:"captures"`
	Reports  []struct {
		ID   string `json:"report_id"`
		Path string `json:"path"`
	} `json:"reports"`
	SignerCert string `json:"signer_certificate_sha256"`
	Recipient  string `json:"recipient"`
	Timestamp  *struct {
		Authority string `json:"authority"`
	} `json:"timestamp"`
}

type bundleVerifyJSON struct {
	Valid    bool   `json:"valid"`
	Verdict  string `json:"verdict"`
	Problems []struct {
		Path  string `json:"path"`
		Error string `json:"error"`
	} `json:"problems"`
	InStore  int `json:"in_store"`
	Recorded []struct {
		CaptureID string `json:"capture_id"`
	} `json:"recorded"`
	Bundle *struct {
		BundleID    string `json:"bundle_id"`
		Files       int    `json:"files"`
		SignerTrust string `json:"signer_trust"`
		Timestamp   *struct {
			Trust string `json:"trust"`
		} `json:"timestamp"`
	} `json:"bundle"`
	Reports []struct {
		Path  string `json:"path"`
		Valid bool   `json:"valid"`
	} `json:"reports"`
	Archive *struct {
		Valid   bool `json:"valid"`
		Records int  `json:"records"`
		Pages   int  `json:"pages"`
		Signed  bool `json:"signed"`
	} `json:"archive"`
}

// rewriteZip copies the ZIP src to dst, letting edit change (or drop, by returning false) each
// entry's content, then adds extra entries.
func rewriteZip(t *testing.T, src, dst string, edit func(name string, data []byte) ([]byte, bool), extra map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		data, keep := edit(e.Name, data)
		if !keep {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: e.Method, Modified: e.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for name, data := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// unzipTo extracts a (trusted, test-made) ZIP into dir.
func unzipTo(t *testing.T, src, dir string) []string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, e := range zr.File {
		names = append(names, e.Name)
		p := filepath.Join(dir, filepath.FromSlash(e.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// TestCLIExportBundle exports a case of two real captures as an investigators' bundle, checks
// it with evidentia verify and with the standard tools VERIFY.txt names, then tampers with
// every single file of it in turn (a flipped byte, the file removed) and adds one: each time
// verify fails and names the file.
func TestCLIExportBundle(t *testing.T) {
	needChrome(t)
	needTools(t, "openssl", "pdfsig", "sha256sum")
	srv, _ := articlePages(t, 1)
	data := t.TempDir()
	kase := "선거-2026-002"
	code, out, stderr := evidentia(t, "--data", data, "--chrome", chromePath, "capture", "--case", kase, "--operator", "홍길동",
		"--json", srv.URL+"/r", srv.URL+"/post/1")
	if code != exitOK {
		t.Fatalf("capture: exit %d\n%s%s", code, out, stderr)
	}
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	t.Setenv("EVIDENTIA_PASSPHRASE", testPassphrase)
	importTestIdentity(t, pki, data)

	outDir := t.TempDir()
	bundlePath := filepath.Join(outDir, "증거묶음.zip")

	// A wrong passphrase makes nothing.
	t.Setenv("EVIDENTIA_PASSPHRASE", "not the passphrase")
	if code, _, stderr := evidentia(t, "--data", data, "export", "--case", kase, "--out", bundlePath); code == exitOK || !strings.Contains(stderr, "passphrase") {
		t.Errorf("wrong passphrase: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(bundlePath); err == nil {
		t.Fatal("a bundle was written with a wrong passphrase")
	}
	t.Setenv("EVIDENTIA_PASSPHRASE", testPassphrase)

	code, out, stderr = evidentia(t, "--data", data, "export", "--case", kase, "--out", bundlePath, "--tsa", tsa.URL,
		"--to", "○○경찰서 사이버수사팀", "--operator", "홍길동", "--lang", "ko", "--json")
	if code != exitOK {
		t.Fatalf("export: exit %d\n%s%s", code, out, stderr)
	}
	var res exportJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("export JSON %q: %v", out, err)
	}
	raw, err := os.ReadFile(bundlePath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if res.SHA256 != hex.EncodeToString(sum[:]) || res.Size != int64(len(raw)) || len(res.Captures) != 2 || res.Timestamp == nil ||
		len(res.Reports) != 1 || res.Reports[0].Path != "report/report.pdf" || len(res.SignerCert) != 64 {
		t.Errorf("export result: %+v", res)
	}
	leftovers, _ := filepath.Glob(filepath.Join(outDir, ".evidentia-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// The layout an investigator sees.
	ex := t.TempDir()
	names := unzipTo(t, bundlePath, ex)
	sort.Strings(names)
	joined := strings.Join(names, "\n")
	for _, want := range []string{"VERIFY.txt", "report/report.pdf", "archive/archive.wacz", "custody/custody.csv",
		"custody/custody.json", "certs/signer.pem", "manifest.json", "manifest.json.p7s", "manifest.json.tsr"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the bundle lacks %s:\n%s", want, joined)
		}
	}
	for _, want := range []string{"/screenshot.png", "/dom.html", "/page.mhtml", "/text.txt", "/facts.json", "/network.warc.gz", "/manifest.json"} {
		if strings.Count(joined, want) < 2 {
			t.Errorf("not every capture folder has %s:\n%s", want, joined)
		}
	}

	// Standard tools, as VERIFY.txt says.
	run := func(dir, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s %v: %v\n%s", name, args, err, b)
		}
		return string(b)
	}
	if o := run(ex, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "manifest.json.p7s", "-content", "manifest.json",
		"-CAfile", pki.CAFile, "-purpose", "any", "-out", os.DevNull); !strings.Contains(o, "Verification successful") {
		t.Errorf("openssl cms -verify: %s", o)
	}
	if o := run(ex, "openssl", "ts", "-verify", "-in", "manifest.json.tsr", "-data", "manifest.json", "-CAfile", pki.CAFile); !strings.Contains(o, "Verification: OK") {
		t.Errorf("openssl ts -verify: %s", o)
	}
	if o := run(ex, "pdfsig", "report/report.pdf"); !strings.Contains(o, "Signature is Valid.") {
		t.Errorf("pdfsig: %s", o)
	}
	var m struct {
		Files []struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}
	mb, _ := os.ReadFile(filepath.Join(ex, "manifest.json"))
	if err := json.Unmarshal(mb, &m); err != nil || len(m.Files) < 20 {
		t.Fatalf("manifest.json: %v, %d files", err, len(m.Files))
	}
	var sums strings.Builder
	for _, f := range m.Files {
		sums.WriteString(f.SHA256 + "  " + f.Path + "\n")
	}
	cmd := exec.Command("sha256sum", "--check", "--strict", "-")
	cmd.Dir = ex
	cmd.Stdin = strings.NewReader(sums.String())
	if b, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(b), "FAILED") {
		t.Errorf("sha256sum --check: %v\n%s", err, b)
	}

	// evidentia verify: valid, every part checked, the handover found in the custody log.
	code, out, _ = evidentia(t, "--data", data, "verify", "--ca", pki.CAFile, "--json", bundlePath)
	var chk bundleVerifyJSON
	if err := json.Unmarshal([]byte(out), &chk); err != nil {
		t.Fatalf("verify JSON %q: %v", out, err)
	}
	if code != exitOK || !chk.Valid || chk.Bundle == nil || chk.Bundle.SignerTrust != "trusted" || chk.Bundle.Timestamp == nil ||
		len(chk.Reports) != 1 || !chk.Reports[0].Valid || chk.Archive == nil || !chk.Archive.Valid || !chk.Archive.Signed ||
		chk.Archive.Pages != 2 || chk.Archive.Records < 4 || chk.InStore != 2 || len(chk.Recorded) != 2 {
		t.Fatalf("verify: exit %d %+v\n%s", code, chk, out)
	}
	// The custody log of each capture records the handover, with the bundle's SHA-256.
	st, err := store.Open(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range res.Captures {
		events, err := st.Custody(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			found = found || (e.Action == store.ActionExported && e.Details["bundle_sha256"] == res.SHA256 &&
				e.Details["recipient"] == "○○경찰서 사이버수사팀" && e.Actor == "홍길동")
		}
		if !found {
			t.Errorf("capture %s: no handover event: %+v", id, events)
		}
	}
	st.Close()

	// Never overwrites.
	if code, _, stderr := evidentia(t, "--data", data, "export", "--case", kase, "--out", bundlePath); code == exitOK || !strings.Contains(stderr, "exists") {
		t.Errorf("export over an existing file: exit %d %s", code, stderr)
	}
	if after, _ := os.ReadFile(bundlePath); !bytes.Equal(after, raw) {
		t.Error("the existing bundle was changed")
	}

	// Tampering: every file flipped, every file removed, one file added.
	verifyBad := func(t *testing.T, path, name string) {
		t.Helper()
		code, out, stderr := evidentia(t, "--data", data, "verify", "--ca", pki.CAFile, path)
		if code != exitProblem || !strings.Contains(out+stderr, name) || !strings.Contains(out+stderr, "INVALID") {
			t.Errorf("exit %d, the output does not name %s:\n%s%s", code, name, out, stderr)
		}
	}
	tdir := t.TempDir()
	for i, name := range names {
		t.Run("flip "+name, func(t *testing.T) {
			p := filepath.Join(tdir, "flip.zip")
			rewriteZip(t, bundlePath, p, func(n string, b []byte) ([]byte, bool) {
				if n == name && len(b) > 0 {
					b = append([]byte(nil), b...)
					b[(len(b)*7/10+i)%len(b)] ^= 0x20
				}
				return b, true
			}, nil)
			verifyBad(t, p, name)
		})
		t.Run("remove "+name, func(t *testing.T) {
			p := filepath.Join(tdir, "remove.zip")
			rewriteZip(t, bundlePath, p, func(n string, b []byte) ([]byte, bool) { return b, n != name }, nil)
			verifyBad(t, p, name)
		})
	}
	t.Run("add a file", func(t *testing.T) {
		p := filepath.Join(tdir, "add.zip")
		rewriteZip(t, bundlePath, p, func(n string, b []byte) ([]byte, bool) { return b, true },
			map[string][]byte{"captures/extra.txt": []byte("덧붙인 파일")})
		verifyBad(t, p, "captures/extra.txt")
	})
	t.Run("truncated", func(t *testing.T) {
		p := filepath.Join(tdir, "cut.zip")
		os.WriteFile(p, raw[:len(raw)/2], 0o644)
		verifyBad(t, p, "cut.zip")
	})
}

// TestCLIExportAndVerifyMistakes: what a person gets wrong is answered before the passphrase
// is asked for, and verify says what it takes instead of looking a path up as a capture (which
// would create a data folder on a recipient's computer).
func TestCLIExportAndVerifyMistakes(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	t.Setenv("EVIDENTIA_PASSPHRASE", "")
	if code, _, stderr := evidentia(t, "--data", data, "cases", "create", "있는 사건"); code != exitOK {
		t.Fatalf("cases create: %s", stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--case", "없는 사건", "--out", filepath.Join(t.TempDir(), "a.zip")}, "evidentia cases"},
		{[]string{"export", "--case", "있는 사건", "--out", filepath.Join(t.TempDir(), "no", "such", "a.zip")}, "does not exist"},
		{[]string{"export", "--case", "있는 사건", "--out", filepath.Join(t.TempDir(), "a.pdf")}, "must name a .zip file"},
	} {
		code, _, stderr := evidentia(t, append([]string{"--data", data}, tc.args...)...)
		first, _, _ := strings.Cut(stderr, "\n") // (the usage text below mentions the passphrase)
		if code == exitOK || !strings.Contains(first, tc.want) || strings.Contains(first, "passphrase") {
			t.Errorf("%v: exit %d, %q (want %q, before any passphrase)", tc.args, code, stderr, tc.want)
		}
	}
	recipient := t.TempDir()
	t.Setenv("HOME", recipient)
	t.Setenv("XDG_DATA_HOME", filepath.Join(recipient, ".local", "share"))
	t.Setenv("EVIDENTIA_DATA", "")
	folder := filepath.Join(recipient, "묶음")
	os.Mkdir(folder, 0o755)
	text := filepath.Join(recipient, "VERIFY.txt")
	os.WriteFile(text, []byte("안내"), 0o644)
	for _, arg := range []string{folder, text} {
		code, _, stderr := evidentia(t, "verify", arg)
		if code != exitUsage || !strings.Contains(stderr, "not a report (.pdf), a bundle (.zip) or a web archive (.wacz)") {
			t.Errorf("verify %s: exit %d, %q", arg, code, stderr)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(recipient, ".local", "share")); len(entries) != 0 {
		t.Errorf("verify created a data folder on the recipient's computer: %v", entries)
	}
}
