package capture

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdpio "github.com/chromedp/cdproto/io"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"evidentia/evidence"
	"evidentia/media"
	"evidentia/textsafe"
)

// Bounds of the media of one capture (see WithMedia): DefaultMediaMaxBytes for one file and
// DefaultMediaTimeout for them all; at most mediaMaxItems sources are listed and
// mediaMaxFiles files fetched; a file is read from the browser in mediaChunk pieces.
const (
	DefaultMediaMaxBytes = 512 << 20
	DefaultMediaTimeout  = 2 * time.Minute
	mediaMaxItems        = 40
	mediaMaxFiles        = 10
	mediaChunk           = 1 << 20
)

// WithMedia bounds the video and audio files a capture keeps: maxBytes for one file (0 keeps
// none: the sources are only listed) and timeout for all of a capture's (0 for the default),
// and names the ffprobe that reads their duration and size ("" looks for it on PATH).
func WithMedia(maxBytes int64, timeout time.Duration, ffprobe string) Option {
	return func(c *config) {
		if maxBytes >= 0 {
			c.mediaMaxBytes = maxBytes
		}
		if timeout > 0 {
			c.mediaTimeout = timeout
		}
		c.ffprobe = ffprobe
	}
}

// MediaMaxBytes bounds the media files of one capture to n bytes each, in place of the
// engine's limit (WithMedia); 0 keeps none.
func MediaMaxBytes(n int64) CaptureOption {
	return func(r *run) {
		if n >= 0 {
			r.mediaMax = &n
		}
	}
}

// mediaMaxBytes is the size limit of one media file for this capture.
func (c *run) mediaMaxBytes() int64 {
	if c.mediaMax != nil {
		return *c.mediaMax
	}
	return c.e.cfg.mediaMaxBytes
}

// mediaSource is one source of a media element as mediaFindJS reports it.
type mediaSource struct {
	Kind    string  `json:"kind"`
	Where   string  `json:"where"`
	URL     string  `json:"url"`
	Type    string  `json:"type"`
	How     string  `json:"how"` // "src", "source", "currentSrc" or "none"
	Chosen  bool    `json:"chosen"`
	Dur     float64 `json:"dur"`
	W       int     `json:"w"`
	H       int     `json:"h"`
	Preload string  `json:"preload"`
}

// mediaFindJS lists the sources of the document's video and audio elements (at most 40),
// resolved: each element's src, each of its <source> elements, or the source its player
// chose when it names none; "chosen" marks the one the player plays (currentSrc), and the
// player's duration and picture size come with it.
const mediaFindJS = `(() => {
  const S = globalThis.__evx, out = [];
  for (const el of document.querySelectorAll("video, audio")) {
    if (out.length >= 40) break;
    const cur = String(el.currentSrc || "");
    const base = {kind: el.tagName.toLowerCase(), where: S.where(el), dur: Number.isFinite(el.duration) ? el.duration : 0,
      w: el.videoWidth || 0, h: el.videoHeight || 0, preload: String(el.getAttribute("preload") || "")};
    const srcs = [];
    if (el.hasAttribute("src")) srcs.push({url: String(el.src), type: "", how: "src"});
    for (const s of el.querySelectorAll("source")) {
      if (s.hasAttribute("src")) srcs.push({url: String(s.src), type: String(s.type || "").slice(0, 200), how: "source"});
    }
    if (!srcs.length && cur) srcs.push({url: cur, type: "", how: "currentSrc"});
    if (!srcs.length) srcs.push({url: "", type: "", how: "none"});
    let chosen = srcs.findIndex(s => cur && s.url === cur);
    if (chosen < 0) chosen = 0;
    srcs.slice(0, 8).forEach((s, i) => out.push(Object.assign({}, base, s, {url: s.url.slice(0, 4000), chosen: i === chosen})));
  }
  return out;
})()`

// collectMedia lists the video and audio sources of the page and its frames (Facts.Media)
// and fetches the file each element plays through the page's own context: Chrome's
// Network.loadNetworkResource for the element's frame, with the frame's cookies, as the
// player itself fetches it. Each file is kept whole as media-NN.EXT (RoleMedia) up to the
// size limit, and ffprobe, where installed, reads its container, duration and size. What was
// not kept is said, per source, in plain words: a stream (blob:, the player's MediaSource, as
// on YouTube), an alternative the player did not choose, a file over the limit, an error.
// It runs within the media time limit, which extends the tab's hard stop.
func (c *run) collectMedia() {
	if time.Now().After(c.deadline) {
		if c.videos > 0 {
			c.rec.event(evidence.EventNote, "the page's videos were not looked at: the capture's time limit was reached", "")
		}
		return
	}
	// The sources are listed within the capture's own time limit (a document that never
	// finishes may not answer); only the files get the media time limit.
	lctx, lcancel := c.until(c.deadline)
	defer lcancel()
	end := time.Now().Add(c.e.cfg.mediaTimeout)
	ctx, cancel := c.until(end)
	defer cancel()
	var items []evidence.MediaItem
	type fetchOf struct {
		i     int
		frame cdp.FrameID
	}
	var fetches []fetchOf
	seen := map[string]bool{}
	for _, f := range c.expandFrames(lctx) {
		var srcs []mediaSource
		if err := c.evalIn(lctx, f.id, expandLibJS+mediaFindJS, &srcs); err != nil {
			continue
		}
		frame := f.id
		if frame == "" {
			frame = c.mainFrame
		}
		for _, s := range srcs {
			if len(items) >= mediaMaxItems {
				break
			}
			it := evidence.MediaItem{Kind: textsafe.Line(s.Kind, 10), Element: textsafe.Line(s.Where, 300), URL: textsafe.Cap(s.URL, 4000),
				PlayerDuration: max(s.Dur, 0), PlayerWidth: max(s.W, 0), PlayerHeight: max(s.H, 0)}
			if it.Kind != "audio" {
				it.Kind = "video"
			}
			if f.id != "" {
				it.Frame = textsafe.Cap(f.url, 2000)
			}
			u, err := url.Parse(s.URL)
			switch {
			case s.How == "none":
				it.Note = "the element names no source and its player had chosen none"
			case err != nil:
				it.Note = "its source address could not be read"
			case u.Scheme == "blob":
				it.Note = "the player streams it from the page's own script (a blob: address of a MediaSource, as on YouTube): there is no one file to fetch; a tool that knows the site (yt-dlp) can collect such a video"
			case u.Scheme == "data":
				it.Note = "the source is written into the page itself (a data: address): it is kept in the DOM artifacts"
			case u.Scheme != "http" && u.Scheme != "https":
				it.Note = "its source is not a web address (" + textsafe.Line(u.Scheme, 20) + ":) and was not fetched"
			case !s.Chosen:
				it.Note = "an alternative source the player did not choose; not fetched"
			case seen[s.URL]:
				it.Note = "the same file as another element's; fetched once"
			case c.mediaMaxBytes() == 0:
				it.Note = "media files are not kept (the size limit is 0)"
			case len(fetches) >= mediaMaxFiles:
				it.Note = fmt.Sprintf("not fetched: a capture keeps at most %d media files", mediaMaxFiles)
			default:
				seen[s.URL] = true
				fetches = append(fetches, fetchOf{i: len(items), frame: frame})
			}
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return
	}
	if c.hard != nil {
		c.hard.Reset(time.Until(end) + hardStopAfter)
	}
	ffprobe, ffErr := media.FindFFprobe(c.e.cfg.ffprobe)
	for n, t := range fetches {
		it := &items[t.i]
		if ctx.Err() != nil {
			it.Note = fmt.Sprintf("not fetched: the media time limit of %s was reached", c.e.cfg.mediaTimeout)
			continue
		}
		name, err := c.fetchMedia(ctx, t.frame, it, n+1)
		if err != nil {
			it.Note = textsafe.Line(err.Error(), 400)
			continue
		}
		switch {
		case ffErr != nil:
			it.Note = "ffprobe is not installed: the file's duration and picture size were not read from it"
		default:
			p, err := media.Probe(ctx, ffprobe, filepath.Join(c.dir, name))
			if err != nil {
				it.Note = "kept, but " + textsafe.Line(strings.TrimPrefix(err.Error(), "media: "), 300)
			} else {
				it.Probe = p
			}
		}
	}
	c.facts.Media = items
}

// fetchMedia fetches it.URL through frame's context and keeps it as media-NN.EXT, filling in
// it; an error says why nothing was kept.
func (c *run) fetchMedia(ctx context.Context, frame cdp.FrameID, it *evidence.MediaItem, n int) (string, error) {
	res, err := chromedp.Call(ctx, network.LoadNetworkResource, network.LoadNetworkResourceParams{FrameID: frame, URL: it.URL,
		Options: &network.LoadNetworkResourceOptions{IncludeCredentials: true}})
	switch {
	case err != nil && ctx.Err() != nil:
		return "", fmt.Errorf("not fetched: the media time limit of %s was reached", c.e.cfg.mediaTimeout)
	case err != nil:
		return "", fmt.Errorf("not fetched: the browser could not fetch it (%s)", textsafe.Line(err.Error(), 200))
	case res.Resource == nil:
		return "", errors.New("not fetched: the browser gave no answer")
	}
	r := res.Resource
	it.HTTPStatus = int(r.HTTPStatusCode)
	closeStream := func() {
		if r.Stream != "" {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_, _ = chromedp.Call(cctx, cdpio.Close, cdpio.CloseParams{Handle: r.Stream})
		}
	}
	defer closeStream()
	if it.HTTPStatus != 0 && (it.HTTPStatus < 200 || it.HTTPStatus > 299) {
		return "", fmt.Errorf("not kept: the server answered HTTP %d", it.HTTPStatus)
	}
	if !r.Success {
		return "", fmt.Errorf("not fetched: %s", textsafe.Line(r.NetErrorName, 100))
	}
	ctype, _ := headerValue(r.Headers, "content-type")
	ctype = textsafe.Line(ctype, 200)
	name := fmt.Sprintf("media-%02d%s", n, media.Ext(ctype))
	p := filepath.Join(c.dir, name)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		c.problem("media file %s not written: %v", name, err)
		return "", fmt.Errorf("not kept: the file could not be written (%s)", textsafe.Line(err.Error(), 200))
	}
	var total int64
	fail := func(e error) (string, error) {
		f.Close()
		os.Remove(p)
		return "", e
	}
	for {
		rd, err := chromedp.Call(ctx, cdpio.Read, cdpio.ReadParams{Handle: r.Stream, Size: mediaChunk})
		if err != nil {
			if ctx.Err() != nil {
				return fail(fmt.Errorf("not kept: the media time limit of %s was reached after %d bytes", c.e.cfg.mediaTimeout, total))
			}
			return fail(fmt.Errorf("not kept: reading it from the browser failed after %d bytes (%s)", total, textsafe.Line(err.Error(), 200)))
		}
		data := rd.Data // decoded from base64 by cdproto
		if total+int64(len(data)) > c.mediaMaxBytes() {
			return fail(fmt.Errorf("not kept: the file is larger than the limit of %d bytes", c.mediaMaxBytes()))
		}
		if _, err := f.Write(data); err != nil {
			c.problem("media file %s not written: %v", name, err)
			return fail(fmt.Errorf("not kept: the file could not be written (%s)", textsafe.Line(err.Error(), 200)))
		}
		total += int64(len(data))
		if rd.EOF {
			break
		}
	}
	if err := f.Close(); err != nil {
		c.problem("media file %s not written: %v", name, err)
		os.Remove(p)
		return "", fmt.Errorf("not kept: the file could not be written (%s)", textsafe.Line(err.Error(), 200))
	}
	mt := ctype
	if mt == "" {
		mt = "application/octet-stream"
	}
	c.files = append(c.files, File{Name: name, Path: p, MediaType: mt, Role: evidence.RoleMedia})
	it.Artifact, it.MediaType, it.Bytes, it.Via = name, ctype, total, "page"
	return name, nil
}

// mediaMissing says, per video or audio element of the page none of whose sources was kept,
// what it is and why (the note of the source its player chose), for the verdict.
func mediaMissing(items []evidence.MediaItem, tool *evidence.MediaToolRun) []string {
	for _, it := range items {
		if it.Via == "yt-dlp" && it.Artifact != "" {
			return nil // yt-dlp collected the posting's video
		}
	}
	type elem struct{ frame, where string }
	kept := map[elem]bool{}
	why := map[elem]evidence.MediaItem{}
	var order []elem
	for _, it := range items {
		e := elem{it.Frame, it.Element}
		if prev, ok := why[e]; !ok {
			order = append(order, e)
			why[e] = it
		} else if strings.HasPrefix(prev.Note, "an alternative source") {
			why[e] = it // the reason of the source the player chose
		}
		if it.Artifact != "" {
			kept[e] = true
		}
	}
	var out []string
	for _, e := range order {
		if kept[e] {
			continue
		}
		it := why[e]
		note := it.Note
		if note == "" {
			note = "its file was not fetched"
		}
		if tool != nil && tool.Note != "" {
			note += "; " + tool.Note
		}
		out = append(out, fmt.Sprintf("the %s %s was not collected: %s", it.Kind, textsafe.Line(it.Element, 100), note))
	}
	return out
}
