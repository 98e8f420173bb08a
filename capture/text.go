package capture

import (
	"strings"

	"evidentia/evidence"
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
		b.WriteString("\n=== " + oneLine(s.heading) + " ===\n")
		b.WriteString(s.text)
	}
	if err := c.write("text.txt", "text/plain; charset=utf-8", evidence.RoleText, []byte(b.String())); err != nil {
		c.problem("visible text not written: %v", err)
	}
}

// oneLine makes s fit on one heading line: line breaks and control characters become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0x85 {
			return ' '
		}
		return r
	}, s)
}
