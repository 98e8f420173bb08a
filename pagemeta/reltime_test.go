package pagemeta

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// relCaptured is the capture start of most cases: Wednesday 2026-12-02 14:05:00 KST, given in
// UTC as a capture records it.
var relCaptured = time.Date(2026, 12, 2, 5, 5, 0, 0, time.UTC)

const relWantLayout = "2006-01-02 15:04:05"

// relFlags lists the flags of r that the cases check: approx, clock, prev.
func relFlags(r RelativeTime) string {
	var f []string
	if r.Approximate {
		f = append(f, "approx")
	}
	if r.TimeOfDayOnly {
		f = append(f, "clock")
	}
	if r.PreviousDay {
		f = append(f, "prev")
	}
	return strings.Join(f, " ")
}

func TestParseRelativeTime(t *testing.T) {
	tests := []struct {
		in       string
		captured string // RFC 3339; "" is relCaptured
		want     string // KST, relWantLayout; "" when the text must be refused
		prec     RelPrecision
		flags    string
	}{
		// The capture moment.
		{"방금", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"방금 전", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"방금전", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"just now", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"Just now", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"now", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"NOW", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"right now", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"a few seconds ago", "", "2026-12-02 14:05:00", RelMinute, ""},

		// Korean counts.
		{"30초 전", "", "2026-12-02 14:04:30", RelSecond, ""},
		{"0분 전", "", "2026-12-02 14:05:00", RelMinute, ""},
		{"5분 전", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"5분전", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"5 분 전", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"05분 전", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"3시간 전", "", "2026-12-02 11:05:00", RelHour, ""},
		{"3 시간 전", "", "2026-12-02 11:05:00", RelHour, ""},
		{"3시간전", "", "2026-12-02 11:05:00", RelHour, ""},
		{"  3시간\u00a0전\n\t", "", "2026-12-02 11:05:00", RelHour, ""},
		{"３시간 전", "", "2026-12-02 11:05:00", RelHour, ""},
		{"１５시간　전", "", "2026-12-01 23:05:00", RelHour, ""},
		{"한 시간 전", "", "2026-12-02 13:05:00", RelHour, ""},
		{"한시간전", "", "2026-12-02 13:05:00", RelHour, ""},
		{"한주 전", "", "2026-11-25 14:05:00", RelWeek, ""},
		{"2일 전", "", "2026-11-30 14:05:00", RelDay, ""},
		{"하루 전", "", "2026-12-01 14:05:00", RelDay, ""},
		{"10000일 전", "", "1999-07-17 14:05:00", RelDay, ""},
		{"1주 전", "", "2026-11-25 14:05:00", RelWeek, ""},
		{"2주일 전", "", "2026-11-18 14:05:00", RelWeek, ""},
		{"일주일 전", "", "2026-11-25 14:05:00", RelWeek, ""},
		{"10000주 전", "", "1835-04-08 14:05:00", RelWeek, ""},
		{"1달 전", "", "2026-11-02 14:05:00", RelMonth, "approx"},
		{"한 달 전", "", "2026-11-02 14:05:00", RelMonth, "approx"},
		{"3개월 전", "", "2026-09-02 14:05:00", RelMonth, "approx"},
		{"12개월 전", "", "2025-12-02 14:05:00", RelMonth, "approx"},
		{"1년 전", "", "2025-12-02 14:05:00", RelYear, "approx"},
		{"10 년 전", "", "2016-12-02 14:05:00", RelYear, "approx"},

		// English counts.
		{"1 second ago", "", "2026-12-02 14:04:59", RelSecond, ""},
		{"30 seconds ago", "", "2026-12-02 14:04:30", RelSecond, ""},
		{"45 secs ago", "", "2026-12-02 14:04:15", RelSecond, ""},
		{"a minute ago", "", "2026-12-02 14:04:00", RelMinute, ""},
		{"5 minutes ago", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"5 mins ago", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"5min ago", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"an hour ago", "", "2026-12-02 13:05:00", RelHour, ""},
		{"one hour ago", "", "2026-12-02 13:05:00", RelHour, ""},
		{"3 hours ago", "", "2026-12-02 11:05:00", RelHour, ""},
		{"3 HOURS AGO", "", "2026-12-02 11:05:00", RelHour, ""},
		{"2 hrs ago", "", "2026-12-02 12:05:00", RelHour, ""},
		{"a day ago", "", "2026-12-01 14:05:00", RelDay, ""},
		{"2 days ago", "", "2026-11-30 14:05:00", RelDay, ""},
		{"a week ago", "", "2026-11-25 14:05:00", RelWeek, ""},
		{"3 weeks ago", "", "2026-11-11 14:05:00", RelWeek, ""},
		{"a month ago", "", "2026-11-02 14:05:00", RelMonth, "approx"},
		{"2 months ago", "", "2026-10-02 14:05:00", RelMonth, "approx"},
		{"a year ago", "", "2025-12-02 14:05:00", RelYear, "approx"},
		{"5 years ago", "", "2021-12-02 14:05:00", RelYear, "approx"},
		{"2 yrs ago", "", "2024-12-02 14:05:00", RelYear, "approx"},

		// Short forms, only as the whole text.
		{"30s", "", "2026-12-02 14:04:30", RelSecond, ""},
		{"5m", "", "2026-12-02 14:00:00", RelMinute, ""},
		{"3h", "", "2026-12-02 11:05:00", RelHour, ""},
		{" 3h ", "", "2026-12-02 11:05:00", RelHour, ""},
		{"３h", "", "2026-12-02 11:05:00", RelHour, ""},
		{"2d", "", "2026-11-30 14:05:00", RelDay, ""},
		{"1w", "", "2026-11-25 14:05:00", RelWeek, ""},
		{"4mo", "", "2026-08-02 14:05:00", RelMonth, "approx"},
		{"1y", "", "2025-12-02 14:05:00", RelYear, "approx"},

		// Days relative to the capture day.
		{"어제", "", "2026-12-01 00:00:00", RelDay, ""},
		{"어제 14:02", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"어제14:02", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"어제 23:59:59", "", "2026-12-01 23:59:59", RelSecond, ""},
		{"어제 오후 2:02", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"어제 오전 12:30", "", "2026-12-01 00:30:00", RelMinute, ""},
		{"어제 오후 12:30", "", "2026-12-01 12:30:00", RelMinute, ""},
		{"어제 2:02 오후", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"어제 14시 02분", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"어제 오후 2시", "", "2026-12-01 14:00:00", RelHour, ""},
		{"그저께", "", "2026-11-30 00:00:00", RelDay, ""},
		{"그저께 08:15", "", "2026-11-30 08:15:00", RelMinute, ""},
		{"그제", "", "2026-11-30 00:00:00", RelDay, ""},
		{"그제 오전 9:00", "", "2026-11-30 09:00:00", RelMinute, ""},
		{"오늘", "", "2026-12-02 00:00:00", RelDay, ""},
		{"오늘 09:10", "", "2026-12-02 09:10:00", RelMinute, ""},
		{"오늘 14:06", "", "2026-12-02 14:06:00", RelMinute, ""}, // within the minute of tolerance
		{"yesterday", "", "2026-12-01 00:00:00", RelDay, ""},
		{"Yesterday", "", "2026-12-01 00:00:00", RelDay, ""},
		{"yesterday at 2:02 PM", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"Yesterday at 2:02 p.m.", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"yesterday, 14:02", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"yesterday 2:02pm", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"yesterday at 12:05 AM", "", "2026-12-01 00:05:00", RelMinute, ""},
		{"today", "", "2026-12-02 00:00:00", RelDay, ""},
		{"today 09:10", "", "2026-12-02 09:10:00", RelMinute, ""},
		{"Today at 9:10 AM", "", "2026-12-02 09:10:00", RelMinute, ""},

		// A time of day alone.
		{"14:02", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"09:10", "", "2026-12-02 09:10:00", RelMinute, "clock"},
		{"9:10", "", "2026-12-02 09:10:00", RelMinute, "clock"},
		{"14:02:33", "", "2026-12-02 14:02:33", RelSecond, "clock"},
		{"１４：０２", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"14:05", "", "2026-12-02 14:05:00", RelMinute, "clock"},
		{"14:06", "", "2026-12-02 14:06:00", RelMinute, "clock"},
		{"14:06:01", "", "2026-12-01 14:06:01", RelSecond, "clock prev"},
		{"14:07", "", "2026-12-01 14:07:00", RelMinute, "clock prev"},
		{"23:59", "", "2026-12-01 23:59:00", RelMinute, "clock prev"},
		{"00:00", "", "2026-12-02 00:00:00", RelMinute, "clock"},
		{"오후 2:02", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"오후 3:00", "", "2026-12-01 15:00:00", RelMinute, "clock prev"},
		{"오전 12:00", "", "2026-12-02 00:00:00", RelMinute, "clock"},
		{"2:02 PM", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"9:10 am", "", "2026-12-02 09:10:00", RelMinute, "clock"},
		{"PM 2:02", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"14시 02분", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"14시", "", "2026-12-02 14:00:00", RelHour, "clock"},

		// Suffixes and wrapping.
		{"3시간 전 작성", "", "2026-12-02 11:05:00", RelHour, ""},
		{"3시간 전 (수정됨)", "", "2026-12-02 11:05:00", RelHour, ""},
		{"3시간 전 수정됨", "", "2026-12-02 11:05:00", RelHour, ""},
		{"(3시간 전)", "", "2026-12-02 11:05:00", RelHour, ""},
		{"[어제 14:02]", "", "2026-12-01 14:02:00", RelMinute, ""},
		{"14:02 (수정됨)", "", "2026-12-02 14:02:00", RelMinute, "clock"},
		{"（3시간 전）", "", "2026-12-02 11:05:00", RelHour, ""},
		{"2 hours ago (edited)", "", "2026-12-02 12:05:00", RelHour, ""},
		{"2 hours ago edited", "", "2026-12-02 12:05:00", RelHour, ""},

		// Around midnight KST, with the capture start given in UTC: 2026-12-02 00:30 KST is
		// still 1 December in UTC.
		{"어제", "2026-12-01T15:30:00Z", "2026-12-01 00:00:00", RelDay, ""},
		{"오늘", "2026-12-01T15:30:00Z", "2026-12-02 00:00:00", RelDay, ""},
		{"yesterday", "2026-12-01T15:30:00Z", "2026-12-01 00:00:00", RelDay, ""},
		{"그저께", "2026-12-01T15:30:00Z", "2026-11-30 00:00:00", RelDay, ""},
		{"어제 23:50", "2026-12-01T15:30:00Z", "2026-12-01 23:50:00", RelMinute, ""},
		{"1시간 전", "2026-12-01T15:30:00Z", "2026-12-01 23:30:00", RelHour, ""},
		{"1일 전", "2026-12-01T15:30:00Z", "2026-12-01 00:30:00", RelDay, ""},
		{"00:20", "2026-12-01T15:30:00Z", "2026-12-02 00:20:00", RelMinute, "clock"},
		{"00:31", "2026-12-01T15:30:00Z", "2026-12-02 00:31:00", RelMinute, "clock"},
		{"00:32", "2026-12-01T15:30:00Z", "2026-12-01 00:32:00", RelMinute, "clock prev"},
		{"23:50", "2026-12-01T15:30:00Z", "2026-12-01 23:50:00", RelMinute, "clock prev"},
		{"오후 11:50", "2026-12-01T15:30:00Z", "2026-12-01 23:50:00", RelMinute, "clock prev"},
		{"오늘 00:40", "2026-12-01T15:30:00Z", "", "", ""},
		// One second before midnight KST.
		{"어제", "2026-12-01T14:59:59Z", "2026-11-30 00:00:00", RelDay, ""},
		{"23:59", "2026-12-01T14:59:59Z", "2026-12-01 23:59:00", RelMinute, "clock"},
		{"00:00", "2026-12-01T14:59:59Z", "2026-12-01 00:00:00", RelMinute, "clock"},
		{"1초 전", "2026-12-01T14:59:59Z", "2026-12-01 23:59:58", RelSecond, ""},
		// Exactly midnight KST at the turn of the year.
		{"어제", "2026-12-31T15:00:00Z", "2026-12-31 00:00:00", RelDay, ""},
		{"오늘", "2026-12-31T15:00:00Z", "2027-01-01 00:00:00", RelDay, ""},
		{"00:00", "2026-12-31T15:00:00Z", "2027-01-01 00:00:00", RelMinute, "clock"},
		{"23:59", "2026-12-31T15:00:00Z", "2026-12-31 23:59:00", RelMinute, "clock prev"},
		{"1분 전", "2026-12-31T15:00:00Z", "2026-12-31 23:59:00", RelMinute, ""},
		{"1달 전", "2026-12-31T15:00:00Z", "2026-12-01 00:00:00", RelMonth, "approx"},
		{"1년 전", "2026-12-31T15:00:00Z", "2026-01-01 00:00:00", RelYear, "approx"},

		// Month arithmetic at month ends: a day the target month lacks becomes its last day.
		{"1달 전", "2026-03-31T01:00:00Z", "2026-02-28 10:00:00", RelMonth, "approx"},
		{"1개월 전", "2026-03-31T01:00:00Z", "2026-02-28 10:00:00", RelMonth, "approx"},
		{"a month ago", "2026-03-31T01:00:00Z", "2026-02-28 10:00:00", RelMonth, "approx"},
		{"2달 전", "2026-03-31T01:00:00Z", "2026-01-31 10:00:00", RelMonth, "approx"},
		{"13개월 전", "2026-03-31T01:00:00Z", "2025-02-28 10:00:00", RelMonth, "approx"},
		{"1년 전", "2026-03-31T01:00:00Z", "2025-03-31 10:00:00", RelYear, "approx"},
		{"1달 전", "2024-03-31T01:00:00Z", "2024-02-29 10:00:00", RelMonth, "approx"},
		{"1달 전", "2026-05-31T01:00:00Z", "2026-04-30 10:00:00", RelMonth, "approx"},
		{"3달 전", "2026-05-31T01:00:00Z", "2026-02-28 10:00:00", RelMonth, "approx"},
		{"1달 전", "2026-03-01T01:00:00Z", "2026-02-01 10:00:00", RelMonth, "approx"},
		{"1년 전", "2028-02-29T03:00:00Z", "2027-02-28 12:00:00", RelYear, "approx"},
		{"4년 전", "2028-02-29T03:00:00Z", "2024-02-29 12:00:00", RelYear, "approx"},
		{"1달 전", "2028-02-29T03:00:00Z", "2028-01-29 12:00:00", RelMonth, "approx"},
		// 31 March 00:30 KST is 30 March in UTC; the month is that of KST.
		{"1달 전", "2026-03-30T15:30:00Z", "2026-02-28 00:30:00", RelMonth, "approx"},
		{"1주 전", "2026-03-03T01:00:00Z", "2026-02-24 10:00:00", RelWeek, ""},
		{"1일 전", "2026-03-01T01:00:00Z", "2026-02-28 10:00:00", RelDay, ""},

		// Refused: ordinary text, relative times inside sentences.
		{"", "", "", "", ""},
		{"   ", "", "", "", ""},
		{"3시간 전에 봤는데 다시 보니 삭제됨", "", "", "", ""},
		{"방금 전에 올린 글", "", "", "", ""},
		{"어제 본 글", "", "", "", ""},
		{"오늘은 비가 왔다", "", "", "", ""},
		{"그제서야 알았다", "", "", "", ""},
		{"I saw it 3 hours ago", "", "", "", ""},
		{"3 hours ago I saw it", "", "", "", ""},
		{"now and then", "", "", "", ""},
		{"not now", "", "", "", ""},
		{"todays", "", "", "", ""},
		{"today at", "", "", "", ""},
		{"yesterday at noon", "", "", "", ""},
		{"yesterdays", "", "", "", ""},
		{"3시간 전 3시간 전", "", "", "", ""},
		{"방금방금", "", "", "", ""},
		{"약 3시간 전", "", "", "", ""},
		{"하 루 전", "", "", "", ""},
		{"한 시 간 전", "", "", "", ""},
		// Refused: not a past relative time.
		{"3시간", "", "", "", ""},
		{"3시간 후", "", "", "", ""},
		{"in 3 hours", "", "", "", ""},
		{"3 hours from now", "", "", "", ""},
		{"내일", "", "", "", ""},
		{"tomorrow", "", "", "", ""},
		{"오늘 14:07", "", "", "", ""},
		{"오늘 오후 3:00", "", "", "", ""},
		{"today 23:00", "", "", "", ""},
		// Refused: negative, fractional and absurd counts, other digits.
		{"-3시간 전", "", "", "", ""},
		{"-3 hours ago", "", "", "", ""},
		{"3.5시간 전", "", "", "", ""},
		{"10001일 전", "", "", "", ""},
		{"99999999시간 전", "", "", "", ""},
		{"1000000 years ago", "", "", "", ""},
		{"20000h", "", "", "", ""},
		{"٣시간 전", "", "", "", ""},
		{"aminute ago", "", "", "", ""},
		// Refused: short forms other than the whole lowercase text.
		{"3M", "", "", "", ""},
		{"3H", "", "", "", ""},
		{"3 h", "", "", "", ""},
		{"(3h)", "", "", "", ""},
		{"3h 작성", "", "", "", ""},
		{"3h ago", "", "", "", ""},
		{"2d4h", "", "", "", ""},
		{"3hours", "", "", "", ""},
		// Refused: invalid times of day.
		{"24:00", "", "", "", ""},
		{"25:00", "", "", "", ""},
		{"14:60", "", "", "", ""},
		{"14:02:60", "", "", "", ""},
		{"3:2", "", "", "", ""},
		{"오후 13:00", "", "", "", ""},
		{"오후 2:02 PM", "", "", "", ""},
		{"13:00 PM", "", "", "", ""},
		{"어제 25:00", "", "", "", ""},
		{"14:02:33.5", "", "", "", ""},
		// Refused: absolute dates, which are ParseTime's.
		{"2024-03-05", "", "", "", ""},
		{"2024-03-05 14:22", "", "", "", ""},
		{"12.01", "", "", "", ""},
		// Refused: a suffix alone, doubled suffixes, a long text.
		{"작성", "", "", "", ""},
		{"(수정됨)", "", "", "", ""},
		{"3시간 전 작성 작성", "", "", "", ""},
		{strings.Repeat("3시간 전 ", 20), "", "", "", ""},
	}
	for _, tt := range tests {
		captured := relCaptured
		if tt.captured != "" {
			var err error
			if captured, err = time.Parse(time.RFC3339, tt.captured); err != nil {
				t.Fatal(err)
			}
		}
		r, ok := ParseRelativeTime(tt.in, captured, kst0900)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseRelativeTime(%q, %s) = %s (%s); want refusal", tt.in, captured.Format(time.RFC3339),
					r.Time.Format(relWantLayout), r.Resolution)
			}
			continue
		}
		if !ok {
			t.Errorf("ParseRelativeTime(%q, %s) refused; want %s", tt.in, captured.Format(time.RFC3339), tt.want)
			continue
		}
		if got := r.Time.Format(relWantLayout); got != tt.want || r.Precision != tt.prec || relFlags(r) != tt.flags {
			t.Errorf("ParseRelativeTime(%q, %s) = %s, %s, %q; want %s, %s, %q", tt.in, captured.Format(time.RFC3339),
				got, r.Precision, relFlags(r), tt.want, tt.prec, tt.flags)
		}
		if r.Time.Location() != kst0900 {
			t.Errorf("ParseRelativeTime(%q): location %v, want KST", tt.in, r.Time.Location())
		}
		if r.Text != tt.in {
			t.Errorf("ParseRelativeTime(%q): Text %q, want the input verbatim", tt.in, r.Text)
		}
		if !strings.HasPrefix(r.Resolution, "relative: ") {
			t.Errorf("ParseRelativeTime(%q): Resolution %q", tt.in, r.Resolution)
		}
	}
}

func TestParseRelativeTimeResolution(t *testing.T) {
	tests := []struct {
		in       string
		captured time.Time
		want     string
	}{
		{"3시간 전", relCaptured,
			"relative: 3시간 전 resolved against the capture start 2026-12-02 14:05:00 KST (precision: hour)"},
		{"  3시간\n전  ", relCaptured,
			"relative: 3시간 전 resolved against the capture start 2026-12-02 14:05:00 KST (precision: hour)"},
		{"2달 전", relCaptured,
			"relative: 2달 전 resolved against the capture start 2026-12-02 14:05:00 KST (precision: month, approximate)"},
		{"1달 전", time.Date(2026, 3, 31, 1, 0, 0, 0, time.UTC),
			"relative: 1달 전 resolved against the capture start 2026-03-31 10:00:00 KST (precision: month, approximate); " +
				"that day does not exist in the target month, so its last day was taken"},
		{"어제", relCaptured,
			"relative: 어제 resolved against the capture start 2026-12-02 14:05:00 KST (precision: day); " +
				"a day without a time of day, taken as 00:00"},
		{"14:02", relCaptured,
			"relative: 14:02 resolved against the capture start 2026-12-02 14:05:00 KST (precision: minute); " +
				"a time of day only, taken as the capture day"},
		{"23:50", relCaptured,
			"relative: 23:50 resolved against the capture start 2026-12-02 14:05:00 KST (precision: minute); " +
				"a time of day only, later than the capture start on the capture day, so taken as the previous day, 2026-12-01"},
		{"3h", relCaptured,
			"relative: 3h resolved against the capture start 2026-12-02 14:05:00 KST (precision: hour)"},
		{"3시간 전 (수정됨)", relCaptured,
			"relative: 3시간 전 (수정됨) resolved against the capture start 2026-12-02 14:05:00 KST (precision: hour)"},
	}
	for _, tt := range tests {
		r, ok := ParseRelativeTime(tt.in, tt.captured, nil)
		if !ok {
			t.Errorf("ParseRelativeTime(%q) refused", tt.in)
			continue
		}
		if r.Resolution != tt.want {
			t.Errorf("ParseRelativeTime(%q).Resolution =\n%q\nwant\n%q", tt.in, r.Resolution, tt.want)
		}
	}
}

func TestParseRelativeTimeDetails(t *testing.T) {
	// The suffix is reported.
	for in, want := range map[string]string{
		"3시간 전": "", "3시간 전 작성": "작성", "3시간 전 수정됨": "수정됨", "3시간 전(수정됨)": "(수정됨)",
		"어제 14:02 수정": "수정", "14:02 (수정)": "(수정)", "an hour ago (edited)": "(edited)",
	} {
		r, ok := ParseRelativeTime(in, relCaptured, nil)
		if !ok || r.Suffix != want {
			t.Errorf("ParseRelativeTime(%q): ok %v, Suffix %q; want %q", in, ok, r.Suffix, want)
		}
	}

	// Text is the input verbatim, cut to 200 runes.
	long := "3시간 전" + strings.Repeat(" ", 300)
	r, ok := ParseRelativeTime(long, relCaptured, nil)
	if !ok || r.Text != long[:len("3시간 전")+195] || utf8.RuneCountInString(r.Text) != 200 {
		t.Errorf("long text: ok %v, Text %q (%d runes)", ok, r.Text, utf8.RuneCountInString(r.Text))
	}

	// A nil zone is KST; other zones decide the calendar day.
	captured := time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC) // 2026-12-02 00:30 KST
	for _, tt := range []struct {
		zone *time.Location
		in   string
		want string
	}{
		{nil, "어제", "2026-12-01T00:00:00+09:00"},
		{time.UTC, "어제", "2026-11-30T00:00:00Z"},
		{time.UTC, "23:50", "2026-11-30T23:50:00Z"},
		{time.UTC, "15:00", "2026-12-01T15:00:00Z"},
		{time.FixedZone("EST", -5*3600), "today", "2026-12-01T00:00:00-05:00"},
		{time.FixedZone("EST", -5*3600), "yesterday at 11:00 PM", "2026-11-30T23:00:00-05:00"},
	} {
		r, ok := ParseRelativeTime(tt.in, captured, tt.zone)
		if !ok || r.Time.Format(time.RFC3339) != tt.want {
			t.Errorf("ParseRelativeTime(%q, zone %v) = %s, %v; want %s", tt.in, tt.zone, r.Time.Format(time.RFC3339), ok, tt.want)
		}
	}

	// Without a capture start nothing resolves.
	if r, ok := ParseRelativeTime("3시간 전", time.Time{}, nil); ok {
		t.Errorf("zero capture start: got %v", r.Time)
	}

	// Fractions of a second of the capture start are kept by the counted forms.
	frac := relCaptured.Add(250 * time.Millisecond)
	if r, ok := ParseRelativeTime("5분 전", frac, nil); !ok || !r.Time.Equal(frac.Add(-5*time.Minute)) {
		t.Errorf("5분 전 with a fraction: %v, %v", r.Time, ok)
	}
}

func FuzzParseRelativeTime(f *testing.F) {
	for _, s := range []string{
		"방금", "방금 전", "just now", "3시간 전", "３ 시간 전", "5 minutes ago", "an hour ago", "3h", "4mo",
		"어제", "어제 오후 2:02", "그저께 08:15", "오늘 09:10", "yesterday at 2:02 PM", "today 09:10",
		"14:02", "23:59", "00:00", "오후 11:59", "12:00 AM", "14시 02분", "1달 전", "10000년 전",
		"3시간 전 (수정됨)", "(어제 14:02)", "3시간 전에 봤는데 다시 보니 삭제됨", "", "\xff\xfe",
	} {
		f.Add(s, int64(1796187900), uint8(0))
	}
	f.Add("23:59", int64(1796140800), uint8(1))
	f.Add("00:01", int64(1796140799), uint8(3))
	zones := []*time.Location{kst0900, time.UTC, time.FixedZone("", -5*3600), time.FixedZone("", 14*3600)}
	f.Fuzz(func(t *testing.T, text string, sec int64, z uint8) {
		// Capture starts between 1970 and 2100.
		const span = 4102444800
		sec %= span
		if sec < 0 {
			sec += span
		}
		captured := time.Unix(sec, int64(z)*7919).UTC()
		zone := zones[int(z)%len(zones)]
		r, ok := ParseRelativeTime(text, captured, zone)
		if !ok {
			if r != (RelativeTime{}) {
				t.Fatalf("refused %q but returned %+v", text, r)
			}
			return
		}
		if r.Time.After(captured.Add(time.Minute)) {
			t.Fatalf("%q captured %v: %v is more than a minute after the capture start", text, captured, r.Time)
		}
		if r.TimeOfDayOnly && captured.Sub(r.Time) >= 24*time.Hour {
			t.Fatalf("%q captured %v: time of day %v is 24 hours or more before", text, captured, r.Time)
		}
		if r.PreviousDay && !r.TimeOfDayOnly {
			t.Fatalf("%q: PreviousDay without TimeOfDayOnly", text)
		}
		if r.Time.Location() != zone {
			t.Fatalf("%q: location %v, want %v", text, r.Time.Location(), zone)
		}
		if r.Text != relCap(text, relMaxText) || !strings.HasPrefix(text, r.Text) {
			t.Fatalf("%q: Text %q is not the input", text, r.Text)
		}
		switch r.Precision {
		case RelSecond, RelMinute, RelHour, RelDay, RelWeek, RelMonth, RelYear:
		default:
			t.Fatalf("%q: precision %q", text, r.Precision)
		}
		if r.Approximate != (r.Precision == RelMonth || r.Precision == RelYear) {
			t.Fatalf("%q: approximate %v with precision %s", text, r.Approximate, r.Precision)
		}
		if !strings.HasPrefix(r.Resolution, "relative: ") || !utf8.ValidString(r.Resolution) {
			t.Fatalf("%q: Resolution %q", text, r.Resolution)
		}
	})
}
