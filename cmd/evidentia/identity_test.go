package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"evidentia/identity"
)

// idCLI runs the command line in-process with a standard input that is not a terminal, so
// that nothing is ever asked interactively.
func idCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	code := c.main(t.Context(), args)
	return code, out.String(), errb.String()
}

// noSecretAnywhere fails when secret appears in any of outputs or in any file under dir.
func noSecretAnywhere(t *testing.T, secret, dir string, outputs ...string) {
	t.Helper()
	for i, o := range outputs {
		if strings.Contains(o, secret) {
			t.Errorf("output %d shows the secret: %s", i, o)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s holds the secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type showJSON struct {
	Path       string `json:"path"`
	Subject    string `json:"subject"`
	Issuer     string `json:"issuer"`
	Serial     string `json:"serial"`
	NotBefore  string `json:"not_before"`
	NotAfter   string `json:"not_after"`
	KeyType    string `json:"key_type"`
	SHA256     string `json:"sha256"`
	SelfSigned bool   `json:"self_signed"`
	Emails     []string
	Chain      []struct {
		Subject string `json:"subject"`
		SHA256  string `json:"sha256"`
	} `json:"chain"`
	PreviousKeptAs string `json:"previous_kept_as"`
}

func decodeShow(t *testing.T, out string) showJSON {
	t.Helper()
	var s showJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return s
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	f, err := identity.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := identity.Fingerprint(f.Certificate())
	return hex.EncodeToString(sum[:])
}

// checkUnlockSigns unlocks the identity of data as report --sign does and checks a signature.
func checkUnlockSigns(t *testing.T, data string) {
	t.Helper()
	c := &cli{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer), dataDir: data}
	id, err := c.unlockIdentity()
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("report"))
	sig, err := id.Key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	alg := x509.SHA256WithRSA
	if strings.HasPrefix(identity.KeyType(id.Certificate), "ECDSA") {
		alg = x509.ECDSAWithSHA256
	}
	if err := id.Certificate.CheckSignature(alg, []byte("report"), sig); err != nil {
		t.Fatalf("the unlocked key does not sign for the certificate: %v", err)
	}
}

func TestIdentityCreateShowReplace(t *testing.T) {
	data := t.TempDir()
	const pass = "법정 증거용 passphrase 7f3a"
	t.Setenv(passphraseEnv, pass)
	path := filepath.Join(data, "identity.json")
	var outputs []string
	keep := func(code int, out, errOut string) (int, string, string) {
		outputs = append(outputs, out, errOut)
		return code, out, errOut
	}

	code, out, stderr := keep(idCLI(t, "--data", data, "identity", "create", "--name", "홍길동", "--org", "경기도선거관리위원회", "--email", "hong@example.kr"))
	if code != exitOK || !strings.Contains(out, "created signing identity CN=홍길동,O=경기도선거관리위원회") {
		t.Fatalf("create: exit %d\n%s%s", code, out, stderr)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("identity file: %v %v", st, err)
	}
	first := fileSHA256(t, path)

	code, out, stderr = keep(idCLI(t, "--data", data, "identity", "show"))
	if code != exitOK {
		t.Fatalf("show: exit %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		"Subject      CN=홍길동,O=경기도선거관리위원회", "E-mail       hong@example.kr", "(self-signed)", "Serial       ",
		"Valid        ", "Key          ECDSA P-256", "SHA-256      " + first, "File         " + path, "Chain        none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = keep(idCLI(t, "--data", data, "identity", "show", "--json"))
	s := decodeShow(t, out)
	if code != exitOK || s.Path != path || s.SHA256 != first || !s.SelfSigned || s.KeyType != "ECDSA P-256" ||
		s.Subject != "CN=홍길동,O=경기도선거관리위원회" || s.Subject != s.Issuer || len(s.Serial) != 32 || s.Chain == nil || len(s.Chain) != 0 {
		t.Errorf("show --json: %+v", s)
	}

	// A second create is refused, and changes nothing.
	code, out, stderr = keep(idCLI(t, "--data", data, "identity", "create", "--name", "Other", "--org", "Org"))
	if code != exitProblem || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--replace") || fileSHA256(t, path) != first {
		t.Fatalf("second create: exit %d\n%s%s", code, out, stderr)
	}

	// --replace keeps the old file beside the new one.
	oldData, _ := os.ReadFile(path)
	code, out, stderr = keep(idCLI(t, "--data", data, "identity", "create", "--name", "Kim", "--org", "Org", "--replace", "--json"))
	s = decodeShow(t, out)
	if code != exitOK || s.SHA256 == first || s.Subject != "CN=Kim,O=Org" {
		t.Fatalf("replace: exit %d %+v\n%s", code, s, stderr)
	}
	if !regexp.MustCompile(`/identity-\d{8}T\d{6}Z(-\d+)?\.json$`).MatchString(filepath.ToSlash(s.PreviousKeptAs)) || filepath.Dir(s.PreviousKeptAs) != data {
		t.Fatalf("old file kept as %q", s.PreviousKeptAs)
	}
	if kept, _ := os.ReadFile(s.PreviousKeptAs); !bytes.Equal(kept, oldData) {
		t.Fatal("the kept file is not the old identity")
	}
	code, out, stderr = keep(idCLI(t, "--data", data, "identity", "create", "--name", "Lee", "--org", "Org", "--replace"))
	m := regexp.MustCompile(`previous identity kept as (\S+) \(reports signed with it stay verifiable\)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("replace: exit %d\n%s%s", code, out, stderr)
	}
	if _, err := identity.Load(m[1]); err != nil {
		t.Fatalf("kept file: %v", err)
	}

	checkUnlockSigns(t, data)
	noSecretAnywhere(t, pass, data, outputs...)
}

func TestIdentityWrongPassphrase(t *testing.T) {
	data := t.TempDir()
	t.Setenv(passphraseEnv, "the right passphrase")
	if code, out, stderr := idCLI(t, "--data", data, "identity", "create", "--name", "N", "--org", "O"); code != exitOK {
		t.Fatalf("create: exit %d\n%s%s", code, out, stderr)
	}
	t.Setenv(passphraseEnv, "the wrong passphrase")
	c := &cli{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer), dataDir: data}
	id, err := c.unlockIdentity()
	want := "wrong passphrase for the signing identity (" + filepath.Join(data, "identity.json") + ")"
	if id != nil || !errors.Is(err, identity.ErrWrongPassphrase) || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

func TestIdentityNone(t *testing.T) {
	data := t.TempDir()
	t.Setenv(passphraseEnv, "whatever passphrase")
	code, out, stderr := idCLI(t, "--data", data, "identity", "show")
	want := "evidentia: no signing identity: create one with `evidentia identity create --name NAME --org ORG` or import one with `evidentia identity import FILE.p12`\n"
	if code != exitProblem || stderr != want || out != "" {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, stderr)
	}
	c := &cli{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer), dataDir: data}
	if _, err := c.unlockIdentity(); !errors.Is(err, identity.ErrNoIdentity) || err.Error()+"\n" != strings.TrimPrefix(want, "evidentia: ") {
		t.Fatalf("unlock: %v", err)
	}
}

func TestIdentityPassphraseMissingOrWeak(t *testing.T) {
	t.Setenv(passphraseEnv, "")
	os.Unsetenv(passphraseEnv) // t.Setenv restores it afterwards
	for _, tc := range []struct {
		name string
		env  *string
		want []string
	}{
		{"unset, no terminal", nil, []string{"no passphrase", passphraseEnv, "terminal"}},
		{"set but empty", new(string), []string{passphraseEnv + " is set but empty"}},
		{"too short", func() *string { s := "7 chars"; return &s }(), []string{"passphrase refused", "at least 8 characters"}},
		{"too short in Korean", func() *string { s := "일곱글자비밀번"; return &s }(), []string{"at least 8 characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != nil {
				t.Setenv(passphraseEnv, *tc.env)
			}
			data := t.TempDir()
			code, out, stderr := idCLI(t, "--data", data, "identity", "create", "--name", "N", "--org", "O")
			if code != exitProblem || out != "" || !strings.HasPrefix(stderr, "evidentia: ") {
				t.Fatalf("exit %d\n%s%s", code, out, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if tc.env != nil && *tc.env != "" && strings.Contains(stderr, *tc.env) {
				t.Error("the passphrase is shown")
			}
			if _, err := os.Stat(filepath.Join(data, "identity.json")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("an identity was written: %v", err)
			}
		})
	}
}

func TestIdentityUsage(t *testing.T) {
	for _, args := range [][]string{
		{"identity"},
		{"identity", "delete"},
		{"identity", "create", "--org", "O"},
		{"identity", "create", "--name", "N"},
		{"identity", "create", "--name", "N", "--org", "O", "extra"},
		{"identity", "import"},
		{"identity", "import", "a.p12", "b.p12"},
		{"identity", "show", "extra"},
	} {
		code, _, stderr := idCLI(t, append([]string{"--data", t.TempDir()}, args...)...)
		if code != exitUsage || !strings.HasPrefix(stderr, "evidentia: ") || !strings.Contains(stderr, "identity create --name NAME") {
			t.Errorf("%v: exit %d stderr %q", args, code, stderr)
		}
	}
	code, _, stderr := idCLI(t, "--data", t.TempDir(), "identity", "create", "--name", "N", "--org", "O", "--email", "not an address")
	if code != exitProblem || !strings.Contains(stderr, "not an e-mail address") {
		t.Errorf("bad e-mail: exit %d %s", code, stderr)
	}
}

// opensslP12 makes, with the openssl command, a CA and an ECDSA signer issued by it, and
// exports the signer as a PKCS#12 file (OpenSSL's default encryption) with the CA certificate.
func opensslP12(t *testing.T, password string) (p12Path, caSubject string) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openssl is needed in CI:", err)
		}
		t.Skip("no openssl")
	}
	dir := t.TempDir()
	ext := "[leaf]\nbasicConstraints = CA:false\nkeyUsage = critical,digitalSignature,nonRepudiation\nextendedKeyUsage = emailProtection\n"
	if err := os.WriteFile(filepath.Join(dir, "ext.cnf"), []byte(ext), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
			"-subj", "/CN=Test Police CA/O=Test", "-days", "30", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign"},
		{"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
			"-subj", "/CN=수사관 김철수/O=사이버수사대", "-utf8"},
		{"x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "7", "-days", "20",
			"-extfile", "ext.cnf", "-extensions", "leaf", "-out", "leaf.crt"},
		{"pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt", "-certfile", "ca.crt", "-passout", "pass:" + password, "-out", "signer.p12"},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	return filepath.Join(dir, "signer.p12"), "CN=Test Police CA,O=Test"
}

func TestIdentityImport(t *testing.T) {
	const p12pw, pass = "p12 비밀 9921", "identity passphrase 4410"
	p12, caSubject := opensslP12(t, p12pw)
	data := t.TempDir()
	t.Setenv(passphraseEnv, pass)
	var outputs []string

	// Wrong password of the file, then no password at all.
	t.Setenv(p12PasswordEnv, "not it")
	code, out, stderr := idCLI(t, "--data", data, "identity", "import", p12)
	outputs = append(outputs, out, stderr)
	if code != exitProblem || !strings.Contains(stderr, "wrong password for "+p12) {
		t.Fatalf("wrong p12 password: exit %d\n%s%s", code, out, stderr)
	}
	os.Unsetenv(p12PasswordEnv)
	code, out, stderr = idCLI(t, "--data", data, "identity", "import", p12)
	outputs = append(outputs, out, stderr)
	if code != exitProblem || !strings.Contains(stderr, p12PasswordEnv) {
		t.Fatalf("no p12 password: exit %d\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "identity.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a failed import wrote an identity: %v", err)
	}

	t.Setenv(p12PasswordEnv, p12pw)
	code, out, stderr = idCLI(t, "--data", data, "identity", "import", p12, "--json")
	outputs = append(outputs, out, stderr)
	s := decodeShow(t, out)
	if code != exitOK || s.Subject != "CN=수사관 김철수,O=사이버수사대" || s.Issuer != caSubject || s.SelfSigned ||
		len(s.Chain) != 1 || s.Chain[0].Subject != caSubject || s.KeyType != "ECDSA P-256" || s.Serial != "07" {
		t.Fatalf("import: exit %d %+v\n%s", code, s, stderr)
	}
	code, out, stderr = idCLI(t, "--data", data, "identity", "show")
	outputs = append(outputs, out, stderr)
	if code != exitOK || !strings.Contains(out, "Chain        1. "+caSubject) || strings.Contains(out, "self-signed") {
		t.Fatalf("show: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = idCLI(t, "--data", data, "identity", "import", p12)
	outputs = append(outputs, out, stderr)
	if code != exitProblem || !strings.Contains(stderr, "already exists") {
		t.Fatalf("second import: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = idCLI(t, "--data", data, "identity", "import", p12, "--replace")
	outputs = append(outputs, out, stderr)
	if code != exitOK || !strings.Contains(out, "imported signing identity") || !strings.Contains(out, "previous identity kept as") {
		t.Fatalf("import --replace: exit %d\n%s%s", code, out, stderr)
	}

	checkUnlockSigns(t, data)
	noSecretAnywhere(t, pass, data, outputs...)
	noSecretAnywhere(t, p12pw, data, outputs...)
}
