package identity

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// needOpenSSL returns the openssl command; it skips the test where there is none, except in CI.
func needOpenSSL(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openssl is needed in CI:", err)
		}
		t.Skip("no openssl")
	}
	return p
}

// pki is a test PKI made with the openssl command: root CA -> intermediate CA -> leaves.
type pki struct {
	t    *testing.T
	dir  string
	bin  string
	root string // PEM paths
	sub  string
}

func (p *pki) run(args ...string) error {
	p.t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Dir = p.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return errors.New(strings.Join(args, " ") + ": " + err.Error() + "\n" + string(out))
	}
	return nil
}

func (p *pki) must(args ...string) {
	p.t.Helper()
	if err := p.run(args...); err != nil {
		p.t.Fatal(err)
	}
}

const extConf = `[ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`

func newPKI(t *testing.T) *pki {
	p := &pki{t: t, dir: t.TempDir(), bin: needOpenSSL(t)}
	if err := os.WriteFile(filepath.Join(p.dir, "ext.cnf"), []byte(extConf), 0o600); err != nil {
		t.Fatal(err)
	}
	p.must("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key",
		"-out", "root.crt", "-subj", "/CN=Evidentia Test Root CA/O=Test", "-days", "30", "-utf8",
		"-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
	p.sign("sub", "ec", "/CN=Evidentia Test Intermediate CA/O=Test", "root", "ca", "2")
	p.root, p.sub = filepath.Join(p.dir, "root.crt"), filepath.Join(p.dir, "sub.crt")
	// The chain file deliberately lists the root first: Import must reorder.
	root, _ := os.ReadFile(p.root)
	sub, _ := os.ReadFile(p.sub)
	if err := os.WriteFile(filepath.Join(p.dir, "chain.pem"), append(root, sub...), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sign makes key NAME.key (newkey: "ec" or "rsa:BITS") and certificate NAME.crt issued by ca.
func (p *pki) sign(name, newkey, subj, ca, ext, serial string) {
	p.t.Helper()
	args := []string{"req", "-new", "-newkey", newkey, "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subj, "-utf8"}
	if newkey == "ec" {
		args = append(args, "-pkeyopt", "ec_paramgen_curve:P-256")
	}
	p.must(args...)
	p.must("x509", "-req", "-in", name+".csr", "-CA", ca+".crt", "-CAkey", ca+".key", "-set_serial", serial,
		"-days", "20", "-extfile", "ext.cnf", "-extensions", ext, "-out", name+".crt")
}

// export writes NAME.p12 and returns its bytes.
func (p *pki) export(name, password string, chain bool, extra ...string) ([]byte, error) {
	p.t.Helper()
	args := []string{"pkcs12", "-export", "-inkey", name + ".key", "-in", name + ".crt", "-passout", "pass:" + password, "-out", name + ".p12"}
	if chain {
		args = append(args, "-certfile", "chain.pem")
	}
	if err := p.run(append(args, extra...)...); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(p.dir, name+".p12"))
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s: no PEM", path)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

func TestImportOpenSSL(t *testing.T) {
	fastKDF(t)
	p := newPKI(t)
	p.sign("rsa", "rsa:2048", "/CN=홍길동/O=경기도선거관리위원회", "sub", "leaf", "10")
	p.sign("ec", "ec", "/CN=Investigator/O=Test", "sub", "leaf", "11")
	root, sub := readCert(t, p.root), readCert(t, p.sub)
	legacyProvider := p.run("list", "-providers", "-provider", "legacy") == nil

	for _, tc := range []struct {
		name, leaf, password string
		chain                bool
		opts                 []string
		wantKey              string
		skip                 bool
	}{
		{"rsa default", "rsa", "p12-secret", true, nil, "RSA 2048", false},
		{"ec default", "ec", "p12-secret", true, nil, "ECDSA P-256", false},
		{"ec no chain", "ec", "p12-secret", false, nil, "ECDSA P-256", false},
		{"rsa korean password", "rsa", "비밀번호-예시", true, nil, "RSA 2048", false},
		{"rsa 3des sha1", "rsa", "p12-secret", true, []string{"-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"}, "RSA 2048", false},
		{"ec -legacy", "ec", "p12-secret", true, []string{"-legacy"}, "ECDSA P-256", !legacyProvider},
		{"ec empty password", "ec", "", true, nil, "ECDSA P-256", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip {
				t.Skip("openssl has no legacy provider here")
			}
			data, err := p.export(tc.leaf, tc.password, tc.chain, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			id, err := Import(data, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			want := readCert(t, filepath.Join(p.dir, tc.leaf+".crt"))
			if !id.Certificate.Equal(want) || !matches(id.Key, id.Certificate) || KeyType(id.Certificate) != tc.wantKey {
				t.Fatalf("leaf %s, key %s", id.Certificate.Subject, KeyType(id.Certificate))
			}
			if tc.chain {
				if len(id.Chain) != 2 || !id.Chain[0].Equal(sub) || !id.Chain[1].Equal(root) {
					t.Fatalf("chain not nearest issuer first: %v", subjects(id.Chain))
				}
			} else if len(id.Chain) != 0 {
				t.Fatalf("chain %v", subjects(id.Chain))
			}
			switch id.Key.(type) {
			case *rsa.PrivateKey, *ecdsa.PrivateKey:
			default:
				t.Fatalf("key %T", id.Key)
			}
			// The imported identity survives sealing, and the chain verifies.
			f, err := Seal(id, []byte("a passphrase"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Unlock([]byte("a passphrase"))
			if err != nil {
				t.Fatal(err)
			}
			checkSigns(t, got)
			roots, inter := x509.NewCertPool(), x509.NewCertPool()
			roots.AddCert(root)
			for _, c := range got.Chain {
				inter.AddCert(c)
			}
			if _, err := got.Certificate.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}); tc.chain && err != nil {
				t.Fatalf("chain does not verify: %v", err)
			}

			if _, err := Import(data, tc.password+"x"); !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}

func TestImportRefuses(t *testing.T) {
	p := newPKI(t)
	p.sign("small", "rsa:1024", "/CN=Small/O=Test", "sub", "leaf", "12")
	small, err := p.export("small", "pw", true)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"garbage": []byte("not a p12"), "empty": nil, "rsa 1024": small} {
		if id, err := Import(data, "pw"); !errors.Is(err, ErrBadP12) || id != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A CA-only trust store: no key.
	store, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{readCert(t, p.root)}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(store, "pw"); !errors.Is(err, ErrBadP12) {
		t.Errorf("trust store: %v", err)
	}
}

// TestImportLeafNotFirst reads a file whose first certificate is not the key's (some tools
// write them so).
func TestImportLeafNotFirst(t *testing.T) {
	a := mustCreate(t, "Leaf", "Org", "")
	ca1, ca2 := mustCreate(t, "CA 1", "Org", ""), mustCreate(t, "Other", "Org", "")
	for _, enc := range []*pkcs12.Encoder{pkcs12.Modern, pkcs12.LegacyDES, pkcs12.LegacyRC2} {
		data, err := enc.Encode(a.Key, ca1.Certificate, []*x509.Certificate{ca2.Certificate, a.Certificate, ca1.Certificate}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		id, err := Import(data, "pw")
		if err != nil {
			t.Fatal(err)
		}
		// Unrelated certificates stay, in file order, duplicates dropped.
		if !id.Certificate.Equal(a.Certificate) || len(id.Chain) != 2 || !id.Chain[0].Equal(ca1.Certificate) || !id.Chain[1].Equal(ca2.Certificate) {
			t.Fatalf("leaf %s chain %v", id.Certificate.Subject, subjects(id.Chain))
		}
	}
}

func subjects(certs []*x509.Certificate) []string {
	var s []string
	for _, c := range certs {
		s = append(s, c.Subject.String())
	}
	return s
}
