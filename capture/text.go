package capture

import (
	"encoding/json"
	"strings"

	"evidentia/evidence"
	"evidentia/posting"
	"evidentia/textsafe"
)

// finishText writes text.txt: the main document's visible text, then each section (frames,
// comment pages) under a heading line that names where it came from:
//
//	=== frame: https://blog.example/PostView?logNo=1 ===
//
// Nothing is written when the main document's text could not be read.
func (c *run) finishText() {
	if !c.textTaken {
		return
	}
	var b strings.Builder
	b.WriteString(c.text)
	for _, s := range c.sections {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		b.WriteString("\n=== " + textsafe.Line(s.heading, textsafe.MaxLine) + " ===\n")
		b.WriteString(s.text)
	}
	if err := c.write("text.txt", "text/plain; charset=utf-8", evidence.RoleText, []byte(b.String())); err != nil {
		c.problem("visible text not written: %v", err)
	}
}

// finishPosting reads the posting record from every rendered DOM the capture holds (the main
// document, its frames, later comment pages) and writes it as posting.json. The record's
// comment count feeds the completeness verdict (see judge). Nothing is written when no DOM
// was read.
func (c *run) finishPosting() {
	if len(c.docs) == 0 {
		return
	}
	in := posting.Input{Metadata: c.facts.Metadata, PageURL: c.finalURL(), Captured: c.start, Site: c.siteReader()}
	for _, f := range c.facts.Method.Frames {
		if f.Main {
			in.MainFrame = f.URL
		}
	}
	in.Docs = make([]posting.Doc, len(c.docs))
	for i, d := range c.docs {
		in.Docs[i] = posting.Doc{HTML: d.html, URL: d.url, Frame: d.frame, Page: d.page, PageLabel: d.label}
	}
	p := posting.Extract(c.parent, in)
	c.finishSite(&p)
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		c.problem("posting record not written: %v", err)
		return
	}
	if err := c.write("posting.json", "application/json", evidence.RolePosting, append(data, '\n')); err != nil {
		c.problem("posting record not written: %v", err)
		return
	}
	c.post = &p
}
