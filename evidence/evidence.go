// Package evidence is the core vocabulary of Evidentia: a capture, its artifacts, the facts
// observed while collecting it, and the sealed manifest that binds them together.
//
// The package uses the standard library and textsafe (itself standard library only) only. It
// also holds the vocabulary the readers share: the custody actions (Action), the Korean time
// zone (KST), which artifacts are the page image (PageImage) and the network facts as rows
// (NetworkRows). Every other package (capture, store, report,
// workflow, the GUI and the command line) speaks in these types; none of them is allowed to
// change an evidentiary original once it is sealed.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"
)

// Status is the state of a capture as the catalogue records it.
type Status string

// The states of a capture. Only Complete, Partial and Failed are sealed outcomes; Capturing is
// the state while the engine works, and Interrupted marks a capture whose process died before
// it was sealed (found at the next start).
const (
	StatusCapturing   Status = "capturing"
	StatusComplete    Status = "complete"
	StatusPartial     Status = "partial"
	StatusFailed      Status = "failed"
	StatusInterrupted Status = "interrupted"
)

// Sealed reports whether s is a state in which the capture has a manifest.
func (s Status) Sealed() bool {
	return s == StatusComplete || s == StatusPartial || s == StatusFailed
}

// Digest is a lowercase hex SHA-256.
type Digest string

var digestRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ErrBadDigest is returned when a string is not a lowercase hex SHA-256.
var ErrBadDigest = errors.New("evidence: not a SHA-256 digest")

// ParseDigest checks that s is a well formed digest.
func ParseDigest(s string) (Digest, error) {
	if !digestRE.MatchString(s) {
		return "", fmt.Errorf("%w: %q", ErrBadDigest, s)
	}
	return Digest(s), nil
}

// SumBytes returns the SHA-256 of b.
func SumBytes(b []byte) Digest {
	s := sha256.Sum256(b)
	return Digest(hex.EncodeToString(s[:]))
}

// SumReader returns the SHA-256 and length of everything r yields.
func SumReader(r io.Reader) (Digest, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return Digest(hex.EncodeToString(h.Sum(nil))), n, nil
}

// Artifact is one file of a capture. Name is unique within the capture and is a plain file
// name (screenshot.png, document.html, network.warc.gz, ...).
type Artifact struct {
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    Digest `json:"sha256"`
	// Role says what the artifact is, for readers that do not want to parse names:
	// screenshot, screenshot-tile, viewport, document, dom, mhtml, warc, text, facts.
	Role string `json:"role"`
}

// The artifact roles.
const (
	RoleScreenshot = "screenshot"
	RoleTile       = "screenshot-tile"
	RoleViewport   = "viewport"
	RoleDocument   = "document"
	RoleDOM        = "dom"
	RoleMHTML      = "mhtml"
	RoleWARC       = "warc"
	RoleText       = "text"
	RoleFacts      = "facts"
	// RolePosting is posting.json, the structured record of the posting (see Posting).
	RolePosting = "posting"
	// RoleFrameDOM is the rendered DOM of one frame (dom-frame-01.html, ...).
	RoleFrameDOM = "frame-dom"
	// RoleCommentPage is a screenshot or DOM of one numbered comment page after the first
	// (comments-page-02.png, ...).
	RoleCommentPage = "comment-page"
	// RoleMedia is a video or audio file of the page (Facts.Media says what it is).
	RoleMedia = "media"
	// RoleMediaInfo is a media downloader's description of a file it collected (yt-dlp's
	// .info.json): the site's metadata of the video, as the site gave it.
	RoleMediaInfo = "media-info"
)

// Metadata is what the page says about itself, drawn from <title>, meta tags, OpenGraph,
// Twitter cards, JSON-LD, microdata and visible bylines. Sources names, for each field that is
// set, where it was found (for example "og:title" or "json-ld:NewsArticle.author").
type Metadata struct {
	Title         string            `json:"title"`
	Author        string            `json:"author"`
	SiteName      string            `json:"site_name"`
	Lang          string            `json:"lang"`
	PublishedTime string            `json:"published_time"`
	ModifiedTime  string            `json:"modified_time"`
	Description   string            `json:"description"`
	CanonicalURL  string            `json:"canonical_url"`
	Keywords      string            `json:"keywords,omitempty"`
	Type          string            `json:"type,omitempty"`
	Image         string            `json:"image,omitempty"`
	PostIDs       map[string]string `json:"post_ids,omitempty"`
	// PublishedUTC and PublishedKST are PublishedTime normalised, when it parses.
	PublishedUTC string            `json:"published_utc,omitempty"`
	PublishedKST string            `json:"published_kst,omitempty"`
	ModifiedUTC  string            `json:"modified_utc,omitempty"`
	ModifiedKST  string            `json:"modified_kst,omitempty"`
	Sources      map[string]string `json:"sources,omitempty"`
}

// Header is one HTTP header line, in the order it was seen.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// RedirectHop is one step of the redirect chain that led to the final URL.
type RedirectHop struct {
	URL        string `json:"url"`
	Status     int    `json:"status"`
	StatusText string `json:"status_text,omitempty"`
	Location   string `json:"location"`
	RemoteIP   string `json:"remote_ip,omitempty"`
}

// TLS describes the connection that served the main document.
type TLS struct {
	Protocol    string    `json:"protocol"`
	Cipher      string    `json:"cipher"`
	KeyExchange string    `json:"key_exchange,omitempty"`
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	SANs        []string  `json:"sans,omitempty"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidTo     time.Time `json:"valid_to"`
	ChainPEM    []string  `json:"chain_pem,omitempty"`
}

// Network holds what the main document's response said and how it travelled.
type Network struct {
	HTTPStatus      int      `json:"http_status"`
	StatusText      string   `json:"status_text,omitempty"`
	MIMEType        string   `json:"mime_type,omitempty"`
	Charset         string   `json:"charset,omitempty"`
	ResponseHeaders []Header `json:"response_headers,omitempty"`
	// RawHeadersRecorded is true when ResponseHeaders are the raw header lines as received
	// (HTTP/1.x); false when they were reconstructed from the browser's parsed view.
	RawHeadersRecorded bool   `json:"raw_headers_recorded"`
	RemoteIP           string `json:"remote_ip,omitempty"`
	RemotePort         int    `json:"remote_port,omitempty"`
	Protocol           string `json:"protocol,omitempty"`
	TLS                *TLS   `json:"tls,omitempty"`
	Resources          int    `json:"resources"`
	FailedResources    int    `json:"failed_resources"`
}

// Browser describes the browser that made the capture.
type Browser struct {
	Product         string  `json:"product"`
	Revision        string  `json:"revision,omitempty"`
	ProtocolVersion string  `json:"protocol_version,omitempty"`
	UserAgent       string  `json:"user_agent"`
	ExecPath        string  `json:"exec_path"`
	ViewportWidth   int     `json:"viewport_width"`
	ViewportHeight  int     `json:"viewport_height"`
	DeviceScale     float64 `json:"device_scale"`
}

// Collection says who collected the evidence, where and when.
type Collection struct {
	Operator   string    `json:"operator"`
	Unit       string    `json:"unit,omitempty"`
	Case       string    `json:"case"`
	Hostname   string    `json:"hostname"`
	OS         string    `json:"os"`
	Arch       string    `json:"arch"`
	TimeZone   string    `json:"time_zone"`
	LocalIPs   []string  `json:"local_ips,omitempty"`
	AppVersion string    `json:"app_version"`
	AppSHA256  Digest    `json:"app_sha256,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
}

// Event is one thing that happened during a capture that a reader should know of: a dialog
// dismissed, a download blocked, a pop-up closed, a navigation refused, a step that timed out.
type Event struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
	URL    string    `json:"url,omitempty"`
}

// The kinds of Event.
const (
	EventDialog     = "dialog"
	EventDownload   = "download"
	EventPopup      = "popup"
	EventNavigation = "navigation-blocked"
	EventTimeout    = "timeout"
	EventError      = "error"
	EventNote       = "note"
)

// Method records how the capture was made, so that it can be repeated and judged.
type Method struct {
	Timeout        string            `json:"timeout"`
	WaitStrategy   string            `json:"wait_strategy"`
	LoadEventFired bool              `json:"load_event_fired"`
	NetworkQuiet   bool              `json:"network_quiet"`
	ScrollSteps    int               `json:"scroll_steps"`
	ScrollHeight   int               `json:"scroll_height"`
	ReachedBottom  bool              `json:"reached_bottom"`
	PageHeight     int               `json:"page_height"`
	ScreenshotMode string            `json:"screenshot_mode"`
	Tiles          []Tile            `json:"tiles,omitempty"`
	Events         []Event           `json:"events,omitempty"`
	Reconstructed  []string          `json:"reconstructed,omitempty"`
	Options        map[string]string `json:"options,omitempty"`
	// Frames are the page's frames (see FrameRecord).
	Frames []FrameRecord `json:"frames,omitempty"`
	// ScrollTarget is what the lazy-load scroll moved: "document", or the element that
	// scrolls the main content ("div#app > main.scroller").
	ScrollTarget string `json:"scroll_target,omitempty"`
	// ScrollReason says why the page was scrolled ("scrolled: the page registered an
	// IntersectionObserver") or not ("not scrolled: nothing on the page loads as it scrolls:
	// ..."): a page on which no script watches scrolling and no markup loads lazily shows the
	// same whether scrolled or not.
	ScrollReason string `json:"scroll_reason,omitempty"`
	// ViewportShot says when viewport.png was taken: at the load event when nothing was
	// loaded after it before the network went quiet, else after the network was quiet.
	ViewportShot string `json:"viewport_shot,omitempty"`
	// Layout says how the full-page screenshot shows content that is not the document's own
	// scroll height: a frame or a scrolling container expanded to its content's height.
	Layout string `json:"layout,omitempty"`
	// Expansion is what was opened before collecting; nil when it was not tried.
	Expansion *Expansion `json:"expansion,omitempty"`
	// CommentPages are the numbered comment pages after the first, in order.
	CommentPages []CommentPage `json:"comment_pages,omitempty"`
	// Timings are the durations of the capture's steps.
	Timings []StepTime `json:"timings,omitempty"`
	// Site is the site profile the capture used; nil when the page is on no site Evidentia
	// has a profile for.
	Site *SiteRecord `json:"site,omitempty"`
}

// SiteRecord says which site profile a capture used and how it went.
type SiteRecord struct {
	// Profile names the profile ("dcinside", "naver_news"), as evidence.Posting.Platform does.
	Profile string `json:"profile"`
	// Site is the site's name for people ("DC Inside").
	Site string `json:"site"`
	// Matched is true when the page had the markup the profile knows: the posting record was
	// read by the profile. False means the generic capture was used (Note says why).
	Matched bool `json:"matched"`
	// Prepared lists what the profile did to the page before expansion, in order ("switched
	// the CleanBot filter off").
	Prepared []string `json:"prepared,omitempty"`
	// State is what the profile recognised the page to be when it is not the posting
	// ("deleted", "login_wall", "blocked"); "" for a posting page.
	State string `json:"state,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Tile is one piece of a full-page screenshot that was taken in pieces: the image named Name
// shows the page from CSS pixel Y for Height pixels.
type Tile struct {
	Name   string `json:"name"`
	Y      int    `json:"y"`
	Height int    `json:"height"`
}

// Facts is everything observed during one capture.
type Facts struct {
	RequestedURL string        `json:"requested_url"`
	FinalURL     string        `json:"final_url"`
	Redirects    []RedirectHop `json:"redirects,omitempty"`
	Metadata     Metadata      `json:"metadata"`
	Network      Network       `json:"network"`
	Browser      Browser       `json:"browser"`
	Collection   Collection    `json:"collection"`
	Method       Method        `json:"method"`
	// Completeness is the verdict on what the capture holds (see Completeness); nil in
	// captures made before Evidentia judged it.
	Completeness *Completeness `json:"completeness,omitempty"`
	// Media are the videos and audio of the page: what each element named as its source,
	// and what of it the capture kept (MediaItem). Nil when the page showed none.
	Media []MediaItem `json:"media,omitempty"`
	// MediaTool is the run of the downloader that collects a posting's video as files
	// (yt-dlp), or why it was not run; nil when the page gave no reason to run it.
	MediaTool *MediaToolRun `json:"media_tool,omitempty"`
}

// MediaToolRun is one run of a media downloader (yt-dlp) for a capture. It fetched the page
// again itself, outside the browser: what it downloaded is what the site gave it then.
type MediaToolRun struct {
	Tool     string    `json:"tool"`              // "yt-dlp"
	Version  string    `json:"version,omitempty"` // its own ("2023.03.04")
	Command  []string  `json:"command,omitempty"` // the command line, its path first
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	ExitCode int       `json:"exit_code"` // -1 when it was not run, killed or did not start
	// Files are the artifacts it wrote (its media files and their .info.json).
	Files []string `json:"files,omitempty"`
	// Log is its messages, capped; Note says in plain words what happened.
	Log  string `json:"log,omitempty"`
	Note string `json:"note"`
}

// MediaItem is one source of a video or audio element of the page and what the capture kept
// of it. The element's own values (Player*) are the page's: untrusted, shown as such.
type MediaItem struct {
	Kind    string `json:"kind"`    // "video" or "audio"
	Element string `json:"element"` // where on the page: a CSS path ("video#player > source")
	Frame   string `json:"frame,omitempty"`
	// URL is the source as the element names it, resolved against its document.
	URL string `json:"url"`
	// Via says how the file was fetched: "page" (through the page's own context: its
	// cookies, its frame), "" when it was not fetched.
	Via string `json:"via,omitempty"`
	// Artifact names the sealed file, "" when none was kept; Note then says why.
	Artifact   string `json:"artifact,omitempty"`
	MediaType  string `json:"media_type,omitempty"` // the Content-Type it was served with
	HTTPStatus int    `json:"http_status,omitempty"`
	Bytes      int64  `json:"bytes,omitempty"`
	// Probe is what ffprobe read from the sealed file; nil when it was not run (Note says why).
	Probe *MediaProbe `json:"probe,omitempty"`
	// PlayerDuration (seconds) and PlayerWidth × PlayerHeight are what the page's player
	// reported: the page's values, not read from the file.
	PlayerDuration float64 `json:"player_duration,omitempty"`
	PlayerWidth    int     `json:"player_width,omitempty"`
	PlayerHeight   int     `json:"player_height,omitempty"`
	Note           string  `json:"note,omitempty"`
}

// MediaProbe is what ffprobe read from a media file.
type MediaProbe struct {
	Tool       string  `json:"tool"`   // its version line ("ffprobe version 5.1.9-0+deb12u1 ...")
	Format     string  `json:"format"` // ffprobe's format_name ("mov,mp4,m4a,3gp,3g2,mj2")
	DurationS  float64 `json:"duration_s"`
	Width      int     `json:"width,omitempty"`
	Height     int     `json:"height,omitempty"`
	VideoCodec string  `json:"video_codec,omitempty"`
	AudioCodec string  `json:"audio_codec,omitempty"`
}

// ManifestFormat names the version of the manifest layout.
const ManifestFormat = "evidentia.manifest/1"

// Manifest is the sealed record of a capture. Its canonical JSON form (see Canonical) is
// what is hashed; that hash identifies the capture's content.
type Manifest struct {
	Format    string     `json:"format"`
	CaptureID string     `json:"capture_id"`
	Status    Status     `json:"status"`
	Reason    string     `json:"reason,omitempty"`
	Artifacts []Artifact `json:"artifacts"`
	Facts     Facts      `json:"facts"`
}

// Encode returns the canonical JSON of m and its SHA-256.
func (m *Manifest) Encode() ([]byte, Digest, error) {
	b, err := Canonical(m)
	if err != nil {
		return nil, "", err
	}
	return b, SumBytes(b), nil
}

// Artifact returns the artifact named name, or false.
func (m *Manifest) Artifact(name string) (Artifact, bool) {
	for _, a := range m.Artifacts {
		if a.Name == name {
			return a, true
		}
	}
	return Artifact{}, false
}
