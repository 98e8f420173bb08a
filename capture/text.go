package capture

import (
	"strings"

	"evidentia/evidence"
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
