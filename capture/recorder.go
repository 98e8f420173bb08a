package capture

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"evidentia/archive"
	"evidentia/evidence"
	"evidentia/textsafe"
)

// exchange is what the recorder learns about one request (one hop of a redirect chain).
type exchange struct {
	seq          int
	requestID    network.RequestID
	url          string
	method       string
	resourceType network.ResourceType
	frameID      cdp.FrameID
	reqHeaders   network.Headers
	reqExtra     network.Headers
	postData     []byte
	wallTime     time.Time

	response     *network.Response
	rawHead      string
	respExtra    network.Headers
	respTime     time.Time
	failed       string
	redirected   bool // a later hop reused the request id
	body         []byte
	bodyOK       bool
	bodyNote     string
	location     string
	hasRespExtra bool
	fromPaused   bool // the response is known only from Fetch's response stage
}

// recorder collects the network traffic of one tab. Its handle* methods are called from the
// event goroutines; everything else after the page is done.
type recorder struct {
	mu       sync.Mutex
	seq      int
	byID     map[network.RequestID]*exchange // the current hop of each request id
	all      []*exchange
	inflight map[network.RequestID]bool
	// paused keeps the status and headers seen at Fetch's response stage, for a response
	// whose body never finished (the page then never saw it, so Network has no response).
	paused map[network.RequestID]*network.Response
	// lastPageEvent is the time of the last network event, the browser's own favicon fetches
	// aside (they change nothing on the page, and the browser starts them late when it is
	// busy, which restarted the quiet window); icons lists their request ids.
	lastPageEvent time.Time
	icons         map[network.RequestID]bool
	bodies        map[network.RequestID]body
	pending       int           // body reads under way
	idle          chan struct{} // closed and replaced when pending drops to 0
	closing       bool          // no new body reads are started
	events        []evidence.Event
	dialogs       int
	frozen        bool
	held          bool // navigations were blocked because the page kept navigating
	// Extra-info events that arrived before the hop they belong to, by request id.
	earlyReqExtra  map[network.RequestID][]network.Headers
	earlyRespExtra map[network.RequestID][]*network.EventResponseReceivedExtraInfo
	finishedEarly  map[network.RequestID]struct{}
	mainFrame      cdp.FrameID
	mainNavs       int
	maxBody        int64
	// sideFrame is the main frame of the tab other comment pages are opened in
	// (followNavPages), "" for none; once its page has loaded (sideFrozen), the navigations
	// it starts itself are blocked, as the main frame's are once it is frozen.
	sideFrame  cdp.FrameID
	sideFrozen bool
}

type body struct {
	data []byte
	ok   bool
	note string
}

func newRecorder(maxBody int64) *recorder {
	return &recorder{
		byID:           map[network.RequestID]*exchange{},
		inflight:       map[network.RequestID]bool{},
		paused:         map[network.RequestID]*network.Response{},
		bodies:         map[network.RequestID]body{},
		idle:           make(chan struct{}),
		lastPageEvent:  time.Now(),
		icons:          map[network.RequestID]bool{},
		earlyReqExtra:  map[network.RequestID][]network.Headers{},
		earlyRespExtra: map[network.RequestID][]*network.EventResponseReceivedExtraInfo{},
		finishedEarly:  map[network.RequestID]struct{}{},
		maxBody:        maxBody,
	}
}

// maxMainNavigations bounds the main-frame navigations (meta refreshes, script redirects)
// followed before the page is held where it is.
const maxMainNavigations = 10

// blockedNavigation is how a blocked navigation is failed: as aborted, which leaves the
// document as it was. Failed as blocked by the client, Chrome commits its error page ("This
// page has been blocked by Chromium", ERR_BLOCKED_BY_CLIENT) in the frame's place, and that
// page would then be recorded as the page.
const blockedNavigation = network.ErrorReasonAborted

// maxDialogEvents bounds the dialogs logged one by one (a page may open them in a loop).
const maxDialogEvents = 50

func (r *recorder) event(kind, detail, url string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if kind == evidence.EventDialog {
		r.dialogs++
		if r.dialogs > maxDialogEvents {
			return
		}
	}
	r.events = append(r.events, evidence.Event{At: time.Now().UTC(), Kind: kind, Detail: detail, URL: url})
}

// handle takes the network and page events in the order the browser sent them. It runs on
// the tab's read loop (chromedp.Listen): it only records, under the lock, and sends no command.
func (r *recorder) handle(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.handleRequest(ev)
	case *network.EventRequestWillBeSentExtraInfo:
		r.handleRequestExtra(ev)
	case *network.EventResponseReceived:
		r.handleResponse(ev)
	case *network.EventResponseReceivedExtraInfo:
		r.handleResponseExtra(ev)
	case *network.EventLoadingFinished:
		r.handleFinished(ev.RequestID, "")
	case *network.EventLoadingFailed:
		reason := ev.ErrorText
		if ev.Canceled {
			reason = "cancelled: " + reason
		}
		if ev.BlockedReason != "" {
			reason += " (" + string(ev.BlockedReason) + ")"
		}
		r.handleFinished(ev.RequestID, reason)
	}
}

func (r *recorder) handleRequest(ev *network.EventRequestWillBeSent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if isBrowserIcon(ev) {
		r.icons[ev.RequestID] = true
	}
	r.touch(ev.RequestID)
	if prev, ok := r.byID[ev.RequestID]; ok && ev.RedirectResponse != nil {
		prev.response = ev.RedirectResponse
		prev.redirected = true
		prev.respTime = time.Now()
		if loc, ok := headerValue(ev.RedirectResponse.Headers, "location"); ok {
			prev.location = loc
		}
	}
	r.seq++
	ex := &exchange{
		seq:          r.seq,
		requestID:    ev.RequestID,
		url:          ev.Request.URL + ev.Request.URLFragment,
		method:       ev.Request.Method,
		resourceType: ev.Type,
		frameID:      ev.FrameID,
		reqHeaders:   ev.Request.Headers,
		wallTime:     time.Unix(0, int64(float64(ev.WallTime)*float64(time.Second))).UTC(),
	}
	if ev.WallTime == 0 {
		ex.wallTime = time.Now().UTC()
	}
	for _, e := range ev.Request.PostDataEntries {
		ex.postData = append(ex.postData, e.Bytes...)
	}
	if q := r.earlyReqExtra[ev.RequestID]; len(q) > 0 {
		ex.reqExtra, r.earlyReqExtra[ev.RequestID] = q[0], q[1:]
	}
	if q := r.earlyRespExtra[ev.RequestID]; len(q) > 0 {
		ex.setRespExtra(q[0])
		r.earlyRespExtra[ev.RequestID] = q[1:]
	}
	r.byID[ev.RequestID] = ex
	r.all = append(r.all, ex)
	// Only network traffic counts towards "the network is busy": the browser's own requests
	// (the PDF viewer's chrome-extension: stream, data: and blob: URLs) may never finish.
	_, done := r.finishedEarly[ev.RequestID]
	if !done && (strings.HasPrefix(ex.url, "http:") || strings.HasPrefix(ex.url, "https:")) {
		r.inflight[ev.RequestID] = true
	}
}

func (ex *exchange) setRespExtra(ev *network.EventResponseReceivedExtraInfo) {
	ex.rawHead = ev.HeadersText
	ex.respExtra = ev.Headers
	ex.hasRespExtra = true
}

func (r *recorder) handleRequestExtra(ev *network.EventRequestWillBeSentExtraInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ex, ok := r.byID[ev.RequestID]; ok && ex.reqExtra == nil && ex.response == nil {
		ex.reqExtra = ev.Headers
		return
	}
	// It came before its requestWillBeSent (the browser sends them on different paths).
	r.earlyReqExtra[ev.RequestID] = append(r.earlyReqExtra[ev.RequestID], ev.Headers)
}

func (r *recorder) handleResponse(ev *network.EventResponseReceived) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touch(ev.RequestID)
	if ex, ok := r.byID[ev.RequestID]; ok {
		ex.response = ev.Response
		ex.respTime = time.Now().UTC()
	}
}

func (r *recorder) handleResponseExtra(ev *network.EventResponseReceivedExtraInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// It may come before or after responseReceived and, for a redirect, before or after the
	// next hop's requestWillBeSent: give it to the newest hop of this request that has none
	// yet and whose status (if known) matches; otherwise keep it for the next hop.
	var target *exchange
	for i := len(r.all) - 1; i >= 0; i-- {
		ex := r.all[i]
		if ex.requestID != ev.RequestID || ex.hasRespExtra {
			continue
		}
		if ex.response != nil && ex.response.Status == ev.StatusCode {
			target = ex
			break
		}
		if ex.response == nil && target == nil {
			target = ex
		}
	}
	if target == nil {
		r.earlyRespExtra[ev.RequestID] = append(r.earlyRespExtra[ev.RequestID], ev)
		return
	}
	target.setRespExtra(ev)
}

func (r *recorder) handleFinished(id network.RequestID, failure string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touch(id)
	delete(r.inflight, id)
	if ex, ok := r.byID[id]; ok {
		ex.failed = failure
		return
	}
	r.finishedEarly[id] = struct{}{}
}

// setSide names the side tab's main frame ("" when it is closed) and whether its own
// navigations are blocked.
func (r *recorder) setSide(frame cdp.FrameID, frozen bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sideFrame, r.sideFrozen = frame, frozen
}

// abandon ends the requests ids that are still open, failed with why: their tab was closed,
// so no answer will come and the network is no longer busy with them.
func (r *recorder) abandon(ids []network.RequestID, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if !r.inflight[id] {
			continue
		}
		delete(r.inflight, id)
		if ex, ok := r.byID[id]; ok && ex.failed == "" {
			ex.failed = why
		}
	}
}

func (r *recorder) hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held = true
}

// ignoreOpen stops counting the requests open now when judging whether the network is quiet:
// it is called once they have kept the network busy past the first wait (long-polls,
// beacons), so that later waits look only at what the page does next.
func (r *recorder) ignoreOpen() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.inflight)
}

// navigations is the number of main-frame navigations so far.
func (r *recorder) navigations() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mainNavs
}

// touch records network activity of request id; r.mu is held.
func (r *recorder) touch(id network.RequestID) {
	if !r.icons[id] {
		r.lastPageEvent = time.Now()
	}
}

// isBrowserIcon reports whether ev is the browser's own fetch of the site's icon (no page
// script or markup asked for it, and it changes nothing on the page).
func isBrowserIcon(ev *network.EventRequestWillBeSent) bool {
	if ev.Type != network.ResourceTypeOther || ev.Initiator == nil || ev.Initiator.Type != network.InitiatorTypeOther {
		return false
	}
	u, err := url.Parse(ev.Request.URL)
	return err == nil && u.Path == "/favicon.ico"
}

// activeSince reports whether a request of the page (the browser's icon fetch aside) was open
// at t or any of its network events came after t.
func (r *recorder) activeSince(t time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.inflight {
		if !r.icons[id] {
			return true
		}
	}
	return r.lastPageEvent.After(t)
}

// quietFor reports whether no request of the page is in flight and none of its network
// events came for d, and how many of its requests are open. The browser's own favicon fetch
// is not the page's: it is recorded, but never waited for.
func (r *recorder) quietFor(d time.Duration) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	open := 0
	for id := range r.inflight {
		if !r.icons[id] {
			open++
		}
	}
	return open == 0 && time.Since(r.lastPageEvent) >= d, open
}

// beginBody registers a body read; it returns false once the recorder is closing.
func (r *recorder) beginBody() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing {
		return false
	}
	r.pending++
	return true
}

func (r *recorder) endBody() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	if r.pending == 0 {
		close(r.idle)
		r.idle = make(chan struct{})
	}
}

// closeBodies stops new body reads and waits until the reads under way end or until
// deadline. It returns how many were still under way.
func (r *recorder) closeBodies(deadline time.Time) int {
	r.mu.Lock()
	r.closing = true
	for r.pending > 0 {
		idle := r.idle
		r.mu.Unlock()
		select {
		case <-idle:
		case <-time.After(time.Until(deadline)):
			r.mu.Lock()
			n := r.pending
			r.mu.Unlock()
			return n
		}
		r.mu.Lock()
	}
	r.mu.Unlock()
	return 0
}

// handlePaused answers a Fetch.requestPaused event. It runs on its own goroutine: it may send
// commands. At the response stage it reads the body as the browser received it (before any
// character decoding) and lets the response through. At the request stage (main-frame
// documents only) it blocks navigations once the page is frozen for collection.
func (r *recorder) handlePaused(ctx context.Context, ev *fetch.EventRequestPaused, bodyDeadline time.Time) {
	cont := func() {
		_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
	isResponse := ev.ResponseStatusCode != 0 || ev.ResponseErrorReason != ""
	if !isResponse {
		r.mu.Lock()
		main := ev.FrameID == r.mainFrame && ev.ResourceType == network.ResourceTypeDocument
		newNav := main && ev.RedirectedRequestID == ""
		loop := newNav && r.mainNavs >= maxMainNavigations
		block := newNav && (r.frozen || loop)
		if newNav && !block {
			r.mainNavs++
		}
		sideBlock := r.sideFrame != "" && r.sideFrozen && ev.FrameID == r.sideFrame &&
			ev.ResourceType == network.ResourceTypeDocument && ev.RedirectedRequestID == ""
		r.mu.Unlock()
		if sideBlock {
			r.event(evidence.EventNavigation, "a comment page opened in its own tab tried to navigate away once it had loaded; the navigation was blocked", textsafe.Cap(ev.Request.URL, 2000))
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: blockedNavigation})
			return
		}
		if block {
			why := "the page tried to navigate away while it was being recorded; the navigation was blocked"
			if loop {
				r.hold()
				why = fmt.Sprintf("the page kept navigating (%d times: a refresh or script loop); further navigations were blocked", maxMainNavigations)
			}
			r.event(evidence.EventNavigation, why, ev.Request.URL)
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: blockedNavigation})
			return
		}
		cont()
		return
	}
	if ev.ResponseErrorReason != "" || (ev.ResponseStatusCode >= 300 && ev.ResponseStatusCode < 400 && ev.ResponseStatusCode != 304) {
		cont()
		return
	}
	// Streams (server-sent events, media) never end: reading them whole would starve the page.
	ctype := strings.ToLower(fetchHeader(ev.ResponseHeaders, "content-type"))
	if ev.ResourceType == network.ResourceTypeEventSource || ev.ResourceType == network.ResourceTypeMedia ||
		strings.HasPrefix(ctype, "text/event-stream") {
		r.storeBody(ev.NetworkID, body{note: "body not recorded: a stream (" + string(ev.ResourceType) + ")"})
		cont()
		return
	}
	if n := contentLength(ev.ResponseHeaders); n > r.maxBody {
		r.storeBody(ev.NetworkID, body{note: fmt.Sprintf("body not recorded: %d bytes is more than the limit of %d", n, r.maxBody)})
		cont()
		return
	}
	hdr := network.Headers{}
	for _, h := range ev.ResponseHeaders {
		if old, ok := hdr[h.Name]; ok {
			hdr[h.Name] = fmt.Sprint(old) + "\n" + h.Value
		} else {
			hdr[h.Name] = h.Value
		}
	}
	r.setPaused(ev.NetworkID, &network.Response{URL: ev.Request.URL, Status: ev.ResponseStatusCode, StatusText: ev.ResponseStatusText, Headers: hdr})
	if !r.beginBody() {
		r.storeBody(ev.NetworkID, body{note: "body not recorded: the response came after the recording ended"})
		cont()
		return
	}
	defer r.endBody()
	bctx, cancel := context.WithDeadline(ctx, bodyDeadline)
	res, err := chromedp.Call(bctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID})
	cancel()
	switch {
	case err != nil && bctx.Err() != nil:
		r.storeBody(ev.NetworkID, body{note: "body not recorded: the response did not finish within the time limit"})
	case err != nil:
		r.storeBody(ev.NetworkID, body{note: "body not recorded: " + err.Error()})
	case int64(len(res.Body)) > r.maxBody:
		r.storeBody(ev.NetworkID, body{note: fmt.Sprintf("body not recorded: %d bytes is more than the limit of %d", len(res.Body), r.maxBody)})
	default:
		r.storeBody(ev.NetworkID, body{data: res.Body, ok: true})
	}
	cont()
}

func (r *recorder) setPaused(id network.RequestID, resp *network.Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paused[id] = resp
}

func (r *recorder) storeBody(id network.RequestID, b body) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies[id] = b
}

// snapshot returns copies of the exchanges, in request order, with their bodies attached.
// The copies are the caller's: later events do not change them.
func (r *recorder) snapshot() []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*exchange, len(r.all))
	for i, ex := range r.all {
		cp := *ex
		out[i] = &cp
	}
	for _, ex := range out {
		if ex.redirected {
			continue
		}
		if ex.response == nil && r.paused[ex.requestID] != nil {
			ex.response = r.paused[ex.requestID]
			ex.fromPaused = true
		}
		if b, ok := r.bodies[ex.requestID]; ok {
			ex.body, ex.bodyOK, ex.bodyNote = b.data, b.ok, b.note
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func (r *recorder) takeEvents() []evidence.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := make([]evidence.Event, len(r.events))
	copy(ev, r.events)
	if extra := r.dialogs - maxDialogEvents; extra > 0 {
		ev = append(ev, evidence.Event{At: time.Now().UTC(), Kind: evidence.EventDialog,
			Detail: fmt.Sprintf("%d further dialogs were dismissed and not listed one by one", extra)})
	}
	return ev
}

// toArchive converts an exchange for the WARC writer.
func (ex *exchange) toArchive() *archive.Exchange {
	a := &archive.Exchange{
		URL:          stripFragment(ex.url),
		Method:       ex.method,
		RequestBody:  ex.postData,
		RequestTime:  ex.wallTime,
		ResponseTime: ex.respTime,
	}
	if ex.reqExtra != nil {
		a.RequestHeaders = archive.SplitHeaderMap(ex.reqExtra)
	} else {
		a.RequestHeaders = archive.SplitHeaderMap(ex.reqHeaders)
	}
	if ex.response != nil {
		a.Status = int(ex.response.Status)
		a.StatusText = ex.response.StatusText
		a.Protocol = ex.response.Protocol
		a.RemoteIP = strings.Trim(ex.response.RemoteIPAddress, "[]")
		a.RawResponseHead = strings.TrimRight(ex.rawHead, "\r\n")
		if ex.respExtra != nil {
			a.ResponseHeaders = archive.SplitHeaderMap(ex.respExtra)
		} else {
			a.ResponseHeaders = archive.SplitHeaderMap(ex.response.Headers)
		}
		a.Body = ex.body
		a.BodyComplete = ex.bodyOK || ex.redirected || ex.response.Status == 204 || ex.response.Status == 304
	}
	return a
}

func headerValue(h network.Headers, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

func fetchHeader(h []*fetch.HeaderEntry, name string) string {
	for _, e := range h {
		if strings.EqualFold(e.Name, name) {
			return e.Value
		}
	}
	return ""
}

func contentLength(h []*fetch.HeaderEntry) int64 {
	for _, e := range h {
		if strings.EqualFold(e.Name, "content-length") {
			n, err := strconv.ParseInt(strings.TrimSpace(e.Value), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}
