package capture

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"evidentia/evidence"
)

// scrollTarget is what moves the page's main content: the document itself, a frame that
// fills the window (Naver Blog's iframe#mainFrame inside an outer page that does not scroll),
// or an element that scrolls inside the document (overflow:auto in web apps and mobile
// layouts).
type scrollTarget struct {
	kind  string      // "document", "frame" or "container"
	frame cdp.FrameID // the frame, for "frame"
	desc  string      // what a person reads in the facts: "document", "iframe#mainFrame", "div#app > main.scroller"
}

// docScrollsJS says whether the document itself scrolls: its content is taller than the
// window and neither the root nor the body hides the overflow.
const docScrollsJS = `(() => {
	const se = document.scrollingElement || document.documentElement;
	const h = Math.max(se ? se.scrollHeight : 0, document.body ? document.body.scrollHeight : 0);
	const hidden = (el) => { if (!el) return false; const o = getComputedStyle(el).overflowY; return o === "hidden" || o === "clip"; };
	return h > innerHeight + 10 && !(hidden(document.documentElement) && (!document.body || hidden(document.body) || hidden(document.documentElement)));
})()`

// findScrollerJS finds the element that scrolls the main content: the scrollable element
// (overflow-y auto, scroll or overlay, content at least 50 px taller than its box) that shows
// the largest part of the window, if that is at least 30% of it. It keeps the element in the
// isolated world (window.__evScroller: the page's scripts cannot see it) and returns a CSS path
// to it. At most 20,000 elements are examined.
const findScrollerJS = `(() => {
	const vw = innerWidth, vh = innerHeight;
	const root = document.body || document.documentElement;
	if (!root) return null;
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
	let best = null, bestArea = 0, n = 0;
	for (let el = walker.currentNode; el && n < 20000; el = walker.nextNode(), n++) {
		if (el.scrollHeight <= el.clientHeight + 50) continue;
		const o = getComputedStyle(el).overflowY;
		if (o !== "auto" && o !== "scroll" && o !== "overlay") continue;
		const r = el.getBoundingClientRect();
		const w = Math.min(r.right, vw) - Math.max(r.left, 0), h = Math.min(r.bottom, vh) - Math.max(r.top, 0);
		if (w <= 0 || h <= 0) continue;
		if (w * h > bestArea) { best = el; bestArea = w * h; }
	}
	if (!best || bestArea < vw * vh * 0.3) return null;
	window.__evScroller = best;
	const name = (el) => {
		let s = el.localName;
		if (el.id) return s + "#" + el.id;
		const cl = Array.from(el.classList).slice(0, 2);
		if (cl.length) s += "." + cl.join(".");
		return s;
	};
	const path = [];
	for (let el = best; el && el.nodeType === 1 && path.length < 4; el = el.parentElement) {
		path.unshift(name(el));
		if (el.id) break;
	}
	return path.join(" > ").slice(0, 200);
})()`

// scrollerStepJS scrolls the element findScrollerJS kept by one of its own heights.
const scrollerStepJS = `(() => {
	const el = window.__evScroller;
	if (!el || !el.isConnected) return null;
	el.scrollTop += el.clientHeight;
	return {y: Math.round(el.scrollTop), vh: el.clientHeight, h: el.scrollHeight};
})()`

const scrollerHeightJS = `(() => { const el = window.__evScroller; return el && el.isConnected ? el.scrollHeight : 0; })()`

const scrollerTopJS = `(() => { const el = window.__evScroller; if (el && el.isConnected) el.scrollTop = 0; })()`

// frameSizeJS reads a frame's viewport and content height.
const frameSizeJS = `(() => {
	const de = document.documentElement, b = document.body;
	return {W: innerWidth, H: innerHeight, SH: Math.max(de ? de.scrollHeight : 0, b ? b.scrollHeight : 0)};
})()`

// findScrollTarget decides what the lazy-load scroll moves and the full-page screenshot must
// show whole: the document when it scrolls; else a frame of the top document that covers at
// least 40% of the window and whose content is taller than it (iframe#mainFrame first); else
// the element that scrolls the main content; else the document.
func (c *run) findScrollTarget(ctx context.Context) scrollTarget {
	doc := scrollTarget{kind: "document", desc: "document"}
	var scrolls bool
	if err := c.eval(ctx, docScrollsJS, &scrolls); err != nil || scrolls {
		return doc
	}
	if tree, err := c.frameTree(ctx); err == nil {
		var best *scrollTarget
		bestArea := 0
		for _, fi := range tree {
			if fi.depth != 1 {
				continue
			}
			var sz struct{ W, H, SH int }
			if err := c.evalIn(ctx, fi.id, frameSizeJS, &sz); err != nil || sz.SH <= sz.H+10 {
				continue
			}
			if sz.W*sz.H*10 < c.e.cfg.width*c.e.cfg.height*4 {
				continue
			}
			sel := c.frameSelector(ctx, fi.id)
			named := strings.Contains(strings.ToLower(sel), "mainframe")
			if best == nil || named || sz.W*sz.H > bestArea {
				best = &scrollTarget{kind: "frame", frame: fi.id, desc: sel}
				bestArea = sz.W * sz.H
				if named {
					break
				}
			}
		}
		if best != nil {
			if best.desc == "" {
				best.desc = "a frame"
			}
			return *best
		}
	}
	var path string
	if err := c.eval(ctx, findScrollerJS, &path); err == nil && path != "" {
		return scrollTarget{kind: "container", desc: path}
	}
	return doc
}

// frameSelector names the element that holds frame in its parent ("iframe#mainFrame").
func (c *run) frameSelector(ctx context.Context, frame cdp.FrameID) string {
	owner, err := chromedp.Call(ctx, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: frame})
	if err != nil {
		return ""
	}
	n, err := chromedp.Call(ctx, dom.DescribeNode, dom.DescribeNodeParams{BackendNodeID: owner.BackendNodeID, Depth: new(int64(0))})
	if err != nil || n.Node == nil {
		return ""
	}
	return selectorOf(n.Node)
}

// scrollJS returns the expressions that scroll t by one step, read its content height and
// bring it back to the top, and the frame they run in.
func (t scrollTarget) scrollJS() (frame cdp.FrameID, step, height, top string) {
	switch t.kind {
	case "frame":
		return t.frame, scrollStepJS, pageHeightJS, `window.scrollTo(0, 0)`
	case "container":
		return "", scrollerStepJS, scrollerHeightJS, scrollerTopJS
	}
	return "", scrollStepJS, pageHeightJS, `window.scrollTo(0, 0)`
}

// growJS makes an element as tall as its content so that a full-page screenshot shows all of
// it: this is the element; with a height argument it is set to that height (a frame), else
// its height becomes auto (a scrolling container). Every ancestor up to the root stops hiding
// or scrolling its overflow and loses a fixed or maximum height; a fixed-position ancestor
// becomes absolute. It returns how many elements it changed.
const growJS = `function(h) {
	const set = (el, p, v) => el.style.setProperty(p, v, "important");
	const el = this;
	let n = 1;
	if (h > 0) { set(el, "height", h + "px"); set(el, "min-height", h + "px"); set(el, "max-height", "none"); }
	else { set(el, "height", "auto"); set(el, "max-height", "none"); set(el, "overflow", "visible"); set(el, "overflow-y", "visible"); }
	for (let a = el.parentElement; a; a = a.parentElement) {
		const cs = getComputedStyle(a);
		if (cs.overflowY !== "visible") { set(a, "overflow", "visible"); set(a, "overflow-y", "visible"); }
		if (cs.maxHeight !== "none") set(a, "max-height", "none");
		set(a, "height", "auto");
		if (cs.position === "fixed") set(a, "position", "absolute");
		n++;
	}
	return n;
}`

// growLayout makes the full-page screenshot show the whole main content when the document
// itself does not scroll: the frame that holds it is made as tall as its content (at most the
// page-height limit), or the scrolling container loses its fixed height. This runs after the
// DOM, MHTML and text were taken, so they hold the page's own layout; Method.Layout says
// what was changed for the screenshot.
func (c *run) growLayout(ctx context.Context, t scrollTarget) {
	switch t.kind {
	case "frame":
		var sz struct{ W, H, SH int }
		if err := c.evalIn(ctx, t.frame, frameSizeJS, &sz); err != nil || sz.SH <= sz.H+10 {
			return
		}
		from := sz.H
		for round := 0; round < 3 && sz.SH > sz.H+10; round++ {
			h := min(sz.SH, c.e.cfg.maxPageHeight)
			if err := c.callOnFrameOwner(ctx, t.frame, growJS, h); err != nil {
				c.rec.event(evidence.EventError, "the frame could not be made as tall as its content: "+err.Error(), "")
				return
			}
			// A frame as tall as its content shows all of it: lazy content may load now.
			c.waitQuietUntil(300*time.Millisecond, time.Now().Add(2*time.Second), c.deadline.Add(-time.Second))
			if err := c.evalIn(ctx, t.frame, frameSizeJS, &sz); err != nil || h >= c.e.cfg.maxPageHeight {
				break
			}
		}
		c.facts.Method.Layout = fmt.Sprintf("the frame %s holds the main content and the outer page does not scroll: for the full-page screenshot the frame was made as tall as its content (%d px, from %d px)", t.desc, min(sz.SH, c.e.cfg.maxPageHeight), from)
	case "container":
		var n int
		err := c.eval(ctx, `(() => { const el = window.__evScroller; if (!el || !el.isConnected) return 0; return (`+growJS+`).call(el, 0); })()`, &n)
		if err != nil || n == 0 {
			return
		}
		c.waitQuietUntil(300*time.Millisecond, time.Now().Add(2*time.Second), c.deadline.Add(-time.Second))
		c.facts.Method.Layout = fmt.Sprintf("the main content scrolls inside %s, not in the document: for the full-page screenshot that element and its ancestors were given their content's height", t.desc)
	}
}

// callOnFrameOwner calls fn with arg on the element that holds frame in its parent document,
// from an isolated world of the parent.
func (c *run) callOnFrameOwner(ctx context.Context, frame cdp.FrameID, fn string, arg int) error {
	owner, err := chromedp.Call(ctx, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: frame})
	if err != nil {
		return err
	}
	world, err := c.worldOf(ctx, c.mainFrame)
	if err != nil {
		return err
	}
	obj, err := chromedp.Call(ctx, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: owner.BackendNodeID, ExecutionContextID: world})
	if err != nil || obj.Object == nil {
		return fmt.Errorf("the frame element is not in the top document: %w", err)
	}
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: fn, ObjectID: obj.Object.ObjectID,
		Arguments: []*runtime.CallArgument{{Value: []byte(fmt.Sprint(arg))}}, ReturnByValue: new(true)})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("capture: script failed: %s", res.ExceptionDetails.Text)
	}
	return nil
}
