package capture

import (
	"context"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
)

// scrollHintBinding is the name of the binding through which scrollHintJS tells the engine
// that the page watches scrolling. The script takes the binding and deletes it from the page's
// global object before any page script runs, so the page never sees it.
const scrollHintBinding = "__evidentiaScrollHint"

// scrollHintJS runs in the page's own world in every frame before the page's scripts. It says
// once, through the binding, when the page registers anything that can load content as the
// reader scrolls: a scroll, wheel or touchmove listener, an onscroll handler, or an
// IntersectionObserver. It changes nothing the page does: the wrapped functions call the
// originals with the same arguments, and the DOM is not touched.
const scrollHintJS = `(() => {
  const b = globalThis.` + scrollHintBinding + `;
  if (typeof b !== 'function') return;
  try { delete globalThis.` + scrollHintBinding + `; } catch (e) {}
  const sent = new Set();
  const tell = (k) => { if (!sent.has(k)) { sent.add(k); try { b(k); } catch (e) {} } };
  const watched = new Set(['scroll', 'wheel', 'touchmove', 'scrollend', 'mousewheel']);
  try {
    const ET = EventTarget.prototype;
    ET.addEventListener = new Proxy(ET.addEventListener, {apply(t, self, args) {
      try { const ty = String(args[0]).toLowerCase(); if (watched.has(ty)) tell('listener:' + ty); } catch (e) {}
      return Reflect.apply(t, self, args);
    }});
  } catch (e) { tell('unknown'); }
  try {
    if (typeof IntersectionObserver === 'function') {
      globalThis.IntersectionObserver = new Proxy(IntersectionObserver, {construct(t, args, nt) {
        tell('intersection-observer');
        return Reflect.construct(t, args, nt);
      }});
    }
  } catch (e) { tell('unknown'); }
  for (const o of [globalThis, Window.prototype, Document.prototype, HTMLElement.prototype]) {
    try {
      const d = Object.getOwnPropertyDescriptor(o, 'onscroll');
      if (!d || !d.set || !d.configurable) continue;
      Object.defineProperty(o, 'onscroll', Object.assign({}, d, {set: new Proxy(d.set, {apply(t, self, args) {
        tell('onscroll');
        return Reflect.apply(t, self, args);
      }})}));
    } catch (e) {}
  }
})()`

// lazyMarkupJS looks in one document for markup that loads as it comes into view without a
// script the hint would see: loading=lazy images and frames, inline onscroll handlers.
const lazyMarkupJS = `(() => {
  const e = document.querySelector('img[loading=lazy], iframe[loading=lazy], [onscroll], [onwheel]');
  return e ? e.tagName.toLowerCase() + (e.hasAttribute('loading') ? '[loading=lazy]' : '[onscroll]') : '';
})()`

// scrollHints collects what the pages of one capture registered (scrollHintJS).
type scrollHints struct {
	mu    sync.Mutex
	kinds []string
}

// hintKinds are the payloads scrollHintJS sends, in the words the facts use. Any other
// payload (none should come: the page never sees the binding) counts as "unknown".
var hintKinds = map[string]string{
	"listener:scroll": "a scroll listener", "listener:wheel": "a wheel listener", "listener:touchmove": "a touchmove listener",
	"listener:scrollend": "a scrollend listener", "listener:mousewheel": "a mousewheel listener",
	"intersection-observer": "an IntersectionObserver", "onscroll": "an onscroll handler", "unknown": "something the watcher could not wrap",
}

func (h *scrollHints) add(payload string) {
	kind, ok := hintKinds[payload]
	if !ok {
		kind = hintKinds["unknown"]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range h.kinds {
		if k == kind {
			return
		}
	}
	h.kinds = append(h.kinds, kind)
}

func (h *scrollHints) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.kinds...)
}

// needsScroll reports whether the lazy-load scroll can change anything on the page: true when
// a script registered something that watches scrolling (scrollHintJS), when a document holds
// lazy markup, or when that could not be read. why says what was found, or, when false, why
// the scroll is not needed.
func (c *run) needsScroll(ctx context.Context) (need bool, why string) {
	if k := c.hints.list(); len(k) > 0 {
		return true, "the page registered " + strings.Join(k, ", ")
	}
	frames := []cdp.FrameID{c.mainFrame}
	if fs, err := c.frameTree(ctx); err == nil {
		for _, f := range fs {
			if len(frames) > maxFrames {
				return true, "the page has more frames than are read"
			}
			frames = append(frames, f.id)
		}
	} else {
		return true, "its frames could not be listed"
	}
	for _, f := range frames {
		var lazy string
		if err := c.evalIn(ctx, f, lazyMarkupJS, &lazy); err != nil {
			if f == c.mainFrame {
				return true, "its document could not be read"
			}
			continue // a frame gone or not yet scriptable holds nothing to scroll for
		}
		if lazy != "" {
			return true, "the page holds " + lazy
		}
	}
	return false, "nothing on the page loads as it scrolls: no script registered a scroll, wheel or touch listener, an onscroll handler or an IntersectionObserver, and no image or frame is loading=lazy"
}
