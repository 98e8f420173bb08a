package pagemeta

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"evidentia/evidence"
)

// kst0900 is Korea Standard Time as a fixed zone (evidence.KST), so that no time zone
// database is needed.
var kst0900 = evidence.KST()

// rfc3339 is the layout of the normalised times: RFC 3339, with a fraction of a second only
// when there is one.
const rfc3339 = time.RFC3339Nano

// The assumptions ParseTime reports.
const (
	// AssumedKST is reported for a time without a time zone, which is taken as KST.
	AssumedKST = "no time zone stated: assumed KST (+09:00)"
	// AssumedMidnightKST is reported for a date without a time, taken as 00:00 KST.
	AssumedMidnightKST = "date only: assumed 00:00 KST (+09:00)"
)

var (
	// timeMainRE matches year-month-day dates with an optional time and zone: ISO 8601 and
	// RFC 3339 ("2024-03-05T14:22:10.5+09:00"), "2024-03-05 14:22:10", "2024.03.05 14:22",
	// "2024/3/5", "2024. 3. 5. 오후 2:22:10", "2024년 3월 5일 오후 2:22",
	// "2024년 03월 05일 14시 22분", "2024.03.05(화) 14:22".
	timeMainRE = regexp.MustCompile(`^(\d{4})\s*(?:-|\.|/|년)\s*(\d{1,2})\s*(?:-|\.|/|월)\s*(\d{1,2})\s*(?:일|\.)?` +
		`\s*(?:\(\s*[월화수목금토일]\s*\)|[월화수목금토일]요일)?` +
		`(?:\s*(?:T|,)?\s*(?:(오전|오후|AM|PM|am|pm)\s*)?(\d{1,2})\s*(?::|시)\s*(\d{1,2})\s*(?:분)?` +
		`(?:\s*:\s*(\d{1,2})(?:[.,](\d{1,9}))?|\s*(\d{1,2})\s*초)?(?:\s*(오전|오후|AM|PM|am|pm))?)?` +
		`\s*(Z|z|UTC|GMT|KST|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?)?$`)
	// timeCompactRE matches "20240305", "202403051422" and "20240305142200" (Daum's og:regDate).
	timeCompactRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$`)
	// timeBasicRE matches the ISO 8601 basic format "20240305T142210Z".
	timeBasicRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$`)
	// timeMailRE matches RFC 1123 / RFC 822 style times: "Tue, 05 Mar 2024 14:22:10 +0900".
	timeMailRE = regexp.MustCompile(`^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|UT|UTC|GMT|KST|[+-]\d{4})?$`)
)

var monthNames = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// ParseTime parses a date and time as web pages state it, in machine form or as shown to
// readers. It understands ISO 8601 and RFC 3339 (extended and basic formats, with or without
// seconds, fractions and zone), "2024-03-05 14:22:10", "2024.03.05 14:22", "2024/03/05",
// Korean forms such as "2024년 3월 5일 오후 2:22", "2024. 3. 5. 오후 2:22:10" and
// "2024.03.05(화) 14:22", compact "20240305142200", and RFC 1123 mail dates. Zones may be Z,
// UTC, GMT, KST or a numeric offset.
//
// A time without a zone is taken as KST and assumption is AssumedKST; a date without a time
// is taken as 00:00 KST and assumption is AssumedMidnightKST; otherwise assumption is "". ok
// is false, and t the zero time, when s is not a valid date in one of these forms.
func ParseTime(s string) (t time.Time, assumption string, ok bool) {
	s = clean(s)
	if s == "" || len(s) > 100 {
		return time.Time{}, "", false
	}
	var p timeParts
	switch {
	case timeMainRE.MatchString(s):
		m := timeMainRE.FindStringSubmatch(s)
		p = timeParts{year: m[1], month: m[2], day: m[3], ampm: m[4], hour: m[5], minute: m[6],
			second: m[7], frac: m[8], zone: m[11]}
		if m[9] != "" {
			p.second = m[9]
		}
		if m[10] != "" {
			if p.ampm != "" {
				return time.Time{}, "", false
			}
			p.ampm = m[10]
		}
	case timeCompactRE.MatchString(s):
		m := timeCompactRE.FindStringSubmatch(s)
		p = timeParts{year: m[1], month: m[2], day: m[3], hour: m[4], minute: m[5], second: m[6]}
	case timeBasicRE.MatchString(s):
		m := timeBasicRE.FindStringSubmatch(s)
		p = timeParts{year: m[1], month: m[2], day: m[3], hour: m[4], minute: m[5], second: m[6],
			frac: m[7], zone: m[8]}
	case timeMailRE.MatchString(s):
		m := timeMailRE.FindStringSubmatch(s)
		mon, known := monthNames[strings.ToLower(m[2][:3])]
		if !known {
			return time.Time{}, "", false
		}
		p = timeParts{year: m[3], month: strconv.Itoa(mon), day: m[1], hour: m[4], minute: m[5],
			second: m[6], zone: m[7]}
	default:
		return time.Time{}, "", false
	}
	return p.build()
}

// timeParts are the textual fields of a parsed time.
type timeParts struct {
	year, month, day           string
	hour, minute, second, frac string
	ampm                       string
	zone                       string
}

func (p timeParts) build() (time.Time, string, bool) {
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return n
	}
	y, mo, d := num(p.year), num(p.month), num(p.day)
	h, mi, sec, nsec := 0, 0, 0, 0
	hasTime := p.hour != ""
	if hasTime {
		h, mi = num(p.hour), num(p.minute)
		if p.second != "" {
			sec = num(p.second)
		}
		if p.frac != "" {
			nsec = num((p.frac + "000000000")[:9])
		}
	}
	switch strings.ToLower(p.ampm) {
	case "오후", "pm":
		if h > 12 {
			return time.Time{}, "", false
		}
		if h < 12 {
			h += 12
		}
	case "오전", "am":
		if h > 12 {
			return time.Time{}, "", false
		}
		if h == 12 {
			h = 0
		}
	}
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
		sec < 0 || sec > 59 || nsec < 0 {
		return time.Time{}, "", false
	}
	loc, assumption := kst0900, ""
	if p.zone != "" {
		z, ok := parseZone(p.zone)
		if !ok {
			return time.Time{}, "", false
		}
		loc = z
	} else if hasTime {
		assumption = AssumedKST
	} else {
		assumption = AssumedMidnightKST
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc)
	if t.Day() != d || int(t.Month()) != mo {
		return time.Time{}, "", false // 30 February and the like
	}
	return t, assumption, true
}

// parseZone returns the zone named by Z, UTC, GMT, KST or an offset such as +09, +0900,
// +09:00 or UTC+9 (at most 14 hours).
func parseZone(z string) (*time.Location, bool) {
	switch strings.ToUpper(z) {
	case "Z", "UT", "UTC", "GMT":
		return time.UTC, true
	case "KST":
		return kst0900, true
	}
	z = strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(z), "UTC"), "GMT")
	if len(z) < 2 || (z[0] != '+' && z[0] != '-') {
		return nil, false
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	body := strings.ReplaceAll(z[1:], ":", "")
	var hh, mm string
	switch len(body) {
	case 1, 2:
		hh = body
	case 3:
		hh, mm = body[:1], body[1:]
	case 4:
		hh, mm = body[:2], body[2:]
	default:
		return nil, false
	}
	h, err := strconv.Atoi(hh)
	if err != nil || h > 14 {
		return nil, false
	}
	m := 0
	if mm != "" {
		if m, err = strconv.Atoi(mm); err != nil || m > 59 {
			return nil, false
		}
	}
	offset := sign * (h*3600 + m*60)
	if offset == 9*3600 {
		return kst0900, true
	}
	if offset == 0 {
		return time.UTC, true
	}
	return time.FixedZone("", offset), true
}
