package workflow

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/internal/testpki"
	"evidentia/report"
	"evidentia/store"
)

// sealedAt seals a capture of url whose collection facts say it ran from started to finished.
func sealedAt(t *testing.T, st *store.Store, url string, started, finished time.Time) *store.Record {
	t.Helper()
	ctx := t.Context()
	if _, err := st.EnsureCase(ctx, "사건", "tester"); err != nil {
		t.Fatal(err)
	}
	id, err := st.BeginCapture(ctx, "사건", url, "tester")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(p, []byte("게시물 본문"), 0o600); err != nil {
		t.Fatal(err)
	}
	facts := evidence.Facts{RequestedURL: url, FinalURL: url}
	facts.Collection.StartedAt, facts.Collection.FinishedAt = started, finished
	rec, err := st.Seal(ctx, id, store.SealRequest{Status: evidence.StatusComplete, Facts: facts,
		Files: []store.SealFile{{Name: "text.txt", MediaType: "text/plain", Role: evidence.RoleText, Path: p}}, Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("openssl is needed in CI: %v", err)
		}
		t.Skip("openssl not installed (CI is not set)")
	}
}

// TestReportCaptureAfterTimestamp reproduces finding 5's coherence rule on a real signed and
// timestamped report: a capture it holds that ended after the token's time means the token
// does not cover it (a backdated or borrowed token); verify used to say VALID.
func TestReportCaptureAfterTimestamp(t *testing.T) {
	needOpenSSL(t)
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	st := openStore(t)
	now := time.Now()
	early := sealedAt(t, st, "https://example.test/early", now.Add(-time.Hour), now.Add(-50*time.Minute))
	late := sealedAt(t, st, "https://example.test/late", now.Add(-time.Minute), now.Add(2*time.Hour))
	for _, tc := range []struct {
		name string
		ids  []string
		want bool
	}{
		{"captures before the timestamp", []string{early.ID}, false},
		{"a capture ending two hours after the timestamp", []string{early.ID, late.ID}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report.pdf")
			if _, err := Report(t.Context(), st, ReportRequest{Case: "사건", CaptureIDs: tc.ids, Out: out, Operator: "홍길동", Lang: report.Korean,
				Signer: testSigner(pki), TSA: tsa.URL}); err != nil {
				t.Fatal(err)
			}
			for _, s := range []*store.Store{st, nil} { // with the store, and received from elsewhere
				chk, err := VerifyReport(t.Context(), s, out, pki.Pool())
				if err != nil {
					t.Fatal(err)
				}
				if err := chk.Signature.Err(); err != nil {
					t.Fatalf("the signature itself: %v", err)
				}
				got := errors.Is(chk.Err(), ErrAfterTimestamp)
				if got != tc.want || (got && !strings.Contains(chk.Err().Error(), "capture "+late.ID+" finished")) {
					t.Errorf("store %v: err %v, want an after-timestamp problem %v", s != nil, chk.Err(), tc.want)
				}
			}
		})
	}
}

// TestBundleCaptureAfterTimestamp checks the same rule for a bundle: every capture (and
// custody event) it holds must precede the timestamp of its manifest.
func TestBundleCaptureAfterTimestamp(t *testing.T) {
	needOpenSSL(t)
	pki := testpki.New(t)
	tsa := pki.StartTSA(t)
	st := openStore(t)
	now := time.Now()
	late := sealedAt(t, st, "https://example.test/late", now.Add(-time.Minute), now.Add(2*time.Hour))
	out := filepath.Join(t.TempDir(), "bundle.zip")
	if _, err := Export(t.Context(), st, ExportRequest{Case: "사건", Out: out, Operator: "홍길동", Lang: report.Korean, Signer: testSigner(pki), TSA: tsa.URL}); err != nil {
		t.Skipf("export without a web archive: %v", err)
	}
	chk, err := VerifyBundle(t.Context(), st, out, pki.Pool())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range chk.Problems {
		if errors.Is(p, ErrAfterTimestamp) && strings.Contains(p.Error(), "capture "+late.ID+" finished") && strings.HasSuffix(p.Path, "manifest.json") {
			found = true
		}
	}
	if !found {
		t.Errorf("problems %v, want the late capture named", chk.Problems)
	}
}
