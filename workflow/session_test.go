package workflow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"evidentia/identity"
	"evidentia/settings"
	"evidentia/store"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSessionPreferenceRule(t *testing.T) {
	set := settings.Settings{Operator: "설정 수사관", Unit: "설정 팀", TSA: "http://settings.tsa/", Timeout: time.Minute, Parallel: 2}
	for _, tc := range []struct {
		name             string
		env              map[string]string
		given            string
		op, unit, tsa    string
		wantOp, wantUnit string
		wantTSA          string
	}{
		{"settings", nil, "", "", "", "", "설정 수사관", "설정 팀", "http://settings.tsa/"},
		{"environment over settings", map[string]string{EnvOperator: " 환경 수사관 ", EnvUnit: "환경 팀", EnvTSA: "http://env.tsa/"}, "", "", "", "",
			"환경 수사관", "환경 팀", "http://env.tsa/"},
		{"given over everything", map[string]string{EnvOperator: "환경 수사관", EnvUnit: "환경 팀", EnvTSA: "http://env.tsa/"}, "",
			" 플래그 수사관", "플래그 팀", "http://flag.tsa/", "플래그 수사관", "플래그 팀", "http://flag.tsa/"},
		{"blank environment is not set", map[string]string{EnvOperator: "  "}, "", "", "", "", "설정 수사관", "설정 팀", "http://settings.tsa/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSession(SessionConfig{Settings: set, DataDir: t.TempDir(), Getenv: envOf(tc.env)})
			if got := s.Operator(tc.op); got != tc.wantOp {
				t.Errorf("operator %q, want %q", got, tc.wantOp)
			}
			if got := s.Unit(tc.unit); got != tc.wantUnit {
				t.Errorf("unit %q, want %q", got, tc.wantUnit)
			}
			if got := s.TSA(tc.tsa); got != tc.wantTSA {
				t.Errorf("tsa %q, want %q", got, tc.wantTSA)
			}
			_, over := s.Overridden(EnvOperator)
			if want := tc.env[EnvOperator] != "" && tc.env[EnvOperator] != "  "; over != want {
				t.Errorf("Overridden(operator) = %v, want %v", over, want)
			}
		})
	}
}

func TestSessionDataFolderRule(t *testing.T) {
	base := t.TempDir()
	given, env, fromSettings := filepath.Join(base, "given"), filepath.Join(base, "env"), filepath.Join(base, "settings")
	set := settings.Settings{DataDir: fromSettings}
	for _, tc := range []struct {
		name, given string
		env         map[string]string
		want        string
	}{
		{"settings", "", nil, fromSettings},
		{"environment", "", map[string]string{EnvData: env}, env},
		{"given", given, map[string]string{EnvData: env}, given},
	} {
		s := NewSession(SessionConfig{Settings: set, DataDir: tc.given, Getenv: envOf(tc.env)})
		if s.Dir() != tc.want {
			t.Errorf("%s: data folder %s, want %s", tc.name, s.Dir(), tc.want)
		}
	}
}

func TestSessionLimits(t *testing.T) {
	s := NewSession(SessionConfig{Settings: settings.Settings{Timeout: 90 * time.Second, Parallel: 4}, DataDir: t.TempDir(), Getenv: envOf(nil)})
	d := func(v time.Duration) *time.Duration { return &v }
	n := func(v int) *int { return &v }
	for _, tc := range []struct {
		name     string
		timeout  *time.Duration
		parallel *int
		want     Limits
		bad      bool
	}{
		{"the settings'", nil, nil, Limits{90 * time.Second, 4}, false},
		{"given", d(30 * time.Second), n(8), Limits{30 * time.Second, 8}, false},
		{"the lowest", d(settings.MinTimeout), n(settings.MinParallel), Limits{settings.MinTimeout, 1}, false},
		{"too short", d(time.Second), nil, Limits{}, true},
		{"too long", d(settings.MaxTimeout + time.Second), nil, Limits{}, true},
		{"no captures", nil, n(0), Limits{}, true},
		{"more than the settings allow", nil, n(settings.MaxParallel + 1), Limits{}, true},
	} {
		got, err := s.Limits(tc.timeout, tc.parallel)
		if tc.bad != errors.Is(err, ErrBadLimit) || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v (error %v)", tc.name, got, err, tc.want, tc.bad)
		}
	}
	// Settings that give none fall back to the built-in defaults.
	s = NewSession(SessionConfig{DataDir: t.TempDir(), Getenv: envOf(nil)})
	if got, _ := s.Limits(nil, nil); got.Timeout <= 0 || got.Parallel != 1 {
		t.Errorf("empty settings: %+v", got)
	}
}

func TestSessionIdentityInstallAndUnlock(t *testing.T) {
	s := NewSession(SessionConfig{DataDir: t.TempDir(), Getenv: envOf(nil)})
	defer s.Close()
	if s.HasIdentity() {
		t.Fatal("a fresh data folder has an identity")
	}
	if _, err := s.Identity(); !errors.Is(err, identity.ErrNoIdentity) {
		t.Fatalf("no identity: %v", err)
	}
	id, err := identity.Create(identity.CreateOptions{Name: "최민수", Org: "대한민국 경찰청"})
	if err != nil {
		t.Fatal(err)
	}
	pass := []byte("정확한 암호문 2026")
	if _, _, err := s.InstallIdentity(id, []byte("short"), false); !errors.Is(err, identity.ErrWeakPassphrase) {
		t.Errorf("weak passphrase: %v", err)
	}
	if _, archived, err := s.InstallIdentity(id, pass, false); err != nil || archived != "" {
		t.Fatalf("install: %q %v", archived, err)
	}
	if _, _, err := s.InstallIdentity(id, pass, false); !errors.Is(err, identity.ErrExists) {
		t.Errorf("a second install without replace: %v", err)
	}
	_, archived, err := s.InstallIdentity(id, pass, true)
	if err != nil || archived == "" {
		t.Fatalf("replace: %q %v", archived, err)
	}
	if got := s.ArchivedIdentities(); len(got) != 1 {
		t.Errorf("%d archived identities, want 1", len(got))
	}
	f, err := s.Identity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Signer(f, []byte("wrong passphrase")); !errors.Is(err, identity.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	signer, err := Signer(f, pass)
	if err != nil || signer.Certificate.Subject.CommonName != "최민수" || signer.Key == nil {
		t.Fatalf("signer %+v, %v", signer, err)
	}
	if _, err := Signer(nil, pass); !errors.Is(err, identity.ErrNoIdentity) {
		t.Errorf("no identity: %v", err)
	}
}

func TestSessionRefusesAfterClose(t *testing.T) {
	s := NewSession(SessionConfig{DataDir: t.TempDir(), Getenv: envOf(map[string]string{"EVIDENTIA_CHROME": "/nonexistent/chrome"})})
	if _, err := s.Store(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartBrowser(0); !errors.Is(err, ErrSessionClosed) {
		t.Errorf("a browser after Close: %v", err)
	}
}

func TestSessionCaptureWithoutBrowserRecordsNothing(t *testing.T) {
	s := NewSession(SessionConfig{Settings: settings.Settings{Chrome: "/nonexistent/chrome"}, DataDir: t.TempDir(), Getenv: envOf(nil)})
	defer s.Close()
	outs := s.Capture(context.Background(), CaptureRequest{URLs: []string{"https://example.com/", "javascript:alert(1)"}}, nil, nil)
	if len(outs) != 2 || outs[0].Err == nil || outs[0].Record != nil || outs[1].Err == nil {
		t.Fatalf("outcomes %+v", outs)
	}
	st, _ := s.Store(context.Background())
	if recs, _ := st.Captures(context.Background(), ""); len(recs) != 0 {
		t.Errorf("%d captures recorded without a browser", len(recs))
	}
	// A limit out of range refuses every address.
	outs = s.Capture(context.Background(), CaptureRequest{URLs: []string{"https://example.com/"}, Parallel: settings.MaxParallel + 1}, nil, nil)
	if !errors.Is(outs[0].Err, ErrBadLimit) {
		t.Errorf("parallel out of range: %v", outs[0].Err)
	}
}

func TestSystemLanguage(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, LangKorean},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, LangKorean},
		{map[string]string{"LANG": "en_US.UTF-8"}, LangEnglish},
		{map[string]string{"LANG": "C.UTF-8"}, LangKorean},
		{map[string]string{"LANG": "C"}, LangKorean},
		{map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "ko_KR.UTF-8"}, LangEnglish},
		{map[string]string{"LC_MESSAGES": "ko_KR", "LANG": "en_US"}, LangKorean},
		{map[string]string{"LANG": "de_DE.UTF-8"}, LangEnglish},
	} {
		for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
			t.Setenv(k, tc.env[k])
		}
		if runtime.GOOS != "linux" {
			t.Skip("the locale comes from the system's settings here, not the environment")
		}
		if got := SystemLanguage(); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.env, got, tc.want)
		}
	}
	for _, tc := range []struct{ tag, want string }{{"ko-KR", LangKorean}, {"en-US", LangEnglish}, {"", LangKorean}, {"ja-JP", LangEnglish}} {
		if got := languageOfLocale(tc.tag); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.tag, got, tc.want)
		}
	}
}

func TestSessionLanguage(t *testing.T) {
	t.Setenv("LC_ALL", "en_US.UTF-8")
	s := NewSession(SessionConfig{Settings: settings.Settings{Lang: "ko"}, DataDir: t.TempDir(), Getenv: envOf(nil)})
	if s.Language("en") != LangEnglish || s.Language("") != LangKorean || s.Language("fr") != LangKorean {
		t.Errorf("given en %s, none %s, fr %s", s.Language("en"), s.Language(""), s.Language("fr"))
	}
	s = NewSession(SessionConfig{DataDir: t.TempDir(), Getenv: envOf(nil)})
	if runtime.GOOS == "linux" && s.Language("") != LangEnglish {
		t.Errorf("no setting: %s, want the system's (en)", s.Language(""))
	}
}

// TestSessionKeepsALeasedBrowser: a browser replaced (another time limit) while a batch holds
// it stays open until that batch lets go, and is closed then; Close closes the current one.
func TestSessionKeepsALeasedBrowser(t *testing.T) {
	if engine == nil {
		t.Skip("no browser (CI is not set)")
	}
	s := NewSession(SessionConfig{Settings: settings.Settings{Timeout: 30 * time.Second, Parallel: 1}, DataDir: t.TempDir()})
	held, err := s.leaseBrowser(0)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.StartBrowser(40 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if other == held.eng {
		t.Fatal("a browser for another time limit is the same browser")
	}
	if !held.eng.Alive() {
		t.Fatal("the leased browser was closed under its batch")
	}
	s.releaseBrowser(held)
	deadline := time.Now().Add(20 * time.Second)
	for held.eng.Alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if held.eng.Alive() {
		t.Error("the retired browser was not closed once let go")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if other.Alive() {
		t.Error("Close left the browser running")
	}
}

// TestSessionCloseWaitsForUseCases: Close waits for a use case under way, and afterwards
// every use case, the store included, fails with ErrSessionClosed.
func TestSessionCloseWaitsForUseCases(t *testing.T) {
	s := NewSession(SessionConfig{DataDir: t.TempDir(), Getenv: envOf(nil)})
	started, release := make(chan struct{}), make(chan struct{})
	var closedAt, finishedAt time.Time
	go func() {
		runGuarded(s, "test", func() (int, error) {
			close(started)
			<-release
			finishedAt = time.Now()
			return 0, nil
		})
	}()
	<-started
	done := make(chan struct{})
	go func() { s.Close(); closedAt = time.Now(); close(done) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("Close returned while a use case was under way")
	default:
	}
	close(release)
	<-done
	if closedAt.Before(finishedAt) {
		t.Error("Close returned before the use case ended")
	}
	ctx := context.Background()
	if _, err := s.Store(ctx); !errors.Is(err, ErrSessionClosed) {
		t.Errorf("Store after Close: %v", err)
	}
	if _, err := s.CreateCase(ctx, store.Case{Name: "늦은 사건"}, ""); !errors.Is(err, ErrSessionClosed) {
		t.Errorf("CreateCase after Close: %v", err)
	}
	if outs := s.Capture(ctx, CaptureRequest{URLs: []string{"https://example.com/"}}, nil, nil); !errors.Is(outs[0].Err, ErrSessionClosed) {
		t.Errorf("Capture after Close: %v", outs[0].Err)
	}
}

// TestSessionUseCasePanicIsAnInternalError: a panic inside a use case becomes ErrInternal,
// naming the crash log, which holds the stack.
func TestSessionUseCasePanicIsAnInternalError(t *testing.T) {
	dir := t.TempDir()
	s := NewSession(SessionConfig{DataDir: dir, Getenv: envOf(nil)})
	defer s.Close()
	_, err := runGuarded(s, "a test use case", func() (int, error) {
		var p *store.Store
		return 0, p.Close() // a nil pointer: a real panic
	})
	if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), filepath.Join(dir, "logs", "crash.log")) {
		t.Fatalf("err %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "logs", "crash.log"))
	if !strings.Contains(string(b), "a test use case") || !strings.Contains(string(b), "goroutine") {
		t.Errorf("crash log:\n%s", b)
	}
	// A crash log alone is not a store: verifying a received file creates none.
	if st, err := s.OpenStoreIfExists(context.Background()); st != nil || err != nil {
		t.Errorf("a folder with only a crash log was opened as a store: %v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "evidentia.db")); err == nil {
		t.Error("a store was created")
	}
}

func TestArchivedIdentityNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stamp string
		n     int
		ok    bool
	}{
		{"identity-20261202T055900Z.json", "20261202T055900Z", 1, true},
		{"identity-20261202T055900Z-2.json", "20261202T055900Z", 2, true},
		{"identity-20261202T055900Z-12.json", "20261202T055900Z", 12, true},
		{"identity.json", "", 0, false},
		{"identity-20261202T055900Z-1.json", "", 0, false},
		{"identity-20261302T055900Z.json", "", 0, false},
		{"identity-20261202T055900Z.json.tmp", "", 0, false},
		{"identity-20261202T055900Zx.json", "", 0, false},
	} {
		stamp, n, ok := archivedName(tc.name)
		if ok != tc.ok || stamp != tc.stamp || n != tc.n {
			t.Errorf("%s: %q %d %v", tc.name, stamp, n, ok)
		}
	}
}

// TestArchivedIdentitiesInAFolderWithBrackets: a data folder whose name holds [ ] (allowed on
// Windows and elsewhere) still lists its replaced identities, newest (and last counted) first.
func TestArchivedIdentitiesInAFolderWithBrackets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "증거 [2026]")
	s := NewSession(SessionConfig{DataDir: dir, Getenv: envOf(nil)})
	defer s.Close()
	pass := []byte("정확한 암호문 2026")
	var names []string
	for _, name := range []string{"첫째", "둘째", "셋째", "넷째"} {
		id, err := identity.Create(identity.CreateOptions{Name: name, Org: "시험"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.InstallIdentity(id, pass, true); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	got := s.ArchivedIdentities()
	if len(got) != 3 {
		t.Fatalf("%d archived identities, want 3", len(got))
	}
	// All three were replaced within the same second or two: the counter orders them.
	for i, want := range []string{"셋째", "둘째", "첫째"} {
		if cn := got[i].Certificate().Subject.CommonName; cn != want {
			t.Errorf("archived %d is %s, want %s (names %v)", i, cn, want, names)
		}
	}
}
