package report

import (
	"context"
	"errors"
	"io"
	"time"

	"evidentia/evidence"
)

// Lang is the language a report is written in.
type Lang string

// The report languages.
const (
	Korean  Lang = "ko"
	English Lang = "en"
)

// ErrBadInput is returned (wrapped) by Build when the Input cannot make a report: no captures,
// an unknown language, a capture without its manifest.
var ErrBadInput = errors.New("report: bad input")

// Input is everything a report shows. Build does not change it.
type Input struct {
	Lang        Lang
	ReportID    string    // unique ID of this report, printed on every page
	GeneratedAt time.Time // shown in KST and UTC
	Case        Case
	Operator    string // who generated the report
	Unit        string // the operator's team or office
	AppVersion  string
	AppSHA256   evidence.Digest // SHA-256 of the Evidentia executable that made the report
	// Signer names who will sign the report ("" when it will not be signed); the cover says
	// so, since the signature itself is added after Build.
	Signer   string
	Captures []Capture // in the order they are to appear
	// Volume, when not nil, says the report is one volume of a set that together covers more
	// captures: the cover says which, and captures are numbered within the whole set.
	Volume *Volume
}

// Volume places a report in a set of volumes: volume Number of Of, holding the captures
// numbered First to First+len(Captures)-1 of Total.
type Volume struct {
	Number, Of   int
	First, Total int
}

// Case describes the case the captures belong to.
type Case struct {
	Name        string
	Number      string
	Description string
	LawArticle  string
}

// Capture is one sealed capture. Manifest must be set; ManifestJSON is its canonical JSON as
// stored (evidence.Manifest.Encode), attached to the PDF as "<capture ID>.manifest.json", and
// ManifestSHA256 its SHA-256.
type Capture struct {
	ID             string
	Manifest       *evidence.Manifest
	ManifestJSON   []byte
	ManifestSHA256 evidence.Digest
	Custody        []CustodyEvent // oldest first
}

// CustodyEvent is one entry of a capture's custody log.
type CustodyEvent struct {
	Seq     int64
	At      time.Time
	Actor   string
	Action  string
	Details map[string]string
	Hash    evidence.Digest
}

// Opener opens the stored bytes of an artifact by its digest. The caller's implementation must
// check the bytes against the digest (store.OpenArtifact does); Build closes what it opens.
type Opener func(ctx context.Context, d evidence.Digest) (io.ReadCloser, error)

// AttachmentName is the name under which the manifest of the capture with the given ID is
// embedded in the PDF.
func AttachmentName(captureID string) string { return captureID + ".manifest.json" }
