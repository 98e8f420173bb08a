package evidence

// PostingFormat names the version of the posting.json layout.
const PostingFormat = "evidentia.posting/1"

// Posting is the structured record of the posting a capture holds (the posting.json
// artifact): what the page shows about the post and its comments, read from its rendered DOM
// (the main document, its frames and every numbered comment page). Every value came from the
// page and is untrusted: it says what the page claims, never an observed fact, and is capped.
// Empty fields were not found.
type Posting struct {
	Format string `json:"format"`
	// Platform names the site family ("naver_blog", "naver_news", "dcinside", ...), or
	// "generic" when no site profile read the page.
	Platform string `json:"platform"`
	PostID   string `json:"post_id,omitempty"`
	URL      string `json:"url,omitempty"`
	Title    string `json:"title,omitempty"`
	Author   Person `json:"author"`
	// Posted and Modified are the times the page gives for the post.
	Posted   *PageTime `json:"posted,omitempty"`
	Modified *PageTime `json:"modified,omitempty"`
	// Counts are the numbers the page claims (views, likes, comments).
	Counts Counts `json:"counts"`
	// Comments is the comment tree in page order, flattened: a reply names its parent.
	Comments []Comment `json:"comments"`
	// Sources names, for each field set above, where it was read ("json-ld:Comment",
	// "markup:li.u_cbox_comment", "meta:og:title").
	Sources map[string]string `json:"sources,omitempty"`
	// Notes say what could not be read, in plain English.
	Notes []string `json:"notes,omitempty"`
}

// Person is an author as the page names them.
type Person struct {
	Nickname  string `json:"nickname,omitempty"`
	AccountID string `json:"account_id,omitempty"`
	// MaskedIP is the partial address some boards show beside an anonymous author, as shown
	// ("121.134", without the parentheses).
	MaskedIP   string `json:"masked_ip,omitempty"`
	ProfileURL string `json:"profile_url,omitempty"`
}

// PageTime is a time the page states, resolved to an absolute time where it could be.
type PageTime struct {
	// Text is the text or attribute value as the page gives it ("3시간 전",
	// "2026-12-01T09:00:00+09:00").
	Text string `json:"text"`
	// Source says where it was read: an attribute ("attr:data-value", "attr:datetime",
	// "attr:title"), "json-ld:...", "meta:...", or "text" for visible text.
	Source string `json:"source"`
	// KST and UTC are the absolute time (RFC 3339); empty when the text did not parse.
	KST string `json:"kst,omitempty"`
	UTC string `json:"utc,omitempty"`
	// Relative is true when Text was relative ("3시간 전", "어제 14:02") and was resolved
	// against the capture's start time; Resolution then says how, and Precision to what unit.
	Relative   bool   `json:"relative,omitempty"`
	Precision  string `json:"precision,omitempty"`
	Resolution string `json:"resolution,omitempty"`
}

// Counts are numbers the page claims about the post. Nil means the page states none.
type Counts struct {
	Views    *Count `json:"views,omitempty"`
	Likes    *Count `json:"likes,omitempty"`
	Comments *Count `json:"comments,omitempty"`
}

// Count is one number the page states, with the text it was read from.
type Count struct {
	Value  int    `json:"value"`
	Text   string `json:"text"`
	Source string `json:"source"`
}

// Comment is one comment or reply.
type Comment struct {
	// ID is the site's identifier of the comment, when the page gives one; else "c1", "c2"...
	// in page order, marked by IDAssigned.
	ID         string    `json:"id"`
	IDAssigned bool      `json:"id_assigned,omitempty"`
	ParentID   string    `json:"parent_id,omitempty"`
	Depth      int       `json:"depth,omitempty"`
	Author     Person    `json:"author"`
	Time       *PageTime `json:"time,omitempty"`
	Text       string    `json:"text"`
	// Deleted and Hidden say the page shows the comment as deleted ("삭제된 댓글입니다") or
	// hidden ("클린봇이 숨긴 댓글", blinded by the site or the author).
	Deleted bool `json:"deleted,omitempty"`
	Hidden  bool `json:"hidden,omitempty"`
	// Page is the numbered comment page it was read from, in the order the capture read them
	// (1 for the page as captured).
	Page int `json:"page,omitempty"`
	// PageLabel is that page's number as the site's pager shows it ("3" for the page as
	// captured when the site opens a post on its newest comment page), "" when the comments
	// are not in numbered pages or the pager showed no number for it.
	PageLabel string `json:"page_label,omitempty"`
	// Frame is the address of the frame it was read from, when not the main document.
	Frame string `json:"frame,omitempty"`
}

// FrameRecord is one frame of the page, as the capture saw it.
type FrameRecord struct {
	URL string `json:"url"`
	// Artifact is the name of its rendered DOM artifact ("dom-frame-01.html"); "" when its
	// document could not be read.
	Artifact string `json:"artifact,omitempty"`
	// Selector locates the frame element in its parent ("iframe#mainFrame").
	Selector  string `json:"selector,omitempty"`
	Parent    string `json:"parent,omitempty"` // the parent frame's URL, "" for the main document
	CrossSite bool   `json:"cross_origin,omitempty"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	TextChars int    `json:"text_chars"`
	// Main is true for the frame that holds the page's main content (its metadata wins).
	Main bool   `json:"main,omitempty"`
	Note string `json:"note,omitempty"`
}

// Expansion is what the capture opened before collecting ("더보기", "답글 N", comment pages).
type Expansion struct {
	Clicks []Click `json:"clicks"`
	// Refused counts the controls that looked like expansion but were not clicked, by reason
	// ("navigates_away", "form_submit", "forbidden_word:로그인", ...).
	Refused map[string]int `json:"refused,omitempty"`
	// Stopped names the limit that ended expansion ("max_clicks", "time", "page_height"), or
	// "" when nothing more was left to open.
	Stopped string `json:"stopped,omitempty"`
	// Rounds is the number of scans for controls.
	Rounds int `json:"rounds"`
}

// Click is one control the capture clicked.
type Click struct {
	Label string `json:"label"` // the control's text, capped
	Where string `json:"where"` // a CSS path to the control
	Frame string `json:"frame,omitempty"`
	// Revealed says what the click brought: characters of text added, requests made.
	AddedChars int    `json:"added_chars"`
	Requests   int    `json:"requests"`
	Revealed   string `json:"revealed,omitempty"`
	AtMS       int64  `json:"at_ms"` // milliseconds after the capture started
}

// CommentPage is one numbered comment page after the first: one that replaced the one before
// it in place, or another document that its link loaded, opened in a tab of its own.
type CommentPage struct {
	Page  int    `json:"page"`
	Label string `json:"label"`
	// Frame is the URL of the frame whose comments these are, "" for the main document.
	Frame string `json:"frame,omitempty"`
	// URL is the address of the document the page is, when its link loaded another document
	// (?cpage=2) and the page was opened in a tab of its own; "" when the page replaced the
	// comments in place.
	URL        string `json:"url,omitempty"`
	Screenshot string `json:"screenshot,omitempty"`
	DOM        string `json:"dom,omitempty"`
	TextChars  int    `json:"text_chars"`
}

// StepTime is how long one step of a capture took.
type StepTime struct {
	Step string `json:"step"`
	MS   int64  `json:"ms"`
}
