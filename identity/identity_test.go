package identity

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// fastKDF lowers the argon2id parameters for the rest of the test (not for parallel tests).
func fastKDF(t testing.TB) {
	t.Helper()
	saved := sealKDF
	sealKDF = kdfParams{Time: 1, MemoryKiB: 64, Threads: 1}
	t.Cleanup(func() { sealKDF = saved })
}

func mustCreate(t testing.TB, name, org, email string) *Identity {
	t.Helper()
	id, err := Create(CreateOptions{Name: name, Org: org, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// checkSigns signs a digest with id.Key and verifies it with the certificate's public key.
func checkSigns(t *testing.T, id *Identity) {
	t.Helper()
	digest := sha256.Sum256([]byte("evidence report"))
	sig, err := id.Key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	alg := x509.ECDSAWithSHA256
	if _, ok := id.Certificate.PublicKey.(*ecdsa.PublicKey); !ok {
		alg = x509.SHA256WithRSA
	}
	if err := id.Certificate.CheckSignature(alg, []byte("evidence report"), sig); err != nil {
		t.Fatalf("signature made with the unlocked key does not verify: %v", err)
	}
}

func TestCreateCertificate(t *testing.T) {
	now := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, org, email string
		validity         time.Duration
		wantNotAfter     time.Time
	}{
		{"Hong Gildong", "Election Commission", "hong@example.kr", 0, now.Add(DefaultValidity)},
		{"홍길동", "경기도선거관리위원회", "", 0, now.Add(DefaultValidity)},
		{"  홍길동 ", "경기도 선관위", "gildong@nec.go.kr", 365 * 24 * time.Hour, now.Add(365 * 24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := Create(CreateOptions{Name: tc.name, Org: tc.org, Email: tc.email, Now: now, Validity: tc.validity})
			if err != nil {
				t.Fatal(err)
			}
			c := id.Certificate
			if c.Subject.CommonName != strings.TrimSpace(tc.name) || !slices.Equal(c.Subject.Organization, []string{tc.org}) {
				t.Errorf("subject %v", c.Subject)
			}
			if tc.email != "" && !slices.Equal(c.EmailAddresses, []string{tc.email}) || tc.email == "" && len(c.EmailAddresses) > 0 {
				t.Errorf("e-mail SAN %v, want %q", c.EmailAddresses, tc.email)
			}
			if c.SerialNumber.BitLen() != 128 {
				t.Errorf("serial of %d bits", c.SerialNumber.BitLen())
			}
			if !c.NotBefore.Equal(now.Add(-time.Hour)) || !c.NotAfter.Equal(tc.wantNotAfter) {
				t.Errorf("validity %v .. %v", c.NotBefore, c.NotAfter)
			}
			if c.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
				t.Errorf("key usage %b", c.KeyUsage)
			}
			if !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}) ||
				len(c.UnknownExtKeyUsage) != 1 || !c.UnknownExtKeyUsage[0].Equal(OIDDocumentSigning) {
				t.Errorf("extended key usage %v %v", c.ExtKeyUsage, c.UnknownExtKeyUsage)
			}
			if !c.BasicConstraintsValid || c.IsCA {
				t.Errorf("basic constraints valid=%v CA=%v", c.BasicConstraintsValid, c.IsCA)
			}
			if len(c.SubjectKeyId) != 20 {
				t.Errorf("subject key id %x", c.SubjectKeyId)
			}
			if KeyType(c) != "ECDSA P-256" || !SelfSigned(c) || len(id.Chain) != 0 {
				t.Errorf("key %s self-signed %v chain %d", KeyType(c), SelfSigned(c), len(id.Chain))
			}
			roots := x509.NewCertPool()
			roots.AddCert(c)
			if _, err := c.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}); err != nil {
				t.Errorf("does not verify for e-mail protection: %v", err)
			}
			checkSigns(t, id)
		})
	}
}

// TestCreateOpenSSLView checks the certificate as OpenSSL reads it (the DN in UTF-8, the usages).
func TestCreateOpenSSLView(t *testing.T) {
	openssl := needOpenSSL(t)
	id := mustCreate(t, "홍길동", "경기도선거관리위원회", "hong@example.kr")
	path := filepath.Join(t.TempDir(), "c.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Certificate.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(openssl, "x509", "-in", path, "-noout", "-text", "-nameopt", "utf8").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"CN=홍길동", "O=경기도선거관리위원회", "Digital Signature, Non Repudiation", "E-mail Protection",
		"1.3.6.1.5.5.7.3.36", "CA:FALSE", "email:hong@example.kr", "X509v3 Subject Key Identifier",
	} {
		if !strings.Contains(string(out), want) && !(want == "1.3.6.1.5.5.7.3.36" && strings.Contains(string(out), "Document Signing")) {
			t.Errorf("openssl does not show %q:\n%s", want, out)
		}
	}
}

func TestCreateInvalid(t *testing.T) {
	long := strings.Repeat("가", 65)
	for _, o := range []CreateOptions{
		{Name: "", Org: "Org"},
		{Name: "Name", Org: "  "},
		{Name: "Name\x00", Org: "Org"},
		{Name: long, Org: "Org"},
		{Name: "Name", Org: long},
		{Name: "Name", Org: "Org", Email: "not an address"},
		{Name: "Name", Org: "Org", Email: "Hong <hong@example.kr>"},
		{Name: "Name", Org: "Org", Email: "홍@example.kr"},
		{Name: "Name", Org: "Org", Validity: -time.Hour},
	} {
		if _, err := Create(o); !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "identity: ") {
			t.Errorf("%+v: %v, want ErrInvalid", o, err)
		}
	}
}

// TestRoundTripRealParameters runs create, seal, save, load, unlock with the argon2id
// parameters of production.
func TestRoundTripRealParameters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	path := DefaultPath(dir)
	id := mustCreate(t, "홍길동", "경기도선거관리위원회", "hong@example.kr")
	pass := []byte("correct horse 배터리 staple")
	f, err := Seal(id, pass)
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(path, f); err != nil {
		t.Fatal(err)
	}
	// Windows has no Unix permission bits (Go reports 0666/0777 there): the file's
	// protection is the user's profile folder, so the modes are checked elsewhere only.
	for p, want := range map[string]fs.FileMode{dir: 0o700, path: 0o600} {
		if runtime.GOOS == "windows" {
			break
		}
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, st.Mode().Perm(), err, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind in the folder: %v", entries)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, data, id.Key, pass)
	var layout struct {
		Format          string         `json:"format"`
		CreatedAt       string         `json:"created_at"`
		CertificatesPEM string         `json:"certificates_pem"`
		Key             map[string]any `json:"key"`
	}
	if err := json.Unmarshal(data, &layout); err != nil {
		t.Fatal(err)
	}
	k := layout.Key
	if layout.Format != "evidentia.identity/1" || layout.CreatedAt == "" || !strings.HasPrefix(layout.CertificatesPEM, "-----BEGIN CERTIFICATE-----") ||
		k["kdf"] != "argon2id" || k["time"] != 3.0 || k["memory_kib"] != 65536.0 || k["threads"] != 4.0 || k["aead"] != "xchacha20-poly1305" {
		t.Errorf("layout:\n%s", data)
	}
	for name, n := range map[string]int{"salt": 16, "nonce": 24} {
		if b, err := base64.StdEncoding.DecodeString(k[name].(string)); err != nil || len(b) != n {
			t.Errorf("%s: %d bytes (%v)", name, len(b), err)
		}
	}

	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.Certificate().Equal(id.Certificate) || len(loaded.Chain()) != 0 {
		t.Fatal("certificate changed on the way")
	}
	start := time.Now()
	got, err := loaded.Unlock(pass)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("unlock with the real parameters: %v", time.Since(start))
	if !got.Key.(*ecdsa.PrivateKey).Equal(id.Key) {
		t.Fatal("unlocked another key")
	}
	checkSigns(t, got)
	if _, err := loaded.Unlock([]byte("correct horse 배터리 stapl")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
}

// assertNoSecret fails if data holds the private key or the passphrase in any usual encoding.
func assertNoSecret(t *testing.T, data []byte, key crypto.Signer, pass []byte) {
	t.Helper()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string][]byte{"pkcs8": pkcs8, "passphrase": pass}
	if ek, ok := key.(*ecdsa.PrivateKey); ok {
		scalar, err := ek.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		secrets["scalar"] = scalar
		if sec1, err := x509.MarshalECPrivateKey(ek); err == nil {
			secrets["sec1"] = sec1
		}
	}
	// The base64 fields decoded, too: the ciphertext must not be the key in clear.
	hays := [][]byte{data, bytes.ToLower(data)}
	var m struct{ Key map[string]any }
	if err := json.Unmarshal(data, &m); err == nil {
		for _, v := range m.Key {
			if s, ok := v.(string); ok {
				if b, err := base64.StdEncoding.DecodeString(s); err == nil {
					hays = append(hays, b)
				}
			}
		}
	}
	for name, s := range secrets {
		needles := map[string][]byte{"raw": s, "hex": []byte(hex.EncodeToString(s))}
		for shift := range 3 { // every alignment inside a longer base64 text
			b64 := base64.StdEncoding.EncodeToString(s[shift:])
			needles[fmt.Sprintf("base64+%d", shift)] = []byte(b64[:len(b64)-4])
			u64 := base64.RawURLEncoding.EncodeToString(s[shift:])
			needles[fmt.Sprintf("base64url+%d", shift)] = []byte(u64[:len(u64)-4])
		}
		for enc, v := range needles {
			for _, hay := range hays {
				if bytes.Contains(hay, v) {
					t.Errorf("the file holds the %s in %s", name, enc)
				}
			}
		}
	}
	if bytes.Contains(data, []byte("PRIVATE KEY")) {
		t.Error("the file holds a PEM private key")
	}
}

func TestWrongPassphrase(t *testing.T) {
	fastKDF(t)
	id := mustCreate(t, "Name", "Org", "")
	f, err := Seal(id, []byte("passphrase-1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "passphrase-2", "passphrase-1 ", "Passphrase-1", "passphrase-"} {
		if got, err := f.Unlock([]byte(p)); !errors.Is(err, ErrWrongPassphrase) || got != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	if _, err := f.Unlock([]byte("passphrase-1")); err != nil {
		t.Fatal(err)
	}
}

func TestWeakPassphrase(t *testing.T) {
	fastKDF(t)
	id := mustCreate(t, "Name", "Org", "")
	for _, tc := range []struct {
		pass string
		weak bool
	}{
		{"", true}, {"1234567", true}, {"가나다라마바사", true}, // 7 characters, 21 bytes
		{"12345678", false}, {"가나다라마바사아", false},
	} {
		_, err := Seal(id, []byte(tc.pass))
		if tc.weak != errors.Is(err, ErrWeakPassphrase) || !tc.weak && err != nil {
			t.Errorf("%q: %v", tc.pass, err)
		}
	}
}

func TestSealRefusesMismatchedKey(t *testing.T) {
	a, b := mustCreate(t, "A", "Org", ""), mustCreate(t, "B", "Org", "")
	for _, id := range []*Identity{nil, {}, {Certificate: a.Certificate}, {Certificate: a.Certificate, Key: b.Key}} {
		if _, err := Seal(id, []byte("long enough")); !errors.Is(err, ErrInvalid) {
			t.Errorf("%v: %v", id, err)
		}
	}
}

// sealedJSON returns a sealed identity (with a two-certificate chain) as a JSON object to
// tamper with.
func sealedJSON(t *testing.T, pass []byte) (map[string]any, *Identity) {
	t.Helper()
	id := mustCreate(t, "Leaf", "Org", "")
	id.Chain = []*x509.Certificate{mustCreate(t, "CA 1", "Org", "").Certificate, mustCreate(t, "CA 2", "Org", "").Certificate}
	f, err := Seal(id, pass)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m, id
}

func flipB64(t *testing.T, s string, i int) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	b[i%len(b)] ^= 0x01
	return base64.StdEncoding.EncodeToString(b)
}

// rewriteCert applies change to the DER of certificate n of the PEM text.
func rewriteCert(t *testing.T, pemText string, n int, change func([]byte) []byte) string {
	t.Helper()
	var out []byte
	rest := []byte(pemText)
	for i := 0; ; i++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if i == n {
			b.Bytes = change(bytes.Clone(b.Bytes))
		}
		out = append(out, pem.EncodeToMemory(b)...)
	}
	return string(out)
}

func TestTamper(t *testing.T) {
	fastKDF(t)
	pass := []byte("tamper-proof passphrase")
	other := mustCreate(t, "Leaf", "Org", "")
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, m map[string]any)
		want   []error // any of these; ErrCorrupt may come from Load, the others from Unlock
	}{
		{"ciphertext", func(t *testing.T, m map[string]any) {
			k := m["key"].(map[string]any)
			k["ciphertext"] = flipB64(t, k["ciphertext"].(string), 40)
		}, []error{ErrWrongPassphrase}},
		{"ciphertext tag", func(t *testing.T, m map[string]any) {
			k := m["key"].(map[string]any)
			k["ciphertext"] = flipB64(t, k["ciphertext"].(string), -1+len(k["ciphertext"].(string))*3/4-2)
		}, []error{ErrWrongPassphrase}},
		{"salt", func(t *testing.T, m map[string]any) {
			k := m["key"].(map[string]any)
			k["salt"] = flipB64(t, k["salt"].(string), 3)
		}, []error{ErrWrongPassphrase}},
		{"nonce", func(t *testing.T, m map[string]any) {
			k := m["key"].(map[string]any)
			k["nonce"] = flipB64(t, k["nonce"].(string), 23)
		}, []error{ErrWrongPassphrase}},
		{"time", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["time"] = 2 }, []error{ErrWrongPassphrase}},
		{"memory", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["memory_kib"] = 72 }, []error{ErrWrongPassphrase}},
		{"threads", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["threads"] = 2 }, []error{ErrWrongPassphrase}},
		{"absurd memory", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["memory_kib"] = 2 << 20 }, []error{ErrCorrupt}},
		{"absurd time", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["time"] = 21 }, []error{ErrCorrupt}},
		{"zero threads", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["threads"] = 0 }, []error{ErrCorrupt}},
		{"threads overflow", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["threads"] = 260 }, []error{ErrCorrupt}},
		{"kdf", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["kdf"] = "scrypt" }, []error{ErrCorrupt}},
		{"aead", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["aead"] = "aes-gcm" }, []error{ErrCorrupt}},
		{"short nonce", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["nonce"] = "AAAA" }, []error{ErrCorrupt}},
		{"short salt", func(t *testing.T, m map[string]any) { m["key"].(map[string]any)["salt"] = "AAAA" }, []error{ErrCorrupt}},
		{"format", func(t *testing.T, m map[string]any) { m["format"] = "evidentia.identity/2" }, []error{ErrCorrupt}},
		{"no certificate", func(t *testing.T, m map[string]any) { m["certificates_pem"] = "" }, []error{ErrCorrupt}},
		{"private key PEM", func(t *testing.T, m map[string]any) {
			m["certificates_pem"] = strings.Replace(m["certificates_pem"].(string), "CERTIFICATE", "PRIVATE KEY", 2)
		}, []error{ErrCorrupt}},
		{"leaf swapped", func(t *testing.T, m map[string]any) {
			m["certificates_pem"] = rewriteCert(t, m["certificates_pem"].(string), 0, func([]byte) []byte { return other.Certificate.Raw })
		}, []error{ErrWrongPassphrase}},
		{"leaf signature byte", func(t *testing.T, m map[string]any) {
			m["certificates_pem"] = rewriteCert(t, m["certificates_pem"].(string), 0, func(b []byte) []byte { b[len(b)-3] ^= 1; return b })
		}, []error{ErrWrongPassphrase}},
		{"chain byte", func(t *testing.T, m map[string]any) {
			m["certificates_pem"] = rewriteCert(t, m["certificates_pem"].(string), 2, func(b []byte) []byte { b[len(b)-3] ^= 1; return b })
		}, []error{ErrWrongPassphrase}},
		{"chain dropped", func(t *testing.T, m map[string]any) {
			m["certificates_pem"] = rewriteCert(t, m["certificates_pem"].(string), 2, func([]byte) []byte { return nil })
		}, []error{ErrCorrupt, ErrWrongPassphrase}},
		{"PEM text byte", func(t *testing.T, m map[string]any) {
			s := []byte(m["certificates_pem"].(string))
			s[200] ^= 0x01
			m["certificates_pem"] = string(s)
		}, []error{ErrCorrupt, ErrWrongPassphrase}},
		{"trailing data", func(t *testing.T, m map[string]any) { m["certificates_pem"] = m["certificates_pem"].(string) + "junk" }, []error{ErrCorrupt}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, id := sealedJSON(t, pass)
			tc.change(t, m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "identity.json")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			var got *Identity
			if err == nil {
				got, err = f.Unlock(pass)
			}
			if got != nil {
				t.Fatalf("unlocked (same key: %v)", got.Key.(*ecdsa.PrivateKey).Equal(id.Key))
			}
			if !slices.ContainsFunc(tc.want, func(e error) bool { return errors.Is(err, e) }) {
				t.Fatalf("error %v, want one of %v", err, tc.want)
			}
		})
	}
}

// TestUnlockKeyNotCertificates seals, with a valid tag, a key that is not the certificate's.
func TestUnlockKeyNotCertificates(t *testing.T) {
	fastKDF(t)
	a, b := mustCreate(t, "A", "Org", ""), mustCreate(t, "B", "Org", "")
	pass := []byte("passphrase")
	f, err := Seal(a, pass)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(b.Key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := f.key.aead(pass)
	if err != nil {
		t.Fatal(err)
	}
	f.key.Ciphertext = aead.Seal(nil, f.key.Nonce, der, additionalData(&f.key, f.cert, f.chain))
	if got, err := f.Unlock(pass); !errors.Is(err, ErrCorrupt) || got != nil {
		t.Fatalf("%v, want ErrCorrupt", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "identity.json"))
	if !errors.Is(err, ErrNoIdentity) || !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "identity: ") {
		t.Errorf("missing: %v", err)
	}
	for i, content := range []string{"", "{", "null", "[]", `{"format":"evidentia.identity/1"}`, "\x00\x01", strings.Repeat(" ", maxFileSize+1)} {
		path := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if f, err := Load(path); !errors.Is(err, ErrCorrupt) || f != nil {
			t.Errorf("content %d: %v", i, err)
		}
	}
}

func TestInstall(t *testing.T) {
	fastKDF(t)
	dir := t.TempDir()
	path := DefaultPath(dir)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("KST", 9*3600))
	seal := func() *File {
		f, err := Seal(mustCreate(t, "Name", "Org", ""), []byte("passphrase"))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	first, second, third := seal(), seal(), seal()
	if archived, err := Install(path, first, false, now); err != nil || archived != "" {
		t.Fatalf("first: %q %v", archived, err)
	}
	firstData, _ := os.ReadFile(path)
	if _, err := Install(path, second, false, now); !errors.Is(err, ErrExists) {
		t.Fatalf("second without replace: %v", err)
	}
	if f, err := Load(path); err != nil || !f.Certificate().Equal(first.Certificate()) {
		t.Fatalf("the refused install changed the file: %v", err)
	}
	archived, err := Install(path, second, true, now)
	if err != nil || archived != filepath.Join(dir, "identity-20260101T180405Z.json") {
		t.Fatalf("replace: %q %v", archived, err)
	}
	if data, _ := os.ReadFile(archived); !bytes.Equal(data, firstData) {
		t.Error("the archived file is not the old one")
	}
	// No Unix permission bits on Windows (Go reports 0666 there).
	if st, err := os.Stat(archived); err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Errorf("archive mode: %v %v", st.Mode(), err)
	}
	archived2, err := Install(path, third, true, now)
	if err != nil || archived2 != filepath.Join(dir, "identity-20260101T180405Z-2.json") {
		t.Fatalf("second replace in the same second: %q %v", archived2, err)
	}
	for p, want := range map[string]*File{path: third, archived: first, archived2: second} {
		if f, err := Load(p); err != nil || !f.Certificate().Equal(want.Certificate()) {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestFileChainIsACopy(t *testing.T) {
	fastKDF(t)
	id := mustCreate(t, "Leaf", "Org", "")
	ca := mustCreate(t, "CA", "Org", "").Certificate
	id.Chain = []*x509.Certificate{ca}
	f, err := Seal(id, []byte("passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	f.Chain()[0] = nil
	id.Chain[0] = nil
	got, err := f.Unlock([]byte("passphrase"))
	if err != nil || len(got.Chain) != 1 || !got.Chain[0].Equal(ca) || !f.Chain()[0].Equal(ca) {
		t.Fatalf("chain changed through a returned slice: %v", err)
	}
}

func BenchmarkUnlock(b *testing.B) {
	id, err := Create(CreateOptions{Name: "Bench", Org: "Org"})
	if err != nil {
		b.Fatal(err)
	}
	pass := []byte("benchmark passphrase")
	f, err := Seal(id, pass)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := f.Unlock(pass); err != nil {
			b.Fatal(err)
		}
	}
}
