package capture

import (
	"fmt"
	"net/url"
	"strings"

	"evidentia/capture/sites"
	"evidentia/evidence"
	"evidentia/pagemeta"
	"evidentia/posting"
	"evidentia/textsafe"
)

// Bounds of what a site profile's preparation returns.
const (
	maxPrepared   = 20
	maxSiteHidden = 5000
)

// pickSite chooses the site profile for the page: by the address the page ended at (a
// redirect to another site changes it), else by the one asked for. The method records it.
func (c *run) pickSite() {
	ctx, cancel := c.until(c.deadline)
	var loc string
	if err := c.eval(ctx, `location.href`, &loc); err == nil && (strings.HasPrefix(loc, "http:") || strings.HasPrefix(loc, "https:")) {
		c.facts.FinalURL = loc // where the page is now; collect reads it again
	}
	cancel()
	p := sites.For(c.finalURL())
	if p == nil {
		p = sites.For(c.url)
	}
	c.site = p
	if p != nil {
		c.facts.Method.Site = &evidence.SiteRecord{Profile: p.Name, Site: p.Site}
	}
}

// onSite reports whether the page is still on one of the profile's hosts: a redirect to a
// login or consent page of another host is not prepared or expanded by the profile's rules.
func (c *run) onSite() bool {
	u, err := url.Parse(c.finalURL())
	return err == nil && c.site.Serves(u)
}

// siteSelJS names, for the expansion's scans, the site profile's own expansion controls and
// those it forbids.
func (c *run) siteSelJS() string {
	if c.site == nil || !c.onSite() {
		return siteSelJS("", "")
	}
	return siteSelJS(c.site.Expand, c.site.Refuse)
}

// prepareSite runs the site profile's preparation in the main document and in the frames on
// the profile's hosts, and waits for what it loaded. What it did goes to the method; the
// comments it says the site had hidden are marked hidden in the posting record.
func (c *run) prepareSite() {
	if c.site == nil || c.site.Prepare == "" || c.noExpand {
		return
	}
	ctx, cancel := c.until(c.waitEnd)
	defer cancel()
	rec := c.facts.Method.Site
	if !c.onSite() {
		rec.Prepared = append(rec.Prepared, "not prepared: the page is no longer on "+c.site.Site+" ("+textsafe.Line(c.finalURL(), 200)+")")
		return
	}
	for _, f := range c.expandFrames(ctx) {
		if f.id != "" {
			u, err := url.Parse(f.url)
			if err != nil || !c.site.Serves(u) {
				continue
			}
		}
		reqs := c.requestSeq()
		var out struct {
			Did    []string
			Failed []string
			Hidden []string
		}
		if err := c.evalIn(ctx, f.id, c.site.Prepare, &out); err != nil {
			c.rec.event(evidence.EventNote, fmt.Sprintf("the %s profile could not prepare the page: %s", c.site.Site, textsafe.Line(err.Error(), 200)), "")
			continue
		}
		for _, d := range out.Did {
			if len(rec.Prepared) < maxPrepared {
				rec.Prepared = append(rec.Prepared, textsafe.Line(d, 200))
			}
		}
		for _, d := range out.Failed {
			if len(c.sitePrepFailed) < maxPrepared {
				d = textsafe.Line(d, 200)
				c.sitePrepFailed = append(c.sitePrepFailed, d)
				rec.Prepared = append(rec.Prepared, "failed: "+d)
			}
		}
		for _, id := range out.Hidden {
			if len(c.siteHidden) < maxSiteHidden {
				c.siteHidden[textsafe.Line(id, 64)] = true
			}
		}
		if c.requestSeq() != reqs {
			c.settle(c.waitEnd, reqs)
		}
	}
}

// siteFrames are the ids of the frames the site profile says hold the post.
func (c *run) siteFrames() []string {
	if c.site == nil {
		return nil
	}
	return c.site.Frames
}

// siteReader is the profile's posting reader, nil for none.
func (c *run) siteReader() *posting.Site {
	if c.site == nil {
		return nil
	}
	return c.site.Reader
}

// finishSite records, after the posting record was read, whether the profile read it, and
// marks the comments the site had hidden from a visitor (see prepareSite).
func (c *run) finishSite(p *evidence.Posting) {
	if c.site == nil {
		return
	}
	rec := c.facts.Method.Site
	rec.Matched = p.Platform == c.site.Name
	if !rec.Matched {
		rec.Note = "the page did not have the markup the " + c.site.Site + " profile knows (the site may have changed it); the generic capture was used"
	}
	n := 0
	for i := range p.Comments {
		if c.siteHidden[p.Comments[i].ID] && !p.Comments[i].IDAssigned {
			p.Comments[i].Hidden = true
			n++
		}
	}
	if n > 0 {
		what := fmt.Sprintf("%d comments were", n)
		if n == 1 {
			what = "1 comment was"
		}
		p.Notes = append(p.Notes, what+" hidden by the site's filter; the capture switched the filter off to show them, and they are marked hidden")
	}
}

// siteJudgement returns what the profile says of the page for the verdict: its own page in
// place of the posting (ok), or the limits the site puts on a visitor.
func (c *run) siteJudgement() (st sites.State, ok bool, limits []string) {
	if c.site == nil || len(c.docs) == 0 {
		return sites.State{}, false, nil
	}
	u, err := url.Parse(c.finalURL())
	if err != nil {
		u = &url.URL{} // a profile is never given a nil address
	}
	doc := c.docs[0].html
	for _, d := range c.docs {
		if d.frame != "" && d.page <= 1 && c.isMainFrame(d.frame) {
			doc = d.html
		}
	}
	root, _ := pagemeta.ParseHTML(doc)
	if root == nil {
		return sites.State{}, false, nil
	}
	if c.site.State != nil {
		if st, ok = c.site.State(root, u); ok {
			c.facts.Method.Site.State = string(st.Verdict)
			return st, true, nil
		}
	}
	if c.site.Limits != nil && c.post != nil {
		limits = c.site.Limits(root, u, c.post, sites.Context{Started: c.start.UTC().Format("2006-01-02T15:04:05Z")})
	}
	return sites.State{}, false, limits
}

// isMainFrame reports whether the frame at frameURL holds the page's main content.
func (c *run) isMainFrame(frameURL string) bool {
	for _, f := range c.facts.Method.Frames {
		if f.Main && f.URL == frameURL {
			return true
		}
	}
	return false
}
