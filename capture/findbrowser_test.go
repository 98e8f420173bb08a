package capture

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fbFakeOS simulates an operating system whose file system lives under a temporary folder:
// the virtual path C:\Program Files\x.exe is the real file <root>/C/Program Files/x.exe, and
// /usr/bin/chromium is <root>/usr/bin/chromium.
type fbFakeOS struct {
	t    *testing.T
	goos string
	root string
	env  map[string]string
}

func newFBFakeOS(t *testing.T, goos string, env map[string]string) *fbFakeOS {
	return &fbFakeOS{t: t, goos: goos, root: t.TempDir(), env: env}
}

func (f *fbFakeOS) real(virtual string) string {
	p := strings.ReplaceAll(virtual, `\`, "/")
	p = strings.ReplaceAll(p, ":", "")
	return filepath.Join(f.root, filepath.FromSlash(p))
}

// file creates the virtual file p with the given permissions.
func (f *fbFakeOS) file(p string, perm os.FileMode) {
	f.t.Helper()
	r := f.real(p)
	if err := os.MkdirAll(filepath.Dir(r), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(r, []byte("#!/bin/sh\n"), perm); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Chmod(r, perm); err != nil { // not subject to the umask
		f.t.Fatal(err)
	}
}

func (f *fbFakeOS) dir(p string) {
	f.t.Helper()
	if err := os.MkdirAll(f.real(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fbFakeOS) system() fbSystem {
	return fbSystem{
		goos:   f.goos,
		getenv: func(k string) string { return f.env[k] },
		stat:   func(p string) (fs.FileInfo, error) { return os.Stat(f.real(p)) },
		lookPath: func(name string) (string, error) {
			sep, slash := ":", "/"
			if f.goos == "windows" {
				sep, slash = ";", `\`
			}
			for _, d := range strings.Split(f.env["PATH"], sep) {
				if d == "" {
					continue
				}
				p := strings.TrimRight(d, `\/`) + slash + name
				if fi, err := os.Stat(f.real(p)); err == nil && fbExecutable(f.goos, fi) {
					return p, nil
				}
			}
			return "", errors.New("executable file not found in $PATH")
		},
	}
}

func TestFindBrowserSearch(t *testing.T) {
	winEnv := map[string]string{
		"ProgramFiles":      `C:\Program Files`,
		"ProgramW6432":      `C:\Program Files`,
		"ProgramFiles(x86)": `C:\Program Files (x86)`,
		"LocalAppData":      `C:\Users\kim\AppData\Local`,
		"PATH":              `C:\Windows\system32;C:\Tools`,
	}
	macEnv := map[string]string{"HOME": "/Users/kim", "PATH": "/usr/bin:/opt/homebrew/bin"}
	linuxEnv := map[string]string{"HOME": "/home/kim", "PATH": "/usr/local/bin:/usr/bin"}

	type file struct {
		path string
		perm os.FileMode
	}
	tests := []struct {
		name     string
		goos     string
		env      map[string]string
		override string
		files    []file
		dirs     []string
		want     string
		wantErr  error
		// wantIn lists strings the error message must contain.
		wantIn []string
	}{
		{
			name:  "linux: chromium on PATH",
			goos:  "linux",
			env:   linuxEnv,
			files: []file{{"/usr/local/bin/chromium", 0o755}},
			want:  "/usr/local/bin/chromium",
		},
		{
			name:  "linux: google-chrome preferred to chromium",
			goos:  "linux",
			env:   linuxEnv,
			files: []file{{"/usr/local/bin/chromium", 0o755}, {"/usr/bin/google-chrome", 0o755}},
			want:  "/usr/bin/google-chrome",
		},
		{
			name:  "linux: edge on PATH",
			goos:  "linux",
			env:   linuxEnv,
			files: []file{{"/usr/bin/microsoft-edge-stable", 0o755}},
			want:  "/usr/bin/microsoft-edge-stable",
		},
		{
			name:  "linux: snap without PATH",
			goos:  "linux",
			env:   map[string]string{},
			files: []file{{"/snap/bin/chromium", 0o755}},
			want:  "/snap/bin/chromium",
		},
		{
			name:  "linux: /usr/bin without PATH",
			goos:  "linux",
			env:   map[string]string{},
			files: []file{{"/usr/bin/chromium-browser", 0o755}},
			want:  "/usr/bin/chromium-browser",
		},
		{
			name:  "linux: a file without execute permission is skipped",
			goos:  "linux",
			env:   map[string]string{},
			files: []file{{"/usr/bin/google-chrome", 0o644}, {"/opt/google/chrome/chrome", 0o755}},
			want:  "/opt/google/chrome/chrome",
		},
		{
			name:    "linux: nothing found lists every place",
			goos:    "linux",
			env:     linuxEnv,
			files:   []file{{"/usr/bin/chromium", 0o644}},
			dirs:    []string{"/snap/bin/chromium"},
			wantErr: ErrBrowserNotFound,
			wantIn: []string{
				"EVIDENTIA_CHROME (not set)", "google-chrome on PATH", "microsoft-edge-stable on PATH",
				"/usr/bin/google-chrome\n", "/usr/bin/chromium (exists, but is not an executable file)",
				"/snap/bin/chromium (exists, but is not an executable file)", "/opt/microsoft/msedge/msedge\n", "--chrome",
			},
		},
		{
			name:  "windows: chrome in Program Files",
			goos:  "windows",
			env:   winEnv,
			files: []file{{`C:\Program Files\Google\Chrome\Application\chrome.exe`, 0o644}},
			want:  `C:\Program Files\Google\Chrome\Application\chrome.exe`,
		},
		{
			name:  "windows: edge in Program Files (x86)",
			goos:  "windows",
			env:   winEnv,
			files: []file{{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, 0o644}},
			want:  `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`,
		},
		{
			name: "windows: per-user chrome preferred to edge",
			goos: "windows",
			env:  winEnv,
			files: []file{
				{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, 0o644},
				{`C:\Users\kim\AppData\Local\Google\Chrome\Application\chrome.exe`, 0o644},
			},
			want: `C:\Users\kim\AppData\Local\Google\Chrome\Application\chrome.exe`,
		},
		{
			name:  "windows: chromium",
			goos:  "windows",
			env:   winEnv,
			files: []file{{`C:\Users\kim\AppData\Local\Chromium\Application\chrome.exe`, 0o644}},
			want:  `C:\Users\kim\AppData\Local\Chromium\Application\chrome.exe`,
		},
		{
			name:  "windows: on PATH",
			goos:  "windows",
			env:   winEnv,
			files: []file{{`C:\Tools\chrome.exe`, 0o644}},
			want:  `C:\Tools\chrome.exe`,
		},
		{
			name:    "windows: nothing found lists every place",
			goos:    "windows",
			env:     winEnv,
			wantErr: ErrBrowserNotFound,
			wantIn: []string{
				`C:\Program Files\Google\Chrome\Application\chrome.exe`,
				`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`,
				`C:\Users\kim\AppData\Local\Chromium\Application\chrome.exe`,
				"chrome.exe on PATH", "msedge.exe on PATH",
			},
		},
		{
			name:  "macos: chrome in /Applications",
			goos:  "darwin",
			env:   macEnv,
			files: []file{{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", 0o755}},
			want:  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
		},
		{
			name:  "macos: edge in ~/Applications",
			goos:  "darwin",
			env:   macEnv,
			files: []file{{"/Users/kim/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge", 0o755}},
			want:  "/Users/kim/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		},
		{
			name: "macos: /Applications before ~/Applications",
			goos: "darwin",
			env:  macEnv,
			files: []file{
				{"/Users/kim/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", 0o755},
				{"/Applications/Chromium.app/Contents/MacOS/Chromium", 0o755},
			},
			want: "/Applications/Chromium.app/Contents/MacOS/Chromium",
		},
		{
			name:  "macos: homebrew chromium on PATH",
			goos:  "darwin",
			env:   macEnv,
			files: []file{{"/opt/homebrew/bin/chromium", 0o755}},
			want:  "/opt/homebrew/bin/chromium",
		},
		{
			name:    "macos: nothing found lists every place",
			goos:    "darwin",
			env:     macEnv,
			wantErr: ErrBrowserNotFound,
			wantIn: []string{
				"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
				"/Users/kim/Applications/Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary",
				"chromium on PATH",
			},
		},
		{
			name:     "override wins over the search",
			goos:     "linux",
			env:      linuxEnv,
			override: "/home/kim/chrome-linux/chrome",
			files:    []file{{"/usr/bin/google-chrome", 0o755}, {"/home/kim/chrome-linux/chrome", 0o755}},
			want:     "/home/kim/chrome-linux/chrome",
		},
		{
			name:     "override wins over the environment",
			goos:     "linux",
			env:      map[string]string{BrowserEnv: "/opt/a/chrome"},
			override: "/opt/b/chrome",
			files:    []file{{"/opt/a/chrome", 0o755}, {"/opt/b/chrome", 0o755}},
			want:     "/opt/b/chrome",
		},
		{
			name:  "environment wins over the search",
			goos:  "linux",
			env:   map[string]string{BrowserEnv: " /opt/a/chrome ", "PATH": "/usr/bin"},
			files: []file{{"/opt/a/chrome", 0o755}, {"/usr/bin/google-chrome", 0o755}},
			want:  "/opt/a/chrome",
		},
		{
			name:     "missing override does not fall back",
			goos:     "linux",
			env:      linuxEnv,
			override: "/nowhere/chrome",
			files:    []file{{"/usr/bin/google-chrome", 0o755}},
			wantErr:  ErrBrowserNotFound,
			wantIn:   []string{`"/nowhere/chrome"`, "given explicitly"},
		},
		{
			name:    "missing environment browser does not fall back",
			goos:    "linux",
			env:     map[string]string{BrowserEnv: "/nowhere/chrome", "PATH": "/usr/bin"},
			files:   []file{{"/usr/bin/google-chrome", 0o755}},
			wantErr: ErrBrowserNotFound,
			wantIn:  []string{`"/nowhere/chrome"`, "from EVIDENTIA_CHROME"},
		},
		{
			name:     "override is a folder",
			goos:     "linux",
			env:      linuxEnv,
			override: "/opt/chrome",
			dirs:     []string{"/opt/chrome"},
			wantErr:  ErrBrowserNotExecutable,
			wantIn:   []string{"is a folder"},
		},
		{
			name:     "override without execute permission",
			goos:     "linux",
			env:      linuxEnv,
			override: "/opt/chrome/chrome",
			files:    []file{{"/opt/chrome/chrome", 0o644}},
			wantErr:  ErrBrowserNotExecutable,
			wantIn:   []string{"not executable"},
		},
		{
			name:     "override by name on PATH",
			goos:     "linux",
			env:      linuxEnv,
			override: "chromium",
			files:    []file{{"/usr/local/bin/chromium", 0o755}},
			want:     "/usr/local/bin/chromium",
		},
		{
			name:     "windows override in quotes, no execute bit needed",
			goos:     "windows",
			env:      winEnv,
			override: `"D:\Portable\Chrome\chrome.exe"`,
			files:    []file{{`D:\Portable\Chrome\chrome.exe`, 0o644}},
			want:     `D:\Portable\Chrome\chrome.exe`,
		},
		{
			name:     "macos override as an app bundle",
			goos:     "darwin",
			env:      macEnv,
			override: "/Volumes/USB/Chromium.app/",
			files:    []file{{"/Volumes/USB/Chromium.app/Contents/MacOS/Chromium", 0o755}},
			want:     "/Volumes/USB/Chromium.app/Contents/MacOS/Chromium",
		},
		{
			name:     "macos app bundle without its program",
			goos:     "darwin",
			env:      macEnv,
			override: "/Volumes/USB/Chromium.app",
			dirs:     []string{"/Volumes/USB/Chromium.app/Contents"},
			wantErr:  ErrBrowserNotFound,
			wantIn:   []string{"has no program"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFBFakeOS(t, tt.goos, tt.env)
			for _, f := range tt.files {
				fake.file(f.path, f.perm)
			}
			for _, d := range tt.dirs {
				fake.dir(d)
			}
			got, err := fbFind(tt.override, fake.system())
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("fbFind = %q, %v; want error %v", got, err, tt.wantErr)
				}
				msg := err.Error() + "\n"
				for _, s := range tt.wantIn {
					if !strings.Contains(msg, s) {
						t.Errorf("error message lacks %q:\n%s", s, msg)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("fbFind = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestFindBrowserCandidatesAreDistinct(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows", "freebsd"} {
		sys := fbSystem{goos: goos, getenv: func(k string) string {
			switch k {
			case "ProgramFiles", "ProgramW6432":
				return `C:\Program Files\`
			case "HOME":
				return "/home/x"
			}
			return ""
		}}
		seen := map[string]bool{}
		cands := fbCandidates(sys)
		if len(cands) == 0 {
			t.Errorf("%s: no candidates", goos)
		}
		for _, c := range cands {
			if seen[c.String()] {
				t.Errorf("%s: %s listed twice", goos, c)
			}
			seen[c.String()] = true
		}
	}
}

func TestFindBrowserOverrideOnThisSystem(t *testing.T) {
	dir := t.TempDir()
	name := "chrome"
	if runtime.GOOS == "windows" {
		name = "chrome.exe"
	}
	exe := filepath.Join(dir, name)
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(exe, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := FindBrowser(exe)
	if err != nil || got != exe {
		t.Errorf("FindBrowser(%q) = %q, %v", exe, got, err)
	}
	missing := filepath.Join(dir, "missing", name)
	if _, err := FindBrowser(missing); !errors.Is(err, ErrBrowserNotFound) {
		t.Errorf("FindBrowser(%q): err = %v; want ErrBrowserNotFound", missing, err)
	}
	if _, err := FindBrowser(dir); !errors.Is(err, ErrBrowserNotExecutable) {
		t.Errorf("FindBrowser(%q): err = %v; want ErrBrowserNotExecutable", dir, err)
	}
}
