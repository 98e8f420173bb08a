package capture

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// Bounds of one comment page opened in the side tab: navPageLoad for its load, then network
// quiet for navPageQuiet (at most navPageQuietLimit), then navPageRead for reading it (its
// state, screenshot and DOM).
const (
	navPageLoad       = 15 * time.Second
	navPageQuiet      = 300 * time.Millisecond
	navPageQuietLimit = 3 * time.Second
	navPageRead       = 10 * time.Second
)

// errSideCrashed is the cause of the side tab's end when its renderer crashed.
var errSideCrashed = errors.New("the tab the comment pages were opened in crashed")

// navPage is a numbered comment page whose link loads another document.
type navPage struct {
	n   int
	url string
}

// navLoaded is a comment page loaded in the side tab: its comment area, its address and
// its pager (for pages beyond the first pager's window).
type navLoaded struct {
	st   pagerState
	loc  string
	more pagerInfo
}

// sideRequests are the request ids of the side tab, ended by recorder.abandon when it closes.
type sideRequests struct {
	mu  sync.Mutex
	ids []network.RequestID
}

func (s *sideRequests) add(id network.RequestID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
}

func (s *sideRequests) list() []network.RequestID {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ids)
}

// bodyDeadline is when the recorder stops waiting for a response's body.
func (c *run) bodyDeadline() time.Time {
	return c.deadline.Add(-min(time.Second, c.timeout/10))
}

// isSideTab reports whether id is the tab followNavPages opened.
func (c *run) isSideTab(id target.ID) bool {
	c.framesMu.Lock()
	defer c.framesMu.Unlock()
	return id != "" && id == c.sideTab
}

// followNavPages follows the numbered comment pages of the main document whose links load
// another document (XE and Rhymix skins' ?cpage=N, as on FM Korea; gnuboard's): the page as
// captured stays as it was recorded, and each other comment page is opened in turn in a
// second tab of the same browser context (the same cookies; the post's address as the
// Referer, as a click on the link sends it), with the same settings and the same recorder:
// its traffic is in the same WARC. Each page is kept as the in-place pages are
// (comments-page-NN.png of its comment area, comments-page-NN.html, a text.txt section and a
// CommentPage that names its URL), and its comments go into the posting record. Pages that
// a followed page's pager lists beyond the first one's window are followed too.
//
// Only what is the same post's is kept: a link must lead to the page's own host, the page it
// opens must stay there (its own navigations are blocked once it has loaded, and its address
// is read again after its DOM), carry the post's title, show a numbered comment area, and
// show comments no page before it showed (a site that ignores the page number gives the
// same page again). Pages are followed in the order of their numbers, at most
// commentMaxPages in all, within the capture's time. Whatever was not followed, and why, is
// said in a note and is an expansion limit: the verdict cannot be complete.
func (c *run) followNavPages(ctx context.Context, info pagerInfo, prefix string) {
	limit := func(code, why string) {
		if c.expandLimit == "" {
			c.expandLimit = code
		}
		c.rec.event(evidence.EventNote, why, "")
	}
	base, err := url.Parse(c.finalURL())
	if err != nil {
		limit("comment_pages_navigate", "the comments come in numbered pages whose links load another document; the page's own address could not be read, so they were not followed")
		return
	}
	current := max(info.Current, 1)
	sigs := map[string]int{} // the comment areas recorded, by signature: their page numbers
	var first pagerState
	if err := c.evalIn(ctx, "", expandLibJS+pagerStateJS, &first); err == nil && first.Found {
		sigs[first.Sig] = current
	}
	var title string // the post's document title, which each of its comment pages carries
	if err := c.evalIn(ctx, "", `String(document.title).slice(0, 2000).trim()`, &title); err != nil {
		title = strings.TrimSpace(c.facts.Metadata.Title)
	}
	known := map[int]bool{current: true}
	foreign := map[int]bool{}
	var queue []navPage
	add := func(n int, nav bool, href string) {
		if !nav || known[n] {
			return
		}
		u, err := url.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) {
			foreign[n] = true
			return
		}
		known[n] = true
		delete(foreign, n)
		u.Fragment = ""
		queue = append(queue, navPage{n: n, url: u.String()})
	}
	for _, p := range info.Pages {
		add(p.N, p.Nav, p.Href)
	}
	defer func() {
		if len(foreign) == 0 {
			return
		}
		var ns []string
		for _, n := range slices.Sorted(func(yield func(int) bool) {
			for n := range foreign {
				if !yield(n) {
					return
				}
			}
		}) {
			ns = append(ns, strconv.Itoa(n))
		}
		limit("comment_pages_navigate", fmt.Sprintf("the links to comment page(s) %s lead to another site; those pages were not followed", textsafe.Line(strings.Join(ns, ", "), 200)))
	}()
	if len(queue) == 0 {
		return
	}
	where := textsafe.Line(info.Where, 200)

	cctx, crash := context.WithCancelCause(ctx)
	defer crash(nil)
	sctx, cancel := chromedp.NewContext(cctx)
	var frame cdp.FrameID
	var ids sideRequests
	defer func() {
		cancel() // closes the tab
		c.rec.setSide("", false)
		c.rec.abandon(ids.list(), "not answered: the tab of the comment page was closed")
		c.framesMu.Lock()
		c.sideTab = ""
		delete(c.frames, frame)
		c.framesMu.Unlock()
		delete(c.worlds, frame)
	}()
	frame, loaded, err := c.openSideTab(sctx, crash, &ids)
	if err != nil {
		limit("comment_pages_navigate", fmt.Sprintf("the comments come in numbered pages (%s) whose links load another document; the tab to open them in could not be opened (%s), so only the page as loaded was recorded", where, textsafe.Line(err.Error(), 300)))
		return
	}
	c.rec.event(evidence.EventNote, fmt.Sprintf("the comments come in numbered pages (%s) whose links load another document: each other page is opened in a second tab of the same browser context, the page as loaded staying as it was recorded", where), "")

	for k := 2; len(queue) > 0; {
		slices.SortFunc(queue, func(a, b navPage) int { return a.n - b.n })
		p := queue[0]
		queue = queue[1:]
		if k > commentMaxPages {
			limit("comment_pages_max", fmt.Sprintf("comment pages were followed up to the limit of %d pages; %d more were not", commentMaxPages, len(queue)+1))
			return
		}
		if ctx.Err() != nil {
			limit("comment_pages_time", fmt.Sprintf("comment pages were followed until the time limit; comment page %d and %d more were not recorded", p.n, len(queue)))
			return
		}
		pageURL := textsafe.Line(p.url, 300)
		pg, err := c.openNavPage(ctx, sctx, frame, loaded, p, title)
		switch {
		case err != nil && context.Cause(cctx) == errSideCrashed:
			limit("comment_pages_navigate", fmt.Sprintf("comment page %d (%s) was not recorded: %v; no further comment page was followed", p.n, pageURL, errSideCrashed))
			return
		case err != nil && ctx.Err() != nil:
			limit("comment_pages_time", fmt.Sprintf("comment pages were followed until the time limit; comment page %d (%s) and %d more were not recorded", p.n, pageURL, len(queue)))
			return
		case err != nil:
			limit("comment_pages_navigate", fmt.Sprintf("comment page %d (%s) was not recorded: %v; no further comment page was followed", p.n, pageURL, err))
			return
		}
		if prev, dup := sigs[pg.st.Sig]; dup {
			limit("comment_pages_navigate", fmt.Sprintf("the link to comment page %d (%s) showed the same comments as page %d: the site did not give that page, so it was not recorded again and no further comment page was followed", p.n, pageURL, prev))
			return
		}
		label := strconv.Itoa(p.n)
		if pg.st.Current > 0 && pg.st.Current != p.n {
			c.rec.event(evidence.EventNote, fmt.Sprintf("the link to comment page %d (%s) opened a page whose pager marks page %d as the current one; it is recorded as page %d", p.n, pageURL, pg.st.Current, pg.st.Current), "")
			label = strconv.Itoa(pg.st.Current)
		}
		sigs[pg.st.Sig] = p.n
		if err := c.recordNavPage(cctx, sctx, frame, pg, k, label, prefix); err != nil {
			if ctx.Err() != nil {
				limit("comment_pages_time", fmt.Sprintf("comment pages were followed until the time limit; comment page %d (%s) and %d more were not recorded", p.n, pageURL, len(queue)))
			} else {
				limit("comment_pages_navigate", fmt.Sprintf("comment page %d (%s) was not recorded: %v; no further comment page was followed", p.n, pageURL, err))
			}
			return
		}
		k++
		for _, q := range pg.more.Pages {
			add(q.N, q.Nav, q.Href)
		}
	}
}

// openSideTab opens the tab of sctx (a new tab in the capture's browser context) with the
// capture's settings, and records its traffic and events with the capture's recorder
// (request ids in ids). It returns the tab's main frame and a channel that receives its load
// events; a crash of its renderer ends it with errSideCrashed (crash).
func (c *run) openSideTab(sctx context.Context, crash context.CancelCauseFunc, ids *sideRequests) (cdp.FrameID, <-chan struct{}, error) {
	if err := chromedp.Do(sctx); err != nil {
		return "", nil, err
	}
	id := chromedp.FromContext(sctx).Target.TargetID
	frame := cdp.FrameID(id)
	c.framesMu.Lock()
	c.sideTab = id
	c.frames[frame] = true // its downloads are noted as the page's are
	c.framesMu.Unlock()
	loaded := make(chan struct{}, 1)
	rec := c.rec
	if err := chromedp.Listen(sctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventLoadEventFired:
			select {
			case loaded <- struct{}{}:
			default:
			}
		case *inspector.EventTargetCrashed:
			crash(errSideCrashed)
		case *page.EventWindowOpen:
			rec.event(evidence.EventPopup, "a comment page asked to open a new window", textsafe.Cap(ev.URL, 2000))
		case *network.EventRequestWillBeSent:
			ids.add(ev.RequestID)
			rec.handle(ev)
		default:
			rec.handle(ev)
		}
	}); err != nil {
		return "", nil, err
	}
	bodyDeadline := c.bodyDeadline()
	drain(chromedp.Events(sctx, fetch.RequestPaused), func(ev fetch.EventRequestPaused) {
		go func() {
			defer recoverTo(rec)
			rec.handlePaused(sctx, &ev, bodyDeadline)
		}()
	})
	drain(chromedp.Events(sctx, page.JavascriptDialogOpening), func(ev page.EventJavascriptDialogOpening) {
		accept := ev.Type == page.DialogTypeBeforeunload
		_, err := chromedp.Call(sctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		detail := fmt.Sprintf("%s dialog on a comment page closed: %q", ev.Type, textsafe.Line(ev.Message, 300))
		if err != nil {
			detail = fmt.Sprintf("%s dialog on a comment page could not be closed (%s): %q", ev.Type, textsafe.Line(err.Error(), 200), textsafe.Line(ev.Message, 300))
		}
		rec.event(evidence.EventDialog, detail, textsafe.Cap(ev.URL, 2000))
	})
	if err := c.e.prepareTab(sctx); err != nil {
		return "", nil, err
	}
	return frame, loaded, nil
}

// openNavPage loads comment page p in the side tab, within navPageLoad, and reads its comment
// area. Once it has loaded, its own navigations are blocked. A page that does not load,
// leaves the page's host, shows no numbered comment area, or carries another document title
// than the post's, title (or, for a post without one, has another path) is an error that
// says so.
func (c *run) openNavPage(ctx, sctx context.Context, frame cdp.FrameID, loaded <-chan struct{}, p navPage, title string) (navLoaded, error) {
	var pg navLoaded
	delete(c.worlds, frame)
	select {
	case <-loaded:
	default:
	}
	lctx, cancel := context.WithTimeout(sctx, navPageLoad)
	defer cancel()
	c.rec.setSide(frame, false)
	res, err := chromedp.Call(lctx, page.Navigate, page.NavigateParams{URL: p.url, Referrer: c.finalURL()})
	switch {
	case err != nil && lctx.Err() != nil:
		return pg, fmt.Errorf("it did not open within %s: %w", navPageLoad, lctx.Err())
	case err != nil:
		return pg, fmt.Errorf("the browser could not open it: %s", textsafe.Line(err.Error(), 200))
	case res.ErrorText != "":
		return pg, fmt.Errorf("it could not be opened: %s", textsafe.Line(res.ErrorText, 200))
	}
	select {
	case <-loaded:
	case <-lctx.Done():
		return pg, fmt.Errorf("it did not finish loading within %s", navPageLoad)
	}
	// The load event heard may be the blank page's the tab opened with: the page's own
	// document is awaited until it has loaded.
	var doc struct {
		URL   string `json:"url"`
		Ready string `json:"ready"`
		Title string `json:"title"`
		Path  string `json:"path"`
	}
	for {
		err := c.evalIn(lctx, frame, `({url: String(location.href), ready: String(document.readyState), title: String(document.title).slice(0, 2000), path: String(location.pathname)})`, &doc)
		if err == nil && doc.Ready == "complete" && doc.URL != "about:blank" {
			break
		}
		if lctx.Err() != nil {
			return pg, fmt.Errorf("it did not finish loading within %s", navPageLoad)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.rec.setSide(frame, true)
	base, _ := url.Parse(c.finalURL())
	u, err := url.Parse(doc.URL)
	if err != nil || base == nil || !strings.EqualFold(u.Host, base.Host) {
		return pg, fmt.Errorf("it led to another site (%s)", textsafe.Line(doc.URL, 300))
	}
	end, _ := ctx.Deadline()
	if quiet, n := c.waitQuietUntil(navPageQuiet, time.Now().Add(navPageQuietLimit), end); !quiet {
		c.rec.event(evidence.EventNote, fmt.Sprintf("comment page %d: the network did not go quiet (%d request(s) still open); the page is recorded as it was then", p.n, n), "")
	}
	if err := c.evalIn(lctx, frame, expandLibJS+pagerStateJS, &pg.st); err != nil {
		return pg, fmt.Errorf("its comment area could not be read: %s", textsafe.Line(err.Error(), 200))
	}
	if !pg.st.Found {
		return pg, errors.New("it showed no numbered comment area (a login wall, a bot check or an error page in its place)")
	}
	switch got := strings.TrimSpace(doc.Title); {
	case title != "" && got != title:
		return pg, fmt.Errorf("it is another document: its title is %q, the post's %q", textsafe.Line(got, 200), textsafe.Line(title, 200))
	case title == "" && u.Path != base.Path:
		return pg, fmt.Errorf("it may be another document: the post has no title to compare with, and the page's path %q is not the post's %q", textsafe.Line(u.Path, 200), textsafe.Line(base.Path, 200))
	}
	_ = c.evalIn(lctx, frame, expandLibJS+pagerInfoJS, &pg.more)
	pg.loc = doc.URL
	return pg, nil
}

// recordNavPage keeps comment page pg, loaded in the side tab, as the k-th comment page,
// labelled with the site's number for it: its screenshot, its DOM (capped at maxFrameHTML),
// a text.txt section, a CommentPage and a posting document, all within navPageRead. It is an
// error, and nothing of it is kept, when the page's address changed meanwhile.
func (c *run) recordNavPage(cctx, sctx context.Context, frame cdp.FrameID, pg navLoaded, k int, label, prefix string) error {
	rctx, cancel := context.WithTimeout(sctx, navPageRead)
	defer cancel()
	shot := fmt.Sprintf("%s%02d.png", prefix, k)
	shotRes, shotErr := c.commentShotPNG(rctx, shot, pg.st)
	html, domErr := c.outerHTML(rctx)
	var now string
	if err := c.evalIn(rctx, frame, `String(location.href)`, &now); err != nil {
		if context.Cause(cctx) == errSideCrashed {
			return errSideCrashed
		}
		return fmt.Errorf("its address could not be read again: %s", textsafe.Line(err.Error(), 200))
	}
	if now != pg.loc {
		return fmt.Errorf("its address changed while it was read (to %s)", textsafe.Line(now, 300))
	}
	if shotErr != nil && domErr != nil {
		if context.Cause(cctx) == errSideCrashed {
			return errSideCrashed
		}
		return fmt.Errorf("neither its screenshot (%s) nor its DOM (%s) could be taken", textsafe.Line(shotErr.Error(), 200), textsafe.Line(domErr.Error(), 200))
	}
	loc := textsafe.Cap(pg.loc, 2000)
	cp := evidence.CommentPage{Page: k, Label: label, URL: loc, TextChars: utf8.RuneCountInString(pg.st.Text)}
	if shotErr != nil {
		c.problem("comment page %s (%s): screenshot failed: %s", label, textsafe.Line(loc, 300), textsafe.Line(shotErr.Error(), 200))
	} else if err := c.write(shot, "image/png", evidence.RoleCommentPage, shotRes); err != nil {
		c.problem("comment page %s: screenshot not written: %v", label, err)
	} else {
		cp.Screenshot = shot
	}
	if domErr != nil {
		c.problem("comment page %s (%s): DOM not read: %s", label, textsafe.Line(loc, 300), textsafe.Line(domErr.Error(), 200))
	} else {
		if len(html) > maxFrameHTML {
			html = html[:maxFrameHTML]
			c.rec.event(evidence.EventNote, fmt.Sprintf("comment page %s: its DOM is larger than %d characters and was cut there", label, maxFrameHTML), "")
		}
		name := fmt.Sprintf("%s%02d.html", prefix, k)
		if err := c.write(name, "text/html; charset=utf-8", evidence.RoleCommentPage, []byte(html)); err != nil {
			c.problem("comment page %s: DOM not written: %v", label, err)
		} else {
			cp.DOM = name
		}
		c.docs = append(c.docs, pageDoc{url: loc, page: k, label: label, html: html})
	}
	c.addText(fmt.Sprintf("comments page %d (page %s, opened from %s)", k, label, textsafe.Line(loc, 300)), pg.st.Text)
	c.facts.Method.CommentPages = append(c.facts.Method.CommentPages, cp)
	return nil
}
