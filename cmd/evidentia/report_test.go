package main

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"evidentia/internal/testpki"
	"evidentia/report"
	"evidentia/settings"
)

const testPassphrase = "correct horse battery staple"

// needTools fails under CI when a command-line tool is missing and skips elsewhere.
func needTools(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed in CI: %v", name, err)
			}
			t.Skipf("%s not installed (CI is not set)", name)
		}
	}
}

// articlePages serves pages like the postings investigators capture: a Korean article with a
// byline, a redirect to it, a 40,000 px tall page, and n numbered posts with a photo.
func articlePages(t testing.TB, n int) (*httptest.Server, []string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/news/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ko"><head><title>[단독] 후보 A씨 허위사실 유포 의혹</title>
<meta name="author" content="김철수 기자"><meta property="og:site_name" content="테스트일보">
<meta property="article:published_time" content="2026-11-20T09:30:00+09:00"></head>
<body><h1>[단독] 후보 A씨 허위사실 유포 의혹</h1><p class="byline">김철수 기자</p>`)
		for i := range 30 {
			fmt.Fprintf(w, "<p>%d. 선거관리위원회는 해당 게시물이 공직선거법 제250조를 위반한 허위사실 공표에 해당하는지 조사하고 있다.</p>", i+1)
		}
		fmt.Fprint(w, `</body></html>`)
	})
	mux.HandleFunc("/r", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/news/article", http.StatusFound)
	})
	mux.HandleFunc("/tall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>Tall page</title><style>body{margin:0}div{height:5000px}</style></head><body>`)
		for i, c := range []string{"#c00", "#0a0", "#00c", "#cc0", "#0cc", "#c0c", "#888", "#f80"} {
			fmt.Fprintf(w, `<div style="background:%s"><h2>band %d</h2></div>`, c, i+1)
		}
		fmt.Fprint(w, `</body></html>`)
	})
	mux.HandleFunc("/photo.png", func(w http.ResponseWriter, r *http.Request) {
		seed, _ := strconv.Atoi(r.URL.Query().Get("s"))
		w.Header().Set("Content-Type", "image/png")
		png.Encode(w, photo(640, 360, uint64(seed)))
	})
	mux.HandleFunc("/post/", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/post/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>게시물 %s: 투표일 변경 루머</title><meta name="author" content="작성자%s"></head>
<body style="font-family:sans-serif;max-width:860px;margin:auto"><h1>게시물 %s: 투표일 변경 루머</h1><img src="/photo.png?s=%s" width="640" height="360">`, id, id, id, id)
		for i := range 25 {
			fmt.Fprintf(w, "<p>%d. 투표일이 변경되었다는 허위 게시물이 여러 커뮤니티에 퍼지고 있다. Voters were told the election day had moved; it has not.</p>", i+1)
		}
		fmt.Fprint(w, `<div class="comments"><h3>댓글</h3><p>댓글 1: 사실인가요?</p><p>댓글 2: 선관위에 확인했는데 거짓입니다.</p></div></body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var posts []string
	for i := 1; i <= n; i++ {
		posts = append(posts, srv.URL+"/post/"+strconv.Itoa(i))
	}
	return srv, posts
}

// photo draws a photo-like image: smooth gradients with noise.
func photo(w, h int, seed uint64) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 7))
	for y := range h {
		for x := range w {
			n := uint8(rng.IntN(40))
			img.Set(x, y, color.RGBA{uint8(x*255/w)/2 + n, uint8(y*255/h)/2 + n, uint8((x+y+int(seed)*37)%256)/2 + n, 255})
		}
	}
	return img
}

// importTestIdentity makes a PKCS#12 of the test PKI's signer (with its CA) and imports it as
// the signing identity of the data folder.
func importTestIdentity(t testing.TB, pki *testpki.PKI, data string) {
	t.Helper()
	p12, err := pkcs12.Modern.Encode(pki.SignerKey, pki.Signer, []*x509.Certificate{pki.CA}, "p12-password")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "signer.p12")
	if err := os.WriteFile(p, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Setenv("EVIDENTIA_P12_PASSWORD", "p12-password")
	defer os.Unsetenv("EVIDENTIA_P12_PASSWORD")
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"--data", data, "identity", "import", p}, &out, &errb); code != exitOK {
		t.Fatalf("identity import: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

type reportJSON struct {
	ReportID  string   `json:"report_id"`
	Path      string   `json:"path"`
	SHA256    string   `json:"sha256"`
	Size      int64    `json:"size"`
	Captures  []string `json:"captures"`
	Signed    bool     `json:"signed"`
	Signer    string   `json:"signer"`
	Timestamp *struct {
		Authority string `json:"authority"`
	} `json:"timestamp"`
}

func TestCLIReportSignedTimestampedVerified(t *testing.T) {
	needChrome(t)
	needTools(t, "pdfsig", "pdftotext", "pdffonts", "pdfinfo", "certutil", "openssl")
	srv, _ := articlePages(t, 0)
	data := t.TempDir()
	kase := "선거-2026-001"
	code, out, stderr := evidentia(t, "--data", data, "--chrome", chromePath, "capture", "--case", kase, "--operator", "홍길동",
		"--unit", "경기도선관위 조사팀", "--json", srv.URL+"/r", srv.URL+"/tall")
	if code != exitOK {
		t.Fatalf("capture: exit %d\n%s%s", code, out, stderr)
	}
	lines := decodeLines(t, out)

	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	t.Setenv("EVIDENTIA_PASSPHRASE", testPassphrase)
	importTestIdentity(t, pki, data)

	pdf := filepath.Join(t.TempDir(), "보고서.pdf")
	code, out, stderr = evidentia(t, "--data", data, "report", "--case", kase, "--out", pdf, "--lang", "ko",
		"--sign", "--tsa", tsa.URL, "--operator", "홍길동", "--unit", "경기도선관위 조사팀", "--json")
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s%s", code, out, stderr)
	}
	var rep reportJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report JSON %q: %v", out, err)
	}
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Path != pdf || rep.Size != int64(len(b)) || !rep.Signed || rep.Timestamp == nil || len(rep.Captures) != 2 ||
		!strings.Contains(rep.Timestamp.Authority, "Evidentia Test TSA") || !strings.Contains(rep.Signer, "홍길동") {
		t.Errorf("report result: %+v", rep)
	}
	if strings.Contains(out+stderr, testPassphrase) {
		t.Error("the passphrase reached the output")
	}

	// poppler: valid, and trusted once the test CA is in its NSS database.
	sig := tool(t, "pdfsig", "-nssdir", pki.NSSDB(t), pdf)
	for _, want := range []string{"Signature is Valid.", "Certificate is Trusted.", "Total document signed"} {
		if !strings.Contains(sig, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, sig)
		}
	}
	// evidentia verify: valid; the attached manifests match the store; the report is in the log.
	code, out, _ = evidentia(t, "--data", data, "verify", "--ca", pki.CAFile, "--json", pdf)
	var chk struct {
		Valid      bool `json:"valid"`
		Signatures []struct {
			Trust     string `json:"trust"`
			WholeFile bool   `json:"whole_file"`
			Timestamp *struct {
				ImprintOK bool   `json:"imprint_ok"`
				Trust     string `json:"trust"`
			} `json:"timestamp"`
		} `json:"signatures"`
		Attachments []struct {
			Name  string `json:"name"`
			State string `json:"state"`
		} `json:"attachments"`
		Recorded []any `json:"recorded"`
	}
	if err := json.Unmarshal([]byte(out), &chk); err != nil {
		t.Fatalf("verify JSON %q: %v", out, err)
	}
	if code != exitOK || !chk.Valid || len(chk.Signatures) != 1 || chk.Signatures[0].Trust != "trusted" || !chk.Signatures[0].WholeFile ||
		chk.Signatures[0].Timestamp == nil || !chk.Signatures[0].Timestamp.ImprintOK || chk.Signatures[0].Timestamp.Trust != "trusted" ||
		len(chk.Attachments) != 2 || len(chk.Recorded) != 2 {
		t.Errorf("verify: exit %d %s", code, out)
	}
	for _, a := range chk.Attachments {
		if a.State != "matches the store" {
			t.Errorf("attachment %s: %s", a.Name, a.State)
		}
	}
	// Without the CA: the signature holds but nothing vouches for the signer, and that is said.
	code, out, _ = evidentia(t, "--data", data, "verify", pdf)
	if code != exitProblem || !strings.Contains(out, "INVALID") || !strings.Contains(out, "not trusted") || !strings.Contains(out, "--ca") {
		t.Errorf("verify without the CA: exit %d\n%s", code, out)
	}

	// The text a reader (and a search) sees.
	text := tool(t, "pdftotext", pdf, "-")
	wants := []string{"전자증거 채증 보고서", "[단독] 후보 A씨 허위사실 유포 의혹", "김철수 기자", srv.URL + "/r", srv.URL + "/news/article", srv.URL + "/tall", rep.ReportID}
	for _, l := range lines {
		wants = append(wants, l.ManifestSHA256)
		for _, a := range l.Artifacts {
			wants = append(wants, a.SHA256)
		}
	}
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("pdftotext lacks %q", w)
		}
	}
	fonts := tool(t, "pdffonts", pdf)
	for _, line := range strings.Split(fonts, "\n")[2:] {
		if f := strings.Fields(line); len(f) >= 5 && f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", line)
		}
	}
	pages, _ := strconv.Atoi(regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(tool(t, "pdfinfo", pdf))[1])
	// The 40,000 px page alone is about 21 pages at print width.
	if pages < 22 {
		t.Errorf("%d pages: the tall screenshot does not span pages", pages)
	}

	// The custody log of each capture records the report.
	code, out, _ = evidentia(t, "--data", data, "show", lines[0].ID)
	if code != exitOK || !strings.Contains(out, "reported") {
		t.Errorf("show after report: exit %d\n%s", code, out)
	}

	// One byte changed: poppler and evidentia both say so.
	tampered := filepath.Join(t.TempDir(), "tampered.pdf")
	bad := bytes.Clone(b)
	i := bytes.Index(bad, []byte("/Producer"))
	if i < 0 {
		i = len(bad) / 3
	}
	bad[i+3] ^= 0x20
	os.WriteFile(tampered, bad, 0o600)
	if sig := tool(t, "pdfsig", tampered); !strings.Contains(sig, "Digest Mismatch.") {
		t.Errorf("pdfsig on the tampered file:\n%s", sig)
	}
	code, out, _ = evidentia(t, "--data", data, "verify", tampered)
	if code != exitProblem || !strings.Contains(out, "INVALID") || !strings.Contains(out, "digest mismatch") {
		t.Errorf("verify tampered: exit %d\n%s", code, out)
	}

	// A failing timestamp authority: an error with the reason, and no file.
	tsa.SetFail(true)
	failed := filepath.Join(t.TempDir(), "unstamped.pdf")
	code, _, stderr = evidentia(t, "--data", data, "report", "--case", kase, "--out", failed, "--sign", "--tsa", tsa.URL)
	if _, err := os.Stat(failed); code != exitProblem || err == nil || !strings.Contains(stderr, "timestamp authority failed") {
		t.Errorf("failing TSA: exit %d, file exists %v, stderr %s", code, err == nil, stderr)
	}
	// A wrong passphrase: a clear error, and no file.
	t.Setenv("EVIDENTIA_PASSPHRASE", "not the passphrase")
	code, _, stderr = evidentia(t, "--data", data, "report", "--case", kase, "--out", failed, "--sign")
	if _, err := os.Stat(failed); code != exitProblem || err == nil || !strings.Contains(stderr, "wrong passphrase") {
		t.Errorf("wrong passphrase: exit %d, file exists %v, stderr %s", code, err == nil, stderr)
	}
	// An existing file is never overwritten.
	code, _, stderr = evidentia(t, "--data", data, "report", "--case", kase, "--out", pdf)
	if after, _ := os.ReadFile(pdf); code != exitProblem || !bytes.Equal(after, b) || !strings.Contains(stderr, "exists") {
		t.Errorf("existing output: exit %d, stderr %s", code, stderr)
	}
}

func TestCLIReportTwentyCapturesEnglish(t *testing.T) {
	needChrome(t)
	needTools(t, "pdftotext", "pdfinfo")
	_, posts := articlePages(t, 20)
	data := t.TempDir()
	args := append([]string{"--data", data, "--chrome", chromePath, "capture", "--case", "case-20", "--json"}, posts...)
	if code, out, stderr := evidentia(t, args...); code != exitOK {
		t.Fatalf("capture: exit %d\n%s%s", code, out, stderr)
	}
	pdf := filepath.Join(t.TempDir(), "report-20.pdf")
	code, out, stderr := evidentia(t, "--data", data, "report", "--case", "case-20", "--out", pdf, "--lang", "en")
	if code != exitOK || !strings.Contains(out, "20 capture(s)") || !strings.Contains(out, "not signed") {
		t.Fatalf("report: exit %d\n%s%s", code, out, stderr)
	}
	text := tool(t, "pdftotext", pdf, "-")
	for _, w := range append([]string{"Web Evidence Capture Report", "게시물 7: 투표일 변경 루머"}, posts...) {
		if !strings.Contains(text, w) {
			t.Errorf("pdftotext lacks %q", w)
		}
	}
	// An unsigned report is reported as such by verify.
	if code, out, _ := evidentia(t, "--data", data, "verify", pdf); code != exitProblem || !strings.Contains(out, "no signature") {
		t.Errorf("verify unsigned: exit %d\n%s", code, out)
	}
	// Signed with a self-made identity: valid, and the verdict says what that does not prove.
	t.Setenv("EVIDENTIA_PASSPHRASE", testPassphrase)
	if code, out, stderr := evidentia(t, "--data", data, "identity", "create", "--name", "이수사", "--org", "선관위 조사과"); code != exitOK {
		t.Fatalf("identity create: exit %d\n%s%s", code, out, stderr)
	}
	selfSigned := filepath.Join(t.TempDir(), "self.pdf")
	if code, out, stderr := evidentia(t, "--data", data, "report", "--case", "case-20", "--capture", posts[0][len(posts[0])-1:], "--out", selfSigned, "--sign"); code == exitOK {
		t.Errorf("a capture ID that is not one was accepted: %s%s", out, stderr)
	}
	code, out, stderr = evidentia(t, "--data", data, "report", "--case", "case-20", "--out", selfSigned, "--sign", "--lang", "ko")
	if code != exitOK || !strings.Contains(out, "self-signed") || !strings.Contains(stderr, "no timestamp authority") {
		t.Fatalf("self-signed report: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, _ := evidentia(t, "--data", data, "verify", selfSigned); code != exitOK || !strings.Contains(out, "VALID (self-made certificate") {
		t.Errorf("verify self-signed: exit %d\n%s", code, out)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"report", "--out", pdf},
		{"report", "--case", "case-20"},
		{"report", "--case", "case-20", "--out", pdf + ".2", "--lang", "fr"},
		{"report", "--case", "case-20", "--out", pdf + ".3", "--tsa", "http://127.0.0.1:9/"},
	} {
		if code, _, _ := evidentia(t, append([]string{"--data", data}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, stderr := evidentia(t, "--data", data, "report", "--case", "no such case", "--out", pdf+".4"); code != exitProblem || !strings.Contains(stderr, "no such case") {
		t.Errorf("unknown case: exit %d %s", code, stderr)
	}
}

// TestReportLanguageFollowsTheSettings: without --lang, the report is in the settings'
// language, else the system's (workflow.Session.Language, the desktop app's rule too).
func TestReportLanguageFollowsTheSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	t.Setenv("EVIDENTIA_SETTINGS", path)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANGUAGE", "")
	t.Setenv("LANG", "ko_KR.UTF-8")
	s := settings.Default()
	s.Lang = "en"
	if err := settings.Save(path, s); err != nil {
		t.Fatal(err)
	}
	c := &cli{stderr: &bytes.Buffer{}}
	f := &docFlags{cmd: "report", caseName: new(string), out: new(string), lang: new(string)}
	*f.caseName, *f.out = "사건", "x.pdf"
	if l, err := f.finish(c, nil, ".pdf", false); err != nil || l != report.English {
		t.Errorf("settings say en: %q, %v", l, err)
	}
	*f.lang = "ko"
	if l, err := f.finish(c, nil, ".pdf", false); err != nil || l != report.Korean {
		t.Errorf("--lang ko: %q, %v", l, err)
	}
}
