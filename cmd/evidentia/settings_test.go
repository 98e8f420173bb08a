package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/settings"
	"evidentia/store"
	"evidentia/workflow"
)

// sealedCase makes a data folder with one sealed capture in case kase, without a browser.
func sealedCase(t *testing.T, kase string) string {
	t.Helper()
	ctx := context.Background()
	data := t.TempDir()
	st, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.EnsureCase(ctx, kase, "tester"); err != nil {
		t.Fatal(err)
	}
	id, err := st.BeginCapture(ctx, kase, "https://example.org/post/1", "tester")
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 320, 200))
	for i := range img.Pix {
		img.Pix[i] = 0xcc
	}
	img.Set(5, 5, color.Black)
	var pb bytes.Buffer
	if err := png.Encode(&pb, img); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	files := []store.SealFile{
		{Name: "viewport.png", MediaType: "image/png", Role: evidence.RoleViewport},
		{Name: "text.txt", MediaType: "text/plain; charset=utf-8", Role: evidence.RoleText},
	}
	for i, content := range [][]byte{pb.Bytes(), []byte("게시물 본문")} {
		files[i].Path = filepath.Join(work, files[i].Name)
		if err := os.WriteFile(files[i].Path, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	facts := evidence.Facts{RequestedURL: "https://example.org/post/1", FinalURL: "https://example.org/post/1",
		Metadata: evidence.Metadata{Title: "게시물 1"}, Network: evidence.Network{HTTPStatus: 200},
		Collection: evidence.Collection{Operator: "tester", Case: kase}}
	if _, err := st.Seal(ctx, id, store.SealRequest{Status: evidence.StatusComplete, Facts: facts, Files: files, Actor: "tester"}); err != nil {
		t.Fatal(err)
	}
	return data
}

// lastReported returns the custody event of the last report recorded in data.
func lastReported(t *testing.T, data string) store.Event {
	t.Helper()
	st, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.Custody(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].Action == store.ActionReported {
			return log[i]
		}
	}
	t.Fatal("no report recorded")
	return store.Event{}
}

// failingTSA is a timestamp authority that refuses every request and counts them.
func failingTSA(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no stamps today", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestSettingsDefaultReportTSAAndOperator(t *testing.T) {
	const kase = "설정-사건"
	data := sealedCase(t, kase)
	fromSettings, settingsHits := failingTSA(t)
	fromFlag, flagHits := failingTSA(t)
	fromEnv, envHits := failingTSA(t)

	path := filepath.Join(t.TempDir(), "conf", "settings.json")
	t.Setenv("EVIDENTIA_SETTINGS", path)
	t.Setenv("EVIDENTIA_TSA", "")
	t.Setenv("EVIDENTIA_OPERATOR", "")
	t.Setenv("EVIDENTIA_UNIT", "")
	t.Setenv(passphraseEnv, testPassphrase)
	s := settings.Default()
	s.Operator, s.Unit, s.TSA = "설정 수사관", "설정 팀", fromSettings.URL
	if err := settings.Save(path, s); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := evidentia(t, "--data", data, "identity", "create", "--name", "설정 수사관", "--org", "테스트"); code != exitOK {
		t.Fatalf("identity create: exit %d\n%s%s", code, out, errOut)
	}
	report := func(args ...string) (int, string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "report.pdf")
		code, stdout, stderr := evidentia(t, append([]string{"--data", data, "report", "--case", kase, "--out", out, "--lang", "en"}, args...)...)
		return code, stdout + stderr
	}

	// Unsigned: the settings' authority is not a usage error, and it is not asked; the
	// operator comes from the settings.
	if code, out := report(); code != exitOK {
		t.Fatalf("unsigned report: exit %d\n%s", code, out)
	}
	if e := lastReported(t, data); e.Actor != "설정 수사관" {
		t.Errorf("report recorded by %q, want the settings' operator", e.Actor)
	}
	if settingsHits.Load() != 0 {
		t.Error("an unsigned report asked the timestamp authority")
	}

	// Signed: the settings' authority is asked (and, refusing, fails the report).
	if code, out := report("--sign"); code == exitOK || !strings.Contains(out, "503") && !strings.Contains(out, strings.TrimPrefix(fromSettings.URL, "http://")) {
		t.Errorf("signed report with a refusing authority: exit %d\n%s", code, out)
	}
	if settingsHits.Load() == 0 {
		t.Error("the settings' timestamp authority was not asked")
	}

	// --tsa, then EVIDENTIA_TSA, come before the settings.
	before := settingsHits.Load()
	report("--sign", "--tsa", fromFlag.URL)
	t.Setenv("EVIDENTIA_TSA", fromEnv.URL)
	report("--sign")
	if flagHits.Load() == 0 || envHits.Load() == 0 || settingsHits.Load() != before {
		t.Errorf("hits: flag %d, environment %d, settings %d (was %d)", flagHits.Load(), envHits.Load(), settingsHits.Load(), before)
	}
	t.Setenv("EVIDENTIA_TSA", "")

	// --operator, then EVIDENTIA_OPERATOR, come before the settings.
	if code, out := report("--operator", "플래그 수사관"); code != exitOK || lastReported(t, data).Actor != "플래그 수사관" {
		t.Errorf("--operator: exit %d, actor %q\n%s", code, lastReported(t, data).Actor, out)
	}
	t.Setenv("EVIDENTIA_OPERATOR", "환경 수사관")
	if code, out := report(); code != exitOK || lastReported(t, data).Actor != "환경 수사관" {
		t.Errorf("EVIDENTIA_OPERATOR: exit %d, actor %q\n%s", code, lastReported(t, data).Actor, out)
	}
	t.Setenv("EVIDENTIA_OPERATOR", "")

	// The unit, as report and capture take it.
	c := &cli{stderr: &bytes.Buffer{}}
	if c.unit() != "설정 팀" || c.operator() != "설정 수사관" || c.settings().TSA != fromSettings.URL {
		t.Errorf("from the settings: unit %q, operator %q, settings %+v", c.unit(), c.operator(), c.settings())
	}
	t.Setenv("EVIDENTIA_UNIT", "환경 팀")
	if c.unit() != "환경 팀" {
		t.Errorf("EVIDENTIA_UNIT: unit %q", c.unit())
	}
	t.Setenv("EVIDENTIA_UNIT", "")

	// A damaged settings file is a note, not a failure: the defaults are used.
	if err := os.WriteFile(path, []byte(`{"operator": "설정 수사관", "tsa": `), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := report()
	if code != exitOK || !strings.Contains(out, "note:") || !strings.Contains(out, "corrupt") || !strings.Contains(out, path) {
		t.Errorf("damaged settings: exit %d\n%s", code, out)
	}
	if actor := lastReported(t, data).Actor; actor != settings.Default().Operator || actor == "설정 수사관" {
		t.Errorf("damaged settings: actor %q, want %q", actor, settings.Default().Operator)
	}
	// Values out of range are noted and replaced by their defaults; the rest is used.
	if err := os.WriteFile(path, []byte(`{"operator": "설정 수사관", "parallel": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out = report()
	if code != exitOK || !strings.Contains(out, "parallel") || lastReported(t, data).Actor != "설정 수사관" {
		t.Errorf("out-of-range settings: exit %d, actor %q\n%s", code, lastReported(t, data).Actor, out)
	}
	// No settings file at all: no note.
	os.Remove(path)
	if code, out = report(); code != exitOK || strings.Contains(out, "note: settings") {
		t.Errorf("no settings file: exit %d\n%s", code, out)
	}
}

// TestBothDoorsBuildOneSession: the command line's session and the one the desktop app's
// main.go builds from the same settings file follow the same rules: the same operator (the
// login name without a DOMAIN\ prefix when the file names none), unit, authority, data folder
// and limits, with and without the environment deciding.
func TestBothDoorsBuildOneSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	t.Setenv("EVIDENTIA_SETTINGS", path)
	t.Setenv("EVIDENTIA_DATA", "")
	for _, env := range []map[string]string{
		{"EVIDENTIA_OPERATOR": "", "EVIDENTIA_UNIT": "", "EVIDENTIA_TSA": ""},
		{"EVIDENTIA_OPERATOR": "환경 수사관", "EVIDENTIA_UNIT": "환경 팀", "EVIDENTIA_TSA": "http://127.0.0.1:9/env"},
	} {
		for k, v := range env {
			t.Setenv(k, v)
		}
		s := settings.Settings{Unit: "설정 팀", DataDir: filepath.Join(t.TempDir(), "증거"), Timeout: 75 * time.Second,
			Parallel: 5, TSA: "http://127.0.0.1:9/settings"}
		if err := settings.Save(path, s); err != nil {
			t.Fatal(err)
		}
		c := &cli{stderr: &bytes.Buffer{}}
		fromCLI := c.session()
		loaded, err := settings.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		fromApp := workflow.NewSession(workflow.SessionConfig{Settings: loaded}) // as main.go builds it
		l1, err1 := fromCLI.Limits(nil, nil)
		l2, err2 := fromApp.Limits(nil, nil)
		got := []any{fromCLI.Operator(""), fromCLI.Unit(""), fromCLI.TSA(""), fromCLI.Dir(), l1, err1}
		want := []any{fromApp.Operator(""), fromApp.Unit(""), fromApp.TSA(""), fromApp.Dir(), l2, err2}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("environment %v:\ncommand line %v\ndesktop app  %v", env, got, want)
		}
		wantOp := settings.Default().Operator
		if env["EVIDENTIA_OPERATOR"] != "" {
			wantOp = env["EVIDENTIA_OPERATOR"]
		}
		if fromCLI.Operator("") != wantOp || strings.Contains(fromCLI.Operator(""), `\`) || l1.Parallel != 5 || l1.Timeout != 75*time.Second || fromCLI.Dir() != s.DataDir {
			t.Errorf("environment %v: operator %q (want %q), limits %+v, data %s", env, fromCLI.Operator(""), wantOp, l1, fromCLI.Dir())
		}
		c.closeSession()
	}
}
