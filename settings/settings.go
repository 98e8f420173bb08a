// Package settings holds the preferences the desktop app and the command line share: who
// captures, for which unit, where the data folder and the browser are, and how captures run.
// They live in one JSON file (see DefaultPath), written atomically and readable by its owner
// only. The package uses the standard library only.
//
// Settings are preferences, not evidence: every capture records the values it actually used.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"evidentia/textsafe"
)

// The errors of the package. They are wrapped with details; test them with errors.Is.
var (
	// ErrInvalid means a setting has a value out of its range; the message names the field.
	ErrInvalid = errors.New("settings: invalid setting")
	// ErrCorrupt means the settings file is not valid JSON of the expected shape.
	ErrCorrupt = errors.New("settings: corrupt settings file")
)

// The limits Validate enforces.
const (
	MinTimeout  = 5 * time.Second
	MaxTimeout  = 10 * time.Minute
	MinParallel = 1
	MaxParallel = 8
)

// Settings are the desktop app's and the command line's preferences. The zero value of a
// field means its default (see Default); for DataDir, Chrome, TSA and Lang the default is the
// empty string itself, with the meaning given below. In JSON, Timeout is a Go duration
// string such as "60s" or "1m30s" (a number of nanoseconds is accepted when reading).
type Settings struct {
	Operator string        `json:"operator"` // who captures (default: EVIDENTIA_OPERATOR or the login name)
	Unit     string        `json:"unit"`     // team or office (default: EVIDENTIA_UNIT)
	DataDir  string        `json:"data_dir"` // the data folder; "" means the store's default folder
	Chrome   string        `json:"chrome"`   // browser path, "" = auto-detect
	Timeout  time.Duration `json:"timeout"`  // per capture; default 60s
	Parallel int           `json:"parallel"` // captures at a time, 1..8, default 2
	TSA      string        `json:"tsa"`      // RFC 3161 URL, "" = none
	Lang     string        `json:"lang"`     // "ko", "en" or "" (follow the system)
	// SignerRoots is a PEM file of the root certificates signers are trusted through when
	// verifying a report, a bundle or a web archive without --ca; "" means none (only a
	// self-made certificate is then recognised). The computer's web roots are never used.
	SignerRoots string `json:"signer_roots"`
}

// Default returns the default settings: the operator from EVIDENTIA_OPERATOR, else the login
// name of the current user; the unit from EVIDENTIA_UNIT; a timeout of 60s; 2 captures at a
// time; everything else empty (default data folder, auto-detected browser, no timestamp
// authority, the system's language).
func Default() Settings {
	return Settings{
		Operator: defaultOperator(),
		Unit:     strings.TrimSpace(os.Getenv("EVIDENTIA_UNIT")),
		Timeout:  60 * time.Second,
		Parallel: 2,
	}
}

func defaultOperator() string {
	if op := strings.TrimSpace(os.Getenv("EVIDENTIA_OPERATOR")); op != "" {
		return op
	}
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = os.Getenv("USER")
		if runtime.GOOS == "windows" {
			name = os.Getenv("USERNAME")
		}
	}
	// Windows names the login DOMAIN\user.
	if i := strings.LastIndexByte(name, '\\'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// DefaultPath returns the settings file of the current user: EVIDENTIA_SETTINGS when set,
// else Evidentia/settings.json in os.UserConfigDir (%AppData% on Windows, ~/Library/Application
// Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere). When no configuration folder is
// known it returns Evidentia/settings.json, relative to the working directory.
func DefaultPath() string {
	if p := os.Getenv("EVIDENTIA_SETTINGS"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join("Evidentia", "settings.json")
	}
	return filepath.Join(dir, "Evidentia", "settings.json")
}

// Load reads the settings file at path. It always returns settings the caller can use, even
// with an error:
//
//   - a missing file gives Default() and no error;
//   - fields the file does not set (or sets to their zero value) take their value from
//     Default(), and fields Evidentia does not know are ignored;
//   - a file that is not valid JSON of the expected shape gives Default() and an error
//     wrapping ErrCorrupt, so that the program can still start (and tell the user);
//   - a value out of range (see Validate) is replaced by its default, and the error wraps
//     ErrInvalid, naming the field; the other fields are kept;
//   - a file that cannot be read gives Default() and the read error.
func Load(path string) (Settings, error) {
	def := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return def, nil
	}
	if err != nil {
		return def, fmt.Errorf("settings: read %s: %w", path, err)
	}
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return def, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	s = s.fill(def)
	var errs []error
	for _, p := range s.problems() {
		p.reset(&s, def)
		errs = append(errs, p.err)
	}
	if len(errs) > 0 {
		return s, fmt.Errorf("settings: %s: %w (defaults used instead)", path, errors.Join(errs...))
	}
	return s, nil
}

// fill returns s with its zero fields taken from def.
func (s Settings) fill(def Settings) Settings {
	if s.Operator == "" {
		s.Operator = def.Operator
	}
	if s.Unit == "" {
		s.Unit = def.Unit
	}
	if s.DataDir == "" {
		s.DataDir = def.DataDir
	}
	if s.Chrome == "" {
		s.Chrome = def.Chrome
	}
	if s.Timeout == 0 {
		s.Timeout = def.Timeout
	}
	if s.Parallel == 0 {
		s.Parallel = def.Parallel
	}
	if s.TSA == "" {
		s.TSA = def.TSA
	}
	if s.Lang == "" {
		s.Lang = def.Lang
	}
	return s
}

// Save validates s and writes it to path as indented JSON, atomically: a temporary file in
// the same folder, synced, then renamed over path, so that a crash leaves the old file or the
// new one, never a mix. The file is readable and writable by its owner only (0600); a missing
// folder is created for the owner only (0700). An invalid s is not written: the error wraps
// ErrInvalid.
func Save(path string, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode: %w", err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".settings-*.tmp")
	if err != nil {
		return fmt.Errorf("settings: write %s: %w", path, err)
	}
	tmpPath := tmp.Name()
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close() // may be closed already; the file is removed either way
			os.Remove(tmpPath)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("settings: write %s: %w", path, err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fmt.Errorf("settings: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("settings: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("settings: write %s: %w", path, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("settings: write %s: %w", path, err)
	}
	renamed = true
	if runtime.GOOS != "windows" {
		// Make the rename durable; Windows cannot sync a folder and journals metadata.
		if d, err := os.Open(dir); err == nil {
			err = d.Sync()
			if cErr := d.Close(); err == nil {
				err = cErr
			}
			if err != nil {
				return fmt.Errorf("settings: sync folder %s: %w", dir, err)
			}
		}
	}
	return nil
}

// unsafeName says why an operator or unit name is refused (see textsafe.Clean).
const unsafeName = "holds control, bidirectional or invisible characters"

// problem is one invalid field, and how to put its default back.
type problem struct {
	err   error
	reset func(s *Settings, def Settings)
}

func (s Settings) problems() []problem {
	var out []problem
	bad := func(field string, reset func(s *Settings, def Settings), format string, args ...any) {
		out = append(out, problem{
			err:   fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...)),
			reset: reset,
		})
	}
	if s.Timeout < MinTimeout || s.Timeout > MaxTimeout {
		bad("timeout", func(s *Settings, d Settings) { s.Timeout = d.Timeout },
			"%s is not between %s and %s", s.Timeout, MinTimeout, MaxTimeout)
	}
	if s.Parallel < MinParallel || s.Parallel > MaxParallel {
		bad("parallel", func(s *Settings, d Settings) { s.Parallel = d.Parallel },
			"%d is not between %d and %d", s.Parallel, MinParallel, MaxParallel)
	}
	if s.TSA != "" {
		if why := checkTSA(s.TSA); why != "" {
			bad("tsa", func(s *Settings, d Settings) { s.TSA = d.TSA }, "%q %s", s.TSA, why)
		}
	}
	switch s.Lang {
	case "", "ko", "en":
	default:
		bad("lang", func(s *Settings, d Settings) { s.Lang = d.Lang }, "%q is not \"ko\", \"en\" or empty", s.Lang)
	}
	if !textsafe.Clean(s.Operator) {
		bad("operator", func(s *Settings, d Settings) { s.Operator = d.Operator }, "%q %s", textsafe.Cap(s.Operator, 200), unsafeName)
	}
	if !textsafe.Clean(s.Unit) {
		bad("unit", func(s *Settings, d Settings) { s.Unit = d.Unit }, "%q %s", textsafe.Cap(s.Unit, 200), unsafeName)
	}
	if s.Chrome != "" && !filepath.IsAbs(s.Chrome) {
		bad("chrome", func(s *Settings, d Settings) { s.Chrome = d.Chrome }, "%q is not an absolute path", s.Chrome)
	}
	return out
}

func checkTSA(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an http or https URL"
	case u.Hostname() == "":
		return "names no host"
	}
	return ""
}

// Validate checks s and returns an error wrapping ErrInvalid, naming each field in error,
// when: Timeout is not between 5s and 10m; Parallel is not between 1 and 8; TSA is neither
// empty nor an http or https URL with a host; Lang is not "", "ko" or "en"; Chrome is neither
// empty nor an absolute path; Operator or Unit is not plain text (a control character, a
// line break or tab, a bidirectional control such as U+202E, a zero-width or other invisible
// character, invalid UTF-8: see textsafe.Clean). DataDir is free.
func (s Settings) Validate() error {
	var errs []error
	for _, p := range s.problems() {
		errs = append(errs, p.err)
	}
	return errors.Join(errs...)
}

// fileForm is Settings as the file holds it.
type fileForm struct {
	Operator string   `json:"operator"`
	Unit     string   `json:"unit"`
	DataDir  string   `json:"data_dir"`
	Chrome   string   `json:"chrome"`
	Timeout  duration `json:"timeout"`
	Parallel int      `json:"parallel"`
	TSA      string   `json:"tsa"`
	Lang     string   `json:"lang"`
	// SignerRoots is Settings.SignerRoots; omitted when empty, so that files written before it
	// existed read the same.
	SignerRoots string `json:"signer_roots,omitempty"`
}

// MarshalJSON encodes s with Timeout as a Go duration string ("1m0s").
func (s Settings) MarshalJSON() ([]byte, error) {
	return json.Marshal(fileForm{s.Operator, s.Unit, s.DataDir, s.Chrome, duration(s.Timeout), s.Parallel, s.TSA, s.Lang, s.SignerRoots})
}

// UnmarshalJSON decodes s, accepting Timeout as a Go duration string or a number of
// nanoseconds. Fields b does not set are left as they are; unknown fields are ignored.
func (s *Settings) UnmarshalJSON(b []byte) error {
	f := fileForm{s.Operator, s.Unit, s.DataDir, s.Chrome, duration(s.Timeout), s.Parallel, s.TSA, s.Lang, s.SignerRoots}
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*s = Settings{f.Operator, f.Unit, f.DataDir, f.Chrome, time.Duration(f.Timeout), f.Parallel, f.TSA, f.Lang, f.SignerRoots}
	return nil
}

// duration is a time.Duration in JSON: a string such as "1m30s", or a number of nanoseconds.
type duration time.Duration

func (d duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("timeout: %w", err)
		}
		*d = duration(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("timeout: not a duration: %s", b)
	}
	if i, err := n.Int64(); err == nil {
		*d = duration(i)
		return nil
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return fmt.Errorf("timeout: %s is not a whole number of nanoseconds", b)
	}
	*d = duration(f)
	return nil
}
