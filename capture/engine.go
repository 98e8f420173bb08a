// Package capture drives a Chromium-family browser (Chrome, Edge, Chromium) through the
// DevTools protocol to collect a web page as evidence: screenshots, the document as served,
// the rendered DOM, an MHTML snapshot, a WARC of every exchange, the visible text, and the
// facts observed on the way (redirects, headers, TLS, metadata, dialogs, downloads, pop-ups).
//
// One Engine owns one browser process. Each Capture runs in a fresh browser context (no
// cookies, storage or cache shared with any other capture) and ends within its timeout: what
// was collected by then is returned and the result is marked partial with the reason.
package capture

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"evidentia/textsafe"
)

// Sentinel errors of the package.
var (
	// ErrBrowserStart is returned when the browser could not be started.
	ErrBrowserStart = errors.New("capture: the browser could not be started")
	// ErrClosed is returned by Capture after Close.
	ErrClosed = errors.New("capture: engine closed")
)

// Defaults of the engine's options.
const (
	DefaultTimeout       = 60 * time.Second
	DefaultWidth         = 1280
	DefaultHeight        = 900
	DefaultMaxPageHeight = 100_000
	// TileHeight is the height in CSS pixels of one piece of a screenshot of a tall page. Chrome
	// returns blank or cut images above about 16,384 px, so pages taller than MaxSingleShot are
	// captured in tiles of this height.
	TileHeight    = 8000
	MaxSingleShot = 16000
)

type config struct {
	execPath      string
	timeout       time.Duration
	width, height int
	scale         float64
	maxPageHeight int
	maxBodyBytes  int64
	mediaMaxBytes int64
	mediaTimeout  time.Duration
	ffprobe       string
	ytdlp         string
	ytdlpOff      bool
	ytdlpTimeout  time.Duration
	userAgent     string
	flags         map[string]any
	logf          func(string, ...any)
}

// Option configures an Engine.
type Option func(*config)

// WithExecPath sets the browser executable (checked by FindBrowser). Without it, New
// searches as FindBrowser("") does.
func WithExecPath(path string) Option { return func(c *config) { c.execPath = path } }

// WithTimeout sets the time one capture may take in all (default 60 s).
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithViewport sets the browser viewport in CSS pixels and the device scale factor.
func WithViewport(width, height int, scale float64) Option {
	return func(c *config) {
		if width > 0 && height > 0 {
			c.width, c.height = width, height
		}
		if scale > 0 {
			c.scale = scale
		}
	}
}

// WithMaxPageHeight bounds how far down an endless page is scrolled and captured (CSS px).
func WithMaxPageHeight(px int) Option {
	return func(c *config) {
		if px > 0 {
			c.maxPageHeight = px
		}
	}
}

// WithUserAgent overrides the browser's user agent. By default the browser's own is used,
// with "Headless" removed so that sites serve what a person would see.
func WithUserAgent(ua string) Option { return func(c *config) { c.userAgent = ua } }

// WithFlag adds a browser command-line flag.
func WithFlag(name string, value any) Option {
	return func(c *config) { c.flags[name] = value }
}

// WithLogf sets a function that receives diagnostic messages. It may be called from any
// goroutine.
func WithLogf(f func(string, ...any)) Option { return func(c *config) { c.logf = f } }

// Engine owns one browser process that serves many captures, one after another or at once.
// Its methods are safe for concurrent use.
type Engine struct {
	cfg         config
	allocCancel context.CancelFunc
	browserCtx  context.Context
	cancel      context.CancelFunc
	version     browser.GetVersionResult
	userAgent   string
	// sandbox is false when the browser runs without its sandbox, noSandboxReason why.
	sandbox         bool
	noSandboxReason string

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup

	// spares are tabs opened ahead for the next captures (tabs.go); opening counts those
	// being opened, spareWG waits for them.
	spares  chan tab
	opening int
	spareWG sync.WaitGroup
}

// New finds the browser and starts it. ctx bounds the life of the browser process: when ctx
// ends, the browser is stopped, so a program that cancels captures (Ctrl+C, a Cancel button)
// should give New a context that outlives them and call Close when done.
//
// The browser's environment is this process's without any EVIDENTIA_ variable (see
// BrowserEnviron): no secret given to Evidentia reaches the browser or its child processes.
// The browser is started with its sandbox; only when it cannot start with it (as root, where
// Chromium refuses it; a system without a usable sandbox), or when WithFlag("no-sandbox",
// true) asks, is it started without. That is decided once, here: Sandbox, Options
// ("browser_sandbox") and a note in every capture's method say so and why.
func New(ctx context.Context, opts ...Option) (*Engine, error) {
	cfg := config{
		timeout:       DefaultTimeout,
		width:         DefaultWidth,
		height:        DefaultHeight,
		scale:         1,
		maxPageHeight: DefaultMaxPageHeight,
		maxBodyBytes:  64 << 20,
		mediaMaxBytes: DefaultMediaMaxBytes,
		mediaTimeout:  DefaultMediaTimeout,
		ytdlpTimeout:  DefaultYTDLPTimeout,
		flags:         map[string]any{},
		logf:          func(string, ...any) {},
	}
	for _, o := range opts {
		o(&cfg)
	}
	// FindBrowser checks an explicit path too (exists, executable, a macOS .app resolved).
	p, err := FindBrowser(cfg.execPath)
	if err != nil {
		return nil, err
	}
	cfg.execPath = p

	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(cfg.execPath),
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-notifications", true),
		chromedp.Flag("autoplay-policy", "user-gesture-required"),
		chromedp.Flag("lang", "ko-KR,ko,en-US,en"),
		// Cross-site iframes (embedded posts, comment widgets) stay in the page's process, so
		// that their traffic is recorded with the page's. Each capture has its own browser
		// context with no credentials, so there is nothing for site isolation to protect.
		//
		// Chrome's own interface is off too: Chrome (156) gives every browser context a window
		// with two web-page omnibox pop-ups, each in a renderer process of its own, which spent
		// more processor time than the pages captured (4.4 s against 1.1 s for 8 captures on a
		// 2-core machine). A feature this Chrome does not know is ignored.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,IsolateOrigins,site-per-process,"+
			"PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup"),
		chromedp.Flag("disable-site-isolation-trials", true),
		// The browser gets an explicit environment: this process's, without Evidentia's own
		// variables (EVIDENTIA_PASSPHRASE and the like), so that no secret given to Evidentia
		// can be read from the browser's /proc/PID/environ.
		chromedp.NoInheritEnv,
		chromedp.Env(BrowserEnviron(os.Environ())...),
	)
	for name, v := range cfg.flags {
		if name == "no-sandbox" {
			continue // decided below
		}
		allocOpts = append(allocOpts, chromedp.Flag(name, v))
	}

	// The sandbox is tried first. Only when the browser cannot start with it (as root, where
	// Chromium refuses; a system without a usable sandbox) is it started without, once for
	// the life of the engine, and every capture's method says so.
	sandbox, reason := true, ""
	if v, ok := cfg.flags["no-sandbox"]; ok && v != false {
		sandbox, reason = false, "the engine was configured with the no-sandbox flag"
	}
	st, err := startBrowser(ctx, cfg, allocOpts, sandbox)
	if err != nil && sandbox && !errors.Is(err, errStartTimeout) && ctx.Err() == nil {
		var aboutSandbox bool
		reason, aboutSandbox = sandboxFailure(err)
		sandbox = false
		st, err = startBrowser(ctx, cfg, allocOpts, false)
		if err != nil && aboutSandbox {
			err = fmt.Errorf("%w (with its sandbox: %s)", err, textsafe.Line(reason, 300))
		}
	}
	if err != nil {
		return nil, err
	}
	if !sandbox {
		cfg.logf("capture: the browser runs without its sandbox: %s", reason)
	}
	ver := st.version
	ua := cfg.userAgent
	if ua == "" {
		ua = strings.Replace(ver.UserAgent, "HeadlessChrome/", "Chrome/", 1)
	}
	e := &Engine{cfg: cfg, allocCancel: st.allocCancel, browserCtx: st.browserCtx, cancel: st.cancel, version: ver, userAgent: ua,
		sandbox: sandbox, noSandboxReason: reason, spares: make(chan tab, spareTabs)}
	for range spareTabs {
		e.refill() // the first captures' tabs, opened side by side
	}
	return e, nil
}

// errStartTimeout marks a browser that did not answer in time (not retried).
var errStartTimeout = errors.New("no answer within 45 s")

// started is a running browser.
type started struct {
	allocCancel, cancel context.CancelFunc
	browserCtx          context.Context
	version             browser.GetVersionResult
}

// startBrowser starts the browser with allocOpts, with or without its sandbox, and asks its
// version. On failure nothing is left running.
func startBrowser(ctx context.Context, cfg config, allocOpts []chromedp.ExecAllocatorOption, sandbox bool) (*started, error) {
	opts := append(allocOpts[:len(allocOpts):len(allocOpts)], chromedp.Flag("no-sandbox", !sandbox))
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(cfg.logf), chromedp.WithErrorf(cfg.logf))

	startCtx, startCancel := context.WithTimeout(bctx, 45*time.Second)
	defer startCancel()
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(bctx) }()
	select {
	case err := <-start:
		if err != nil {
			cancel()
			allocCancel()
			return nil, fmt.Errorf("%w (%s): %w", ErrBrowserStart, cfg.execPath, err)
		}
	case <-startCtx.Done():
		cancel()
		allocCancel()
		return nil, fmt.Errorf("%w (%s): %w", ErrBrowserStart, cfg.execPath, errStartTimeout)
	}
	ver, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		cancel()
		allocCancel()
		return nil, fmt.Errorf("%w: %w", ErrBrowserStart, err)
	}
	return &started{allocCancel: allocCancel, cancel: cancel, browserCtx: bctx, version: ver}, nil
}

// sandboxFailure returns why the browser did not start with its sandbox: the line of its
// output that speaks of the sandbox or of root (log prefix removed) and true; else the first
// line of its output (or of the error, when it printed nothing) and false.
func sandboxFailure(err error) (string, bool) {
	lines := strings.Split(err.Error(), "\n")
	strip := func(l string) string {
		if i := strings.Index(l, "] "); strings.HasPrefix(l, "[") && i > 0 {
			l = l[i+2:]
		}
		return strings.TrimSpace(l)
	}
	for _, l := range lines {
		low := strings.ToLower(l)
		if strings.Contains(low, "sandbox") || strings.Contains(low, "as root") {
			return strip(l), true
		}
	}
	for _, l := range lines[1:] { // lines[0] is the error; the browser's output follows
		if l = strip(l); l != "" {
			return "it did not start with it: " + l, false
		}
	}
	return "it did not start with it: " + strings.TrimSpace(lines[0]), false
}

// BrowserEnviron returns environ (NAME=value entries, as os.Environ gives) without the
// variables whose name begins with "EVIDENTIA_" (in any case, as Windows compares names):
// the environment the engine gives the browser. Evidentia's secrets (EVIDENTIA_PASSPHRASE,
// EVIDENTIA_P12_PASSWORD) and settings are for Evidentia only; the browser needs none of them.
func BrowserEnviron(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if strings.HasPrefix(strings.ToUpper(kv), "EVIDENTIA_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Close stops the browser after the captures under way have returned. It is safe to call
// more than once.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	e.wg.Wait()
	e.closeSpares()
	e.cancel()
	e.allocCancel()
	return nil
}

// ExecPath returns the browser executable in use.
func (e *Engine) ExecPath() string { return e.cfg.execPath }

// Product returns the browser's product string, such as "Chrome/131.0.6778.85".
func (e *Engine) Product() string { return e.version.Product }

// Timeout returns the time one capture may take.
func (e *Engine) Timeout() time.Duration { return e.cfg.timeout }

// Options returns the effective options, for the record of each capture.
func (e *Engine) Options() map[string]string {
	return map[string]string{
		"timeout":         e.cfg.timeout.String(),
		"viewport":        fmt.Sprintf("%dx%d", e.cfg.width, e.cfg.height),
		"device_scale":    strconv.FormatFloat(e.cfg.scale, 'f', -1, 64),
		"max_page_height": strconv.Itoa(e.cfg.maxPageHeight),
		"tile_height":     strconv.Itoa(TileHeight),
		"max_body_bytes":  strconv.FormatInt(e.cfg.maxBodyBytes, 10),
		"media_max_bytes": strconv.FormatInt(e.cfg.mediaMaxBytes, 10),
		"media_timeout":   e.cfg.mediaTimeout.String(),
		"yt_dlp":          e.ytdlpOption(),
		"user_agent":      e.userAgent,
		"exec_path":       e.cfg.execPath,
		"site_isolation":  "off: cross-site iframes load in the page's process so their traffic is recorded",
		"browser_sandbox": e.sandboxOption(),
	}
}

// ytdlpOption is the "yt_dlp" entry of Options: "off", or the path asked for ("" for PATH)
// and the time limit.
func (e *Engine) ytdlpOption() string {
	if e.cfg.ytdlpOff {
		return "off"
	}
	p := e.cfg.ytdlp
	if p == "" {
		p = "found on PATH"
	}
	return textsafe.Line(p, 300) + ", at most " + e.cfg.ytdlpTimeout.String()
}

// Sandbox reports whether the browser runs with its sandbox and, when it does not, why (what
// the browser said when it was started with it, or that the engine was configured so).
func (e *Engine) Sandbox() (on bool, reason string) { return e.sandbox, e.noSandboxReason }

// sandboxOption is the "browser_sandbox" entry of Options: "true", or "false: " and why.
func (e *Engine) sandboxOption() string {
	if e.sandbox {
		return "true"
	}
	return "false: " + textsafe.Line(e.noSandboxReason, 300)
}

// Alive reports whether the engine can still capture: it is not closed and its browser has not
// stopped (exited, crashed or was killed). A dead engine should be closed and replaced.
func (e *Engine) Alive() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return !e.closed && e.browserCtx.Err() == nil
}

func (e *Engine) acquire() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.browserCtx.Err() != nil {
		return fmt.Errorf("%w: the browser has stopped", ErrBrowserStart)
	}
	e.wg.Add(1)
	return nil
}
