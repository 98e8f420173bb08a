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

	// engMu guards the browser, the count of use cases under way and closed.
	engMu    sync.Mutex
	cur      *lease         // the browser new captures get; nil before the first
	failed   *startFailure  // the last browser start that failed, reused for a moment
	stopped  sync.WaitGroup // retired browsers being closed in the background
	inflight sync.WaitGroup // use cases under way (begin/end); Close waits for them
	closed   bool
}

// lease is one running browser and the captures that hold it: a browser that is replaced
// (retired) is closed once the last of them has let go, never under a capture that was handed
// it.
type lease struct {
	eng     *capture.Engine
	key     engineKey
	users   int
	retired bool
}

// startFailure is a browser start that failed, for the key it was tried with.
type startFailure struct {
	key engineKey
	err error
	at  time.Time
}

// retryStartAfter is how long a failed browser start is reused instead of tried again (one
// batch asks once; the next batch, a moment later, tries again).
const retryStartAfter = 5 * time.Second

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
	} else if dir := s.pick(cfg.DataDir, EnvData, cfg.Settings.DataDir); dir != "" {
		s.dir = dir
	} else {
		s.dir = store.DefaultDir()
	}
	return s
}

// Dir is the session's data folder (it may not exist yet).
func (s *Session) Dir() string { return s.dir }

// Store returns the session's store, opening (and creating) the data folder on first use.
// After Close it fails with ErrSessionClosed.
func (s *Session) Store(ctx context.Context) (*store.Store, error) {
	s.engMu.Lock()
	closed := s.closed
	s.engMu.Unlock()
	if closed {
		return nil, ErrSessionClosed
	}
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

// OpenStoreIfExists returns the session's store when its data folder holds one, and nil (no
// error) when it does not: for the checks that can use the store but must not create one (a
// folder holding something else, such as a crash log, is not a store).
func (s *Session) OpenStoreIfExists(ctx context.Context) (*store.Store, error) {
	s.stMu.Lock()
	st := s.st
	s.stMu.Unlock()
	if st != nil {
		return st, nil
	}
	if !store.Exists(s.dir) {
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
	if IsNoTSA(given) {
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

// browserOverride returns what the session gives capture.FindBrowser, by the rule of Operator:
// --chrome, else "" when EVIDENTIA_CHROME is set (FindBrowser reads it, and names it in its
// errors), else the settings' chrome ("" = the installed browser).
func (s *Session) browserOverride() string {
	if v := strings.TrimSpace(s.chrome); v != "" {
		return v
	}
	if _, set := s.Overridden(capture.BrowserEnv); set {
		return ""
	}
	return strings.TrimSpace(s.Settings().Chrome)
}

// browserKey is the browser and time limit a capture with timeout needs.
func (s *Session) browserKey(timeout time.Duration) (engineKey, error) {
	lim, err := s.Limits(given(timeout), nil)
	if err != nil {
		return engineKey{}, err
	}
	return engineKey{chrome: s.pick(s.chrome, capture.BrowserEnv, s.Settings().Chrome), timeout: lim.Timeout}, nil
}

// FoundBrowser returns the browser the session uses when no path is given for it and the
// settings name none: EVIDENTIA_CHROME, else the installed Chrome, Edge or Chromium (see
// capture.FindBrowser), for the settings screen to show.
func (s *Session) FoundBrowser() (string, error) { return capture.FindBrowser("") }

// StartBrowser starts the browser for captures with the time limit timeout (0: the settings'),
// or checks that the running one is alive and started with the same browser and limit, and
// returns it. A browser that died, or was started for another browser or limit, is retired: it
// stops once the captures it was handed have ended, while a new one starts. The error says why
// no browser could start (capture.ErrBrowserNotFound and the like; a failure is reused for a
// few seconds rather than tried again at once). It blocks while the browser starts.
func (s *Session) StartBrowser(timeout time.Duration) (*capture.Engine, error) {
	l, err := s.leaseBrowser(timeout)
	if err != nil {
		return nil, err
	}
	s.releaseBrowser(l)
	return l.eng, nil
}

// leaseBrowser is StartBrowser for one batch of captures: the browser it returns is not closed
// until releaseBrowser, even if it is retired meanwhile.
func (s *Session) leaseBrowser(timeout time.Duration) (*lease, error) {
	key, err := s.browserKey(timeout)
	if err != nil {
		return nil, err
	}
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.closed {
		return nil, ErrSessionClosed
	}
	if c := s.cur; c != nil && c.key == key && c.eng.Alive() {
		c.users++
		return c, nil
	}
	if f := s.failed; f != nil && f.key == key && time.Since(f.at) < retryStartAfter {
		return nil, f.err
	}
	s.retire()
	path, err := capture.FindBrowser(s.browserOverride())
	var eng *capture.Engine
	if err == nil {
		// The browser outlives every caller's context: it is closed once retired and let go,
		// or by Close, after the captures cancelled by those contexts are sealed.
		eng, err = capture.New(context.Background(), capture.WithExecPath(path), capture.WithTimeout(key.timeout))
	}
	if err != nil {
		s.failed = &startFailure{key: key, err: err, at: time.Now()}
		return nil, err
	}
	s.failed = nil
	s.cur = &lease{eng: eng, key: key, users: 1}
	return s.cur, nil
}

// releaseBrowser lets go of l; a retired browser nobody holds any more is closed.
func (s *Session) releaseBrowser(l *lease) {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	l.users--
	if l.retired && l.users == 0 {
		s.closeInBackground(l.eng)
	}
}

// retire retires the current browser, closing it now when nobody holds it. The caller holds
// engMu.
func (s *Session) retire() {
	c := s.cur
	if c == nil {
		return
	}
	s.cur, c.retired = nil, true
	if c.users == 0 {
		s.closeInBackground(c.eng)
	}
}

// closeInBackground closes eng without holding engMu (Close waits for the captures it runs);
// Session.Close waits for it. The caller holds engMu.
func (s *Session) closeInBackground(eng *capture.Engine) {
	s.stopped.Add(1)
	go func() { defer s.stopped.Done(); eng.Close() }()
}

// ErrSessionClosed is the error of a use case asked of a session after Close.
var ErrSessionClosed = errors.New("workflow: the session is closed")

// begin counts a use case under way, so that Close waits for it; it fails with
// ErrSessionClosed once Close has begun. Every begin is followed by one end.
func (s *Session) begin() error {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.closed {
		return ErrSessionClosed
	}
	s.inflight.Add(1)
	return nil
}

// end marks the end of a use case begin counted.
func (s *Session) end() { s.inflight.Done() }

// Capture captures every address of req into the session's store, with the session's rules
// filling in what req leaves empty: the operator and unit (Operator, Unit), the limits
// (Limits, with req.Timeout and req.Parallel given when not zero). The browser is started (or
// started again) as StartBrowser says; when it cannot start, every address ends with that
// error and nothing is recorded. A
// limit out of range ends every address with the ErrBadLimit error. See Capturer.Capture for
// progress, done and cancelling.
func (s *Session) Capture(ctx context.Context, req CaptureRequest, progress Progress, done func(Outcome)) []Outcome {
	if err := s.begin(); err != nil {
		return refuseAll(req, err, done)
	}
	defer s.end()
	req.Operator, req.Unit = s.Operator(req.Operator), s.Unit(req.Unit)
	st, err := s.Store(ctx)
	if err != nil {
		return refuseAll(req, err, done)
	}
	lim, err := s.Limits(given(req.Timeout), given(req.Parallel))
	if err != nil {
		return refuseAll(req, err, done)
	}
	req.Parallel = lim.Parallel
	l, err := s.leaseBrowser(lim.Timeout)
	if err != nil {
		// No capture begins: every address ends with why (after its own checks).
		return (&Capturer{Store: st, EngineErr: err}).Capture(ctx, req, progress, done)
	}
	defer s.releaseBrowser(l)
	return (&Capturer{Store: st, Engine: l.eng}).Capture(ctx, req, progress, done)
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

// Close waits for the use cases under way (a capture's sealing included: cancel their context
// first to end them sooner), stops the browsers, and closes the store when the session opened
// it. Use cases asked of the session afterwards fail with ErrSessionClosed. Calling Close again
// does nothing more.
func (s *Session) Close() error {
	s.engMu.Lock()
	s.closed = true
	s.engMu.Unlock()
	s.inflight.Wait()
	s.engMu.Lock()
	s.retire()
	s.engMu.Unlock()
	s.stopped.Wait()
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if s.st != nil && s.ownsSt {
		err := s.st.Close()
		s.st, s.ownsSt = nil, false
		return err
	}
	return nil
}
