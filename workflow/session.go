package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"evidentia/capture"
	"evidentia/settings"
	"evidentia/store"
)

// Session is Evidentia's application service: the one object the desktop app and the command
// line both build (with NewSession, from the settings, the data folder and the environment)
// and through which they run every use case. It owns the rules both doors must share:
//
//   - who acts and for which unit (Operator, Unit: see their contracts), and by the same rule
//     the data folder (Dir), the browser, the language (Language) and which timestamp
//     authority stamps a signature (TSA);
//   - how captures run: the time limit and how many at once (Limits), checked against the
//     same bounds the settings have;
//   - the browser: found, started on first use, started again when it died or when the
//     browser or the time limit changed (Capture, StartBrowser), and stopped by Close;
//   - the signing identity: loaded, unlocked, sealed and installed, and the signer built from
//     it (see keys.go);
//   - the roots signers are trusted through when verifying (Roots).
//
// The front doors keep only presentation: they parse input, call the Session, and show
// progress and results. A Session is safe for concurrent use.
type Session struct {
	dir    string
	getenv func(string) string
	chrome string // the browser given for this session (--chrome), over the settings'

	stMu   sync.Mutex
	st     *store.Store
	ownsSt bool // opened here, so closed by Close (a store handed in is the caller's)

	setMu sync.RWMutex
	set   settings.Settings

	engMu   sync.Mutex
	eng     *capture.Engine
	engFor  engineKey
	stopped sync.WaitGroup // engines being closed in the background
	closed  bool
}

// SessionConfig is what a Session is built from.
type SessionConfig struct {
	// Settings are the preferences as settings.Load returned them (the fields the file leaves
	// out already hold their defaults).
	Settings settings.Settings
	// DataDir is a data folder given for this session only (--data); "" means EVIDENTIA_DATA,
	// else the settings' data_dir, else the per-user default (store.DefaultDir), by the rule of
	// Operator.
	DataDir string
	// Store, when set, is the already open store of that folder; the caller closes it.
	// Otherwise the Session opens it on first use (Store) and Close closes it.
	Store *store.Store
	// Chrome is a browser path given for this session only (--chrome); "" means EVIDENTIA_CHROME,
	// else the settings' chrome, else the installed Chrome, Edge or Chromium.
	Chrome string
	// Getenv reads the environment; nil means os.Getenv. Tests give their own.
	Getenv func(string) string
}

// NewSession returns the session of cfg. It opens nothing: the store, the browser and the
// signing identity are reached when a use case needs them.
func NewSession(cfg SessionConfig) *Session {
	s := &Session{getenv: cfg.Getenv, chrome: cfg.Chrome, set: cfg.Settings}
	if s.getenv == nil {
		s.getenv = os.Getenv
	}
	if cfg.Store != nil {
		s.st, s.dir = cfg.Store, cfg.Store.Dir()
	} else {
		s.dir = store.ResolveDir(s.pick(cfg.DataDir, EnvData, cfg.Settings.DataDir))
	}
	return s
}

// Dir is the session's data folder (it may not exist yet).
func (s *Session) Dir() string { return s.dir }

// Store returns the session's store, opening (and creating) the data folder on first use.
func (s *Session) Store(ctx context.Context) (*store.Store, error) {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if s.st != nil {
		return s.st, nil
	}
	st, err := store.Open(ctx, s.dir)
	if err != nil {
		return nil, err
	}
	s.st, s.ownsSt = st, true
	return st, nil
}

// OpenStoreIfExists returns the session's store when its data folder exists, and nil (no error)
// when it does not: for the checks that can use the store but must not create one.
func (s *Session) OpenStoreIfExists(ctx context.Context) (*store.Store, error) {
	s.stMu.Lock()
	st := s.st
	s.stMu.Unlock()
	if st != nil {
		return st, nil
	}
	if _, err := os.Stat(s.dir); err != nil {
		return nil, nil
	}
	return s.Store(ctx)
}

// Settings returns a copy of the session's settings.
func (s *Session) Settings() settings.Settings {
	s.setMu.RLock()
	defer s.setMu.RUnlock()
	return s.set
}

// The environment variables the rules below read.
const (
	EnvData     = "EVIDENTIA_DATA"
	EnvOperator = "EVIDENTIA_OPERATOR"
	EnvUnit     = "EVIDENTIA_UNIT"
	EnvTSA      = "EVIDENTIA_TSA"
)

// Operator returns who acts, by the one rule both doors follow for every preference (the
// operator, the unit, the timestamp authority, the data folder, the browser): the value given
// for this action or session (a command-line option), else the environment variable, else
// the settings file, else the built-in default. For the operator: --operator, else
// EVIDENTIA_OPERATOR, else the settings' operator, else the login name of the current user
// without a Windows "DOMAIN\" prefix (settings.Default). Surrounding white space is removed.
// The result is what the custody log records.
func (s *Session) Operator(given string) string {
	return s.pick(given, EnvOperator, s.Settings().Operator)
}

// Unit returns the operator's team or office, by the rule of Operator: the unit given, else
// EVIDENTIA_UNIT, else the settings' unit (else "").
func (s *Session) Unit(given string) string {
	return s.pick(given, EnvUnit, s.Settings().Unit)
}

// NoTSA, given as the timestamp authority, asks for none (the command line's --tsa none, an
// emptied field in the desktop app) where the environment or the settings name one.
const NoTSA = "none"

// TSA returns the RFC 3161 timestamp authority that stamps a signature, by the rule of
// Operator: the URL given, else EVIDENTIA_TSA, else the settings' tsa (else "": none). Given
// NoTSA, it returns "".
func (s *Session) TSA(given string) string {
	if strings.TrimSpace(given) == NoTSA {
		return ""
	}
	return s.pick(given, EnvTSA, s.Settings().TSA)
}

// Overridden returns the value of the environment variable env (EnvOperator, EnvUnit, EnvTSA)
// when it is set and so takes the place of the settings' value, for the settings screen to say
// so; ok is false when the settings' value is the one used.
func (s *Session) Overridden(env string) (value string, ok bool) {
	v := strings.TrimSpace(s.getenv(env))
	return v, v != ""
}

func (s *Session) pick(given, env, fromSettings string) string {
	if v := strings.TrimSpace(given); v != "" {
		return v
	}
	if v := strings.TrimSpace(s.getenv(env)); v != "" {
		return v
	}
	return strings.TrimSpace(fromSettings)
}

// ErrBadLimit is the error of a time limit or a number of parallel captures out of range; the
// message names the bounds.
var ErrBadLimit = errors.New("workflow: limit out of range")

// Limits are how captures run.
type Limits struct {
	Timeout  time.Duration // the time limit of one capture
	Parallel int           // how many captures run at once
}

// Limits returns the limits of a batch: timeout and parallel when given (not nil), else the
// settings'. Given values must lie within the bounds the settings have (settings.MinTimeout to
// MaxTimeout, MinParallel to MaxParallel), or the error wraps ErrBadLimit and names them.
func (s *Session) Limits(timeout *time.Duration, parallel *int) (Limits, error) {
	set := s.Settings()
	l := Limits{Timeout: set.Timeout, Parallel: set.Parallel}
	if timeout != nil {
		if *timeout < settings.MinTimeout || *timeout > settings.MaxTimeout {
			return Limits{}, fmt.Errorf("%w: the time limit must be between %v and %v, not %v", ErrBadLimit, settings.MinTimeout, settings.MaxTimeout, *timeout)
		}
		l.Timeout = *timeout
	}
	if parallel != nil {
		if *parallel < settings.MinParallel || *parallel > settings.MaxParallel {
			return Limits{}, fmt.Errorf("%w: parallel captures must be between %d and %d, not %d", ErrBadLimit, settings.MinParallel, settings.MaxParallel, *parallel)
		}
		l.Parallel = *parallel
	}
	if l.Timeout <= 0 {
		l.Timeout = capture.DefaultTimeout
	}
	l.Parallel = max(l.Parallel, settings.MinParallel)
	return l, nil
}

// given returns a pointer to v when it is not its zero value, else nil: a request's field left
// empty is not given.
func given[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// engineKey is what a running engine depends on: a change starts a new one.
type engineKey struct {
	chrome  string
	timeout time.Duration
}

// browserPath returns the browser the session uses ("" = the installed one): --chrome, else
// EVIDENTIA_CHROME, else the settings'.
func (s *Session) browserPath() string {
	return s.pick(s.chrome, capture.BrowserEnv, s.Settings().Chrome)
}

// FoundBrowser returns the browser the session uses when no path is given for it and the
// settings name none: EVIDENTIA_CHROME, else the installed Chrome, Edge or Chromium (see
// capture.FindBrowser), for the settings screen to show.
func (s *Session) FoundBrowser() (string, error) { return capture.FindBrowser("") }

// StartBrowser starts the browser for captures with the time limit timeout (0: the settings'),
// or checks that the running one is alive and started with the same browser and limit. A
// browser that died, or was started for another browser or limit, finishes its captures and
// stops in the background while a new one starts. The error says why no browser could start
// (capture.ErrNoBrowser and the like). It blocks while the browser starts.
func (s *Session) StartBrowser(timeout time.Duration) (*capture.Engine, error) {
	lim, err := s.Limits(given(timeout), nil)
	if err != nil {
		return nil, err
	}
	key := engineKey{chrome: s.browserPath(), timeout: lim.Timeout}
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.closed {
		return nil, errSessionClosed
	}
	if s.eng != nil && s.engFor == key && s.eng.Alive() {
		return s.eng, nil
	}
	if old := s.eng; old != nil {
		// Never under the lock: Close waits for the captures the old engine runs.
		s.eng = nil
		s.stopped.Add(1)
		go func() { defer s.stopped.Done(); old.Close() }()
	}
	path, err := capture.FindBrowser(key.chrome)
	if err == nil {
		// The browser outlives every caller's context: Close stops it once the captures
		// cancelled by those contexts are sealed.
		s.eng, err = capture.New(context.Background(), capture.WithExecPath(path), capture.WithTimeout(key.timeout))
	}
	s.engFor = key
	if err != nil {
		s.eng = nil
		return nil, err
	}
	return s.eng, nil
}

var errSessionClosed = errors.New("workflow: the session is closed")

// Capture captures every address of req into the session's store, with the session's rules
// filling in what req leaves empty: the operator and unit (Operator, Unit), the limits
// (Limits, with req.Timeout and req.Parallel given when not zero). The browser is started (or
// started again) as StartBrowser says; when it cannot start, every address ends with that
// error and nothing is recorded. A
// limit out of range ends every address with the ErrBadLimit error. See Capturer.Capture for
// progress, done and cancelling.
func (s *Session) Capture(ctx context.Context, req CaptureRequest, progress Progress, done func(Outcome)) []Outcome {
	req.Operator, req.Unit = s.Operator(req.Operator), s.Unit(req.Unit)
	st, err := s.Store(ctx)
	var eng *capture.Engine
	if err == nil {
		var lim Limits
		if lim, err = s.Limits(given(req.Timeout), given(req.Parallel)); err == nil {
			req.Parallel = lim.Parallel
			eng, err = s.StartBrowser(lim.Timeout)
		}
	}
	if st == nil {
		return refuseAll(req, err, done)
	}
	c := &Capturer{Store: st, Engine: eng, EngineErr: err}
	return c.Capture(ctx, req, progress, done)
}

// refuseAll ends every address of req with err, none captured.
func refuseAll(req CaptureRequest, err error, done func(Outcome)) []Outcome {
	out := make([]Outcome, len(req.URLs))
	for i, raw := range req.URLs {
		out[i] = Outcome{Index: i, Input: raw, Err: err}
		if done != nil {
			done(out[i])
		}
	}
	return out
}

// Close stops the browser (once the captures under way are sealed) and closes the store when
// the session opened it. Use cases called after Close fail.
func (s *Session) Close() error {
	s.engMu.Lock()
	s.closed = true
	eng := s.eng
	s.eng = nil
	s.engMu.Unlock()
	if eng != nil {
		eng.Close()
	}
	s.stopped.Wait()
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if s.st != nil && s.ownsSt {
		err := s.st.Close()
		s.st = nil
		return err
	}
	return nil
}
