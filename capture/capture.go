package capture

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"evidentia/archive"
	"evidentia/capture/sites"
	"evidentia/completeness"
	"evidentia/evidence"
	"evidentia/pagemeta"
	"evidentia/posting"
	"evidentia/textsafe"
	"evidentia/weburl"
)

// Stage names a step of a capture, for progress display.
type Stage string

// The stages of a capture, in order.
const (
	StageOpening    Stage = "opening"
	StageLoading    Stage = "loading"
	StageScrolling  Stage = "scrolling"
	StageExpanding  Stage = "expanding"
	StageScreenshot Stage = "screenshot"
	StageArchiving  Stage = "archiving"
)

// File is one artifact the engine wrote into the capture's working folder.
type File struct {
	Name      string
	Path      string
	MediaType string
	Role      string
}

// Result is what one capture produced. Facts.Collection holds only the start and end times;
// the caller adds who and where.
type Result struct {
	Status evidence.Status
	Reason string
	Facts  evidence.Facts
	Files  []File
}

// ErrBadURL is returned by Capture for an address it will not open.
var ErrBadURL = errors.New("capture: not a web address that can be captured")

// Capture opens rawURL in a fresh browser context and writes its artifacts into dir (which
// must exist and be empty). It returns an error only when it could not start at all (a bad
// URL, a closed engine, an unwritable folder); every other outcome, including a page that
// fails to load, a timeout and a cancellation, is a Result whose Status and Reason say what
// happened, with whatever was collected. progress, if not nil, is called from the capturing
// goroutine as stages begin.
func (e *Engine) Capture(ctx context.Context, rawURL, dir string, progress func(Stage), opts ...CaptureOption) (*Result, error) {
	u, err := weburl.Normalize(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	if err := e.acquire(); err != nil {
		return nil, err
	}
	defer e.wg.Done()
	if progress == nil {
		progress = func(Stage) {}
	}
	c := &run{e: e, url: u, dir: dir, progress: progress, rec: newRecorder(e.cfg.maxBodyBytes), timeout: e.cfg.timeout}
	for _, o := range opts {
		o(c)
	}
	return c.do(ctx)
}

// CaptureOption changes one capture.
type CaptureOption func(*run)

// CaptureTimeout overrides the engine's timeout for one capture.
func CaptureTimeout(d time.Duration) CaptureOption {
	return func(r *run) {
		if d > 0 {
			r.timeout = d
		}
	}
}

// run is the state of one capture.
type run struct {
	e        *Engine
	url      string
	dir      string
	progress func(Stage)
	rec      *recorder
	timeout  time.Duration

	tab      context.Context
	parent   context.Context // the caller's: when it ends, the capture was cancelled, not timed out
	start    time.Time
	deadline time.Time
	waitEnd  time.Time

	mainFrame cdp.FrameID
	worlds    map[cdp.FrameID]runtime.ExecutionContextID // isolated worlds by frame (worldOf)

	framesMu sync.Mutex
	frames   map[cdp.FrameID]bool
	sideTab  target.ID   // the tab that other comment pages are opened in (followNavPages), under framesMu
	hard     *time.Timer // closes the tab at the hard stop; collectMedia extends it
	mediaMax *int64      // MediaMaxBytes, nil for the engine's limit
	ytdlpOn  *bool       // UseYTDLP, nil for the engine's setting

	loadFired chan struct{}
	loadOnce  sync.Once

	files   []File
	chain   []string // PEM certificate chain of the final URL's origin
	domNote string   // what was done to dom.html, if anything

	viewportTaken bool
	problems      []string // reasons for a partial result
	fatal         string   // reason for a failed result
	timedOutAny   bool     // a step was cut short by the time limit
	facts         evidence.Facts

	// What the completeness verdict is judged from (see judge).
	text           string   // the visible text of the main document
	frameTexts     []string // the visible text of the frames it can reach (pageContentJS)
	images, videos int      // content images (at least 100×100) and videos, frames included

	// What text.txt and posting.json are made of, gathered as the capture goes.
	sections    []textSection     // the text of frames and comment pages, after the main document's
	docs        []pageDoc         // the rendered DOMs read: main document, frames, comment pages
	expandLimit string            // the limit that stopped expansion, "" when none did
	textTaken   bool              // the main document's text was read
	target      scrollTarget      // what scrolls the main content (findScrollTarget)
	noExpand    bool              // set by WithoutExpansion
	post        *evidence.Posting // the posting record written, nil when none was
	hints       scrollHints       // what the page registered that watches scrolling
	// frameArtifacts names the DOM artifact of each frame read ("dom-frame-03.html").
	frameArtifacts map[cdp.FrameID]string
	// site is the site profile used, nil for none; siteHidden the IDs of the comments its
	// preparation says the site had hidden.
	site       *sites.Profile
	siteHidden map[string]bool
	// sitePrepFailed says what the profile's preparation could not do (the verdict's reasons).
	sitePrepFailed []string
}

// textSection is one part of text.txt after the main document's text.
type textSection struct {
	heading string
	text    string
}

// pageDoc is one rendered DOM the capture read.
type pageDoc struct {
	url   string
	frame string // the frame's URL, "" for the main document
	page  int    // the numbered comment page, 1 for the page as captured
	label string // the site's number for that page, "" when unknown
	html  string
}

// addText adds a section to text.txt under heading (one line, naming where the text is from).
func (c *run) addText(heading, text string) {
	c.sections = append(c.sections, textSection{heading: heading, text: text})
}

func (c *run) do(parent context.Context) (*Result, error) {
	e := c.e
	c.parent = parent
	c.start = time.Now()
	c.deadline = c.start.Add(c.timeout)
	reserve := min(max(c.timeout/4, 2*time.Second), 15*time.Second, c.timeout/2)
	c.waitEnd = c.deadline.Add(-reserve)
	c.loadFired = make(chan struct{})
	c.frames = map[cdp.FrameID]bool{}
	c.frameArtifacts = map[cdp.FrameID]string{}
	c.siteHidden = map[string]bool{}
	c.facts = evidence.Facts{RequestedURL: c.url}
	c.facts.Collection.StartedAt = c.start.UTC()

	if on, why := e.Sandbox(); !on {
		c.rec.event(evidence.EventNote, "the browser ran without its sandbox: "+textsafe.Line(why, 300), "")
	}

	c.progress(StageOpening)
	t0 := time.Now()
	tb, err := e.takeTab()
	if err != nil {
		if parent.Err() != nil {
			return nil, fmt.Errorf("capture: open a browser tab: %w", parent.Err())
		}
		return nil, fmt.Errorf("capture: open a browser tab: %w", err)
	}
	cancelTab := tb.cancel
	defer cancelTab()
	defer e.refill() // the next spare, if the load event did not already start it
	stop := context.AfterFunc(parent, cancelTab)
	defer stop()
	hard := time.AfterFunc(c.timeout+hardStopAfter, cancelTab)
	defer hard.Stop()
	c.hard = hard
	c.tab = tb.ctx
	c.lap("open tab", t0)

	t0 = time.Now()
	err = c.setup()
	c.lap("set up the tab", t0)
	if err != nil {
		if parent.Err() != nil {
			return c.result(true), nil
		}
		return nil, fmt.Errorf("capture: open a browser tab: %w", err)
	}

	c.progress(StageLoading)
	c.navigate()
	if parent.Err() == nil && c.fatal == "" && time.Now().Before(c.waitEnd) {
		c.progress(StageScrolling)
		c.timed("scroll", c.scroll)
	}
	c.freeze()
	switch {
	case parent.Err() != nil:
	case c.fatal != "":
		// What the browser shows now is its own error page, not the posting: it is not
		// recorded as the page. The WARC and the facts say what happened.
		c.rec.event(evidence.EventNote, "the browser's error page is not recorded as the page", "")
	default:
		c.pickSite()
		if time.Now().Before(c.waitEnd) {
			c.progress(StageExpanding)
			c.timed("site: prepare", c.prepareSite)
			c.timed("expand", c.expand)
		}
		c.progress(StageScreenshot)
		c.collect()
		if parent.Err() == nil {
			c.timed("comment pages", c.commentPages)
		}
		c.timed("text", c.finishText)
		c.timed("posting record", c.finishPosting)
		if parent.Err() == nil {
			c.timed("media", c.collectMedia)
		}
	}
	c.progress(StageArchiving)
	c.timed("wait for bodies", c.waitBodies)
	c.timed("archive", c.archive)
	if parent.Err() == nil && c.fatal == "" {
		c.timed("yt-dlp", c.runYTDLP)
	}
	if parent.Err() != nil {
		return c.result(true), nil
	}
	return c.result(false), nil
}

// timed runs step f and records how long it took in the facts' timings.
func (c *run) timed(step string, f func()) {
	t := time.Now()
	f()
	c.lap(step, t)
}

// lap records in the facts' timings that step took from t until now, and returns now.
func (c *run) lap(step string, t time.Time) time.Time {
	now := time.Now()
	c.facts.Method.Timings = append(c.facts.Method.Timings, evidence.StepTime{Step: step, MS: now.Sub(t).Milliseconds()})
	return now
}

// result assembles the Result; cancelled overrides the status.
func (c *run) result(cancelled bool) *Result {
	c.facts.Collection.FinishedAt = time.Now().UTC()
	c.facts.Method.Events = append(c.facts.Method.Events, c.rec.takeEvents()...)
	c.facts.Method.Timeout = c.timeout.String()
	c.facts.Method.WaitStrategy = waitStrategy
	c.facts.Method.Options = c.e.Options()
	c.facts.Method.Options["timeout"] = c.timeout.String()
	res := &Result{Status: evidence.StatusComplete, Facts: c.facts, Files: c.files}
	switch {
	case cancelled:
		res.Status, res.Reason = evidence.StatusFailed, "the capture was cancelled before it finished"
	case c.fatal != "":
		res.Status, res.Reason = evidence.StatusFailed, c.fatal
	case len(c.problems) > 0:
		res.Status, res.Reason = evidence.StatusPartial, strings.Join(c.problems, "; ")
	}
	res.Facts.Completeness = c.judge(res)
	return res
}

// judge gives the completeness verdict on the capture res (see package completeness): what
// the page turned out to be, beside what the engine managed to record. A capture that failed
// holds no page: VerdictEmpty, with the reason it failed.
func (c *run) judge(res *Result) *evidence.Completeness {
	if res.Status == evidence.StatusFailed {
		return FailedCompleteness(res.Reason)
	}
	in := completeness.Input{
		Status:         c.facts.Network.HTTPStatus,
		FinalURL:       c.finalURL(),
		Title:          c.facts.Metadata.Title,
		Text:           c.text,
		FrameTexts:     c.frameTexts,
		Images:         c.images,
		Videos:         c.videos,
		ExpansionLimit: c.expandLimit,
		TimedOut:       c.timedOutAny,
		Partial:        res.Status == evidence.StatusPartial,
		MediaMissing:   mediaMissing(c.facts.Media, c.facts.MediaTool),
	}
	if c.site != nil {
		in.Site, in.SiteMatched = c.site.Site, c.facts.Method.Site.Matched
		in.SitePrepFailed = c.sitePrepFailed
		if st, ok, limits := c.siteJudgement(); ok {
			in.SiteState = &completeness.SiteState{Verdict: st.Verdict, Code: st.Code, Detail: st.Detail}
		} else {
			in.SiteLimits = limits
		}
	}
	if c.post != nil {
		in.CommentsStated, in.CommentsClaimed, in.CommentsCaptured = posting.CommentCount(*c.post)
	}
	v := completeness.Judge(in)
	return &v
}

// FailedCompleteness is the verdict on a capture that failed for reason: nothing of the page
// was captured.
func FailedCompleteness(reason string) *evidence.Completeness {
	return &evidence.Completeness{Verdict: evidence.VerdictEmpty,
		Reasons: []evidence.Reason{evidence.NewReason(evidence.ReasonCaptureFailed, reason)}}
}

// problem records something that makes the capture partial.
func (c *run) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.problems = append(c.problems, msg)
	c.rec.event(evidence.EventError, msg, "")
}

// timedOut records a time limit that makes the capture partial.
func (c *run) timedOut(format string, args ...any) {
	if c.parent != nil && c.parent.Err() != nil {
		// The wait ended because the capture was cancelled (Ctrl+C, Cancel), not because the
		// time limit was reached: the result says "cancelled", and no timeout is recorded
		// that did not happen.
		return
	}
	msg := fmt.Sprintf(format, args...)
	c.problems = append(c.problems, msg)
	c.timedOutAny = true
	c.rec.event(evidence.EventTimeout, msg, "")
}

// until returns a context that ends at t (or when the tab ends).
func (c *run) until(t time.Time) (context.Context, context.CancelFunc) {
	return context.WithDeadline(c.tab, t)
}

// setup starts listening on the tab (openTab prepared it) and records the browser.
func (c *run) setup() error {
	if err := chromedp.Do(c.tab); err != nil {
		return err
	}
	cc := chromedp.FromContext(c.tab)
	c.mainFrame = cdp.FrameID(cc.Target.TargetID)
	c.rec.mainFrame = c.mainFrame
	c.frames[c.mainFrame] = true

	// Subscriptions buffer from the moment they are made; the loops drain them until the tab ends.
	if err := c.listen(); err != nil {
		return err
	}

	ver := c.e.version
	c.facts.Browser = evidence.Browser{
		Product: ver.Product, Revision: ver.Revision, ProtocolVersion: ver.ProtocolVersion,
		UserAgent: c.e.userAgent, ExecPath: c.e.cfg.execPath,
		ViewportWidth: c.e.cfg.width, ViewportHeight: c.e.cfg.height, DeviceScale: c.e.cfg.scale,
	}
	return nil
}

// listen starts recording. Network and page events are taken in order on the tab's read loop
// (they only update state); the events that need a command in answer (paused requests,
// dialogs, pop-ups) are served from goroutines. Everything ends when the tab's context ends.
func (c *run) listen() error {
	tab := c.tab
	rec := c.rec
	if err := chromedp.Listen(tab, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventLoadEventFired:
			c.loadOnce.Do(func() { close(c.loadFired) })
		case *page.EventFrameAttached:
			c.framesMu.Lock()
			c.frames[ev.FrameID] = true
			c.framesMu.Unlock()
		case *page.EventWindowOpen:
			rec.event(evidence.EventPopup, "the page asked to open a new window", ev.URL)
		case *runtime.EventBindingCalled:
			if ev.Name == scrollHintBinding {
				c.hints.add(ev.Payload)
			}
		default:
			rec.handle(ev)
		}
	}); err != nil {
		return err
	}
	paused := chromedp.Events(tab, fetch.RequestPaused)
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	downloads := chromedp.BrowserEvents(tab, browser.DownloadWillBegin)
	targets := chromedp.BrowserEvents(tab, target.TargetCreated)

	bodyDeadline := c.bodyDeadline()
	drain(paused, func(ev fetch.EventRequestPaused) {
		go func() {
			defer recoverTo(rec)
			rec.handlePaused(tab, &ev, bodyDeadline)
		}()
	})
	drain(dialogs, func(ev page.EventJavascriptDialogOpening) {
		// Dismiss (cancel) every dialog, except beforeunload, which is accepted so that the
		// page cannot hold the tab open. An alert has one button; dismissing closes it.
		accept := ev.Type == page.DialogTypeBeforeunload
		_, err := chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		verb := "dismissed"
		if accept {
			verb = "accepted (the page may not hold the tab)"
		}
		detail := fmt.Sprintf("%s dialog %s: %q", ev.Type, verb, ev.Message)
		if err != nil {
			detail += " (could not be closed: " + err.Error() + ")"
		}
		rec.event(evidence.EventDialog, detail, ev.URL)
	})
	drain(downloads, func(ev browser.EventDownloadWillBegin) {
		c.framesMu.Lock()
		ours := c.frames[ev.FrameID]
		c.framesMu.Unlock()
		if ours {
			rec.event(evidence.EventDownload, fmt.Sprintf("download blocked: %q", ev.SuggestedFilename), ev.URL)
		}
	})
	tabID := chromedp.FromContext(tab).Target.TargetID
	drain(targets, func(ev target.EventTargetCreated) {
		info := ev.TargetInfo
		if info == nil || (info.OpenerID != tabID && !c.isSideTab(info.OpenerID)) || info.Type != "page" {
			return
		}
		_, err := chromedp.CallBrowser(tab, target.CloseTarget, target.CloseTargetParams{TargetID: info.TargetID})
		detail := "pop-up window closed"
		if err != nil {
			detail = "pop-up window could not be closed: " + err.Error()
		}
		rec.event(evidence.EventPopup, detail, info.URL)
	})
	return nil
}

// recoverTo turns a panic in a capture goroutine into an error event, so that it can never
// take the process (and the other captures) down.
func recoverTo(rec *recorder) {
	if r := recover(); r != nil {
		rec.event(evidence.EventError, fmt.Sprintf("internal error: %v", r), "")
	}
}

// drain ranges over an event stream on its own goroutine until it ends.
func drain[E any](seq func(func(E, error) bool), f func(E)) {
	go func() {
		defer func() { _ = recover() }()
		for ev, err := range seq {
			if err != nil {
				return
			}
			f(ev)
		}
	}()
}

// The waits of a capture (see Method.WaitStrategy, which states them to the reader of the
// facts). A wait for network quiet ends at once when nothing was requested for the window:
// on a page that has finished these cost nothing; only fixed sleeps always cost their time.
const (
	// hardStopAfter is how long past its time limit a capture's tab is closed whatever it is
	// doing; the stages themselves end at the limit (waitEnd for the page, the deadline for
	// the rest), this is the backstop for a browser that stopped answering.
	hardStopAfter = 15 * time.Second
	// loadQuiet is the network quiet awaited after the load event.
	loadQuiet = 300 * time.Millisecond
	// scrollPause is the pause between two scroll steps, for lazy loaders (IntersectionObserver
	// callbacks, loading=lazy) to start their requests; scrollPauseBusy when requests are open.
	scrollPause     = 60 * time.Millisecond
	scrollPauseBusy = 300 * time.Millisecond
	// bottomPause, at the bottom of the page, is the time given for the last lazy loaders to
	// start before the network quiet bottomQuiet is awaited and the height is read again.
	bottomPause = 100 * time.Millisecond
	bottomQuiet = 300 * time.Millisecond
)

// waitStrategy describes the waits in words for Method.WaitStrategy.
var waitStrategy = fmt.Sprintf("load event, then network quiet for %d ms (at most 5 s; requests still open then are not waited for again), then scroll to the bottom in viewport steps %d ms apart (%d ms while requests are open; at most 15 s and the page-height limit), at the bottom %d ms and network quiet for %d ms before the height is read again, then network quiet again, then back to the top; responses still arriving get 2 s more",
	loadQuiet.Milliseconds(), scrollPause.Milliseconds(), scrollPauseBusy.Milliseconds(), bottomPause.Milliseconds(), bottomQuiet.Milliseconds())

// navigate opens the URL and waits for the load event and a quiet network, within waitEnd.
func (c *run) navigate() {
	t := time.Now()
	ctx, cancel := c.until(c.waitEnd)
	defer cancel()
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: c.url})
	switch {
	case err != nil && ctx.Err() != nil:
		c.timedOut("the main document did not arrive in full within the time limit of %s", c.timeout)
		return
	case err != nil:
		c.fatal = "the browser could not open the address: " + err.Error()
		return
	case res.IsDownload:
		c.rec.event(evidence.EventDownload, "the address is a file the browser would download rather than show; its bytes are recorded as the document", c.url)
	case res.ErrorText != "":
		c.fatal = "the page could not be opened: " + res.ErrorText
		return
	}
	select {
	case <-c.loadFired:
		c.facts.Method.LoadEventFired = true
	case <-ctx.Done():
		c.timedOut("the page did not finish loading within the time limit of %s", c.timeout)
		return
	}
	t = c.lap("load: navigation to the load event", t)
	// The next capture's tab is opened while this one waits for the network to go quiet.
	c.e.refill()
	// The viewport as first seen, before any scrolling: taken at the load event, and taken
	// again once the network is quiet if anything was loaded after the first one began (what
	// arrived may have changed the view) or the page navigated again. The network quiet
	// window runs on while the first one is taken.
	vctx, vcancel := c.until(c.deadline)
	defer vcancel()
	var early []byte
	shotAt := time.Now()
	navs := c.rec.navigations()
	if navs <= 1 {
		sctx, scancel := context.WithTimeout(vctx, time.Second)
		if data, err := c.viewportPNG(sctx); err == nil {
			early = data
		}
		scancel()
	}
	c.facts.Method.NetworkQuiet = c.waitQuiet(loadQuiet, 5*time.Second)
	if !c.facts.Method.NetworkQuiet {
		c.rec.ignoreOpen()
	}
	t = c.lap("load: network quiet", t)
	data, err := early, error(nil)
	if early == nil || c.rec.activeSince(shotAt) || !c.facts.Method.NetworkQuiet || c.rec.navigations() != navs {
		data, err = c.viewportPNG(vctx)
		c.facts.Method.ViewportShot = "after the network was quiet"
	} else {
		c.facts.Method.ViewportShot = "at the load event; nothing was loaded after it until the network was quiet"
	}
	if err == nil {
		err = c.write("viewport.png", "image/png", evidence.RoleViewport, data)
		c.viewportTaken = err == nil
	}
	if err != nil {
		c.problem("viewport screenshot failed: %v", err)
	}
	c.lap("load: viewport screenshot", t)
}

// waitQuiet waits until the network has been quiet for window, for at most limit (and never
// past waitEnd). It reports whether the network went quiet, and records when it did not.
func (c *run) waitQuiet(window, limit time.Duration) bool {
	quiet, n := c.waitQuietUntil(window, time.Now().Add(limit), c.waitEnd)
	if !quiet {
		c.rec.event(evidence.EventTimeout, fmt.Sprintf("the network did not go quiet: %d request(s) still open", n), "")
	}
	return quiet
}

// waitQuietUntil waits for window of network quiet until the earlier of end and hardEnd.
func (c *run) waitQuietUntil(window time.Duration, end, hardEnd time.Time) (bool, int) {
	if end.After(hardEnd) {
		end = hardEnd
	}
	for {
		quiet, n := c.rec.quietFor(window)
		if quiet {
			return true, 0
		}
		if time.Now().After(end) || c.tab.Err() != nil {
			return false, n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eval evaluates a JavaScript expression in an isolated world of the main frame (the page's
// own scripts cannot redefine what it sees) and decodes the JSON result into out.
func (c *run) eval(ctx context.Context, expr string, out any) error {
	return c.evalIn(ctx, c.mainFrame, expr, out)
}

const scrollStepJS = `(() => {
  window.scrollBy(0, window.innerHeight);
  const se = document.scrollingElement || document.documentElement;
  const h = Math.max(se ? se.scrollHeight : 0, document.body ? document.body.scrollHeight : 0);
  return {y: Math.round(window.scrollY), vh: window.innerHeight, h: h};
})()`

const pageHeightJS = `(() => {
  const se = document.scrollingElement || document.documentElement;
  return Math.max(se ? se.scrollHeight : 0, document.body ? document.body.scrollHeight : 0);
})()`

// scroll scrolls to the bottom in viewport steps so that lazy content loads, bounded by time
// and by the page-height limit, and then back to the top. At the bottom it waits for the
// network to settle and looks again: a page that grows (endless feeds) is followed until a
// limit is reached.
func (c *run) scroll() {
	limit := time.Now().Add(15 * time.Second)
	if limit.After(c.waitEnd) {
		limit = c.waitEnd
	}
	ctx, cancel := c.until(limit)
	defer cancel()
	sleep := func(d time.Duration) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}
	c.target = c.findScrollTarget(ctx)
	c.facts.Method.ScrollTarget = c.target.desc
	need, why := c.needsScroll(ctx)
	if !need {
		c.facts.Method.ScrollReason = "not scrolled: " + why
		// Whatever started since the load quiet (a refresh, a late request) settles first,
		// as after a scroll.
		c.waitQuiet(300*time.Millisecond, 2*time.Second)
		return
	}
	c.facts.Method.ScrollReason = "scrolled: " + why
	frame, stepJS, heightJS, topJS := c.target.scrollJS()
	var st struct{ Y, VH, H int }
	for ctx.Err() == nil {
		if err := c.evalIn(ctx, frame, stepJS, &st); err != nil {
			if ctx.Err() == nil {
				c.rec.event(evidence.EventError, "scrolling stopped: "+err.Error(), "")
			}
			break
		}
		c.facts.Method.ScrollSteps++
		c.facts.Method.ScrollHeight = st.Y + st.VH
		if st.Y+st.VH >= c.e.cfg.maxPageHeight {
			c.rec.event(evidence.EventNote, fmt.Sprintf("scrolling stopped at the page-height limit of %d px", c.e.cfg.maxPageHeight), "")
			break
		}
		if st.Y == 0 && c.facts.Method.ScrollSteps == 1 && st.VH >= st.H-2 {
			// The page fits in the window: nothing moved, no scroll event fired, and nothing
			// lazy waits for one. Loading is over (the network was quiet).
			c.facts.Method.ReachedBottom = true
			return
		}
		if st.Y+st.VH >= st.H-2 {
			// At the bottom: let lazy loaders fetch, then see whether the page grew.
			sleep(bottomPause)
			c.waitQuietUntil(bottomQuiet, time.Now().Add(1500*time.Millisecond), limit)
			var h int
			if err := c.evalIn(ctx, frame, heightJS, &h); err != nil || h <= st.H {
				c.facts.Method.ReachedBottom = err == nil
				break
			}
			continue
		}
		if quiet, _ := c.rec.quietFor(0); quiet {
			sleep(scrollPause)
		} else {
			sleep(scrollPauseBusy)
		}
	}
	if !c.facts.Method.ReachedBottom && ctx.Err() != nil && c.facts.Method.ScrollSteps > 0 {
		c.rec.event(evidence.EventTimeout, "scrolling stopped at its time limit before the bottom of the page", "")
	}
	bctx, bcancel := c.until(c.deadline)
	defer bcancel()
	_ = c.evalIn(bctx, frame, topJS, nil)
	c.waitQuiet(300*time.Millisecond, 2*time.Second)
}

// freeze blocks further main-frame navigations, so that what is collected next all comes
// from one document.
func (c *run) freeze() {
	c.rec.mu.Lock()
	c.rec.frozen = true
	navs := c.rec.mainNavs
	c.rec.mu.Unlock()
	if navs > 1 {
		c.rec.event(evidence.EventNote, fmt.Sprintf("the page navigated %d times in its main frame (redirects, refreshes or scripts)", navs), "")
	}
	c.rec.mu.Lock()
	held := c.rec.held
	c.rec.mu.Unlock()
	if held {
		c.problems = append(c.problems, fmt.Sprintf("the page kept navigating (a refresh or script loop); it was held after %d navigations and captured there", maxMainNavigations))
	}
}

// collect takes the screenshots, DOM, MHTML, text and the facts, each bounded by the deadline.
func (c *run) collect() {
	ctx, cancel := c.until(c.deadline)
	defer cancel()
	step := func(name string, f func() error) {
		defer c.lap("collect: "+name, time.Now())
		if ctx.Err() != nil {
			c.timedOut("%s not taken: the time limit of %s was reached", name, c.timeout)
			return
		}
		if err := f(); err != nil {
			if ctx.Err() != nil {
				c.timedOut("%s not taken: the time limit of %s was reached", name, c.timeout)
				return
			}
			c.problem("%s failed: %v", name, err)
		}
	}
	if !c.viewportTaken {
		step("viewport screenshot", func() error { return c.writeViewport(ctx) })
	}
	var domHTML string
	step("rendered DOM", func() error {
		var err error
		domHTML, err = c.outerHTML(ctx)
		if err != nil {
			return err
		}
		data := []byte(domHTML)
		// The serialisation is UTF-8 but keeps the page's own charset declaration; a byte
		// order mark makes every browser read it as UTF-8.
		if cs := c.documentCharset(ctx); cs != "" && !strings.EqualFold(cs, "utf-8") {
			data = append([]byte("\ufeff"), data...)
			c.domNote = "dom.html of this " + cs + " page is UTF-8 and starts with a UTF-8 byte order mark, so that its own charset declaration is not applied to it."
		}
		return c.write("dom.html", "text/html; charset=utf-8", evidence.RoleDOM, data)
	})
	step("MHTML snapshot", func() error {
		res, err := chromedp.Call(ctx, page.CaptureSnapshot, page.CaptureSnapshotParams{Format: page.CaptureSnapshotFormatMhtml})
		if err != nil {
			return err
		}
		return c.write("page.mhtml", "multipart/related", evidence.RoleMHTML, []byte(res.Data))
	})
	step("visible text", func() error {
		var text string
		if err := c.eval(ctx, `document.body ? document.body.innerText : (document.documentElement ? document.documentElement.textContent : "")`, &text); err != nil {
			return err
		}
		c.text, c.textTaken = text, true
		return nil
	})
	// For the verdict: the content images and videos (a notice beside real pictures is not
	// all the page holds; icons and tracking pixels under 100×100 do not count), and the
	// visible text of the frames the page can reach (a Naver blog posting lives in
	// iframe#mainFrame: without it the outer page looks empty, and a deletion notice in it
	// would go unseen).
	t := time.Now()
	var seen struct {
		Images, Videos int
		Frames         []string
	}
	if err := c.eval(ctx, pageContentJS, &seen); err == nil {
		c.images, c.videos = seen.Images, seen.Videos
	}
	var loc string
	if err := c.eval(ctx, `location.href`, &loc); err == nil && (strings.HasPrefix(loc, "http:") || strings.HasPrefix(loc, "https:")) {
		c.facts.FinalURL = loc
	}
	if domHTML != "" {
		c.docs = append(c.docs, pageDoc{url: c.finalURL(), page: 1, html: domHTML})
	}
	c.facts.Metadata = pagemeta.Extract(domHTML, c.finalURL())
	t = c.lap("collect: content counts and metadata", t)
	// Every frame's document, text and metadata (a blog post inside iframe#mainFrame is the
	// posting: its title, author and time win over the outer page's).
	var mainFrame *frameDoc
	if ctx.Err() == nil {
		_, mainFrame = c.readFrames(ctx)
	}
	if mainFrame != nil && mainFrame.read.HTML != "" {
		c.facts.Metadata = mergeFrameMetadata(c.facts.Metadata, pagemeta.Extract(mainFrame.read.HTML, mainFrame.rec.URL), mainFrame.rec)
	}
	t = c.lap("collect: frames", t)
	// The screenshot comes last: to show a frame's or a scrolling element's whole content,
	// growLayout changes the layout, which the DOM, MHTML and text must not hold.
	if ctx.Err() == nil {
		if c.target.kind == "" { // the scroll did not run (no time was left for it)
			c.target = c.findScrollTarget(ctx)
		}
		c.growLayout(ctx, c.target)
	}
	c.lap("collect: layout for the screenshot", t)
	step("full-page screenshot", func() error { return c.fullShot(ctx) })
	if strings.HasPrefix(c.finalURL(), "https:") {
		t := time.Now()
		c.chain = c.certChain(ctx, c.finalURL())
		c.lap("collect: certificate chain", t)
	}
}

// pageContentJS counts the images of at least 100×100 pixels (as drawn and as loaded) and the
// video elements of the main document and of the frames it can reach (same-origin, drawn at
// least 100×50, three levels deep), and returns those frames' visible text: at most 16
// frames, 500,000 characters each. Frames of other origins are out of its reach.
const pageContentJS = `(() => {
	const out = {Images: 0, Videos: 0, Frames: []};
	const walk = (doc, depth) => {
		for (const img of doc.images) {
			const r = img.getBoundingClientRect();
			if (img.naturalWidth >= 100 && img.naturalHeight >= 100 && r.width >= 100 && r.height >= 100) out.Images++;
		}
		out.Videos += doc.querySelectorAll("video").length;
		if (depth >= 3) return;
		for (const f of doc.querySelectorAll("iframe, frame")) {
			if (out.Frames.length >= 16) return;
			let d = null;
			try { d = f.contentDocument; } catch (e) { d = null; }
			const r = f.getBoundingClientRect();
			if (!d || !d.body || r.width < 100 || r.height < 50) continue;
			out.Frames.push(String(d.body.innerText || "").slice(0, 500000));
			walk(d, depth + 1);
		}
	};
	walk(document, 0);
	return out;
})()`

// documentCharset returns the character set the browser decoded the document with.
func (c *run) documentCharset(ctx context.Context) string {
	var cs string
	if err := c.eval(ctx, `document.characterSet`, &cs); err != nil {
		return ""
	}
	return cs
}

func (c *run) finalURL() string {
	if c.facts.FinalURL != "" {
		return c.facts.FinalURL
	}
	return c.url
}

func (c *run) write(name, mediaType, role string, data []byte) error {
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return fmt.Errorf("capture: write %s: %w", name, err)
	}
	c.files = append(c.files, File{Name: name, Path: p, MediaType: mediaType, Role: role})
	return nil
}

// viewportPNG screenshots the window.
func (c *run) viewportPNG(ctx context.Context) ([]byte, error) {
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, OptimizeForSpeed: new(true)})
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

// fullShot captures the whole page: in one image when it is at most MaxSingleShot px tall,
// otherwise in ordered tiles of TileHeight px.
func (c *run) fullShot(ctx context.Context) error {
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return err
	}
	width := float64(c.e.cfg.width)
	height := float64(c.e.cfg.height)
	if m.CSSContentSize != nil {
		width = max(width, min(m.CSSContentSize.Width, 4*width))
		height = m.CSSContentSize.Height
	}
	if height < 1 {
		height = float64(c.e.cfg.height)
	}
	full := int(height)
	if full > c.e.cfg.maxPageHeight {
		c.rec.event(evidence.EventNote, fmt.Sprintf("the page is %d px tall; the screenshot stops at the limit of %d px", full, c.e.cfg.maxPageHeight), "")
		height = float64(c.e.cfg.maxPageHeight)
	}
	c.facts.Method.PageHeight = full
	// A page that fits in one image, no wider than the window, is screenshotted with the
	// window made as tall as the page (and set back after): the same pixels as a capture
	// beyond the viewport, in about two thirds of the time. A browser also paints a frame only
	// where the window shows it, so frames of other origins below the window are painted.
	tall := height <= MaxSingleShot && width <= float64(c.e.cfg.width) && height > float64(c.e.cfg.height)
	cross := c.crossFrames()
	if cross && !tall && height > float64(c.e.cfg.height) {
		tall = true // at most one image tall: the rest is tiled beyond the viewport
	}
	if tall {
		wh := int64(math.Ceil(min(height, MaxSingleShot)))
		if restore, err := c.tallWindow(ctx, wh); err == nil {
			defer restore()
			if cross {
				c.waitQuietUntil(200*time.Millisecond, time.Now().Add(time.Second), c.deadline.Add(-time.Second))
				note := fmt.Sprintf("the page has frames of other origins, which a browser paints only where the window shows them: for the full-page screenshot the window was made %d px tall", wh)
				if c.facts.Method.Layout != "" {
					note = c.facts.Method.Layout + "; " + note
				}
				c.facts.Method.Layout = note
			}
		} else {
			tall = false
		}
	}
	shot := func(y, h float64) ([]byte, error) {
		if tall && y == 0 && height <= MaxSingleShot {
			res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
				Format:           page.CaptureScreenshotFormatPng,
				OptimizeForSpeed: new(true),
				Clip:             &page.Viewport{X: 0, Y: 0, Width: width, Height: h, Scale: 1},
			})
			return res.Data, err
		}
		res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			OptimizeForSpeed:      new(true), // lossless all the same: a faster PNG compression
			CaptureBeyondViewport: new(true),
			Clip:                  &page.Viewport{X: 0, Y: y, Width: width, Height: h, Scale: 1},
		})
		return res.Data, err
	}
	if height <= MaxSingleShot {
		c.facts.Method.ScreenshotMode = "single"
		if tall {
			c.facts.Method.ScreenshotMode = "single, the window made as tall as the page"
		}
		data, err := shot(0, height)
		if err != nil {
			return err
		}
		return c.write("screenshot.png", "image/png", evidence.RoleScreenshot, data)
	}
	c.facts.Method.ScreenshotMode = "tiles"
	for i, y := 0, 0.0; y < height; i, y = i+1, y+TileHeight {
		h := min(float64(TileHeight), height-y)
		data, err := shot(y, h)
		if err != nil {
			return fmt.Errorf("tile %d: %w", i+1, err)
		}
		name := fmt.Sprintf("screenshot-%02d.png", i+1)
		if err := c.write(name, "image/png", evidence.RoleTile, data); err != nil {
			return err
		}
		c.facts.Method.Tiles = append(c.facts.Method.Tiles, evidence.Tile{Name: name, Y: int(y), Height: int(h)})
	}
	return nil
}

// tallWindow makes the window h px tall (the width and scale as configured), for a
// screenshot that must show more than the window does; restore sets it back.
func (c *run) tallWindow(ctx context.Context, h int64) (restore func(), err error) {
	size := func(h int64) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(c.e.cfg.width), Height: h, DeviceScaleFactor: c.e.cfg.scale})
		return err
	}
	if err := size(h); err != nil {
		return nil, err
	}
	return func() { _ = size(int64(c.e.cfg.height)) }, nil
}

// outerHTML serialises the document through DevTools (not through page script).
func (c *run) outerHTML(ctx context.Context) (string, error) {
	doc, err := chromedp.Call(ctx, dom.GetDocument, dom.GetDocumentParams{Depth: new(int64(0))})
	if err != nil {
		return "", err
	}
	res, err := chromedp.Call(ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{NodeID: doc.Root.NodeID})
	if err != nil {
		return "", err
	}
	return res.OuterHTML, nil
}

// bodyGrace is how long, once the page is recorded, the responses still arriving are given to
// finish. A long-poll or a slow download would otherwise hold every capture to its time limit.
const bodyGrace = 2 * time.Second

// waitBodies stops new body reads and waits for those under way, for bodyGrace but never
// past the deadline (and always for a moment).
func (c *run) waitBodies() {
	end := time.Now().Add(bodyGrace)
	if end.After(c.deadline) {
		end = c.deadline
	}
	if min := time.Now().Add(200 * time.Millisecond); end.Before(min) {
		end = min
	}
	if n := c.rec.closeBodies(end); n > 0 {
		c.rec.event(evidence.EventTimeout, fmt.Sprintf("%d response(s) were still arriving at the time limit; their bodies are not recorded", n), "")
	}
}

// archive writes the WARC, the document as served, and the network facts.
func (c *run) archive() {
	exchanges := c.rec.snapshot()
	c.networkFacts(exchanges)

	f, err := os.Create(filepath.Join(c.dir, "network.warc.gz"))
	if err != nil {
		c.problem("WARC not written: %v", err)
		return
	}
	defer f.Close()
	ww, err := archive.NewWARCWriter(f, "network.warc.gz", archive.WARCInfo{
		Software:    "Evidentia (" + c.e.version.Product + ")",
		Description: "Every HTTP exchange made while capturing " + c.url,
		Extra:       []archive.Header{{Name: "isPartOf", Value: c.url}, {Name: "http-header-user-agent", Value: c.e.userAgent}},
	})
	if err == nil {
		for _, ex := range exchanges {
			if err = ww.WriteExchange(ex.toArchive()); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		c.problem("WARC not written: %v", err)
		return
	}
	c.files = append(c.files, File{Name: "network.warc.gz", Path: f.Name(), MediaType: "application/warc", Role: evidence.RoleWARC})
	c.recordReconstruction(exchanges)
}

// mainExchange returns the exchange of the document shown: the last main-frame document
// response that was not a redirect.
func (c *run) mainExchange(all []*exchange) (*exchange, []*exchange) {
	var main *exchange
	for _, ex := range all {
		if ex.frameID == c.mainFrame && ex.resourceType == network.ResourceTypeDocument && !ex.redirected && ex.response != nil {
			main = ex
		}
	}
	if main == nil {
		for _, ex := range all { // a download or a failed navigation: the last main-frame document
			if ex.frameID == c.mainFrame && ex.resourceType == network.ResourceTypeDocument {
				main = ex
			}
		}
	}
	if main == nil {
		return nil, nil
	}
	// The chain: every earlier main-frame document hop, HTTP redirects and client-side
	// navigations (meta refresh, script) alike.
	var hops []*exchange
	for _, ex := range all {
		if ex == main {
			break
		}
		if ex.frameID == c.mainFrame && ex.resourceType == network.ResourceTypeDocument && ex.response != nil {
			hops = append(hops, ex)
		}
	}
	return main, hops
}

func (c *run) networkFacts(all []*exchange) {
	n := &c.facts.Network
	for _, ex := range all {
		if ex.redirected {
			continue
		}
		n.Resources++
		if ex.failed != "" {
			n.FailedResources++
		}
	}
	main, hops := c.mainExchange(all)
	for i, h := range hops {
		hop := evidence.RedirectHop{URL: h.url, Location: h.location,
			Status: int(h.response.Status), StatusText: h.response.StatusText, RemoteIP: h.response.RemoteIPAddress}
		if !h.redirected {
			next := main.url
			if i+1 < len(hops) {
				next = hops[i+1].url
			}
			hop.Location = next
			hop.StatusText = "client-side navigation (meta refresh or script)"
		}
		c.facts.Redirects = append(c.facts.Redirects, hop)
	}
	if main == nil {
		return
	}
	if c.facts.FinalURL == "" {
		c.facts.FinalURL = main.url
	}
	if r := main.response; r != nil {
		n.HTTPStatus, n.StatusText = int(r.Status), r.StatusText
		n.MIMEType, n.Charset = r.MimeType, r.Charset
		n.RemoteIP, n.RemotePort, n.Protocol = strings.Trim(r.RemoteIPAddress, "[]"), int(r.RemotePort), r.Protocol
		n.RawHeadersRecorded = main.rawHead != ""
		for _, h := range main.toArchive().HeaderLines() {
			n.ResponseHeaders = append(n.ResponseHeaders, evidence.Header{Name: h.Name, Value: h.Value})
		}
		if sd := r.SecurityDetails; sd != nil {
			n.TLS = &evidence.TLS{
				Protocol: sd.Protocol, Cipher: sd.Cipher, KeyExchange: strings.TrimSpace(sd.KeyExchange + " " + sd.KeyExchangeGroup),
				Subject: sd.SubjectName, Issuer: sd.Issuer, SANs: sd.SanList,
				ValidFrom: time.Unix(int64(sd.ValidFrom), 0).UTC(), ValidTo: time.Unix(int64(sd.ValidTo), 0).UTC(),
			}
			n.TLS.ChainPEM = c.chain
			// The browser reports only the common names; the certificate has the full names.
			if leaf := parseLeaf(c.chain); leaf != nil && sameCertificate(leaf, sd) {
				n.TLS.Subject, n.TLS.Issuer = leaf.Subject.String(), leaf.Issuer.String()
			}
		}
	}
	if main.bodyOK {
		name, mt := documentName(main)
		if strings.HasPrefix(mt, "application/pdf") {
			c.rec.event(evidence.EventNote, "the address is a PDF file: it is recorded byte for byte as "+name+"; the screenshots show the browser's PDF viewer, which a headless browser may leave blank", main.url)
		}
		if err := c.write(name, mt, evidence.RoleDocument, main.body); err != nil {
			c.problem("document not written: %v", err)
		}
	} else if main.response != nil {
		note := main.bodyNote
		if note == "" {
			note = "body not recorded"
		}
		c.problem("the document as served was not recorded (%s)", note)
	}
}

func (c *run) certChain(ctx context.Context, u string) []string {
	pu, err := url.Parse(u)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCertificate, network.GetCertificateParams{Origin: pu.Scheme + "://" + pu.Host})
	if err != nil {
		c.rec.event(evidence.EventError, "certificate chain not available: "+err.Error(), u)
		return nil
	}
	var out []string
	for _, b64 := range res.TableNames {
		der, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			continue
		}
		out = append(out, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	}
	return out
}

func parseLeaf(chain []string) *x509.Certificate {
	if len(chain) == 0 {
		return nil
	}
	blk, _ := pem.Decode([]byte(chain[0]))
	if blk == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil
	}
	return cert
}

// sameCertificate checks that the leaf certificate fetched for the origin is the one the main
// document's connection used, by its validity window (the browser does not report the key).
func sameCertificate(leaf *x509.Certificate, sd *network.SecurityDetails) bool {
	return leaf.NotAfter.Unix() == int64(sd.ValidTo) && leaf.NotBefore.Unix() == int64(sd.ValidFrom)
}

// documentName picks the artifact name and media type of the document as served.
func documentName(ex *exchange) (string, string) {
	mt := ""
	if ex.response != nil {
		mt = ex.response.MimeType
		if ct, ok := headerValue(ex.response.Headers, "content-type"); ok {
			mt = ct
		}
	}
	base, _, _ := mime.ParseMediaType(mt)
	ext := map[string]string{
		"text/html": ".html", "application/xhtml+xml": ".xhtml", "application/pdf": ".pdf",
		"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
		"image/svg+xml": ".svg", "image/avif": ".avif", "application/json": ".json", "text/plain": ".txt",
		"application/xml": ".xml", "text/xml": ".xml", "video/mp4": ".mp4",
	}[base]
	if ext == "" {
		ext = ".bin"
	}
	if mt == "" {
		mt = "application/octet-stream"
	}
	return "document" + ext, mt
}

// recordReconstruction says what in the record was rebuilt rather than recorded.
func (c *run) recordReconstruction(all []*exchange) {
	var h2, noRaw, noBody int
	for _, ex := range all {
		if ex.response == nil || ex.redirected {
			continue
		}
		if p := ex.response.Protocol; p != "" && !strings.HasPrefix(p, "http/1") {
			h2++
		}
		if ex.rawHead == "" {
			noRaw++
		}
		if !ex.bodyOK {
			noBody++
		}
	}
	r := []string{
		"Response bodies are the bytes the browser received, after it removed any Content-Encoding (gzip, br); in the WARC the original Content-Encoding, Transfer-Encoding and Content-Length headers are kept as X-Archive-Orig-* headers and Content-Length is that of the body held.",
		"Request headers are those the browser reported sending (DevTools requestWillBeSentExtraInfo) where available, else those the page requested.",
		"Bodies of redirect responses are not available through the DevTools protocol and are not recorded.",
		"dom.html is the document as the browser serialised it after scripts ran; the document as served is the document.* artifact.",
	}
	if c.domNote != "" {
		r = append(r, c.domNote)
	}
	if h2 > 0 {
		r = append(r, fmt.Sprintf("%d response(s) came over HTTP/2 or HTTP/3; their status lines and headers are rebuilt in HTTP/1.1 form from the browser's parsed view.", h2))
	}
	if noRaw > 0 {
		r = append(r, fmt.Sprintf("%d response(s) have no raw header text from the browser; their headers are rebuilt from its parsed view.", noRaw))
	}
	if noBody > 0 {
		r = append(r, fmt.Sprintf("%d response(s) have no recorded body (see WARC-Truncated).", noBody))
	}
	c.facts.Method.Reconstructed = r
}

// writeViewport takes the viewport screenshot now and writes it.
func (c *run) writeViewport(ctx context.Context) error {
	data, err := c.viewportPNG(ctx)
	if err != nil {
		return err
	}
	if err := c.write("viewport.png", "image/png", evidence.RoleViewport, data); err != nil {
		return err
	}
	c.viewportTaken = true
	return nil
}
