package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"evidentia/evidence"
	"evidentia/settings"
	"evidentia/store"
	"evidentia/workflow"
)

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// buildCLI builds the command line (cmd/evidentia) once for the tests of this package.
func buildCLI(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "evidentia-cli-")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "evidentia")
		args := []string{"build", "-o", cliPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "evidentia/cmd/evidentia")...).CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

// doorRecord is what a capture recorded about who made it and how, minus what differs from one
// capture to the next (times, hashes, IDs).
type doorRecord struct {
	Operator, Unit, Case, Timeout string
	Options                       map[string]string
	Custody                       []string // action by actor, with the names of the details
}

func recordOf(t *testing.T, st *store.Store, rec store.Record) doorRecord {
	t.Helper()
	full, err := st.Capture(context.Background(), rec.ID)
	if err != nil || full.Manifest == nil {
		t.Fatalf("capture %s: %v", rec.ID, err)
	}
	f := full.Manifest.Facts
	d := doorRecord{Operator: f.Collection.Operator, Unit: f.Collection.Unit, Case: f.Collection.Case,
		Timeout: f.Method.Timeout, Options: f.Method.Options}
	events, err := st.Custody(context.Background(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		var keys []string
		for k := range e.Details {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d.Custody = append(d.Custody, fmt.Sprintf("%s by %s %v", e.Action, e.Actor, keys))
	}
	return d
}

// TestBothDoorsCaptureAlike captures one page through the command line (the real binary, as
// an investigator runs it, with no option but the case) and once through the desktop app's
// capture bar, both built from one settings file, and finds the same operator (the login name,
// as the settings file names no one), unit, case, capture options and custody events.
func TestBothDoorsCaptureAlike(t *testing.T) {
	needChrome(t)
	bin := buildCLI(t)
	srv := pages(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	t.Setenv("EVIDENTIA_SETTINGS", path)
	t.Setenv("EVIDENTIA_OPERATOR", "")
	t.Setenv("EVIDENTIA_UNIT", "")
	set := settings.Default()
	set.Operator = "" // the login name, by the one rule
	set.Unit = "선거범죄 전담팀"
	set.DataDir = filepath.Join(dir, "증거 폴더")
	set.Chrome = chromePath
	set.Timeout = 45 * time.Second
	set.Parallel = 3
	set.Lang = LangKorean
	if err := settings.Save(path, set); err != nil {
		t.Fatal(err)
	}
	const kase = "두 문 사건"

	// The command line: no --data, --chrome, --operator, --unit or --timeout.
	cmd := exec.Command(bin, "capture", "--case", kase, "--json", srv.URL+"/a")
	cmd.Env = os.Environ()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("evidentia capture: %v\n%s", err, out)
	}
	var line struct{ ID, Status string }
	if err := json.Unmarshal(out, &line); err != nil || line.Status != string(evidence.StatusComplete) {
		t.Fatalf("evidentia capture: %q (%v)", out, err)
	}

	// The desktop app, started as main.go starts it.
	loaded, err := settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sess := workflow.NewSession(workflow.SessionConfig{Settings: loaded})
	st, err := sess.Store(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w := New(test.NewTempApp(t), Options{Session: sess, Settings: loaded, SettingsPath: path, Store: st})
	u := uiOf(t, w)
	t.Cleanup(func() { w.Close(); u.shutdown() })
	t.Cleanup(func() { onUI(func() { setLanguage(LangKorean) }) })
	if st.Dir() != set.DataDir {
		t.Fatalf("the app opened %s, the settings name %s", st.Dir(), set.DataDir)
	}
	onUI(func() { u.cases.refreshThen(func() { u.openCase(kase) }) })
	waitUI(t, 10*time.Second, "the case to open", func() bool { return u.caseName == kase })
	onUI(func() {
		test.Type(u.bar.entry, srv.URL+"/a")
		test.Tap(u.bar.button)
	})
	rows := rowsDone(t, u, 1, 2*time.Minute)
	if o := rows[0].outcome; o.Record == nil || o.Record.Status != evidence.StatusComplete {
		t.Fatalf("the app's capture: %+v", o)
	}

	recs, err := st.Captures(context.Background(), kase)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d captures in the case (%v)", len(recs), err)
	}
	i := slices.IndexFunc(recs, func(r store.Record) bool { return r.ID == line.ID })
	if i < 0 {
		t.Fatalf("the command line's capture %s is not in the case", line.ID)
	}
	fromCLI, fromApp := recordOf(t, st, recs[i]), recordOf(t, st, recs[1-i])
	if fmt.Sprint(fromCLI) != fmt.Sprint(fromApp) {
		t.Errorf("the two doors recorded differently:\ncommand line %+v\ndesktop app  %+v", fromCLI, fromApp)
	}
	login := settings.Default().Operator
	if fromCLI.Operator != login || strings.Contains(login, `\`) || fromCLI.Unit != set.Unit || fromCLI.Timeout != "45s" {
		t.Errorf("recorded operator %q (login name %q), unit %q, timeout %q", fromCLI.Operator, login, fromCLI.Unit, fromCLI.Timeout)
	}
	// And the limits both doors run with are the settings'.
	if l, err := sess.Limits(nil, nil); err != nil || l.Parallel != 3 || l.Timeout != 45*time.Second {
		t.Errorf("limits %+v, %v", l, err)
	}
}

// TestSettingsSayWhenTheEnvironmentDecides: with EVIDENTIA_OPERATOR set, the operator the
// custody log records is that one (as on the command line), and the settings dialog says so
// under the field instead of letting its value look in force.
func TestSettingsSayWhenTheEnvironmentDecides(t *testing.T) {
	t.Setenv("EVIDENTIA_OPERATOR", "환경 수사관")
	u, w := koreanUI(t, settings.Settings{Chrome: noBrowser, Operator: "설정 수사관"})
	if got := u.sess.Operator(""); got != "환경 수사관" {
		t.Errorf("operator %q, want the environment's", got)
	}
	onUI(func() { u.newSettingsForm().show() })
	want := T("set.overridden", map[string]any{"Var": "EVIDENTIA_OPERATOR", "Value": "환경 수사관"})
	waitUI(t, 5*time.Second, "the note under the operator", func() bool { return overlayHasLabel(w, want) })
}

// overlayHasLabel reports whether the top overlay of w (an open dialog) lays out a label
// reading want.
func overlayHasLabel(w fyne.Window, want string) bool {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Text == want {
			return true
		}
	}
	return false
}
