package capture

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// navPageLoad bounds the load of one comment page opened in the side tab; navPageQuiet is the
// network quiet awaited after its load event (at most navPageQuietLimit).
const (
	navPageLoad       = 15 * time.Second
	navPageQuiet      = 300 * time.Millisecond
	navPageQuietLimit = 3 * time.Second
)

// navPage is a numbered comment page whose link loads another document.
type navPage struct {
	n   int
	url string
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
// a followed page's pager lists beyond the first one's window are followed too. Only links
// to the page's own host are followed, in the order of their numbers, at most
// commentMaxPages in all; a page that does not show a comment area (a login wall, a bot
// check, an error) is recorded as not followed, and what was not followed is an expansion
// limit.
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
	known := map[int]bool{current: true}
	var queue []navPage
	foreign := 0
	add := func(n int, nav bool, href string) {
		if !nav || known[n] {
			return
		}
		u, err := url.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) {
			foreign++
			return
		}
		known[n] = true
		u.Fragment = ""
		queue = append(queue, navPage{n: n, url: u.String()})
	}
	for _, p := range info.Pages {
		add(p.N, p.Nav, p.Href)
	}
	where := textsafe.Line(info.Where, 200)
	if len(queue) == 0 {
		limit("comment_pages_navigate", fmt.Sprintf("the comments come in numbered pages (%s) whose links lead to another site; they were not followed", where))
		return
	}

	sctx, cancel := chromedp.NewContext(ctx)
	defer cancel()
	frame, loaded, err := c.openSideTab(sctx)
	if err != nil {
		limit("comment_pages_navigate", fmt.Sprintf("the comments come in numbered pages (%s) whose links load another document; the tab to open them in could not be opened (%v), so only the page as loaded was recorded", where, err))
		return
	}
	defer func() {
		c.framesMu.Lock()
		c.sideTab = ""
		c.framesMu.Unlock()
		delete(c.worlds, frame)
	}()
	c.rec.event(evidence.EventNote, fmt.Sprintf("the comments come in numbered pages (%s) whose links load another document: each other page is opened in a second tab of the same browser context, the page as loaded staying as it was recorded", where), "")

	for k := 2; len(queue) > 0; k++ {
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
		st, loc, more, err := c.openNavPage(ctx, sctx, frame, loaded, p)
		if err != nil {
			limit("comment_pages_navigate", fmt.Sprintf("comment page %d (%s) was not recorded: %v; no further comment page was followed", p.n, textsafe.Line(p.url, 300), err))
			return
		}
		cp := evidence.CommentPage{Page: k, Label: fmt.Sprint(p.n), URL: textsafe.Cap(loc, 2000), TextChars: utf8.RuneCountInString(st.Text)}
		shot := fmt.Sprintf("%s%02d.png", prefix, k)
		if err := c.commentShot(sctx, shot, st); err != nil {
			c.problem("comment page %d (%s): screenshot failed: %v", p.n, textsafe.Line(loc, 300), err)
		} else {
			cp.Screenshot = shot
		}
		if html, err := c.outerHTML(sctx); err != nil {
			c.problem("comment page %d (%s): DOM not read: %v", p.n, textsafe.Line(loc, 300), err)
		} else {
			name := fmt.Sprintf("%s%02d.html", prefix, k)
			if err := c.write(name, "text/html; charset=utf-8", evidence.RoleCommentPage, []byte(html)); err != nil {
				c.problem("comment page %d: DOM not written: %v", p.n, err)
			} else {
				cp.DOM = name
			}
			c.docs = append(c.docs, pageDoc{url: loc, page: k, label: cp.Label, html: html})
		}
		c.addText(fmt.Sprintf("comments page %d (page %d, opened from %s)", k, p.n, textsafe.Line(loc, 300)), st.Text)
		c.facts.Method.CommentPages = append(c.facts.Method.CommentPages, cp)
		for _, q := range more.Pages {
			add(q.N, q.Nav, q.Href)
		}
	}
	if foreign > 0 {
		c.rec.event(evidence.EventNote, fmt.Sprintf("%d comment page link(s) leading to another site were not followed", foreign), "")
	}
}

// openSideTab opens the tab of sctx (a new tab in the capture's browser context) with the
// capture's settings, and records its traffic and events with the capture's recorder. It
// returns the tab's main frame and a channel that receives its load events.
func (c *run) openSideTab(sctx context.Context) (cdp.FrameID, <-chan struct{}, error) {
	if err := chromedp.Do(sctx); err != nil {
		return "", nil, err
	}
	id := chromedp.FromContext(sctx).Target.TargetID
	c.framesMu.Lock()
	c.sideTab = id
	c.framesMu.Unlock()
	frame := cdp.FrameID(id)
	loaded := make(chan struct{}, 1)
	rec := c.rec
	if err := chromedp.Listen(sctx, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loaded <- struct{}{}:
			default:
			}
			return
		}
		rec.handle(ev)
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
		_, _ = chromedp.Call(sctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		rec.event(evidence.EventDialog, fmt.Sprintf("%s dialog on a comment page closed: %q", ev.Type, ev.Message), ev.URL)
	})
	if err := c.e.prepareTab(sctx); err != nil {
		return "", nil, err
	}
	return frame, loaded, nil
}

// openNavPage loads comment page p in the side tab and reads its comment area: its state,
// the document's address, and its pager (for pages beyond the first pager's window). A page
// that does not load, leaves the page's host, or shows no numbered comment area is an error.
func (c *run) openNavPage(ctx, sctx context.Context, frame cdp.FrameID, loaded <-chan struct{}, p navPage) (pagerState, string, pagerInfo, error) {
	var st pagerState
	var more pagerInfo
	delete(c.worlds, frame)
	select {
	case <-loaded:
	default:
	}
	lctx, cancel := context.WithTimeout(sctx, navPageLoad)
	defer cancel()
	res, err := chromedp.Call(lctx, page.Navigate, page.NavigateParams{URL: p.url, Referrer: c.finalURL()})
	switch {
	case err != nil && ctx.Err() != nil:
		return st, "", more, fmt.Errorf("the time limit was reached: %w", ctx.Err())
	case err != nil:
		return st, "", more, fmt.Errorf("the browser could not open it: %w", err)
	case res.ErrorText != "":
		return st, "", more, fmt.Errorf("it could not be opened: %s", textsafe.Line(res.ErrorText, 200))
	}
	select {
	case <-loaded:
	case <-lctx.Done():
		return st, "", more, fmt.Errorf("it did not finish loading within %s", navPageLoad)
	}
	// The load event heard may be the blank page's the tab opened with: the page's own
	// document is awaited until it has loaded.
	var loc string
	for {
		var doc struct {
			URL   string `json:"url"`
			Ready string `json:"ready"`
		}
		err := c.evalIn(lctx, frame, `({url: String(location.href), ready: String(document.readyState)})`, &doc)
		if err == nil && doc.Ready == "complete" && doc.URL != "about:blank" {
			loc = doc.URL
			break
		}
		if lctx.Err() != nil {
			return st, "", more, fmt.Errorf("it did not finish loading within %s", navPageLoad)
		}
		time.Sleep(50 * time.Millisecond)
	}
	end, _ := ctx.Deadline()
	c.waitQuietUntil(navPageQuiet, time.Now().Add(navPageQuietLimit), end)
	base, _ := url.Parse(c.finalURL())
	if u, err := url.Parse(loc); err != nil || base == nil || !strings.EqualFold(u.Host, base.Host) {
		return st, "", more, fmt.Errorf("it led to another site (%s)", textsafe.Line(loc, 300))
	}
	if err := c.evalIn(sctx, frame, expandLibJS+pagerStateJS, &st); err != nil || !st.Found {
		return st, "", more, fmt.Errorf("it showed no numbered comment area (a login wall, a bot check or an error page)")
	}
	_ = c.evalIn(sctx, frame, expandLibJS+pagerInfoJS, &more)
	return st, loc, more, nil
}
