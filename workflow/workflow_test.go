package workflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"evidentia/capture"
	"evidentia/evidence"
	"evidentia/store"
)

var engine *capture.Engine

func TestMain(m *testing.M) {
	home, _ := os.MkdirTemp("", "evidentia-wf-home-")
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	path, err := capture.FindBrowser("")
	if err == nil {
		engine, err = capture.New(context.Background(), capture.WithExecPath(path), capture.WithTimeout(20*time.Second))
	}
	if err != nil && os.Getenv("CI") != "" {
		fmt.Fprintln(os.Stderr, "workflow tests need a browser in CI:", err)
		os.Exit(1)
	}
	code := m.Run()
	if engine != nil {
		engine.Close()
	}
	os.RemoveAll(home)
	os.Exit(code)
}

func page(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>게시물 %s</title></head><body><p>본문 %s</p><div style="height:2000px"></div><p>끝</p></body></html>`, r.URL.Path, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCaptureSealsAndEveryArtifactIsTamperEvident(t *testing.T) {
	if engine == nil {
		t.Skip("no browser (CI is not set)")
	}
	srv := page(t)
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mu sync.Mutex
	stages := map[capture.Stage]bool{}
	c := &Capturer{Store: st, Engine: engine}
	out := c.Capture(t.Context(), CaptureRequest{URLs: []string{srv.URL + "/1", "  ", srv.URL + "/2"}, Case: "사건-1", Operator: "홍길동", Unit: "서울시 선관위"},
		func(i int, u string, s capture.Stage) { mu.Lock(); stages[s] = true; mu.Unlock() }, nil)
	if len(out) != 3 || out[1].Err == nil || out[1].Record != nil {
		t.Fatalf("outcomes: %+v", out)
	}
	for _, s := range []capture.Stage{capture.StageOpening, capture.StageLoading, capture.StageScrolling, capture.StageScreenshot, capture.StageArchiving, StageSealing} {
		if !stages[s] {
			t.Errorf("stage %s never reported", s)
		}
	}
	rec := out[0].Record
	if rec == nil || rec.Status != evidence.StatusComplete || out[0].Err != nil {
		t.Fatalf("first capture: %+v %v", rec, out[0].Err)
	}
	col := rec.Manifest.Facts.Collection
	if col.Operator != "홍길동" || col.Unit != "서울시 선관위" || col.Case != "사건-1" || col.Hostname == "" || col.AppVersion != Version || col.StartedAt.IsZero() || !col.FinishedAt.After(col.StartedAt) {
		t.Errorf("collection facts: %+v", col)
	}
	if rep, err := st.Verify(t.Context(), store.Scope{IDs: []string{rec.ID}}, "test"); err != nil || !rep.OK() {
		t.Fatalf("fresh capture does not verify: %v %+v", err, rep)
	}

	// Flip one byte in each kind of artifact, and in the manifest: verify must fail with the
	// store's sentinel and name what changed. Then put the byte back.
	targets := map[string]evidence.Digest{}
	for _, a := range rec.Artifacts {
		targets[a.Name] = a.SHA256
	}
	targets["(manifest)"] = rec.ManifestSHA256
	for name, d := range targets {
		t.Run(name, func(t *testing.T) {
			p := st.ObjectPath(d)
			orig, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
			bad := append([]byte(nil), orig...)
			bad[len(bad)/2] ^= 0x01
			if err := os.WriteFile(p, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			defer func() { os.WriteFile(p, orig, 0o644); os.Chmod(p, 0o444) }()
			rep, err := st.Verify(t.Context(), store.Scope{IDs: []string{rec.ID}}, "test")
			if err != nil {
				t.Fatal(err)
			}
			want := store.ErrDigestMismatch
			if name == "(manifest)" {
				want = store.ErrManifestMismatch
			}
			found := false
			for _, p := range rep.Problems {
				if errors.Is(p.Err, want) && p.CaptureID == rec.ID && (name == "(manifest)" || p.Artifact == name || strings.Contains(p.String(), name)) {
					found = true
				}
			}
			if rep.OK() || !found {
				t.Errorf("tampered %s: OK=%v problems %v", name, rep.OK(), rep.Problems)
			}
		})
	}
	if rep, _ := st.Verify(t.Context(), store.Scope{IDs: []string{rec.ID}}, "test"); !rep.OK() {
		t.Errorf("after restoring every byte: %v", rep.Problems)
	}
}

func TestCaptureWithoutBrowserRecordsNothing(t *testing.T) {
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	noBrowser := errors.New("Chrome or Edge was not found")
	c := &Capturer{Store: st, EngineErr: noBrowser}
	out := c.Capture(t.Context(), CaptureRequest{URLs: []string{"https://example.com/a"}}, nil, nil)
	if len(out) != 1 || !errors.Is(out[0].Err, noBrowser) || out[0].Record != nil {
		t.Errorf("outcome: %+v", out)
	}
	if recs, _ := st.Captures(t.Context(), ""); len(recs) != 0 {
		t.Errorf("%d captures recorded without a browser", len(recs))
	}
}

func TestWorkstation(t *testing.T) {
	w := Workstation()
	if w.OS == "" || w.Arch == "" || w.TimeZone == "" || w.AppVersion == "" {
		t.Errorf("workstation: %+v", w)
	}
	if _, err := evidence.ParseDigest(string(SelfSHA256())); err != nil {
		t.Errorf("SelfSHA256: %v", err)
	}
}

// TestCaseMustExist: a capture queued for a case that was renamed meanwhile fails plainly and
// never files its evidence under a new case with the old name.
func TestCaseMustExist(t *testing.T) {
	if engine == nil {
		t.Skip("no browser (CI is not set)")
	}
	srv := page(t)
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateCase(t.Context(), store.Case{Name: "옛 이름"}, "홍길동"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateCase(t.Context(), "옛 이름", store.Case{Name: "새 이름"}, "홍길동"); err != nil {
		t.Fatal(err)
	}
	c := &Capturer{Store: st, Engine: engine}
	out := c.Capture(t.Context(), CaptureRequest{URLs: []string{srv.URL + "/1"}, Case: "옛 이름", Operator: "홍길동", CaseMustExist: true}, nil, nil)
	if !errors.Is(out[0].Err, store.ErrNotFound) || out[0].Record != nil {
		t.Errorf("outcome: %+v", out[0])
	}
	cases, _ := st.Cases(t.Context())
	if len(cases) != 1 || cases[0].Name != "새 이름" {
		t.Errorf("cases after the refused capture: %+v", cases)
	}
}
