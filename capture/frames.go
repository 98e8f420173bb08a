package capture

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// maxFrames is the number of frames a capture reads (documents, text, metadata); the rest are
// named in the facts but not read.
const maxFrames = 16

// frameInfo is one frame of the page's frame tree, the main frame excluded.
type frameInfo struct {
	id     cdp.FrameID
	parent cdp.FrameID
	url    string
	depth  int
}

// frameTree lists the page's frames under the main frame, in document order (depth first).
// The engine runs Chromium without site isolation, so frames of every origin are in the tab's
// own process and reachable through it.
func (c *run) frameTree(ctx context.Context) ([]frameInfo, error) {
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	var out []frameInfo
	var walk func(t *page.FrameTree, depth int)
	walk = func(t *page.FrameTree, depth int) {
		for _, ch := range t.ChildFrames {
			if ch == nil || ch.Frame == nil {
				continue
			}
			u := ch.Frame.URL + ch.Frame.URLFragment
			out = append(out, frameInfo{id: ch.Frame.ID, parent: ch.Frame.ParentID, url: u, depth: depth})
			walk(ch, depth+1)
		}
	}
	if tree.FrameTree != nil {
		walk(tree.FrameTree, 1)
	}
	return out, nil
}

// worldOf returns the isolated world of frame ("evidentia": the page's scripts cannot see or
// redefine what runs there), made on first use. forgetWorld drops it when the frame navigated.
func (c *run) worldOf(ctx context.Context, frame cdp.FrameID) (runtime.ExecutionContextID, error) {
	if w, ok := c.worlds[frame]; ok {
		return w, nil
	}
	res, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame, WorldName: "evidentia"})
	if err != nil {
		if frame != c.mainFrame {
			err = fmt.Errorf("capture: frame not reachable: %w", err)
		}
		return 0, err
	}
	if c.worlds == nil {
		c.worlds = map[cdp.FrameID]runtime.ExecutionContextID{}
	}
	c.worlds[frame] = res.ExecutionContextID
	return res.ExecutionContextID, nil
}

// evalIn evaluates expr in the isolated world of frame ("" is the main frame) and decodes the
// JSON result into out. When the frame navigated away from its world, a new one is made and
// the expression tried once more.
func (c *run) evalIn(ctx context.Context, frame cdp.FrameID, expr string, out any) error {
	if frame == "" {
		frame = c.mainFrame
	}
	for attempt := 0; attempt < 2; attempt++ {
		w, err := c.worldOf(ctx, frame)
		if err != nil {
			return err
		}
		res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: expr, ContextID: w, ReturnByValue: new(true), AwaitPromise: new(true)})
		if err != nil {
			delete(c.worlds, frame)
			if ctx.Err() != nil {
				return err
			}
			continue
		}
		if res.ExceptionDetails != nil {
			return fmt.Errorf("capture: script failed: %s", res.ExceptionDetails.Text)
		}
		if out == nil || res.Result == nil || len(res.Result.Value) == 0 {
			return nil
		}
		return json.Unmarshal([]byte(res.Result.Value), out)
	}
	if frame == c.mainFrame {
		return errors.New("capture: the page kept navigating")
	}
	return errors.New("capture: the frame kept navigating")
}

// maxFrameHTML is the largest frame document, in characters, that is kept as an artifact;
// a larger one is cut there and the cut is said in the facts.
const maxFrameHTML = 20 << 20

// frameReadJS reads a frame's document from an isolated world: its address, visible text,
// serialised DOM (doctype and document element), viewport and content size, and charset.
const frameReadJS = `(() => {
	const d = document, de = d.documentElement;
	let html = "";
	try {
		html = (d.doctype ? new XMLSerializer().serializeToString(d.doctype) + "\n" : "") + (de ? de.outerHTML : "");
	} catch (e) { html = ""; }
	const cut = html.length > %d;
	return {URL: String(location.href), Text: d.body ? String(d.body.innerText || "").slice(0, 2000000) : "",
		HTML: cut ? html.slice(0, %d) : html, Cut: cut, W: innerWidth, H: innerHeight,
		SH: Math.max(de ? de.scrollHeight : 0, d.body ? d.body.scrollHeight : 0), Charset: String(d.characterSet || "")};
})()`

// frameRead is what frameReadJS returns.
type frameRead struct {
	URL, Text, HTML, Charset string
	Cut                      bool
	W, H, SH                 int
}

// frameDoc is one frame the capture read.
type frameDoc struct {
	info frameInfo
	read frameRead
	rec  evidence.FrameRecord
}

// readFrames reads every frame of the page (at most maxFrames): its visible text becomes a
// section of text.txt, its rendered DOM the artifact dom-frame-NN.html, and its record goes
// into the facts. It returns the frames read; mainContent is the one that holds the page's
// main content (see mainContentFrame), or nil.
func (c *run) readFrames(ctx context.Context) (frames []*frameDoc, mainContent *frameDoc) {
	tree, err := c.frameTree(ctx)
	if err != nil {
		c.problem("the page's frames could not be listed: %v", err)
		return nil, nil
	}
	if len(tree) > maxFrames {
		c.rec.event(evidence.EventNote, fmt.Sprintf("the page has %d frames; the first %d are recorded", len(tree), maxFrames), "")
	}
	mainOrigin := origin(c.finalURL())
	for i, fi := range tree {
		if ctx.Err() != nil {
			break
		}
		if i >= maxFrames {
			c.facts.Method.Frames = append(c.facts.Method.Frames, evidence.FrameRecord{URL: textsafe.Cap(fi.url, 2000), Note: "not read: over the limit of frames"})
			continue
		}
		fd := &frameDoc{info: fi}
		fd.rec = evidence.FrameRecord{URL: textsafe.Cap(fi.url, 2000), CrossSite: origin(fi.url) != mainOrigin}
		if fi.parent != c.mainFrame {
			for _, p := range frames {
				if p.info.id == fi.parent {
					fd.rec.Parent = p.rec.URL
				}
			}
		}
		fd.rec.Selector = c.frameSelector(ctx, fi.id)
		js := fmt.Sprintf(frameReadJS, maxFrameHTML, maxFrameHTML)
		if err := c.evalIn(ctx, fi.id, js, &fd.read); err != nil {
			fd.rec.Note = "its document could not be read: " + textsafe.Cap(err.Error(), 300)
			c.facts.Method.Frames = append(c.facts.Method.Frames, fd.rec)
			frames = append(frames, fd)
			continue
		}
		if u := fd.read.URL; strings.HasPrefix(u, "http:") || strings.HasPrefix(u, "https:") {
			fd.rec.URL = textsafe.Cap(u, 2000)
			fd.rec.CrossSite = origin(u) != mainOrigin
		}
		fd.rec.Width, fd.rec.Height = fd.read.W, fd.read.H
		fd.rec.TextChars = len([]rune(fd.read.Text))
		frames = append(frames, fd)
	}
	mainContent = mainContentFrame(frames, c.e.cfg.width, c.e.cfg.height, len([]rune(c.text)), c.siteFrames())
	n := 0
	for _, fd := range frames {
		if fd.read.HTML == "" && fd.read.URL == "" {
			continue
		}
		if fd == mainContent {
			fd.rec.Main = true
		}
		if fd.read.HTML != "" {
			n++
			name := fmt.Sprintf("dom-frame-%02d.html", n)
			data := []byte(fd.read.HTML)
			if !strings.EqualFold(fd.read.Charset, "utf-8") && fd.read.Charset != "" {
				data = append([]byte("\ufeff"), data...)
			}
			if err := c.write(name, "text/html; charset=utf-8", evidence.RoleFrameDOM, data); err != nil {
				c.problem("frame DOM not written: %v", err)
			} else {
				fd.rec.Artifact = name
				c.frameArtifacts[fd.info.id] = name
			}
			if fd.read.Cut {
				fd.rec.Note = fmt.Sprintf("its DOM is larger than %d characters and was cut there", maxFrameHTML)
			}
			c.docs = append(c.docs, pageDoc{url: fd.rec.URL, frame: fd.rec.URL, page: 1, html: fd.read.HTML})
		}
		if strings.TrimSpace(fd.read.Text) != "" {
			heading := "frame: " + fd.rec.URL
			if fd.rec.Selector != "" {
				heading += " (" + fd.rec.Selector + ")"
			}
			c.addText(heading, fd.read.Text)
			c.frameTexts = append(c.frameTexts, fd.read.Text)
		}
		c.facts.Method.Frames = append(c.facts.Method.Frames, fd.rec)
	}
	return frames, mainContent
}

// mainContentFrame picks the frame that holds the page's main content: a frame of the top
// document that covers at least 40% of the window and holds more visible text than the outer
// page (outerChars), or, among those, a named one: iframe#mainFrame (Naver Blog's) or a frame
// whose id the site profile names (names, "cafe_main"), whatever the outer page's menus hold.
// It returns nil when no frame qualifies.
func mainContentFrame(frames []*frameDoc, vw, vh, outerChars int, names []string) *frameDoc {
	isNamed := func(fd *frameDoc) bool {
		sel := strings.ToLower(fd.rec.Selector)
		if strings.Contains(sel, "mainframe") {
			return true
		}
		for _, n := range names {
			if strings.Contains(sel, "#"+strings.ToLower(n)) {
				return true
			}
		}
		return false
	}
	var best *frameDoc
	for _, fd := range frames {
		if fd.info.depth != 1 || fd.read.URL == "" {
			continue
		}
		big := fd.read.W*fd.read.H*10 >= vw*vh*4
		named := isNamed(fd)
		if !(big || named) || fd.rec.TextChars <= outerChars && !named {
			continue
		}
		if best == nil || named || fd.rec.TextChars > best.rec.TextChars && !isNamed(best) {
			best = fd
		}
	}
	return best
}

// selectorOf names an element as a CSS selector a person can read: its tag, id, name and up
// to two classes ("iframe#mainFrame", "iframe[name=comments].cbox").
func selectorOf(n *cdp.Node) string {
	s := strings.ToLower(n.LocalName)
	if s == "" {
		s = strings.ToLower(n.NodeName)
	}
	var id, name, class string
	for i := 0; i+1 < len(n.Attributes); i += 2 {
		switch n.Attributes[i] {
		case "id":
			id = n.Attributes[i+1]
		case "name":
			name = n.Attributes[i+1]
		case "class":
			class = n.Attributes[i+1]
		}
	}
	if id != "" {
		s += "#" + id
	} else if name != "" {
		s += "[name=" + name + "]"
	}
	for i, cl := range strings.Fields(class) {
		if i == 2 {
			break
		}
		s += "." + cl
	}
	return textsafe.Line(s, 200)
}

// origin returns scheme://host[:port] of u, or "" when u does not parse.
func origin(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return ""
	}
	return pu.Scheme + "://" + pu.Host
}

// mergeFrameMetadata returns the outer page's metadata with every field the main-content
// frame states taken from the frame instead: the frame holds the posting. Sources name the
// frame's values as "frame:<source>", and "main_frame" names the frame.
func mergeFrameMetadata(outer, frame evidence.Metadata, rec evidence.FrameRecord) evidence.Metadata {
	md := outer
	if md.Sources == nil {
		md.Sources = map[string]string{}
	} else {
		md.Sources = maps.Clone(md.Sources)
	}
	take := func(key string, dst *string, v string) {
		if v == "" {
			return
		}
		*dst = v
		if src, ok := frame.Sources[key]; ok {
			md.Sources[key] = "frame:" + src
		} else {
			md.Sources[key] = "frame"
		}
	}
	take("title", &md.Title, frame.Title)
	take("author", &md.Author, frame.Author)
	take("site_name", &md.SiteName, frame.SiteName)
	take("lang", &md.Lang, frame.Lang)
	take("description", &md.Description, frame.Description)
	take("canonical_url", &md.CanonicalURL, frame.CanonicalURL)
	take("keywords", &md.Keywords, frame.Keywords)
	take("type", &md.Type, frame.Type)
	take("image", &md.Image, frame.Image)
	// A time comes with its normalised forms, all from the one source.
	takeTime := func(field string, dst *string, v string, utc, kst *string, vUTC, vKST string) {
		if v == "" {
			return
		}
		take(field+"_time", dst, v)
		*utc, *kst = vUTC, vKST
		for _, k := range []string{field + "_utc", field + "_kst"} {
			if src, ok := frame.Sources[k]; ok {
				md.Sources[k] = "frame:" + src
			} else {
				delete(md.Sources, k)
			}
		}
	}
	takeTime("published", &md.PublishedTime, frame.PublishedTime, &md.PublishedUTC, &md.PublishedKST, frame.PublishedUTC, frame.PublishedKST)
	takeTime("modified", &md.ModifiedTime, frame.ModifiedTime, &md.ModifiedUTC, &md.ModifiedKST, frame.ModifiedUTC, frame.ModifiedKST)
	if len(frame.PostIDs) > 0 {
		ids := maps.Clone(md.PostIDs)
		if ids == nil {
			ids = map[string]string{}
		}
		for k, v := range frame.PostIDs {
			ids[k] = v
			if src, ok := frame.Sources["post_ids."+k]; ok {
				md.Sources["post_ids."+k] = "frame:" + src
			}
		}
		md.PostIDs = ids
	}
	md.Sources["main_frame"] = rec.URL
	return md
}

// crossFrames says whether the page has a frame of another origin.
func (c *run) crossFrames() bool {
	for _, f := range c.facts.Method.Frames {
		if f.CrossSite {
			return true
		}
	}
	return false
}
