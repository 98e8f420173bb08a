package capture

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// Bounds of expansion and of comment paging.
const (
	expandMaxClicks   = 300              // clicks in all frames
	expandMaxTime     = 30 * time.Second // and never past waitEnd
	expandMaxRecorded = 200              // clicks listed one by one in the facts
	// After a click: expandStartWait for a request to start; when one did, network quiet for
	// expandQuietWindow (at most expandQuietLimit). A click that made requests but revealed
	// nothing yet is given expandSlowWindow more of quiet before it is measured again.
	expandStartWait   = 60 * time.Millisecond
	expandQuietWindow = 60 * time.Millisecond
	expandSlowWindow  = 400 * time.Millisecond
	expandQuietLimit  = 3 * time.Second
	commentMaxPages   = 50 // numbered comment pages, the first included
	commentPageChange = 3 * time.Second
)

// WithoutExpansion captures the page as loaded and scrolled: no "더보기" or reply control is
// clicked and numbered comment pages are not followed (Method.Expansion is then nil).
func WithoutExpansion() CaptureOption {
	return func(r *run) { r.noExpand = true }
}

// expandFrame is one frame expansion looks into; id "" is the main frame.
type expandFrame struct {
	id  cdp.FrameID
	url string // "" for the main frame
}

type expandMeasure struct {
	Chars int `json:"chars"`
	Items int `json:"items"`
	H     int `json:"h"`
}

type expandScan struct {
	Cands []struct {
		I      int    `json:"i"`
		Label  string `json:"label"`
		Where  string `json:"where"`
		Toggle bool   `json:"toggle"`
	} `json:"cands"`
	Refused map[string]int `json:"refused"`
	Height  int            `json:"height"`
}

type expandClick struct {
	OK     bool          `json:"ok"`
	Reason string        `json:"reason"`
	Before expandMeasure `json:"before"`
}

// expand opens what a reader would open to see the whole posting: "더보기", "댓글 더보기",
// "이전 댓글", "답글 N", "펼치기", "Show more", "View replies"... in the main frame and in
// every frame (cross-origin ones too: site isolation is off), round after round until a scan
// finds nothing left to click or a limit is reached (clicks, time, page height). Controls that
// would leave the page, submit, vote, report, share, log in or out or open a writing box are
// refused and counted by reason (the rules are in expandLibJS). Numbered comment pages are
// left to commentPages.
func (c *run) expand() {
	if c.noExpand {
		return
	}
	end := time.Now().Add(expandMaxTime)
	if end.After(c.waitEnd) {
		end = c.waitEnd
	}
	ctx, cancel := c.until(end)
	defer cancel()
	exp := &evidence.Expansion{Clicks: []evidence.Click{}, Refused: map[string]int{}}
	c.facts.Method.Expansion = exp
	clicks := 0
	stop := func(limit, why string) {
		exp.Stopped = limit
		if c.expandLimit == "" {
			c.expandLimit = limit
		}
		c.rec.event(evidence.EventNote, "expansion stopped at its limit: "+why+"; some content may not have been opened", "")
	}
	defer func() {
		if len(exp.Refused) == 0 {
			exp.Refused = nil
		}
		if clicks > len(exp.Clicks) {
			c.rec.event(evidence.EventNote, fmt.Sprintf("%d controls were clicked to expand the page; the first %d are listed", clicks, len(exp.Clicks)), "")
		}
		if clicks > 0 {
			bctx, bcancel := c.until(c.deadline)
			_ = c.eval(bctx, `window.scrollTo(0, 0)`, nil)
			bcancel()
		}
	}()
	overTime := func() bool { return time.Now().After(end) || ctx.Err() != nil }
rounds:
	for {
		if overTime() {
			stop("time", "the time for expansion ran out")
			break
		}
		exp.Rounds++
		clicked := 0
		for _, f := range c.expandFrames(ctx) {
			var sc expandScan
			if err := c.evalIn(ctx, f.id, expandLibJS+c.siteSelJS()+expandScanJS, &sc); err != nil {
				continue
			}
			for k, n := range sc.Refused {
				exp.Refused[k] += n
			}
			if sc.Height >= c.e.cfg.maxPageHeight {
				stop("page_height", fmt.Sprintf("the page is %d px tall, the limit is %d px", sc.Height, c.e.cfg.maxPageHeight))
				break rounds
			}
			for _, cand := range sc.Cands {
				if clicks >= expandMaxClicks {
					stop("max_clicks", fmt.Sprintf("%d clicks were made", clicks))
					break rounds
				}
				if overTime() {
					stop("time", "the time for expansion ran out")
					break rounds
				}
				reqs := c.requestSeq()
				var cr expandClick
				if err := c.evalIn(ctx, f.id, expandLibJS+fmt.Sprintf(expandClickJSFormat, cand.I), &cr); err != nil || !cr.OK {
					continue
				}
				clicks++
				clicked++
				at := time.Since(c.start).Milliseconds()
				c.settle(end, reqs)
				// One measure after the click, which also notes what it added (one round trip).
				var after expandMeasure
				if err := c.evalIn(ctx, f.id, expandLibJS+expandAfterJS, &after); err != nil {
					continue
				}
				if after.Chars == cr.Before.Chars && c.requestSeq() != reqs {
					// Requests were made but nothing shows yet: a slower page renders later.
					c.waitQuietUntil(expandSlowWindow, time.Now().Add(expandQuietLimit), end)
					if err := c.evalIn(ctx, f.id, expandLibJS+expandAfterJS, &after); err != nil {
						continue
					}
				}
				added := after.Chars - cr.Before.Chars
				if len(exp.Clicks) < expandMaxRecorded {
					exp.Clicks = append(exp.Clicks, evidence.Click{
						Label: textsafe.Line(cand.Label, 80), Where: textsafe.Line(cand.Where, 200), Frame: f.url,
						AddedChars: added, Requests: c.requestSeq() - reqs,
						Revealed: revealed(added, after.Items-cr.Before.Items), AtMS: at,
					})
				}
				if after.H >= c.e.cfg.maxPageHeight {
					stop("page_height", fmt.Sprintf("the page is %d px tall, the limit is %d px", after.H, c.e.cfg.maxPageHeight))
					break rounds
				}
			}
		}
		if clicked == 0 {
			if overTime() {
				// The scan itself ran out of time: what it would have found is unknown.
				stop("time", "the time for expansion ran out")
			}
			break
		}
	}
}

// revealed says in words what one click brought.
func revealed(chars, items int) string {
	switch {
	case chars <= 0 && items <= 0:
		return "nothing new"
	case items > 0:
		return fmt.Sprintf("%d list items, %d characters", items, max(chars, 0))
	default:
		return fmt.Sprintf("%d characters", chars)
	}
}

// expandFrames lists the main frame and the frames under it (at most maxFrames).
func (c *run) expandFrames(ctx context.Context) []expandFrame {
	out := []expandFrame{{}}
	fs, err := c.frameTree(ctx)
	if err != nil {
		return out
	}
	for _, f := range fs {
		if len(out) > maxFrames {
			break
		}
		if !strings.HasPrefix(f.url, "http:") && !strings.HasPrefix(f.url, "https:") && f.url != "about:srcdoc" {
			continue
		}
		out = append(out, expandFrame{id: f.id, url: f.url})
	}
	return out
}

// requestSeq is the number of requests the page has made so far.
func (c *run) requestSeq() int {
	c.rec.mu.Lock()
	defer c.rec.mu.Unlock()
	return c.rec.seq
}

// settle waits after a click made when the page had made reqs requests: up to
// expandStartWait for a request it starts to begin; when none did and none is open, the click's change was made
// by the page at once and there is nothing to wait for; otherwise for the network to be quiet
// for expandQuietWindow (at most expandQuietLimit, never past end).
func (c *run) settle(end time.Time, reqs int) {
	for t := time.Now().Add(expandStartWait); c.requestSeq() == reqs && time.Now().Before(t); {
		time.Sleep(10 * time.Millisecond)
	}
	if c.requestSeq() == reqs {
		if quiet, _ := c.rec.quietFor(0); quiet {
			return
		}
	}
	c.waitQuietUntil(expandQuietWindow, time.Now().Add(expandQuietLimit), end)
}

type pagerInfo struct {
	Found   bool   `json:"found"`
	Current int    `json:"current"`
	Where   string `json:"where"`
	Pages   []struct {
		N   int  `json:"n"`
		Nav bool `json:"nav"`
		// Href is the link's resolved address when it loads another document.
		Href string `json:"href"`
	} `json:"pages"`
	Next bool `json:"next"`
}

type pagerState struct {
	Found   bool    `json:"found"`
	Sig     string  `json:"sig"`
	Text    string  `json:"text"`
	Current int     `json:"current"`
	X       float64 `json:"x"`
	Y       float64 `json:"y"`
	W       float64 `json:"w"`
	H       float64 `json:"h"`
}

type pagerClick struct {
	OK      bool   `json:"ok"`
	Label   string `json:"label"`
	ViaNext bool   `json:"viaNext"`
}

// commentPages keeps every numbered comment page after the first (collect recorded the
// first), in the main document and in each frame (Naver Blog's comments are inside
// iframe#mainFrame): where comments come in numbered pages that replace each other without
// loading another document (DC Inside's div.cmt_paging "1 2 3" loads each page by a POST; XE
// and gnuboard skins by XHR), each page is clicked in turn and kept as comments-page-NN.png
// (the comment area, clipped: at most MaxSingleShot px tall), comments-page-NN.html (the
// rendered DOM), a text.txt section and a CommentPage in the facts. A frame's pages are named
// after the frame's DOM artifact: frame-03-comments-page-02.png beside dom-frame-03.html.
// Pagination whose links load another document (?cpage=2) is followed in a tab of its own
// (followNavPages) for the main document; inside a frame it is not followed: that is noted
// and marked as an expansion limit ("comment_pages_navigate").
func (c *run) commentPages() {
	if c.noExpand {
		return
	}
	end := c.deadline.Add(-min(bodyGrace+time.Second, c.timeout/5))
	if time.Now().After(end) {
		return
	}
	ctx, cancel := c.until(end)
	defer cancel()
	for _, f := range c.expandFrames(ctx) {
		if ctx.Err() != nil {
			return
		}
		prefix := "comments-page-"
		if f.id != "" {
			dom := c.frameArtifacts[f.id]
			if dom == "" {
				continue // its document could not be read: neither can its pager
			}
			prefix = strings.TrimPrefix(strings.TrimSuffix(dom, ".html"), "dom-") + "-comments-page-"
		}
		c.followCommentPages(ctx, f, prefix)
	}
}

// labelFirstPage gives the site's number label to the document of the page as captured whose
// frame is frame ("" for the main document).
func (c *run) labelFirstPage(frame, label string) {
	for i := range c.docs {
		if c.docs[i].frame == frame && c.docs[i].page <= 1 {
			c.docs[i].label = label
		}
	}
}

// followCommentPages follows the numbered comment pages of frame f ("" is the main
// document), naming its artifacts prefix+NN.
func (c *run) followCommentPages(ctx context.Context, f expandFrame, prefix string) {
	var info pagerInfo
	if err := c.evalIn(ctx, f.id, expandLibJS+pagerInfoJS, &info); err != nil || !info.Found {
		return
	}
	if info.Current > 0 {
		c.labelFirstPage(f.url, strconv.Itoa(info.Current))
	}
	where := ""
	if f.id != "" {
		where = " in the frame " + textsafe.Line(f.url, 200)
	}
	nonNav := 0
	for _, p := range info.Pages {
		if !p.Nav {
			nonNav++
		}
	}
	limit := func(code, why string) {
		if c.expandLimit == "" {
			c.expandLimit = code
		}
		c.rec.event(evidence.EventNote, why, "")
	}
	if nonNav == 0 && !info.Next && f.id == "" {
		c.followNavPages(ctx, info, prefix)
		return
	}
	if nonNav == 0 && !info.Next {
		limit("comment_pages_navigate", fmt.Sprintf("the comments%s come in numbered pages (%s) whose links load another document; only the page as loaded was recorded, the other comment pages were not followed", where, textsafe.Line(info.Where, 200)))
		return
	}
	current := max(info.Current, 1)
	var before pagerState
	if err := c.evalIn(ctx, f.id, expandLibJS+pagerStateJS, &before); err != nil || !before.Found {
		return
	}
	for k := 2; ; k++ {
		if k > commentMaxPages {
			limit("comment_pages_max", fmt.Sprintf("comment pages%s were followed up to the limit of %d pages", where, commentMaxPages))
			return
		}
		if ctx.Err() != nil {
			limit("comment_pages_time", fmt.Sprintf("comment pages%s were followed until the time limit; later pages were not recorded", where))
			return
		}
		want := current + 1
		reqs := c.requestSeq()
		var pc pagerClick
		if err := c.evalIn(ctx, f.id, expandLibJS+fmt.Sprintf(pagerClickJSFormat, want), &pc); err != nil || !pc.OK {
			return // no further page
		}
		end, _ := ctx.Deadline()
		c.settle(end, reqs)
		var st pagerState
		changed := false
		for wait := time.Now().Add(commentPageChange); ; {
			if err := c.evalIn(ctx, f.id, expandLibJS+pagerStateJS, &st); err == nil && st.Found && st.Sig != before.Sig {
				changed = true
				break
			}
			if time.Now().After(wait) || ctx.Err() != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !changed {
			c.rec.event(evidence.EventNote, fmt.Sprintf("comment page %d%s did not replace the comments within %s; no further comment page was followed", want, where, commentPageChange), "")
			return
		}
		if st.Current > 0 {
			current = st.Current
		} else {
			current = want
		}
		label := pc.Label
		if pc.ViaNext || label == "" {
			label = fmt.Sprint(current)
		}
		cp := evidence.CommentPage{Page: k, Label: textsafe.Line(label, 40), TextChars: utf8.RuneCountInString(st.Text)}
		if f.id != "" {
			cp.Frame = textsafe.Cap(f.url, 2000)
		}
		shot := fmt.Sprintf("%s%02d.png", prefix, k)
		var err error
		if f.id == "" {
			err = c.commentShot(ctx, shot, st)
		} else {
			err = c.frameCommentShot(ctx, shot, f.id)
		}
		if err != nil {
			c.problem("comment page %d%s: screenshot failed: %v", k, where, err)
		} else {
			cp.Screenshot = shot
		}
		if html, err := c.docHTML(ctx, f.id); err != nil {
			c.problem("comment page %d%s: DOM not read: %v", k, where, err)
		} else {
			name := fmt.Sprintf("%s%02d.html", prefix, k)
			if err := c.write(name, "text/html; charset=utf-8", evidence.RoleCommentPage, []byte(html)); err != nil {
				c.problem("comment page %d%s: DOM not written: %v", k, where, err)
			} else {
				cp.DOM = name
			}
			doc := pageDoc{url: c.finalURL(), page: k, label: cp.Label, html: html}
			if f.id != "" {
				doc.url, doc.frame = cp.Frame, cp.Frame
			}
			c.docs = append(c.docs, doc)
		}
		heading := fmt.Sprintf("comments page %d (page %s)", k, label)
		if f.id != "" {
			heading += " in frame: " + cp.Frame
		}
		c.addText(heading, st.Text)
		c.facts.Method.CommentPages = append(c.facts.Method.CommentPages, cp)
		before = st
	}
}

// docHTML serialises the rendered DOM of frame ("" is the main document: through DevTools;
// a frame's through its isolated world, as readFrames does).
func (c *run) docHTML(ctx context.Context, frame cdp.FrameID) (string, error) {
	if frame == "" {
		return c.outerHTML(ctx)
	}
	var fr frameRead
	if err := c.evalIn(ctx, frame, fmt.Sprintf(frameReadJS, maxFrameHTML, maxFrameHTML), &fr); err != nil {
		return "", err
	}
	if fr.HTML == "" {
		return "", errors.New("capture: the frame's document is empty")
	}
	return fr.HTML, nil
}

// commentShot writes a screenshot of the comment area st (document coordinates), at most
// MaxSingleShot px tall; the whole viewport when the area has no size.
func (c *run) commentShot(ctx context.Context, name string, st pagerState) error {
	data, err := c.commentShotPNG(ctx, name, st)
	if err != nil {
		return err
	}
	return c.write(name, "image/png", evidence.RoleCommentPage, data)
}

// commentShotPNG takes the screenshot commentShot writes as name, of the tab of ctx.
func (c *run) commentShotPNG(ctx context.Context, name string, st pagerState) ([]byte, error) {
	params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, OptimizeForSpeed: new(true)}
	if st.W >= 1 && st.H >= 1 {
		h := st.H
		if h > MaxSingleShot {
			c.rec.event(evidence.EventNote, fmt.Sprintf("%s shows the first %d px of a comment area %d px tall", name, MaxSingleShot, int(st.H)), "")
			h = MaxSingleShot
		}
		params.CaptureBeyondViewport = new(true)
		params.Clip = &page.Viewport{X: max(st.X, 0), Y: max(st.Y, 0), Width: st.W, Height: h, Scale: 1}
	}
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, params)
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

// pagerView is what pagerViewJS returns.
type pagerView struct {
	Found      bool
	X, Y, W, H float64
	Cut        bool
	FullH      float64
}

// frameCommentShot writes a screenshot of the comment area of frame as the window shows it:
// the area is scrolled into view (a browser paints a frame only where the window shows it),
// the window made as tall as the area when it is taller (at most MaxSingleShot), and the shot
// clipped to the frame's window; what lies beyond is said in a note.
func (c *run) frameCommentShot(ctx context.Context, name string, frame cdp.FrameID) error {
	var v pagerView
	if err := c.evalIn(ctx, frame, expandLibJS+pagerViewJS, &v); err != nil {
		return err
	}
	if wh := min(math.Ceil(v.FullH), MaxSingleShot); v.Found && wh > float64(c.e.cfg.height) {
		// Taller than the window: the window is made as tall as the area for the shot (and
		// set back after), as for the full-page screenshot.
		if restore, err := c.tallWindow(ctx, int64(wh)); err == nil {
			defer restore()
			if err := c.evalIn(ctx, frame, expandLibJS+pagerViewJS, &v); err != nil {
				return err
			}
		}
	}
	if !v.Found || v.W < 1 || v.H < 1 {
		return errors.New("the comment area is not shown in its frame")
	}
	owner, err := chromedp.Call(ctx, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: frame})
	if err != nil {
		return fmt.Errorf("the frame's element: %w", err)
	}
	box, err := chromedp.Call(ctx, dom.GetBoxModel, dom.GetBoxModelParams{BackendNodeID: owner.BackendNodeID})
	if err != nil || box.Model == nil || len(box.Model.Content) < 8 {
		return fmt.Errorf("the frame's place on the page: %w", err)
	}
	// The content quad is in the main window's coordinates (every frame of the page is in the
	// tab's process); the clip is in the main document's.
	var scroll struct{ X, Y float64 }
	if err := c.eval(ctx, `({X: scrollX, Y: scrollY})`, &scroll); err != nil {
		return err
	}
	q := box.Model.Content
	x := q[0] + v.X + scroll.X
	y := q[1] + v.Y + scroll.Y
	w := min(v.W, q[2]-q[0]-v.X)
	h := min(v.H, q[5]-q[1]-v.Y, MaxSingleShot)
	if w < 1 || h < 1 {
		return errors.New("the comment area is outside its frame's window")
	}
	if v.Cut {
		c.rec.event(evidence.EventNote, fmt.Sprintf("%s shows the part of a comment area %d px tall that its frame's window shows (%d px)", name, int(v.FullH), int(h)), "")
	}
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, OptimizeForSpeed: new(true),
		Clip: &page.Viewport{X: x, Y: y, Width: w, Height: h, Scale: 1}})
	if err != nil {
		return err
	}
	return c.write(name, "image/png", evidence.RoleCommentPage, res.Data)
}
