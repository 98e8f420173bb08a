package pagemeta

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// Everything in evidence.Metadata is what the page says about itself: its code can claim any
// title, author, address or date, including a capture, a hash or a time that has not come yet.
// The report, the app and the command line keep these claims apart from what Evidentia
// observed (the addresses requested and reached, the HTTP status, the server, TLS, the
// capture's own times), under the label ClaimsLabel, and flag a claimed time later than the
// capture with AfterCaptureFlag. Claims is that one rule.

// Lang selects the language of ClaimsLabel, ClaimsNote and AfterCaptureFlag.
type Lang string

// The languages of the labels.
const (
	Korean  Lang = "ko"
	English Lang = "en"
)

// ClaimsLabel is the title of the group of page claims: what the page states about itself,
// not verified by Evidentia. English is used for any Lang other than Korean.
func ClaimsLabel(l Lang) string {
	if l == Korean {
		return "게시물 표시 정보 (페이지 주장, 확인되지 않음)"
	}
	return "What the page states about itself (not verified)"
}

// ClaimsNote is a sentence to put under ClaimsLabel, saying where the claims come from and
// that they are cut for display only.
func ClaimsNote(l Lang) string {
	if l == Korean {
		return "아래 값은 페이지의 코드(제목, 메타 태그, JSON-LD 등)가 스스로 밝힌 내용을 그대로 옮긴 것으로, Evidentia가 확인한 사실이 아닙니다. 긴 값은 줄여 표시하며 전체 값은 봉인된 원본(HTML)에 있습니다."
	}
	return "These values are what the page's own code (title, meta tags, JSON-LD and the like) says about it, copied as found; Evidentia did not verify them. Long values are shortened here; the full values are in the sealed original (HTML)."
}

// AfterCaptureFlag is the flag put beside a claimed time that is later than the capture.
func AfterCaptureFlag(l Lang) string {
	if l == Korean {
		return "채증 이후의 시각 — 사실일 수 없음"
	}
	return "later than the capture: cannot be true"
}

// ClockSkew is how much later than the start of a capture a claimed time may be before it is
// flagged: the page's server and this computer may disagree on the time by a few minutes.
const ClockSkew = 5 * time.Minute

// AfterCapture reports whether the claimed time is later than the capture started (more than
// ClockSkew after started). It is false when either time is zero.
func AfterCapture(claimed, started time.Time) bool {
	if claimed.IsZero() || started.IsZero() {
		return false
	}
	return claimed.After(started.Add(ClockSkew))
}

// Caps for page-supplied values, in characters. Extract cuts every field it returns to its cap
// (with textsafe.Cap, so that the cut is marked "… (N more characters)" in the value itself, and
// Sources says so too); the document and DOM artifacts keep the full text. Claims shows at most
// that much, plus room for the mark, so that a value cut at extraction is not cut again.
const (
	MaxTitle       = 300
	MaxAuthor      = 200
	MaxSiteName    = 200
	MaxDescription = 1000
	MaxURL         = 2000
	MaxTime        = 100 // a time as the page gave it
	MaxLang        = 50
	MaxKeywords    = 500
	MaxType        = 100
	MaxPostID      = 200 // a post identifier's value
	MaxSource      = 200 // a Sources entry
	// capMark is room for the mark textsafe.Cap appends: "… (2000000 more characters)".
	capMark = 40
)

// fieldCaps maps each Metadata field (as named in its JSON) to its cap.
var fieldCaps = map[string]int{
	fieldTitle:       MaxTitle,
	fieldAuthor:      MaxAuthor,
	fieldSiteName:    MaxSiteName,
	fieldLang:        MaxLang,
	fieldPublished:   MaxTime,
	fieldModified:    MaxTime,
	fieldDescription: MaxDescription,
	fieldCanonical:   MaxURL,
	fieldKeywords:    MaxKeywords,
	fieldType:        MaxType,
	fieldImage:       MaxURL,
}

// FieldCap returns the cap of the Metadata field named as in its JSON ("title",
// "canonical_url", ...), or MaxSource for a name it does not know.
func FieldCap(field string) int {
	if n, ok := fieldCaps[field]; ok {
		return n
	}
	return MaxSource
}

// ShowCap returns how many characters of the field named as in its JSON a screen or a report
// shows: FieldCap plus room for the mark of a cut made at extraction, so that such a value is
// shown whole and a longer one (from a capture sealed before the caps) is cut to about the
// same length.
func ShowCap(field string) int { return FieldCap(field) + capMark }

// Claim is one thing the page states about itself, ready to be shown.
type Claim struct {
	// Field is the Metadata field, as named in its JSON: "title", "author", "site_name",
	// "published_time", "modified_time", "lang", "description", "canonical_url", "post_ids".
	Field string
	// Value is the value capped (see the Max constants) but not escaped, for a renderer that
	// escapes by textsafe's rule in its own notation; for a time it is the time as the page
	// gave it. Post identifiers are "key: value" pairs joined by ", ".
	Value string
	// Text is Value escaped by textsafe.Line, for one line of a terminal or a window.
	Text string
	// Source is where the value was found ("og:title", "json-ld:NewsArticle.headline"),
	// capped at MaxSource but not escaped (a JSON-LD @type comes from the page); "" when not
	// recorded.
	Source string
	// Time is a claimed time, parsed (zero when the field is not a time or did not parse).
	Time time.Time
	// AfterCapture is true when Time is later than the capture started (see AfterCapture).
	AfterCapture bool
}

// Claims returns the page's claims in md, in the order they are to be shown (title, author,
// site name, published, modified, language, description, canonical URL, post identifiers),
// leaving out fields the page did not state. started is when the capture started; a claimed
// time later than it (beyond ClockSkew) is marked AfterCapture. Every value is capped, whether
// or not md was capped when it was extracted, so that a capture sealed before the caps existed
// is shown within them too; the cap leaves room for the mark of a cut made at extraction, so
// that such a value is not cut twice.
func Claims(md evidence.Metadata, started time.Time) []Claim {
	var out []Claim
	claim := func(field, value string) Claim {
		n := ShowCap(field)
		v := textsafe.Cap(value, n)
		return Claim{Field: field, Value: v, Text: textsafe.Line(v, n), Source: textsafe.Cap(md.Sources[field], MaxSource+capMark)}
	}
	add := func(field, value string) {
		if strings.TrimSpace(value) != "" {
			out = append(out, claim(field, value))
		}
	}
	addTime := func(field, given, utc string) {
		if strings.TrimSpace(given) == "" && utc == "" {
			return
		}
		c := claim(field, given)
		if tm, err := time.Parse(time.RFC3339, utc); err == nil {
			c.Time = tm
		} else if tm, err := time.Parse(time.RFC3339, strings.TrimSpace(given)); err == nil {
			c.Time = tm
		}
		c.AfterCapture = AfterCapture(c.Time, started)
		out = append(out, c)
	}
	add(fieldTitle, md.Title)
	add(fieldAuthor, md.Author)
	add(fieldSiteName, md.SiteName)
	addTime(fieldPublished, md.PublishedTime, md.PublishedUTC)
	addTime(fieldModified, md.ModifiedTime, md.ModifiedUTC)
	add(fieldLang, md.Lang)
	add(fieldDescription, md.Description)
	add(fieldCanonical, md.CanonicalURL)
	if len(md.PostIDs) > 0 {
		keys := make([]string, 0, len(md.PostIDs))
		for k := range md.PostIDs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pairs := make([]string, len(keys))
		for i, k := range keys {
			pairs[i] = textsafe.Cap(k, MaxType) + ": " + textsafe.Cap(md.PostIDs[k], MaxPostID+capMark)
		}
		v := textsafe.Cap(strings.Join(pairs, ", "), MaxURL)
		out = append(out, Claim{Field: "post_ids", Value: v, Text: textsafe.Line(v, MaxURL+capMark)})
	}
	return out
}

// capFields cuts every field of md, every post identifier and every Sources entry to its cap,
// marking each cut in the value (textsafe.Cap) and, for a field, in its Sources entry:
// "og:title (cut to 300 characters)".
func capFields(md *evidence.Metadata) {
	for k, v := range md.Sources {
		md.Sources[k] = textsafe.Cap(v, MaxSource)
	}
	for k, v := range md.PostIDs {
		md.PostIDs[k] = textsafe.Cap(v, MaxPostID)
	}
	for field, p := range map[string]*string{
		fieldTitle: &md.Title, fieldAuthor: &md.Author, fieldSiteName: &md.SiteName, fieldLang: &md.Lang,
		fieldPublished: &md.PublishedTime, fieldModified: &md.ModifiedTime, fieldDescription: &md.Description,
		fieldCanonical: &md.CanonicalURL, fieldKeywords: &md.Keywords, fieldType: &md.Type, fieldImage: &md.Image,
	} {
		n := fieldCaps[field]
		if cut := textsafe.Cap(*p, n); cut != *p {
			*p = cut
			if md.Sources == nil {
				md.Sources = map[string]string{}
			}
			md.Sources[field] += " (cut to " + strconv.Itoa(n) + " characters)"
		}
	}
}
