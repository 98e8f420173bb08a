package pagemeta

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// RelPrecision is how precisely a relative time fixes the moment it names: "3시간 전" is
// precise only to the hour, "어제" only to the day.
type RelPrecision string

// The precisions ParseRelativeTime reports.
const (
	RelSecond RelPrecision = "second"
	RelMinute RelPrecision = "minute"
	RelHour   RelPrecision = "hour"
	RelDay    RelPrecision = "day"
	RelWeek   RelPrecision = "week"
	RelMonth  RelPrecision = "month"
	RelYear   RelPrecision = "year"
)

// RelativeTime is a relative time as a page shows it ("3시간 전", "어제 14:02", "14:02"),
// resolved against the start of the capture.
type RelativeTime struct {
	// Time is the absolute time, in the page's time zone. A form that states no time of day
	// ("어제", "yesterday", "오늘") is 00:00 of that day.
	Time time.Time
	// Text is the text as given, verbatim (not trimmed), cut to its first 200 runes.
	Text string
	// Precision is the unit the text is precise to.
	Precision RelPrecision
	// Approximate is true for months and years ("2달 전", "a year ago"): sites round those
	// loosely, so the resolved day is only an estimate.
	Approximate bool
	// TimeOfDayOnly is true when the text was only a time of day ("14:02", "오후 2:02"),
	// which boards use for the day's posts; it was taken as the capture day, or, when
	// PreviousDay is true, as the day before.
	TimeOfDayOnly bool
	// PreviousDay is true when a time of day alone would have been more than a minute after
	// the capture start on the capture day and was therefore taken as the previous day.
	PreviousDay bool
	// Suffix is the word that followed the time expression, "작성", "수정됨", "(수정됨)",
	// "수정", "(수정)", "edited" or "(edited)", or "". A 수정/edited suffix means the time is
	// when the post was modified.
	Suffix string
	// Resolution states in plain words how the time was resolved, for the evidence report:
	// "relative: 3시간 전 resolved against the capture start 2026-12-02 14:05:00 KST
	// (precision: hour)", with notes after a semicolon for the special cases.
	Resolution string
}

const (
	// relMaxText is the number of runes of the original text RelativeTime.Text keeps.
	relMaxText = 200
	// relMaxExpr is the longest cleaned text, in runes, that can be a relative time.
	relMaxExpr = 64
	// relMaxN is the largest count ParseRelativeTime accepts ("10000일 전"); more is absurd.
	relMaxN = 10000
	// relTolerance is how far after the capture start a stated time of day may be (clock
	// skew between the site and the capture, and minute rounding) and still be accepted.
	relTolerance = time.Minute
	// relLayout is the layout of the times in RelativeTime.Resolution.
	relLayout = "2006-01-02 15:04:05 MST"
)

var (
	// relAgoKoRE matches "3시간 전", "3 시간 전", "3시간전", "5분 전", "2주일 전", "4개월 전".
	relAgoKoRE = regexp.MustCompile(`^(\d{1,6}) ?(초|분|시간|일|주일|주|달|개월|년) ?전$`)
	// relAgoEnRE matches "3 hours ago", "a minute ago", "an hour ago", "5 mins ago".
	relAgoEnRE = regexp.MustCompile(`^(?:(\d{1,6}) ?|(an?|one) )(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?) ago$`)
	// relShortRE matches the short forms of YouTube and X: "30s", "5m", "3h", "2d", "1w",
	// "4mo", "1y".
	relShortRE = regexp.MustCompile(`^(\d{1,6})(s|m|h|d|w|mo|y)$`)
	// relClockRE matches a time of day: "14:02", "14:02:33", "오후 2:02", "2:02 PM",
	// "9:10am", "14시 02분", "오후 2시".
	relClockRE = regexp.MustCompile(`^(?:(오전|오후|am|pm|a\.m\.|p\.m\.) ?)?(\d{1,2})` +
		`(?::(\d{2})(?::(\d{2}))?|시(?: ?(\d{1,2})분(?: ?(\d{1,2})초)?)?)` +
		`(?: ?(오전|오후|am|pm|a\.m\.|p\.m\.))?$`)
)

// relUnit is a unit of a relative time.
type relUnit struct {
	precision RelPrecision
	d         time.Duration // for seconds, minutes and hours; 0 for calendar units
}

var (
	relSecondUnit = relUnit{RelSecond, time.Second}
	relMinuteUnit = relUnit{RelMinute, time.Minute}
	relHourUnit   = relUnit{RelHour, time.Hour}
	relDayUnit    = relUnit{RelDay, 0}
	relWeekUnit   = relUnit{RelWeek, 0}
	relMonthUnit  = relUnit{RelMonth, 0}
	relYearUnit   = relUnit{RelYear, 0}
)

// relUnits maps the unit words of the Korean, English and short forms to units.
var relUnits = map[string]relUnit{
	"초": relSecondUnit, "분": relMinuteUnit, "시간": relHourUnit, "일": relDayUnit,
	"주": relWeekUnit, "주일": relWeekUnit, "달": relMonthUnit, "개월": relMonthUnit,
	"년": relYearUnit,

	"second": relSecondUnit, "seconds": relSecondUnit, "sec": relSecondUnit, "secs": relSecondUnit,
	"minute": relMinuteUnit, "minutes": relMinuteUnit, "min": relMinuteUnit, "mins": relMinuteUnit,
	"hour": relHourUnit, "hours": relHourUnit, "hr": relHourUnit, "hrs": relHourUnit,
	"day": relDayUnit, "days": relDayUnit,
	"week": relWeekUnit, "weeks": relWeekUnit, "wk": relWeekUnit, "wks": relWeekUnit,
	"month": relMonthUnit, "months": relMonthUnit, "mo": relMonthUnit, "mos": relMonthUnit,
	"year": relYearUnit, "years": relYearUnit, "yr": relYearUnit, "yrs": relYearUnit,

	"s": relSecondUnit, "m": relMinuteUnit, "h": relHourUnit, "d": relDayUnit,
	"w": relWeekUnit, "y": relYearUnit,
}

// relWords are the Korean relative times written with words instead of a number.
var relWords = map[string]struct {
	n    int
	unit relUnit
}{
	"하루 전": {1, relDayUnit}, "하루전": {1, relDayUnit},
	"일주일 전": {1, relWeekUnit}, "일주일전": {1, relWeekUnit},
	"한 주 전": {1, relWeekUnit}, "한주 전": {1, relWeekUnit}, "한주전": {1, relWeekUnit},
	"한 시간 전": {1, relHourUnit}, "한시간 전": {1, relHourUnit}, "한시간전": {1, relHourUnit},
	"한 달 전": {1, relMonthUnit}, "한달 전": {1, relMonthUnit}, "한달전": {1, relMonthUnit},
}

// relJustNow are the texts that mean the capture moment itself.
var relJustNow = map[string]bool{
	"방금": true, "방금 전": true, "방금전": true,
	"just now": true, "now": true, "right now": true, "a few seconds ago": true,
}

// relDayWords are the words that name a day relative to the capture day, with how many
// days before it they are. 그저께 comes before 그제, a shorter word, is tried.
var relDayWords = []struct {
	word    string
	days    int
	english bool
}{
	{"그저께", 2, false}, {"그제", 2, false}, {"어제", 1, false}, {"오늘", 0, false},
	{"yesterday", 1, true}, {"today", 0, true},
}

// relSuffixes may follow a relative time ("3시간 전 작성", "어제 14:02 (수정됨)"); longer ones
// first.
var relSuffixes = []string{"(수정됨)", "수정됨", "(수정)", "수정", "작성", "(edited)", "edited"}

// ParseRelativeTime resolves a relative time, as boards and portals show it, against the
// start of the capture: captured is that start and zone the page's time zone (nil means
// KST, evidence.KST(), the default for Korean sites). It returns false when text is not one
// of the forms below, or when captured is the zero time.
//
// The forms, in Korean and English, case-insensitively, with fullwidth digits and colons
// allowed:
//   - the capture moment: "방금", "방금 전", "just now", "now", "right now",
//     "a few seconds ago" (precision: minute);
//   - a count of units before the capture: "N초 전", "N분 전", "N시간 전", "N일 전",
//     "N주 전"/"N주일 전", "N달 전"/"N개월 전", "N년 전", with or without spaces ("3 시간 전",
//     "3시간전"), "하루 전", "일주일 전", "한 시간 전", "한 달 전"; "N seconds/minutes/hours/
//     days/weeks/months/years ago" (also sec, min, hr, wk, mo, yr and plurals), "a minute
//     ago", "an hour ago"; and, only when the whole text is just that, the short forms of
//     YouTube and X, in lowercase ("3M" is a count, not three minutes): "30s", "5m", "3h",
//     "2d", "1w", "4mo", "1y". N is 0 to 10000; a larger,
//     negative or fractional N is refused. Seconds, minutes and hours are subtracted as
//     durations; days and weeks (7 days) as calendar days, keeping the time of day; months
//     and years as calendar months and years, keeping the time of day, and when the day
//     does not exist in the target month it becomes that month's last day (one month before
//     31 March is 28 or 29 February, not 3 March as time.AddDate would have it). Months and
//     years are Approximate;
//   - a day relative to the capture day, optionally with a time of day: "어제", "그저께",
//     "그제", "오늘", "yesterday", "today", followed by nothing (00:00 of that day,
//     precision: day) or by a time of day ("어제 14:02", "어제 오후 2:02",
//     "yesterday at 2:02 PM", "today, 09:10");
//   - a time of day alone ("14:02", "14:02:33", "오후 2:02", "2:02 PM", "14시 02분"), which
//     boards show for the day's posts: the capture day at that time, unless that is more
//     than a minute after captured, and then the day before (TimeOfDayOnly, PreviousDay).
//
// The times of day are H:MM, H:MM:SS, H시, H시 M분 and H시 M분 S초, on a 24-hour clock or
// with 오전/오후/AM/PM before or after (then H is 0 to 12).
//
// The whole text must be the expression: surrounding white space is ignored, and the
// expression may be wrapped in parentheses or brackets ("(3시간 전)") and followed by one of
// 작성, 수정됨, (수정됨), 수정, (수정), edited and (edited) (reported as Suffix), but a relative
// time inside a longer sentence ("3시간 전에 봤는데 다시 보니 삭제됨") is refused: the text is
// meant to be that of a page's date element, such as span.u_cbox_date or td.gall_date.
//
// A result after captured is refused, with a tolerance of one minute for clock skew and
// rounding ("오늘 14:05" captured at 14:04:30 is accepted); the one exception is a time of
// day alone, which then moves to the previous day. Every accepted time is therefore at most
// one minute after captured, and a time of day alone is less than 24 hours before it.
func ParseRelativeTime(text string, captured time.Time, zone *time.Location) (RelativeTime, bool) {
	if captured.IsZero() {
		return RelativeTime{}, false
	}
	if zone == nil {
		zone = kst0900
	}
	display, ok := relClean(text)
	if !ok {
		return RelativeTime{}, false
	}
	key := relFold(display)
	c := captured.In(zone)
	r := RelativeTime{Text: relCap(text, relMaxText)}
	var notes []string

	// The short forms are lowercase: "3M" or "1K" is a count of views or followers.
	if m := relShortRE.FindStringSubmatch(relFoldWidth(display)); m != nil {
		n, ok := relCount(m[1])
		if !ok {
			return RelativeTime{}, false
		}
		var note string
		r.Time, note = relSubtract(c, n, relUnits[m[2]])
		notes = append(notes, note)
		r.Precision = relUnits[m[2]].precision
		return r.finish(display, c, notes)
	}

	key, r.Suffix = relStrip(key)
	if key == "" {
		return RelativeTime{}, false
	}
	switch {
	case relJustNow[key]:
		r.Time, r.Precision = c, RelMinute
	case relWords[key].n > 0:
		w := relWords[key]
		var note string
		r.Time, note = relSubtract(c, w.n, w.unit)
		notes = append(notes, note)
		r.Precision = w.unit.precision
	case relAgoKoRE.MatchString(key), relAgoEnRE.MatchString(key):
		count, unit := "", ""
		if m := relAgoKoRE.FindStringSubmatch(key); m != nil {
			count, unit = m[1], m[2]
		} else {
			m = relAgoEnRE.FindStringSubmatch(key)
			count, unit = m[1]+m[2], m[3]
		}
		n, ok := relCount(count)
		if !ok {
			return RelativeTime{}, false
		}
		u := relUnits[unit]
		var note string
		r.Time, note = relSubtract(c, n, u)
		notes = append(notes, note)
		r.Precision = u.precision
	default:
		if days, rest, found := relDayWord(key); found {
			y, mo, d := c.Date()
			if rest == "" {
				r.Time, r.Precision = time.Date(y, mo, d-days, 0, 0, 0, 0, zone), RelDay
				notes = append(notes, "a day without a time of day, taken as 00:00")
				break
			}
			h, mi, s, p, ok := relClock(rest)
			if !ok {
				return RelativeTime{}, false
			}
			r.Time, r.Precision = time.Date(y, mo, d-days, h, mi, s, 0, zone), p
			break
		}
		h, mi, s, p, ok := relClock(key)
		if !ok {
			return RelativeTime{}, false
		}
		y, mo, d := c.Date()
		r.Time, r.Precision, r.TimeOfDayOnly = time.Date(y, mo, d, h, mi, s, 0, zone), p, true
		if r.Time.After(c.Add(relTolerance)) {
			r.Time, r.PreviousDay = time.Date(y, mo, d-1, h, mi, s, 0, zone), true
			notes = append(notes, "a time of day only, later than the capture start on the capture day, so taken as the previous day, "+r.Time.Format("2006-01-02"))
		} else {
			notes = append(notes, "a time of day only, taken as the capture day")
		}
	}
	return r.finish(display, c, notes)
}

// finish refuses a result after the capture start (beyond the tolerance) and writes the
// resolution statement.
func (r RelativeTime) finish(display string, c time.Time, notes []string) (RelativeTime, bool) {
	if r.Time.After(c.Add(relTolerance)) {
		return RelativeTime{}, false
	}
	r.Approximate = r.Precision == RelMonth || r.Precision == RelYear
	var b strings.Builder
	b.WriteString("relative: ")
	b.WriteString(display)
	b.WriteString(" resolved against the capture start ")
	b.WriteString(c.Format(relLayout))
	b.WriteString(" (precision: ")
	b.WriteString(string(r.Precision))
	if r.Approximate {
		b.WriteString(", approximate")
	}
	b.WriteString(")")
	for _, n := range notes {
		if n != "" {
			b.WriteString("; ")
			b.WriteString(n)
		}
	}
	r.Resolution = b.String()
	return r, true
}

// relClean trims and collapses the white space of text; ok is false when the result is
// empty or too long to be a relative time.
func relClean(text string) (string, bool) {
	s := strings.TrimSpace(text)
	if s == "" || len(s) > 16*relMaxExpr {
		return "", false // no relative time is that long, even with wide white space
	}
	s = clean(s)
	if s == "" || utf8.RuneCountInString(s) > relMaxExpr {
		return "", false
	}
	return s, true
}

// relFold lowercases s and folds its fullwidth forms to ASCII (relFoldWidth).
func relFold(s string) string {
	return strings.ToLower(relFoldWidth(s))
}

// relFoldWidth folds the fullwidth forms in s (digits, letters, colon, parentheses,
// brackets, the ideographic space) to ASCII, with white space collapsed again.
func relFoldWidth(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// relStrip removes the wrapping parentheses or brackets and the suffix of s and returns
// what remains, and the suffix.
func relStrip(s string) (rest, suffix string) {
	for _, suf := range relSuffixes {
		if t, ok := strings.CutSuffix(s, suf); ok {
			s, suffix = strings.TrimSpace(t), suf
			break
		}
	}
	if len(s) >= 2 && ((s[0] == '(' && s[len(s)-1] == ')') || (s[0] == '[' && s[len(s)-1] == ']')) {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s, suffix
}

// relCount parses the count of a relative time: 0 to relMaxN.
func relCount(s string) (int, bool) {
	switch s {
	case "a", "an", "one":
		return 1, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > relMaxN {
		return 0, false
	}
	return n, true
}

// relSubtract returns n units before c, and a note when a month-end day was clamped.
func relSubtract(c time.Time, n int, u relUnit) (time.Time, string) {
	switch u.precision {
	case RelSecond, RelMinute, RelHour:
		return c.Add(-time.Duration(n) * u.d), ""
	case RelDay:
		return c.AddDate(0, 0, -n), ""
	case RelWeek:
		return c.AddDate(0, 0, -7*n), ""
	case RelMonth:
		return relMonthsBefore(c, n)
	default: // RelYear
		return relMonthsBefore(c, 12*n)
	}
}

// relMonthsBefore returns the time n calendar months before c, at the same time of day;
// a day the target month does not have becomes its last day.
func relMonthsBefore(c time.Time, n int) (time.Time, string) {
	y, m, d := c.Date()
	h, mi, s := c.Clock()
	last := time.Date(y, m-time.Month(n)+1, 0, 0, 0, 0, 0, c.Location()).Day()
	note := ""
	if d > last {
		d, note = last, "that day does not exist in the target month, so its last day was taken"
	}
	return time.Date(y, m-time.Month(n), d, h, mi, s, c.Nanosecond(), c.Location()), note
}

// relDayWord splits s into a day word (어제, 그저께, 그제, 오늘, yesterday, today) and the time
// of day after it, "" when there is none. found is false when s does not start with a day
// word followed by a separator (an English word needs a space or comma after it; "at" and
// a comma between the word and the time are dropped).
func relDayWord(s string) (days int, rest string, found bool) {
	for _, w := range relDayWords {
		t, ok := strings.CutPrefix(s, w.word)
		if !ok {
			continue
		}
		if t == "" {
			return w.days, "", true
		}
		if w.english && t[0] != ' ' && t[0] != ',' {
			return 0, "", false
		}
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), ","))
		if w.english {
			t = strings.TrimPrefix(t, "at ")
		}
		if t == "" {
			return 0, "", false
		}
		return w.days, t, true
	}
	return 0, "", false
}

// relClock parses a time of day, returning its hour, minute and second on a 24-hour clock
// and its precision.
func relClock(s string) (h, mi, sec int, p RelPrecision, ok bool) {
	m := relClockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, 0, "", false
	}
	ampm := m[1]
	if m[7] != "" {
		if ampm != "" {
			return 0, 0, 0, "", false
		}
		ampm = m[7]
	}
	h, _ = strconv.Atoi(m[2])
	minute, second := m[3], m[4]
	if minute == "" {
		minute, second = m[5], m[6]
	}
	p = RelHour
	if minute != "" {
		mi, _ = strconv.Atoi(minute)
		p = RelMinute
	}
	if second != "" {
		sec, _ = strconv.Atoi(second)
		p = RelSecond
	}
	switch ampm {
	case "오후", "pm", "p.m.":
		if h > 12 {
			return 0, 0, 0, "", false
		}
		if h < 12 {
			h += 12
		}
	case "오전", "am", "a.m.":
		if h > 12 {
			return 0, 0, 0, "", false
		}
		if h == 12 {
			h = 0
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, 0, 0, "", false
	}
	return h, mi, sec, p, true
}

// relCap returns the first max runes of s.
func relCap(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}
