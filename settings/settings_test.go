package settings

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostAbs makes the Unix path p absolute on the host: on Windows a path without a drive
// letter ("/bin/c") is not absolute, so it gets one ("C:/bin/c").
func hostAbs(p string) string {
	if runtime.GOOS == "windows" {
		return "C:" + p
	}
	return p
}

func TestDefault(t *testing.T) {
	t.Setenv("EVIDENTIA_OPERATOR", " 홍길동 ")
	t.Setenv("EVIDENTIA_UNIT", "조사팀")
	d := Default()
	want := Settings{Operator: "홍길동", Unit: "조사팀", Timeout: 60 * time.Second, Parallel: 2}
	if d != want {
		t.Errorf("Default() = %+v, want %+v", d, want)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Default() does not validate: %v", err)
	}
	t.Setenv("EVIDENTIA_OPERATOR", "")
	if Default().Operator == "" {
		t.Error("no operator without EVIDENTIA_OPERATOR: want the login name")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("EVIDENTIA_SETTINGS", "/somewhere/s.json")
	if got := DefaultPath(); got != "/somewhere/s.json" {
		t.Errorf("with EVIDENTIA_SETTINGS: %q", got)
	}
	t.Setenv("EVIDENTIA_SETTINGS", "")
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		t.Setenv("XDG_CONFIG_HOME", "/cfg")
		if got, want := DefaultPath(), filepath.Join("/cfg", "Evidentia", "settings.json"); got != want {
			t.Errorf("DefaultPath() = %q, want %q", got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Settings{Timeout: time.Minute, Parallel: 2}
	tests := []struct {
		name  string
		edit  func(*Settings)
		field string // "" = valid
	}{
		{"defaults", func(s *Settings) {}, ""},
		{"timeout 5s", func(s *Settings) { s.Timeout = 5 * time.Second }, ""},
		{"timeout 10m", func(s *Settings) { s.Timeout = 10 * time.Minute }, ""},
		{"timeout 4.9s", func(s *Settings) { s.Timeout = 4900 * time.Millisecond }, "timeout"},
		{"timeout 10m1s", func(s *Settings) { s.Timeout = 10*time.Minute + time.Second }, "timeout"},
		{"timeout 0", func(s *Settings) { s.Timeout = 0 }, "timeout"},
		{"parallel 1", func(s *Settings) { s.Parallel = 1 }, ""},
		{"parallel 8", func(s *Settings) { s.Parallel = 8 }, ""},
		{"parallel 0", func(s *Settings) { s.Parallel = 0 }, "parallel"},
		{"parallel 9", func(s *Settings) { s.Parallel = 9 }, "parallel"},
		{"tsa https", func(s *Settings) { s.TSA = "https://freetsa.org/tsr" }, ""},
		{"tsa http port", func(s *Settings) { s.TSA = "http://127.0.0.1:8080/" }, ""},
		{"tsa ftp", func(s *Settings) { s.TSA = "ftp://tsa.example/" }, "tsa"},
		{"tsa no host", func(s *Settings) { s.TSA = "https:///tsr" }, "tsa"},
		{"tsa relative", func(s *Settings) { s.TSA = "tsa.example/tsr" }, "tsa"},
		{"tsa garbage", func(s *Settings) { s.TSA = "http://[::1" }, "tsa"},
		{"lang ko", func(s *Settings) { s.Lang = "ko" }, ""},
		{"lang en", func(s *Settings) { s.Lang = "en" }, ""},
		{"lang de", func(s *Settings) { s.Lang = "de" }, "lang"},
		{"lang KO", func(s *Settings) { s.Lang = "KO" }, "lang"},
		{"chrome absolute", func(s *Settings) { s.Chrome = hostAbs("/opt/chrome") }, ""},
		{"chrome relative", func(s *Settings) { s.Chrome = "chrome" }, "chrome"},
		{"free text", func(s *Settings) { s.Operator, s.Unit, s.DataDir = "김 수사관", "사이버수사대", "rel/dir" }, ""},
		{"formula-like names are text", func(s *Settings) { s.Operator, s.Unit = "@SUM(1+1)", `=HYPERLINK("http://x","y")` }, ""},
		{"operator with an escape", func(s *Settings) { s.Operator = "김\x1b[2J" }, "operator"},
		{"operator with U+202E", func(s *Settings) { s.Operator = "김\u202e수사관" }, "operator"},
		{"operator with a line break", func(s *Settings) { s.Operator = "김\n수사관" }, "operator"},
		{"unit with a zero-width space", func(s *Settings) { s.Unit = "사이버\u200b수사대" }, "unit"},
		{"unit with invalid UTF-8", func(s *Settings) { s.Unit = "\xff" }, "unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.Validate()
			if tt.field == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Validate() = %v, want ErrInvalid naming %s", err, tt.field)
			}
		})
	}
	// Several problems are all named.
	err := Settings{Timeout: time.Hour, Parallel: 99, Lang: "fr"}.Validate()
	for _, f := range []string{"timeout", "parallel", "lang"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("Validate() = %v: %s not named", err, f)
		}
	}
}

func TestJSONForm(t *testing.T) {
	s := Settings{Operator: "a", Unit: "b", DataDir: "/d", Chrome: "/c", Timeout: 90 * time.Second, Parallel: 3, TSA: "http://t/", Lang: "en"}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"operator":"a","unit":"b","data_dir":"/d","chrome":"/c","timeout":"1m30s","parallel":3,"tsa":"http://t/","lang":"en"}`
	if string(b) != want {
		t.Errorf("Marshal = %s\nwant      %s", b, want)
	}
	var back Settings
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{`"45s"`, 45 * time.Second, true},
		{`" 2m "`, 2 * time.Minute, true},
		{`30000000000`, 30 * time.Second, true},
		{`3e10`, 30 * time.Second, true},
		{`null`, 0, true},
		{`"soon"`, 0, false},
		{`"60"`, 0, false},
		{`1.5`, 0, false},
		{`true`, 0, false},
		{`1e300`, 0, false},
	}
	for _, tt := range tests {
		var s Settings
		err := json.Unmarshal([]byte(`{"timeout":`+tt.in+`}`), &s)
		if (err == nil) != tt.ok || (tt.ok && s.Timeout != tt.want) {
			t.Errorf("timeout %s: got %v, %v; want %v (ok %v)", tt.in, s.Timeout, err, tt.want, tt.ok)
		}
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	t.Setenv("EVIDENTIA_OPERATOR", "env-op")
	t.Setenv("EVIDENTIA_UNIT", "env-unit")
	def := Default()
	tests := []struct {
		name    string
		content string // "-" = no file
		want    Settings
		err     error
		field   string
	}{
		{"missing file", "-", def, nil, ""},
		{"empty object", `{}`, def, nil, ""},
		{"null", `null`, def, nil, ""},
		{"partial", `{"operator":"김","parallel":4}`,
			Settings{Operator: "김", Unit: "env-unit", Timeout: time.Minute, Parallel: 4}, nil, ""},
		{"zero values are defaults", `{"operator":"","timeout":"0s","parallel":0}`, def, nil, ""},
		{"unknown fields ignored", `{"tsa":"https://tsa.example/","theme":"dark","future":{"x":[1,2]}}`,
			Settings{Operator: "env-op", Unit: "env-unit", Timeout: time.Minute, Parallel: 2, TSA: "https://tsa.example/"}, nil, ""},
		{"full", `{"operator":"o","unit":"u","data_dir":"/data","chrome":"` + hostAbs("/bin/c") + `","timeout":"2m","parallel":8,"tsa":"http://t.example/","lang":"ko","signer_roots":"/etc/roots.pem"}`,
			Settings{"o", "u", "/data", hostAbs("/bin/c"), 2 * time.Minute, 8, "http://t.example/", "ko", "/etc/roots.pem"}, nil, ""},
		{"nanoseconds", `{"timeout":120000000000}`,
			Settings{Operator: "env-op", Unit: "env-unit", Timeout: 2 * time.Minute, Parallel: 2}, nil, ""},
		{"truncated", `{"operator":"o"`, def, ErrCorrupt, ""},
		{"not JSON", "operator = o\n", def, ErrCorrupt, ""},
		{"wrong type", `{"parallel":"two"}`, def, ErrCorrupt, ""},
		{"bad duration", `{"operator":"o","timeout":"forever"}`, def, ErrCorrupt, ""},
		{"array", `[]`, def, ErrCorrupt, ""},
		{"out of range kept apart", `{"operator":"o","parallel":64,"lang":"ko"}`,
			Settings{Operator: "o", Unit: "env-unit", Timeout: time.Minute, Parallel: 2, Lang: "ko"}, ErrInvalid, "parallel"},
		{"bad tsa", `{"tsa":"mailto:x@y","timeout":"1s"}`, def, ErrInvalid, "tsa"},
		{"operator with an escape", `{"operator":"o\u001b[2J","lang":"ko"}`,
			Settings{Operator: "env-op", Unit: "env-unit", Timeout: time.Minute, Parallel: 2, Lang: "ko"}, ErrInvalid, "operator"},
		{"unit with U+202E", `{"operator":"o","unit":"u\u202ex"}`,
			Settings{Operator: "o", Unit: "env-unit", Timeout: time.Minute, Parallel: 2}, ErrInvalid, "unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "absent.json")
			if tt.content != "-" {
				p = writeFile(t, tt.content)
			}
			got, err := Load(p)
			if got != tt.want {
				t.Errorf("Load = %+v\nwant   %+v", got, tt.want)
			}
			switch {
			case tt.err == nil && err != nil:
				t.Errorf("Load error %v", err)
			case tt.err != nil && !errors.Is(err, tt.err):
				t.Errorf("Load error %v, want %v", err, tt.err)
			case tt.err != nil && !strings.Contains(err.Error(), tt.field):
				t.Errorf("Load error %v does not name %q", err, tt.field)
			}
			if got.Validate() != nil {
				t.Errorf("Load returned unusable settings: %v", got.Validate())
			}
		})
	}
}

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg", "Evidentia")
	p := filepath.Join(dir, "settings.json")
	s := Settings{Operator: "홍길동", Unit: "경기도선관위", DataDir: "/srv/evidence", Timeout: 45 * time.Second, Parallel: 3,
		TSA: "https://tsa.example/tsr", Lang: "ko"}
	if err := Save(p, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil || got != s {
		t.Fatalf("Load after Save = %+v, %v", got, err)
	}
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), `"timeout": "45s"`) {
		t.Errorf("file does not hold the timeout as a duration string:\n%s", b)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v, %v; want 0600", fi.Mode(), err)
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v, %v; want 0700", fi.Mode(), err)
		}
	}

	// An invalid change is refused and the file is left as it was.
	bad := s
	bad.Parallel = 20
	if err := Save(p, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("Save invalid = %v", err)
	}
	// Overwriting replaces the file whole, and no temporary file is left behind.
	s.Operator, s.Lang = "김", ""
	if err := Save(p, s); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(p); err != nil || got != s {
		t.Errorf("Load after second Save = %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want settings.json only", names)
	}

	// A folder that cannot be created is an error, not a panic.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o600)
	if err := Save(filepath.Join(blocker, "settings.json"), s); err == nil {
		t.Error("Save under a file succeeded")
	}
}
