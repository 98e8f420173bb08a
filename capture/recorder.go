package capture

import (
	"context"
	"fmt"
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

	response    *network.Response
	rawHead     string
	respExtra   network.Headers
	respTime    time.Time
	finished    bool
	failed      string
	redirected  bool // a later hop reused the request id
	body        []byte
	bodyOK      bool
	bodyNote    string
	location    string
	extraStatus int64
}

// recorder collects the network traffic of one tab. Its handle* methods are called from the
// event goroutines; everything else after the page is done.
type recorder struct {
	mu        sync.Mutex
	seq       int
	byID      map[network.RequestID]*exchange // the current hop of each request id
	all       []*exchange
	inflight  map[network.RequestID]bool
	lastEvent time.Time
	bodies    map[network.RequestID]body
	pending   sync.WaitGroup
	events    []evidence.Event
	frozen    bool
	mainFrame cdp.FrameID
	mainNavs  int
	maxBody   int64
}

type body struct {
	data []byte
	ok   bool
	note string
}

func newRecorder(maxBody int64) *recorder {
	return &recorder{
		byID:      map[network.RequestID]*exchange{},
		inflight:  map[network.RequestID]bool{},
		bodies:    map[network.RequestID]body{},
		lastEvent: time.Now(),
		maxBody:   maxBody,
	}
}

func (r *recorder) event(kind, detail, url string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, evidence.Event{At: time.Now().UTC(), Kind: kind, Detail: detail, URL: url})
}

func (r *recorder) handleRequest(ev *network.EventRequestWillBeSent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastEvent = time.Now()
	if prev, ok := r.byID[ev.RequestID]; ok && ev.RedirectResponse != nil {
		prev.response = ev.RedirectResponse
		prev.redirected = true
		prev.finished = true
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
	r.byID[ev.RequestID] = ex
	r.all = append(r.all, ex)
	r.inflight[ev.RequestID] = true
}

func (r *recorder) handleRequestExtra(ev *network.EventRequestWillBeSentExtraInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ex, ok := r.byID[ev.RequestID]; ok {
		ex.reqExtra = ev.Headers
	}
}

func (r *recorder) handleResponse(ev *network.EventResponseReceived) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastEvent = time.Now()
	if ex, ok := r.byID[ev.RequestID]; ok {
		ex.response = ev.Response
		ex.respTime = time.Now().UTC()
	}
}

func (r *recorder) handleResponseExtra(ev *network.EventResponseReceivedExtraInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// ExtraInfo can arrive before or after responseReceived and, for redirects, before the
	// next requestWillBeSent: attach it to the newest hop that has no extra info yet.
	ex, ok := r.byID[ev.RequestID]
	if !ok {
		return
	}
	ex.rawHead = ev.HeadersText
	ex.respExtra = ev.Headers
	ex.extraStatus = ev.StatusCode
}

func (r *recorder) handleFinished(id network.RequestID, failure string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastEvent = time.Now()
	delete(r.inflight, id)
	if ex, ok := r.byID[id]; ok {
		ex.finished = true
		ex.failed = failure
	}
}

// quietFor reports whether no request is in flight and no network event came for d.
func (r *recorder) quietFor(d time.Duration) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight) == 0 && time.Since(r.lastEvent) >= d, len(r.inflight)
}

// handlePaused answers a Fetch.requestPaused event. It runs on its own goroutine: it may send
// commands. At the response stage it reads the body as the browser received it (before any
// character decoding) and lets the response through. At the request stage (main-frame
// documents only) it blocks navigations once the page is frozen for collection.
func (r *recorder) handlePaused(ctx context.Context, ev *fetch.EventRequestPaused, bodyDeadline time.Time) {
	defer r.pending.Done()
	cont := func() {
		_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
	isResponse := ev.ResponseStatusCode != 0 || ev.ResponseErrorReason != ""
	if !isResponse {
		r.mu.Lock()
		main := ev.FrameID == r.mainFrame && ev.ResourceType == network.ResourceTypeDocument
		block := main && r.frozen && ev.RedirectedRequestID == ""
		if main && !block {
			r.mainNavs++
		}
		r.mu.Unlock()
		if block {
			r.event(evidence.EventNavigation, "the page tried to navigate away while it was being recorded; the navigation was blocked", ev.Request.URL)
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			return
		}
		cont()
		return
	}
	if ev.ResponseErrorReason != "" || (ev.ResponseStatusCode >= 300 && ev.ResponseStatusCode < 400 && ev.ResponseStatusCode != 304) {
		cont()
		return
	}
	if n := contentLength(ev.ResponseHeaders); n > r.maxBody {
		r.storeBody(ev.NetworkID, body{note: fmt.Sprintf("body not recorded: %d bytes is more than the limit of %d", n, r.maxBody)})
		cont()
		return
	}
	bctx, cancel := context.WithDeadline(ctx, bodyDeadline)
	res, err := chromedp.Call(bctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID})
	cancel()
	switch {
	case err != nil && bctx.Err() != nil:
		r.storeBody(ev.NetworkID, body{note: "body not recorded: the response did not finish within the time limit"})
	case err != nil:
		r.storeBody(ev.NetworkID, body{note: "body not recorded: " + err.Error()})
	default:
		r.storeBody(ev.NetworkID, body{data: res.Body, ok: true})
	}
	cont()
}

func (r *recorder) storeBody(id network.RequestID, b body) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies[id] = b
}

// snapshot attaches the bodies to their exchanges and returns the exchanges in request order.
func (r *recorder) snapshot() []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*exchange, len(r.all))
	copy(out, r.all)
	for _, ex := range out {
		if ex.redirected {
			continue
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
		a.RemoteIP = ex.response.RemoteIPAddress
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
