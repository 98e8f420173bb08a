package evidence

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"evidentia/textsafe"
)

// ErrBadPosting is returned (wrapped) by DecodePosting for a posting record it cannot read.
var ErrBadPosting = errors.New("evidence: not a posting record")

// MaxPostingBytes is the largest posting.json DecodePosting reads.
const MaxPostingBytes = 64 << 20

// DecodePosting reads a posting.json artifact. It refuses anything larger than
// MaxPostingBytes, of another format, or not JSON. What it returns still came from the page:
// show it through PostingRows and CommentLines, which make every value safe.
func DecodePosting(b []byte) (*Posting, error) {
	if len(b) > MaxPostingBytes {
		return nil, fmt.Errorf("%w: %d bytes is more than the limit of %d", ErrBadPosting, len(b), MaxPostingBytes)
	}
	var p Posting
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPosting, err)
	}
	if p.Format != PostingFormat {
		return nil, fmt.Errorf("%w: format %s", ErrBadPosting, textsafe.Line(p.Format, 60))
	}
	return &p, nil
}

// The keys of PostingRows.
const (
	FactPlatform         = "platform"         // the site family, "dcinside", "generic"
	FactPostID           = "postID"           // the site's ID of the post
	FactPostTitle        = "postTitle"        // the post's title
	FactPostAuthor       = "postAuthor"       // its author: nickname, account ID, masked IP, profile
	FactPosted           = "posted"           // when the page says it was posted, Time and Parts
	FactPostModified     = "postModified"     // when it says it was modified, Time and Parts
	FactViews            = "views"            // the views the page states, "1,234"
	FactLikes            = "likes"            // the likes it states
	FactCommentsStated   = "commentsStated"   // the comments it states
	FactCommentsCaptured = "commentsCaptured" // the comments captured, Parts: all, replies, deleted, hidden
)

// PostingRows returns what posting record p says about the post, as rows for the detail
// window and the report, in this order: FactPlatform, FactPostID, FactPostTitle,
// FactPostAuthor, FactPosted, FactPostModified, FactViews, FactLikes, FactCommentsStated,
// FactCommentsCaptured; a row is left out when the record has no value for it, except
// FactCommentsCaptured, always there. With claimed (the page's metadata, which readers show
// as its claims), what they already show is not repeated: the title and author when they are
// the same, and a time read from the metadata. Every value came from the page: it is made safe and
// capped (textsafe.Bracket). A time row has Value the text as the page gives it, Time the
// moment it was resolved to (zero when it did not parse) and Parts its source and, for a
// relative text, how it was resolved.
func PostingRows(p *Posting, claimed *Metadata) FactRows {
	var rows FactRows
	add := func(key, v, shown string, max int) {
		if v = strings.TrimSpace(v); v != "" && v != strings.TrimSpace(shown) {
			rows = append(rows, FactRow{Key: key, Value: textsafe.Bracket(v, max)})
		}
	}
	var md Metadata
	if claimed != nil {
		md = *claimed
	}
	add(FactPlatform, p.Platform, "", 60)
	add(FactPostID, p.PostID, "", 200)
	add(FactPostTitle, p.Title, md.Title, 300)
	add(FactPostAuthor, PersonText(p.Author), md.Author, 600)
	for _, t := range []struct {
		key string
		pt  *PageTime
	}{{FactPosted, p.Posted}, {FactPostModified, p.Modified}} {
		if claimed != nil && t.pt != nil && strings.HasPrefix(t.pt.Source, "meta:") {
			continue
		}
		if r, ok := timeRow(t.key, t.pt); ok {
			rows = append(rows, r)
		}
	}
	for _, c := range []struct {
		key string
		n   *Count
	}{{FactViews, p.Counts.Views}, {FactLikes, p.Counts.Likes}, {FactCommentsStated, p.Counts.Comments}} {
		if c.n != nil {
			rows = append(rows, FactRow{Key: c.key, Value: GroupDigits(int64(c.n.Value))})
		}
	}
	var replies, deleted, hidden int
	for _, c := range p.Comments {
		if c.ParentID != "" {
			replies++
		}
		if c.Deleted {
			deleted++
		}
		if c.Hidden {
			hidden++
		}
	}
	rows = append(rows, FactRow{Key: FactCommentsCaptured, Value: GroupDigits(int64(len(p.Comments))),
		Parts: []string{strconv.Itoa(len(p.Comments)), strconv.Itoa(replies), strconv.Itoa(deleted), strconv.Itoa(hidden)}})
	return rows
}

// timeRow is the row of a time the page states; false when there is none.
func timeRow(key string, pt *PageTime) (FactRow, bool) {
	if pt == nil || strings.TrimSpace(pt.Text) == "" && pt.UTC == "" {
		return FactRow{}, false
	}
	r := FactRow{Key: key, Value: textsafe.Bracket(pt.Text, 200), Time: pageTimeUTC(pt)}
	r.Parts = []string{textsafe.Bracket(pt.Source, 200), ""}
	if pt.Relative {
		r.Parts[1] = textsafe.Bracket(pt.Resolution, 300)
	}
	return r, true
}

// pageTimeUTC is the moment pt was resolved to; zero when it was not.
func pageTimeUTC(pt *PageTime) time.Time {
	if pt == nil || pt.UTC == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, pt.UTC)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// PersonText is an author as one line: "nickname (account ID) (121.134) profile URL", each
// part there only when the page gave it. It is not made safe: the caller caps and escapes.
func PersonText(a Person) string {
	var parts []string
	if a.Nickname != "" {
		parts = append(parts, a.Nickname)
	}
	if a.AccountID != "" {
		parts = append(parts, "("+a.AccountID+")")
	}
	if a.MaskedIP != "" {
		parts = append(parts, "("+a.MaskedIP+")")
	}
	if a.ProfileURL != "" {
		parts = append(parts, a.ProfileURL)
	}
	return strings.Join(parts, " ")
}

// GroupDigits writes n with thousands separators: 1234567 is "1,234,567".
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// CommentLine is one comment of a posting record as a reader shows it, every value safe.
type CommentLine struct {
	N        int    // its place in page order, from 1
	Depth    int    // 0 for a comment, 1 or more for a reply
	Author   string // PersonText, safe and capped
	TimeText string // the time as the page gives it, safe and capped
	Time     time.Time
	Text     string // its text, safe and capped at the textMax given to CommentLines
	Deleted  bool
	Hidden   bool
	Page     int // the numbered comment page it is from, 1 for the page as captured
	// PageLabel is that page's number as the site shows it, safe and capped; "" when unknown.
	PageLabel string
	Frame     string // the frame it was read from, safe and capped; "" for the main document
}

// CommentLines returns the first limit comments of p in page order as lines, each text capped
// at textMax characters, and how many comments are left out.
func CommentLines(p *Posting, limit, textMax int) ([]CommentLine, int) {
	n := min(len(p.Comments), limit)
	out := make([]CommentLine, 0, n)
	for i, c := range p.Comments[:n] {
		l := CommentLine{N: i + 1, Depth: min(max(c.Depth, 0), 8), Author: textsafe.Bracket(PersonText(c.Author), 200),
			Text:    textsafe.Bracket(strings.Join(strings.Fields(c.Text), " "), textMax),
			Deleted: c.Deleted, Hidden: c.Hidden, Page: max(c.Page, 1),
			PageLabel: textsafe.Bracket(c.PageLabel, 20), Frame: textsafe.Bracket(c.Frame, 300)}
		if c.ParentID != "" && l.Depth == 0 {
			l.Depth = 1
		}
		if c.Time != nil {
			l.TimeText = textsafe.Bracket(c.Time.Text, 100)
			l.Time = pageTimeUTC(c.Time)
		}
		out = append(out, l)
	}
	return out, len(p.Comments) - n
}
