// Package testpki builds a throw-away public-key infrastructure for tests: a CA, a document
// signer it issued, and an RFC 3161 timestamp authority served on 127.0.0.1 by the real
// `openssl ts -reply`. It also makes NSS databases that trust the CA, for poppler's pdfsig.
// It is imported by tests only.
package testpki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// PKI is a test CA with the certificates it issued. Every file is under Dir: ca.crt, signer.crt,
// signer.key, tsa.crt, tsa.key (PEM).
type PKI struct {
	Dir       string
	CA        *x509.Certificate
	CAKey     crypto.Signer
	Signer    *x509.Certificate
	SignerKey crypto.Signer
	TSA       *x509.Certificate
	TSAKey    crypto.Signer
	CAFile    string
}

var (
	oidDocSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	oidExtKeyUse  = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidTimeStamp  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// New makes a fresh PKI in a temporary folder of t.
func New(t testing.TB) *PKI {
	t.Helper()
	p := &PKI{Dir: t.TempDir()}
	now := time.Now()
	var err error
	p.CAKey = newKey(t)
	p.CA = issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Evidentia Test CA", Organization: []string{"Evidentia tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, p.CAKey, p.CAKey)
	p.SignerKey = newKey(t)
	p.Signer = issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "홍길동", Organization: []string{"테스트 선거관리위원회"}},
		EmailAddresses:        []string{"hong@example.test"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(2, 0, 0),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidDocSigning},
	}, p.CA, p.SignerKey, p.CAKey)
	p.TSAKey = newKey(t)
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimeStamp})
	if err != nil {
		t.Fatal(err)
	}
	p.TSA = issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Evidentia Test TSA", Organization: []string{"Evidentia tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		// RFC 3161 wants the extendedKeyUsage extension critical, with timeStamping only.
		ExtraExtensions: []pkix.Extension{{Id: oidExtKeyUse, Critical: true, Value: eku}},
	}, p.CA, p.TSAKey, p.CAKey)

	p.CAFile = filepath.Join(p.Dir, "ca.crt")
	writePEM(t, p.CAFile, "CERTIFICATE", p.CA.Raw)
	writePEM(t, filepath.Join(p.Dir, "signer.crt"), "CERTIFICATE", p.Signer.Raw)
	writePEM(t, filepath.Join(p.Dir, "tsa.crt"), "CERTIFICATE", p.TSA.Raw)
	writeKey(t, filepath.Join(p.Dir, "signer.key"), p.SignerKey)
	writeKey(t, filepath.Join(p.Dir, "tsa.key"), p.TSAKey)
	return p
}

// Pool returns a certificate pool holding only the CA.
func (p *PKI) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CA)
	return pool
}

func newKey(t testing.TB) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func issue(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeKey(t testing.TB, path string, k crypto.Signer) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, path, "PRIVATE KEY", der)
}

// TSAServer is an RFC 3161 timestamp authority on 127.0.0.1: every request is answered by
// `openssl ts -reply` with the PKI's TSA certificate. Fail, when set, makes it answer HTTP 503;
// Hang makes it never answer (until the test ends).
type TSAServer struct {
	URL      string
	mu       sync.Mutex
	fail     bool
	hang     bool
	requests int
}

// SetFail makes the authority refuse (HTTP 503) from now on, or serve again.
func (s *TSAServer) SetFail(v bool) { s.mu.Lock(); s.fail = v; s.mu.Unlock() }

// SetHang makes the authority hold every request without answering, or serve again.
func (s *TSAServer) SetHang(v bool) { s.mu.Lock(); s.hang = v; s.mu.Unlock() }

// Requests returns how many requests the authority has received.
func (s *TSAServer) Requests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.requests }

// StartTSA starts the timestamp authority; it stops when the test ends.
func (p *PKI) StartTSA(t testing.TB) *TSAServer {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		// As everywhere else: a missing tool fails in CI and skips elsewhere (for example
		// under Wine, where no Windows openssl is installed).
		if os.Getenv("CI") != "" {
			t.Fatalf("the test timestamp authority needs the openssl command: %v", err)
		}
		t.Skipf("the test timestamp authority needs the openssl command (CI is not set): %v", err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "tsa.cnf")
	cfg := fmt.Sprintf(`[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = %[1]s/serial
crypto_device = builtin
signer_cert = %[2]s/tsa.crt
certs = %[2]s/ca.crt
signer_key = %[2]s/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`, dir, p.Dir)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "serial"), []byte("01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &TSAServer{}
	var run sync.Mutex // openssl updates the serial file
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		fail, hang := s.fail, s.hang
		s.mu.Unlock()
		if hang {
			select {
			case <-r.Context().Done():
			case <-done:
			}
			return
		}
		if fail {
			http.Error(w, "timestamp service unavailable", http.StatusServiceUnavailable)
			return
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
			http.Error(w, "want a POST of application/timestamp-query", http.StatusBadRequest)
			return
		}
		q, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		run.Lock()
		defer run.Unlock()
		qf, rf := filepath.Join(dir, "q.tsq"), filepath.Join(dir, "r.tsr")
		if err := os.WriteFile(qf, q, 0o600); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var stderr bytes.Buffer
		cmd := exec.Command("openssl", "ts", "-reply", "-config", conf, "-queryfile", qf, "-out", rf)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			http.Error(w, fmt.Sprintf("openssl ts -reply: %v: %s", err, stderr.String()), http.StatusInternalServerError)
			return
		}
		resp, err := os.ReadFile(rf)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	s.URL = srv.URL + "/tsa"
	return s
}

// NSSDB makes an NSS certificate database that trusts the PKI's CA, for `pdfsig -nssdir`,
// and returns its "sql:DIR" name.
func (p *PKI) NSSDB(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("certutil"); err != nil {
		t.Fatalf("trusting the test CA for pdfsig needs certutil (libnss3-tools): %v", err)
	}
	db := "sql:" + t.TempDir()
	for _, args := range [][]string{
		{"-N", "-d", db, "--empty-password"},
		{"-A", "-d", db, "-n", "evidentia-test-ca", "-t", "CT,C,C", "-i", p.CAFile},
	} {
		if out, err := exec.Command("certutil", args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v: %s", args, err, out)
		}
	}
	return db
}
