package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"runtime"
	"strings"
)

// BrowserEnv is the environment variable that names the browser program when no explicit
// path is given to FindBrowser.
const BrowserEnv = "EVIDENTIA_CHROME"

// Errors of FindBrowser (and of New, which calls it when no executable path is configured).
var (
	// ErrBrowserNotFound is returned when no Chrome, Chromium or Edge program could be found,
	// or when the program named explicitly does not exist.
	ErrBrowserNotFound = errors.New("capture: no Chrome, Chromium or Edge browser found")
	// ErrBrowserNotExecutable is returned when the program named explicitly exists but is not
	// an executable file (a folder, or a file without execute permission).
	ErrBrowserNotExecutable = errors.New("capture: the browser path is not an executable program")
)

// FindBrowser returns the path of the Chromium-based browser to capture with.
//
// The first of these that is set decides:
//  1. override, when not blank (the command line's --chrome option or a setting);
//  2. the environment variable EVIDENTIA_CHROME (BrowserEnv), when not blank;
//  3. a search of the usual install locations, in this order.
//
// On Windows: %ProgramFiles%, %ProgramW6432%, %ProgramFiles(x86)% and %LocalAppData%, each
// with Google\Chrome\Application\chrome.exe, then each with
// Microsoft\Edge\Application\msedge.exe, then each with Chromium\Application\chrome.exe;
// then chrome.exe and msedge.exe on %PATH%.
//
// On macOS: /Applications, then ~/Applications, for Google Chrome.app, Chromium.app, Microsoft
// Edge.app, Google Chrome Canary.app and Google Chrome for Testing.app (the program inside
// Contents/MacOS); then the Linux program names on $PATH (Homebrew).
//
// On Linux and other systems: google-chrome, google-chrome-stable, chromium, chromium-browser,
// microsoft-edge and microsoft-edge-stable on $PATH; then the same names in /usr/bin; then
// /snap/bin/chromium, /opt/google/chrome/chrome and /opt/microsoft/msedge/msedge.
//
// A path given by override or EVIDENTIA_CHROME (surrounding quotes are removed) must exist and
// be executable: otherwise FindBrowser fails with ErrBrowserNotFound or
// ErrBrowserNotExecutable and does not fall back to the search, because the operator asked
// for that program. A name without a path separator, such as "chromium", is looked up on
// PATH first. On macOS a .app bundle may be given; the program inside it is used. A file the
// search finds must be a regular file and, except on Windows, have an execute permission bit.
//
// When the search finds nothing, the error wraps ErrBrowserNotFound and lists every place
// that was looked at, in order, noting files that exist but are not executable.
func FindBrowser(override string) (string, error) {
	return fbFind(override, fbSystem{
		goos:     runtime.GOOS,
		getenv:   os.Getenv,
		stat:     os.Stat,
		lookPath: exec.LookPath,
	})
}

// fbSystem is what the browser search needs from the operating system, so that tests can
// simulate Windows, macOS and Linux layouts.
type fbSystem struct {
	goos     string
	getenv   func(key string) string
	stat     func(name string) (fs.FileInfo, error)
	lookPath func(file string) (string, error)
}

// fbCandidate is one place the search looks: a file path, or a program name looked up on PATH.
type fbCandidate struct {
	path   string
	onPath bool
}

func (c fbCandidate) String() string {
	if c.onPath {
		return c.path + " on PATH"
	}
	return c.path
}

// fbFind implements FindBrowser for the system sys.
func fbFind(override string, sys fbSystem) (string, error) {
	if p := fbUnquote(override); p != "" {
		return fbExplicit(p, "given explicitly", sys)
	}
	if p := fbUnquote(sys.getenv(BrowserEnv)); p != "" {
		return fbExplicit(p, "from "+BrowserEnv, sys)
	}
	looked := []string{BrowserEnv + " (not set)"}
	for _, c := range fbCandidates(sys) {
		p := c.path
		if c.onPath {
			found, err := sys.lookPath(p)
			if err != nil {
				looked = append(looked, c.String())
				continue
			}
			p = found
		}
		fi, err := sys.stat(p)
		switch {
		case err != nil:
			looked = append(looked, c.String())
		case !fbExecutable(sys.goos, fi):
			looked = append(looked, p+" (exists, but is not an executable file)")
		default:
			return p, nil
		}
	}
	return "", fmt.Errorf("%w; looked for:\n  %s\ninstall Google Chrome, Chromium or Microsoft Edge, or give the program's path (--chrome or %s)",
		ErrBrowserNotFound, strings.Join(looked, "\n  "), BrowserEnv)
}

// fbExplicit checks a browser path the operator gave; how says where it came from, for the
// error message.
func fbExplicit(p, how string, sys fbSystem) (string, error) {
	if !fbHasSeparator(sys.goos, p) {
		if found, err := sys.lookPath(p); err == nil {
			p = found
		}
	}
	fi, err := sys.stat(p)
	if err != nil {
		return "", fmt.Errorf("%w: %q (%s): %w", ErrBrowserNotFound, p, how, err)
	}
	if fi.IsDir() && sys.goos == "darwin" && strings.HasSuffix(strings.TrimSuffix(p, "/"), ".app") {
		bundle := strings.TrimSuffix(p, "/")
		inner := path.Join(bundle, "Contents", "MacOS", strings.TrimSuffix(path.Base(bundle), ".app"))
		ifi, err := sys.stat(inner)
		if err != nil {
			return "", fmt.Errorf("%w: %q (%s) has no program %q: %w", ErrBrowserNotFound, p, how, inner, err)
		}
		p, fi = inner, ifi
	}
	if fi.IsDir() {
		return "", fmt.Errorf("%w: %q (%s) is a folder", ErrBrowserNotExecutable, p, how)
	}
	if !fbExecutable(sys.goos, fi) {
		return "", fmt.Errorf("%w: %q (%s) is not executable", ErrBrowserNotExecutable, p, how)
	}
	return p, nil
}

// fbCandidates returns the places to look, in order, for the system sys.
func fbCandidates(sys fbSystem) []fbCandidate {
	var out []fbCandidate
	seen := map[string]bool{}
	add := func(p string, onPath bool) {
		key := fmt.Sprint(onPath, p)
		if sys.goos == "windows" {
			key = strings.ToLower(key) // Windows paths are case-insensitive
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, fbCandidate{path: p, onPath: onPath})
		}
	}
	linuxNames := []string{"google-chrome", "google-chrome-stable", "chromium", "chromium-browser", "microsoft-edge", "microsoft-edge-stable"}

	switch sys.goos {
	case "windows":
		var bases []string
		for _, v := range []string{"ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LocalAppData"} {
			if b := strings.TrimSpace(sys.getenv(v)); b != "" {
				bases = append(bases, strings.TrimRight(b, `\/`))
			}
		}
		for _, rel := range []string{
			`Google\Chrome\Application\chrome.exe`,
			`Microsoft\Edge\Application\msedge.exe`,
			`Chromium\Application\chrome.exe`,
		} {
			for _, b := range bases {
				add(b+`\`+rel, false)
			}
		}
		add("chrome.exe", true)
		add("msedge.exe", true)
	case "darwin":
		roots := []string{"/Applications"}
		if home := strings.TrimSpace(sys.getenv("HOME")); home != "" {
			roots = append(roots, path.Join(home, "Applications"))
		}
		for _, root := range roots {
			for _, app := range []string{"Google Chrome", "Chromium", "Microsoft Edge", "Google Chrome Canary", "Google Chrome for Testing"} {
				add(path.Join(root, app+".app", "Contents", "MacOS", app), false)
			}
		}
		for _, n := range linuxNames {
			add(n, true)
		}
	default:
		for _, n := range linuxNames {
			add(n, true)
		}
		for _, n := range linuxNames {
			add(path.Join("/usr/bin", n), false)
		}
		add("/snap/bin/chromium", false)
		add("/opt/google/chrome/chrome", false)
		add("/opt/microsoft/msedge/msedge", false)
	}
	return out
}

// fbExecutable reports whether fi is a program file: a regular file, and on systems other than
// Windows one with an execute permission bit set.
func fbExecutable(goos string, fi fs.FileInfo) bool {
	if !fi.Mode().IsRegular() {
		return false
	}
	return goos == "windows" || fi.Mode().Perm()&0o111 != 0
}

// fbHasSeparator reports whether p contains a path separator (or, on Windows, a drive letter).
func fbHasSeparator(goos, p string) bool {
	if goos == "windows" {
		return strings.ContainsAny(p, `\/:`)
	}
	return strings.Contains(p, "/")
}

// fbUnquote trims white space and one pair of surrounding double or single quotes, as left
// by "Copy as path" on Windows.
func fbUnquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}
