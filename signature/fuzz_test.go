package signature

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"evidentia/internal/testpki"
)

// FuzzVerifyPDF feeds Verify mutations of a signed report (the test CA's signer, with an
// embedded manifest, unstamped and stamped by the test authority) and of the hostile
// files of hostile_test.go. Whatever the input, Verify must return (within 5 s, ctx bounding
// it), never panic, and never call the file validly signed: the signer's CA is not among the
// roots (none are given), so no mutation may turn up a trusted, valid signature.
func FuzzVerifyPDF(f *testing.F) {
	pki := testpki.New(f)
	doc := minimalPDF(map[string][]byte{"abc.manifest.json": []byte(`{"format":"evidentia.manifest/1","capture_id":"abc"}`)})
	signed, _, err := Sign(context.Background(), doc, signer(pki), Options{Reason: "전자증거 채증 보고서"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	// The same report stamped by the test authority's key (made here rather than by the
	// openssl authority: every fuzzing worker runs this setup again).
	rep, err := Verify(context.Background(), signed, VerifyOptions{})
	if err != nil {
		f.Fatal(err)
	}
	s := rep.Signatures[0]
	sum := sha256.Sum256(sigValue(f, s.CMS))
	resp, err := (&timestamp.Timestamp{HashAlgorithm: crypto.SHA256, HashedMessage: sum[:], Time: time.Now(), SerialNumber: big.NewInt(1),
		Policy: asn1.ObjectIdentifier{1, 2, 3}, AddTSACertificate: true}).CreateResponseWithOpts(pki.TSA, pki.TSAKey, crypto.SHA256)
	if err != nil {
		f.Fatal(err)
	}
	tok, err := timestamp.ParseResponse(resp)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(putCMS(f, signed, s, withToken(f, s.CMS, tok.RawToken)))
	for _, h := range hostilePDFs() {
		if len(h) < 1<<16 {
			f.Add(h)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		rep, err := Verify(ctx, doc, VerifyOptions{})
		if d := time.Since(start); d > 6*time.Second {
			t.Fatalf("Verify took %v", d)
		}
		if ctx.Err() != nil {
			t.Fatalf("Verify needed more than 5 s: %v", err)
		}
		if err == nil && rep.Err() == nil {
			t.Fatalf("a mutated report verified as validly signed")
		}
	})
}
