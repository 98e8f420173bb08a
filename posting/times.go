package posting

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/pagemeta"
)

// maxTimeText is the number of runes of a time's text that PageTime.Text keeps.
const maxTimeText = 200

// clock resolves the times a page states, against the capture start and the page's zone, and
// remembers what it had to assume so that Extract can say so in Notes.
type clock struct {
	captured time.Time
	zone     *time.Location
	// relative counts the times resolved from relative text, by text form ("3시간 전").
	relative []string
	// assumedZone counts times without a zone, taken in the page's zone.
	assumedZone int
	// yearless counts times shown without a year ("12.29 13:56:22").
	yearless int
	// unparsed keeps up to a few texts that looked like times but did not parse.
	unparsed []string
}

// noYearRE matches the day-and-time form boards use for this year's posts: "12.29 13:56:22",
// "03-05 14:22", "03/05 14:22".
var noYearRE = regexp.MustCompile(`^(\d{1,2})[.\-/](\d{1,2})\.?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$`)

// shortYearRE matches gnuboard's two-digit-year form "24-03-05 14:22" and "24.03.05 14:22:10".
var shortYearRE = regexp.MustCompile(`^(\d{2})[.\-/](\d{1,2})[.\-/](\d{1,2})\.?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)

// timeStat is what resolving one time had to assume.
type timeStat int

const (
	statNone timeStat = iota
	statAssumedZone
	statRelative
	statYearless
	statUnparsed
)

// resolve turns the text s, read from source, into a PageTime and records what it assumed
// for Notes; nil when s is empty. A text that is no time the package understands is kept with
// empty KST and UTC.
func (c *clock) resolve(s, source string) *evidence.PageTime {
	pt, st := c.try(s, source)
	if pt != nil {
		c.record(st, pt.Text)
	}
	return pt
}

// record counts st for Notes.
func (c *clock) record(st timeStat, raw string) {
	switch st {
	case statAssumedZone:
		c.assumedZone++
	case statRelative:
		c.relative = append(c.relative, raw)
	case statYearless:
		c.yearless++
	case statUnparsed:
		if len(c.unparsed) < 3 {
			c.unparsed = append(c.unparsed, raw)
		}
	}
}

// try is resolve without recording.
func (c *clock) try(s, source string) (*evidence.PageTime, timeStat) {
	raw, _ := capped(s, maxTimeText)
	if raw == "" {
		return nil, statNone
	}
	pt := &evidence.PageTime{Text: raw, Source: source}
	if t, assumption, ok := pagemeta.ParseTime(raw); ok {
		c.set(pt, c.inZone(t, assumption))
		if assumption != "" {
			return pt, statAssumedZone
		}
		return pt, statNone
	}
	if t, ok := c.shortYear(raw); ok {
		c.set(pt, t)
		return pt, statAssumedZone
	}
	if c.captured.IsZero() {
		return pt, statUnparsed
	}
	if rt, ok := pagemeta.ParseRelativeTime(raw, c.captured, c.zone); ok {
		c.set(pt, rt.Time)
		pt.Relative = true
		pt.Precision = string(rt.Precision)
		pt.Resolution = rt.Resolution
		return pt, statRelative
	}
	if t, prec, ok := c.noYear(raw); ok {
		c.set(pt, t)
		pt.Relative = true
		pt.Precision = prec
		pt.Resolution = fmt.Sprintf("no year shown: %s taken in the year of the capture start %s, or the year before when that would be after it",
			raw, c.captured.In(c.loc()).Format("2006-01-02 15:04:05 MST"))
		return pt, statYearless
	}
	return pt, statUnparsed
}

// set fills the absolute forms of pt from t.
func (c *clock) set(pt *evidence.PageTime, t time.Time) {
	pt.KST = t.In(evidence.KST()).Format(time.RFC3339)
	pt.UTC = t.UTC().Format(time.RFC3339)
}

// inZone reads the wall clock of t, which ParseTime took as KST because the text stated no
// zone (assumption is not ""), in the page's zone.
func (c *clock) inZone(t time.Time, assumption string) time.Time {
	if assumption == "" || c.zone == nil || c.zone == evidence.KST() {
		return t
	}
	w := t.In(evidence.KST())
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), c.zone)
}

// shortYear parses "24-03-05 14:22" as 2024-03-05 14:22 in the page's zone.
func (c *clock) shortYear(s string) (time.Time, bool) {
	m := shortYearRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	h, mi, sec := atoiOr(m[4]), atoiOr(m[5]), atoiOr(m[6])
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(2000+y, time.Month(mo), d, h, mi, sec, 0, c.loc())
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// noYear parses "12.29 13:56:22" in the capture's year, or the year before when that would be
// more than a minute after the capture start.
func (c *clock) noYear(s string) (time.Time, string, bool) {
	m := noYearRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, "", false
	}
	mo, d, h, mi := atoiOr(m[1]), atoiOr(m[2]), atoiOr(m[3]), atoiOr(m[4])
	sec := atoiOr(m[5])
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, "", false
	}
	cap := c.captured.In(c.loc())
	for _, y := range []int{cap.Year(), cap.Year() - 1} {
		t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, c.loc())
		if t.Day() != d || t.After(c.captured.Add(time.Minute)) {
			continue
		}
		prec := "minute"
		if m[5] != "" {
			prec = "second"
		}
		return t, prec, true
	}
	return time.Time{}, "", false
}

func (c *clock) loc() *time.Location {
	if c.zone == nil {
		return evidence.KST()
	}
	return c.zone
}

func atoiOr(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// notes returns what the clock had to assume, in plain English.
func (c *clock) notes() []string {
	var out []string
	if n := len(c.relative); n > 0 {
		ex := c.relative[0]
		out = append(out, fmt.Sprintf("%s shown only as relative text (such as %q) and resolved against the capture start %s; they are as precise as the text",
			nTimes(n, "was", "were"), ex, c.captured.In(c.loc()).Format("2006-01-02 15:04:05 MST")))
	}
	if c.yearless > 0 {
		out = append(out, nTimes(c.yearless, "was", "were")+" shown without a year and taken in the year of the capture start")
	}
	if c.assumedZone > 0 {
		out = append(out, fmt.Sprintf("%s no time zone and %s taken in the page's zone (%s)", nTimes(c.assumedZone, "states", "state"), plural(c.assumedZone, "was", "were"), c.loc().String()))
	}
	if len(c.unparsed) > 0 {
		quoted := make([]string, len(c.unparsed))
		for i, u := range c.unparsed {
			quoted[i] = strconv.Quote(u)
		}
		why := ""
		if c.captured.IsZero() {
			why = " (no capture start was given, so relative times could not be resolved)"
		}
		out = append(out, "some times could not be read as dates and are kept as text only"+why+": "+strings.Join(quoted, ", "))
	}
	return out
}

// nTimes is "1 time was" or "3 times were".
func nTimes(n int, one, many string) string {
	if n == 1 {
		return "1 time " + one
	}
	return strconv.Itoa(n) + " times " + many
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
