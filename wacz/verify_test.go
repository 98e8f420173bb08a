package wacz

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"evidentia/internal/testpki"
	"evidentia/signature"
)

// signedWACZ writes the fixture as a WACZ signed by the test PKI's signer and stamped by its
// timestamp authority.
func signedWACZ(t testing.TB) ([]byte, *testpki.PKI, *Result) {
	t.Helper()
	p := testpki.New(t)
	tsa := p.StartTSA(t)
	var out bytes.Buffer
	res, err := Write(context.Background(), &out, buildFixture(t).warcs(), Options{
		Title: "채증 결과", Description: "테스트", Created: time.Now(), Software: "evidentia test",
		Signer: &signature.Signer{Certificate: p.Signer, Chain: []*x509.Certificate{p.CA}, Key: p.SignerKey},
		TSA:    tsa.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), p, res
}

func verifyBytes(t testing.TB, b []byte, roots *x509.CertPool) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), VerifyOptions{Roots: roots})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func TestSignedRoundTrip(t *testing.T) {
	b, p, res := signedWACZ(t)
	if !res.Signed || res.Timestamp == nil {
		t.Fatalf("result: signed %v timestamp %v", res.Signed, res.Timestamp)
	}
	rep := verifyBytes(t, b, p.Pool())
	if !rep.OK() {
		t.Fatalf("problems: %v", rep.Err())
	}
	if !rep.Signed || rep.SignerTrust != signature.TrustTrusted || rep.Signer == nil || !rep.Signer.Equal(p.Signer) {
		t.Errorf("signer: signed %v trust %s", rep.Signed, rep.SignerTrust)
	}
	if rep.Timestamp == nil || rep.Timestamp.Trust != signature.TrustTrusted || !rep.Timestamp.ImprintOK {
		t.Errorf("timestamp: %+v", rep.Timestamp)
	}
	if rep.Files != 5 || rep.Records != 18 || rep.Pages != 3 || rep.IndexLines != 7 {
		t.Errorf("counts: files %d records %d pages %d index lines %d", rep.Files, rep.Records, rep.Pages, rep.IndexLines)
	}
	if rep.Software != "evidentia test" || rep.Created.IsZero() {
		t.Errorf("software %q created %v", rep.Software, rep.Created)
	}

	// Without the CA the signer is untrusted: a problem, as for the PDF signatures.
	rep = verifyBytes(t, b, x509.NewCertPool())
	if rep.SignerTrust != signature.TrustUntrusted || !hasProblem(rep, digestPath, ErrUntrusted) {
		t.Errorf("untrusted roots: trust %s, problems %v", rep.SignerTrust, rep.Err())
	}
}

func TestUnsignedAndSelfSigned(t *testing.T) {
	f := buildFixture(t)
	var out bytes.Buffer
	if _, err := Write(context.Background(), &out, f.warcs(), Options{Created: fixtureTime}); err != nil {
		t.Fatal(err)
	}
	rep := verifyBytes(t, out.Bytes(), x509.NewCertPool())
	if !rep.OK() || rep.Signed {
		t.Fatalf("unsigned: ok %v signed %v: %v", rep.OK(), rep.Signed, rep.Err())
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "김철수"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	out.Reset()
	if _, err := Write(context.Background(), &out, f.warcs(), Options{Signer: &signature.Signer{Certificate: cert, Key: key}}); err != nil {
		t.Fatal(err)
	}
	rep = verifyBytes(t, out.Bytes(), x509.NewCertPool())
	if !rep.OK() || rep.SignerTrust != signature.TrustSelfSigned || len(rep.Notes) == 0 {
		t.Fatalf("self-signed: ok %v trust %s notes %q: %v", rep.OK(), rep.SignerTrust, rep.Notes, rep.Err())
	}
}

func hasProblem(rep *Report, path string, sentinel error) bool {
	for _, p := range rep.Problems {
		if p.Path == path && errors.Is(p.Err, sentinel) {
			return true
		}
	}
	return false
}

// entry is one file of a WACZ, for rebuilding it with a change (and valid ZIP CRCs, so that
// only the WACZ checks can catch the change).
type entry struct {
	name   string
	method uint16
	data   []byte
}

func unzipAll(t testing.TB, b []byte) []entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{f.Name, f.Method, data})
	}
	return out
}

func zipAll(t testing.TB, es []entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range es {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func find(es []entry, name string) *entry {
	for i := range es {
		if es[i].name == name {
			return &es[i]
		}
	}
	return nil
}

func editJSON(t testing.TB, b []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTamper(t *testing.T) {
	orig, p, _ := signedWACZ(t)
	base := unzipAll(t, orig)
	warc1 := "archive/0190c3f2-0001.warc.gz"

	// An attacker's own signature over the same hash string.
	other := testpki.New(t)
	type tc struct {
		name   string
		mutate func(es []entry) []entry
		path   string
		want   error
	}
	var tests []tc
	for _, e := range base {
		wantPath, want := e.name, ErrHash
		switch e.name {
		case datapackagePath:
			wantPath, want = digestPath, ErrDigestFile
		case digestPath:
			want = ErrDigestFile
		}
		tests = append(tests, tc{"flip " + e.name, func(es []entry) []entry {
			x := find(es, e.name)
			x.data = bytes.Clone(x.data)
			i := len(x.data) / 2
			if e.name == digestPath { // a hex digit of the hash, so the JSON stays readable
				i = bytes.Index(x.data, []byte(`"sha256:`)) + 10
			}
			x.data[i] ^= 0x01
			return es
		}, wantPath, want})
	}
	tests = append(tests,
		tc{"payload changed, member recompressed", func(es []entry) []entry {
			x := find(es, warc1)
			x.data = recompressChanged(t, x.data, []byte("<h1>"), []byte("<h2>"))
			return es
		}, warc1, ErrDigest},
		tc{"datapackage edited", func(es []entry) []entry {
			x := find(es, datapackagePath)
			x.data = editJSON(t, x.data, func(m map[string]any) { m["title"] = "다른 제목" })
			return es
		}, digestPath, ErrDigestFile},
		tc{"datapackage edited, digest recomputed", func(es []entry) []entry {
			x := find(es, datapackagePath)
			x.data = editJSON(t, x.data, func(m map[string]any) { m["title"] = "다른 제목" })
			sum := sha256.Sum256(x.data)
			d := find(es, digestPath)
			d.data = editJSON(t, d.data, func(m map[string]any) { m["hash"] = "sha256:" + hex.EncodeToString(sum[:]) })
			return es
		}, digestPath, ErrSignature},
		tc{"digest edited", func(es []entry) []entry {
			d := find(es, digestPath)
			d.data = editJSON(t, d.data, func(m map[string]any) { m["hash"] = "sha256:" + strings.Repeat("0", 64) })
			return es
		}, digestPath, ErrDigestFile},
		tc{"signature swapped", func(es []entry) []entry {
			d := find(es, digestPath)
			d.data = editJSON(t, d.data, func(m map[string]any) {
				sd := m["signedData"].(map[string]any)
				sig, err := signature.SignHash([]byte(sd["hash"].(string)), signature.Signer{Certificate: other.Signer, Key: other.SignerKey})
				if err != nil {
					t.Fatal(err)
				}
				sd["signature"] = base64.StdEncoding.EncodeToString(sig)
			})
			return es
		}, digestPath, ErrSignature},
		tc{"signer swapped (certificate and key of another)", func(es []entry) []entry {
			d := find(es, digestPath)
			d.data = editJSON(t, d.data, func(m map[string]any) {
				sd := m["signedData"].(map[string]any)
				sig, _ := signature.SignHash([]byte(sd["hash"].(string)), signature.Signer{Certificate: other.Signer, Key: other.SignerKey})
				spki, _ := x509.MarshalPKIXPublicKey(other.Signer.PublicKey)
				sd["signature"] = base64.StdEncoding.EncodeToString(sig)
				sd["publicKey"] = base64.StdEncoding.EncodeToString(spki)
				sd["signerCert"] = pemChain([]*x509.Certificate{other.Signer, other.CA})
			})
			return es
		}, digestPath, ErrTimestamp}, // the token stamps the old signature; the signer is also untrusted
		tc{"created moved", func(es []entry) []entry {
			d := find(es, digestPath)
			d.data = editJSON(t, d.data, func(m map[string]any) {
				m["signedData"].(map[string]any)["created"] = time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			})
			return es
		}, digestPath, ErrCreatedTime},
		tc{"extra file", func(es []entry) []entry {
			return append(es, entry{"archive/extra.warc.gz", zip.Store, []byte("x")})
		}, "archive/extra.warc.gz", ErrUnlisted},
		tc{"missing file", func(es []entry) []entry {
			var out []entry
			for _, e := range es {
				if e.name != pagesPath {
					out = append(out, e)
				}
			}
			return out
		}, pagesPath, ErrMissing},
		tc{"index points elsewhere", func(es []entry) []entry {
			x := find(es, indexPath)
			x.data = bytes.Replace(x.data, []byte(`"offset":"`), []byte(`"offset":"1`), 1)
			return es
		}, indexPath, ErrIndex},
		tc{"page not indexed", func(es []entry) []entry {
			x := find(es, pagesPath)
			x.data = bytes.Replace(x.data, []byte(`"url":"http://example.com/go"`), []byte(`"url":"http://example.com/gone"`), 1)
			return es
		}, pagesPath, ErrPage},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := make([]entry, len(base))
			copy(es, base)
			b := zipAll(t, tt.mutate(es))
			rep := verifyBytes(t, b, p.Pool())
			if rep.OK() {
				t.Fatal("Verify found no problem")
			}
			if !hasProblem(rep, tt.path, tt.want) {
				t.Errorf("want a problem in %s wrapping %v; got:\n%v", tt.path, tt.want, rep.Err())
			}
		})
	}

	// A byte flipped in the raw ZIP, in a stored WARC: the ZIP's own CRC catches it, and the
	// problem names the file.
	raw := bytes.Clone(orig)
	raw[200] ^= 0x01
	rep := verifyBytes(t, raw, p.Pool())
	if !hasProblem(rep, warc1, ErrNotWACZ) && !hasProblem(rep, warc1, ErrBadWARC) {
		t.Errorf("raw flip: %v", rep.Err())
	}
}

// recompressChanged finds the gzip member whose content holds old, replaces it by new (same
// length) and recompresses that member, leaving the record's digest headers as they were.
func recompressChanged(t testing.TB, warc, old, new []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	found := false
	n, err := scanWARC(context.Background(), bytes.NewReader(warc), func(r *record) error {
		member := warc[r.Offset : r.Offset+r.Length]
		zr, err := gzip.NewReader(bytes.NewReader(member))
		if err != nil {
			return err
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		if !found && bytes.Contains(plain, old) {
			found = true
			plain = bytes.Replace(plain, old, new, 1)
			zw := gzip.NewWriter(&out)
			zw.Write(plain)
			zw.Close()
			return nil
		}
		out.Write(member)
		return nil
	})
	if err != nil || !found || n == 0 {
		t.Fatalf("recompress: found %v, %d records: %v", found, n, err)
	}
	return out.Bytes()
}

func TestVerifyNotZip(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("PK\x03\x04garbage"), bytes.Repeat([]byte("x"), 100)} {
		if _, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), VerifyOptions{}); !errors.Is(err, ErrNotWACZ) {
			t.Errorf("%q: err %v, want ErrNotWACZ", b, err)
		}
	}
}
