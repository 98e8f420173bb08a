package workflow

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/store"
)

// Errors of the report use cases.
var (
	ErrNoCaptures     = errors.New("workflow: no sealed captures to report")
	ErrNotInCase      = errors.New("workflow: capture is not in the case")
	ErrNotSealed      = errors.New("workflow: capture is not sealed")
	ErrEvidenceDamage = errors.New("workflow: the evidence does not verify")
	ErrOutputExists   = errors.New("workflow: output file exists")
	ErrNoFolder       = errors.New("workflow: no such folder")
)

// ReportRequest asks for a report of the captures of one case.
type ReportRequest struct {
	Case       string
	CaptureIDs []string // full IDs or unique prefixes; empty means every sealed capture of the case
	Lang       report.Lang
	Operator   string
	Unit       string
	Out        string // the PDF file to write; it must not exist
	// Signer, when set, signs the report; TSA (an RFC 3161 URL) then adds a timestamp.
	Signer     *signature.Signer
	TSA        string
	TSATimeout time.Duration
	Now        func() time.Time // zero: time.Now
}

// ReportResult describes a report that was written.
type ReportResult struct {
	ReportID    string
	Path        string
	SHA256      evidence.Digest
	Size        int64
	Captures    []string // IDs, in report order
	Skipped     []string // IDs of the case's captures left out because they are not sealed
	Signed      bool
	Signer      string
	SignerTrust signature.Trust // as this computer judges the signer's certificate
	Timestamp   *signature.Timestamp
}

// Report writes the PDF evidence report req asks for. Before anything is written, every
// artifact of the chosen captures and the custody log are verified against the store
// (ErrEvidenceDamage if they do not match); when req.Signer is set the PDF is signed, and with
// req.TSA timestamped (a failing authority fails the report: no unstamped file is written).
// The file is written whole or not at all. Each capture's custody log then records the report
// (action "reported", with the report's ID and SHA-256).
func Report(ctx context.Context, st *store.Store, req ReportRequest) (*ReportResult, error) {
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	if req.Out == "" {
		return nil, fmt.Errorf("workflow: no output file")
	}
	if req.TSA != "" && req.Signer == nil {
		return nil, fmt.Errorf("workflow: a timestamp authority stamps a signature: the report must be signed to be timestamped")
	}
	if err := checkPeople(req.Operator, req.Unit); err != nil {
		return nil, err
	}
	kase, recs, skipped, err := prepareOutput(ctx, st, req.Out, req.Case, req.CaptureIDs, req.Operator, nil)
	if err != nil {
		return nil, err
	}
	ids := recordIDs(recs)
	at := now()
	doc, res, err := buildReport(ctx, st, req, kase, recs, at, newReportID(at), nil)
	if err != nil {
		return nil, err
	}
	res.Skipped = skipped
	if err := writeNew(req.Out, doc, "report"); err != nil {
		return nil, err
	}
	res.Path, res.Size, res.SHA256 = req.Out, int64(len(doc)), evidence.SumBytes(doc)

	details := map[string]string{
		"report_id": res.ReportID, "report_sha256": string(res.SHA256), "file": filepath.Base(req.Out),
		"signed": "no", "captures": fmt.Sprint(len(ids)), "lang": string(req.Lang),
	}
	if res.Signed {
		details["signed"] = "yes"
		details["signer"] = req.Signer.Certificate.Subject.String()
		details["signer_certificate_sha256"] = string(evidence.SumBytes(req.Signer.Certificate.Raw))
	}
	if ts := res.Timestamp; ts != nil {
		details["timestamp"] = ts.Time.UTC().Format(time.RFC3339)
		details["timestamp_authority"] = ts.Authority
	}
	for _, id := range ids {
		_, err := st.AppendEvent(context.WithoutCancel(ctx), store.Event{
			Actor: req.Operator, Action: store.ActionReported, CaptureID: id, Details: details,
		})
		if err != nil {
			return res, fmt.Errorf("workflow: the report was written but its custody event was not: %w", err)
		}
	}
	return res, nil
}

// prepareOutput does what a report and an export do first: make sure out does not exist, find
// the case and the captures (see chooseCaptures), then verify them against the store
// (checkEvidence), telling progress, when not nil, before the check.
func prepareOutput(ctx context.Context, st *store.Store, out, caseName string, captureIDs []string, actor string,
	progress func(total int)) (store.Case, []store.Record, []string, error) {
	if _, err := os.Lstat(out); err == nil {
		return store.Case{}, nil, nil, fmt.Errorf("%w: %s (choose another name or remove it)", ErrOutputExists, out)
	}
	if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
		return store.Case{}, nil, nil, fmt.Errorf("%w: the folder %s does not exist", ErrNoFolder, filepath.Dir(out))
	}
	kase, err := findCase(ctx, st, caseName)
	if err != nil {
		return store.Case{}, nil, nil, err
	}
	recs, skipped, err := chooseCaptures(ctx, st, kase.Name, captureIDs)
	if err != nil {
		return store.Case{}, nil, nil, err
	}
	if progress != nil {
		progress(len(recs))
	}
	if err := checkEvidence(ctx, st, recordIDs(recs), actor); err != nil {
		return store.Case{}, nil, nil, err
	}
	return kase, recs, skipped, nil
}

// recordIDs returns the IDs of recs, in order.
func recordIDs(recs []store.Record) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids
}

// checkEvidence verifies every artifact of the captures ids and the custody log against the
// store; damage is ErrEvidenceDamage naming each problem. Nothing is certified or handed over
// that no longer matches what was sealed.
func checkEvidence(ctx context.Context, st *store.Store, ids []string, actor string) error {
	vr, err := st.Verify(ctx, store.Scope{IDs: ids}, actor)
	if err != nil {
		return err
	}
	var damage []string
	for _, p := range vr.Problems {
		if !p.Informational() {
			damage = append(damage, p.String())
		}
	}
	if len(damage) > 0 {
		return fmt.Errorf("%w: %s", ErrEvidenceDamage, strings.Join(damage, "; "))
	}
	return nil
}

// buildReport makes the report PDF of recs (already chosen and verified) at time at, with ID
// reportID, as volume vol of a set (nil: a report on its own), signed and timestamped as req
// asks, in memory.
func buildReport(ctx context.Context, st *store.Store, req ReportRequest, kase store.Case, recs []store.Record, at time.Time,
	reportID string, vol *report.Volume) ([]byte, *ReportResult, error) {
	ids := recordIDs(recs)
	in := report.Input{
		Lang:        req.Lang,
		ReportID:    reportID,
		GeneratedAt: at,
		Volume:      vol,
		Case:        report.Case{Name: kase.Name, Number: kase.Number, Description: kase.Description, LawArticle: kase.LawArticle},
		Operator:    req.Operator,
		Unit:        req.Unit,
		AppVersion:  Version,
		AppSHA256:   SelfSHA256(),
	}
	if req.Signer != nil {
		in.Signer = signerName(req.Signer.Certificate)
	}
	for _, r := range recs {
		rec, err := st.Capture(ctx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		mj, md, err := rec.Manifest.Encode()
		if err != nil {
			return nil, nil, err
		}
		if md != rec.ManifestSHA256 {
			return nil, nil, fmt.Errorf("%w: capture %s: manifest hashes to %s, the catalogue says %s", ErrEvidenceDamage, rec.ID, md, rec.ManifestSHA256)
		}
		events, err := st.Custody(ctx, rec.ID)
		if err != nil {
			return nil, nil, err
		}
		c := report.Capture{ID: rec.ID, Manifest: rec.Manifest, ManifestJSON: mj, ManifestSHA256: md}
		for _, e := range events {
			c.Custody = append(c.Custody, report.CustodyEvent{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, Details: e.Details, Hash: e.Hash})
		}
		in.Captures = append(in.Captures, c)
	}

	var buf bytes.Buffer
	if err := report.Build(ctx, &buf, in, st.OpenArtifact); err != nil {
		return nil, nil, err
	}
	doc := buf.Bytes()
	res := &ReportResult{ReportID: in.ReportID, Captures: ids}
	if req.Signer != nil {
		opt := signature.Options{
			Reason:     reportReason(req.Lang),
			Location:   req.Unit,
			Time:       in.GeneratedAt,
			TSA:        req.TSA,
			TSATimeout: req.TSATimeout,
		}
		if len(req.Signer.Certificate.EmailAddresses) > 0 {
			opt.ContactInfo = req.Signer.Certificate.EmailAddresses[0]
		}
		signed, sig, err := signature.Sign(ctx, doc, *req.Signer, opt)
		if err != nil {
			return nil, nil, err
		}
		doc = signed
		res.Signed, res.Signer, res.SignerTrust, res.Timestamp = true, in.Signer, sig.Trust, sig.Timestamp
	}
	return doc, res, nil
}

func reportReason(l report.Lang) string {
	if l == report.English {
		return "Web evidence capture report"
	}
	return "전자증거 채증 보고서"
}

// signerName is how a certificate's holder is named to people: "CN (O)".
func signerName(c *x509.Certificate) string {
	name := c.Subject.CommonName
	if len(c.Subject.Organization) > 0 {
		name += " (" + strings.Join(c.Subject.Organization, ", ") + ")"
	}
	return name
}

// newReportID returns a report ID that sorts by time and is unique: RPT-YYYYMMDD-HHMMSS-xxxxxxxx.
func newReportID(t time.Time) string {
	var b [4]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return fmt.Sprintf("RPT-%s-%X", t.UTC().Format("20060102-150405"), b)
}

// chooseCaptures returns the sealed captures to report on (oldest first when the case's are
// taken) and the IDs of the case's captures left out because they are not sealed.
func chooseCaptures(ctx context.Context, st *store.Store, caseName string, ids []string) ([]store.Record, []string, error) {
	var out []store.Record
	var skipped []string
	if len(ids) == 0 {
		all, err := st.Captures(ctx, caseName)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range all {
			if r.Status.Sealed() {
				out = append(out, r)
			} else {
				skipped = append(skipped, r.ID)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.Before(out[j].StartedAt) })
	} else {
		seen := map[string]bool{}
		for _, id := range ids {
			r, err := st.Capture(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			if r.Case != caseName {
				return nil, nil, fmt.Errorf("%w: %s belongs to case %q, not %q", ErrNotInCase, r.ID, r.Case, caseName)
			}
			if !r.Status.Sealed() {
				return nil, nil, fmt.Errorf("%w: %s is %s", ErrNotSealed, r.ID, r.Status)
			}
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, *r)
			}
		}
	}
	if len(out) == 0 {
		return nil, skipped, fmt.Errorf("%w in case %q", ErrNoCaptures, caseName)
	}
	return out, skipped, nil
}

// AttachmentCheck is what VerifyReport found about one embedded manifest.
type AttachmentCheck struct {
	Name      string
	CaptureID string
	SHA256    evidence.Digest
	// State is "matches the store", "not in this store", "differs from the store" or
	// "not a manifest".
	State string
	Err   error // set when the state is a problem
}

// The states of an AttachmentCheck.
const (
	AttachMatches     = "matches the store"
	AttachNotInStore  = "not in this store"
	AttachDiffers     = "differs from the store"
	AttachNotManifest = "not a manifest"
)

// ReportCheck is the result of VerifyReport.
type ReportCheck struct {
	Path        string
	SHA256      evidence.Digest
	Signature   *signature.Report
	Attachments []AttachmentCheck
	// Recorded lists the custody events (action "reported") that name this very file by its
	// SHA-256.
	Recorded []store.Event
	// Problems lists what contradicts the signature's timestamp: a capture (its end, or an
	// event during it) or a custody event the report covers that is later than the token's
	// time. Each wraps ErrAfterTimestamp and names the capture.
	Problems []error
}

// Err returns the first reason the report is not valid, or nil: a bad or missing signature, a
// time later than the signature's timestamp, or an embedded manifest that differs from the
// store.
func (c *ReportCheck) Err() error {
	if err := c.Signature.Err(); err != nil {
		return err
	}
	if len(c.Problems) > 0 {
		return c.Problems[0]
	}
	for _, a := range c.Attachments {
		if a.Err != nil {
			return a.Err
		}
	}
	return nil
}

// maxReportSize bounds the PDF VerifyReport reads into memory.
const maxReportSize = 2 << 30

// ErrManifestDiffers is the problem of an embedded manifest that differs from the store's.
var ErrManifestDiffers = errors.New("workflow: embedded manifest differs from the store")

// ErrAfterTimestamp is a capture or custody event dated after the timestamp of the report or
// bundle that holds it: the token was made earlier than what it is said to cover (backdated,
// or taken from another signing).
var ErrAfterTimestamp = errors.New("workflow: something the timestamp covers happened after it")

// TimestampTolerance is how much later than a timestamp token's time a capture or custody
// event it covers may be dated: this computer's clock and the authority's may differ a little,
// and tokens are dated to the second.
const TimestampTolerance = time.Minute

// afterStamp returns an ErrAfterTimestamp problem when at is later than the token's time
// stamped (beyond TimestampTolerance), nil otherwise; what names the dated thing.
func afterStamp(what string, at, stamped time.Time) error {
	if at.IsZero() || stamped.IsZero() || !at.After(stamped.Add(TimestampTolerance)) {
		return nil
	}
	return fmt.Errorf("%w: %s at %s, %s after the timestamp (%s)", ErrAfterTimestamp, what,
		at.UTC().Format(time.RFC3339), at.Sub(stamped).Round(time.Second), stamped.UTC().Format(time.RFC3339))
}

// manifestAfterStamp checks the capture m (its start and end, its events) against the
// token's time stamped.
func manifestAfterStamp(m *evidence.Manifest, stamped time.Time) []error {
	var out []error
	c := m.Facts.Collection
	for _, t := range []struct {
		what string
		at   time.Time
	}{{"started", c.StartedAt}, {"finished", c.FinishedAt}} {
		if err := afterStamp(fmt.Sprintf("capture %s %s", m.CaptureID, t.what), t.at, stamped); err != nil {
			out = append(out, err)
		}
	}
	for _, e := range m.Facts.Method.Events {
		if err := afterStamp(fmt.Sprintf("capture %s event %q", m.CaptureID, e.Kind), e.At, stamped); err != nil {
			out = append(out, err)
			break
		}
	}
	return out
}

// reportStampTime is the time of the report's timestamp token: that of its first signature
// carrying a token that stamps it; zero without one.
func reportStampTime(rep *signature.Report) time.Time {
	for _, s := range rep.Signatures {
		if s.Timestamp != nil && s.Timestamp.ImprintOK && !s.Timestamp.Time.IsZero() {
			return s.Timestamp.Time
		}
	}
	return time.Time{}
}

// VerifyReport checks the PDF report at path: its signature (see signature.Verify, with roots
// as the only trusted roots, nil for none); that no capture embedded in it (start, end, events)
// is dated after the signature's timestamp; and, when st is not nil, that every embedded
// manifest matches the capture the store has under the same ID and that the custody events
// the report covers (those logged before the store recorded this very report) precede the
// timestamp too.
func VerifyReport(ctx context.Context, st *store.Store, path string, roots *x509.CertPool) (*ReportCheck, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("workflow: %w", err)
	}
	if fi.Size() > maxReportSize {
		return nil, fmt.Errorf("%w: %s is %d bytes, more than a report can be (%d)", signature.ErrNotPDF, path, fi.Size(), int64(maxReportSize))
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("workflow: read %s: %w", path, err)
	}
	rep, err := signature.Verify(ctx, doc, signature.VerifyOptions{Roots: roots})
	if err != nil {
		return nil, err
	}
	out := &ReportCheck{Path: path, SHA256: evidence.SumBytes(doc), Signature: rep}
	stamped := reportStampTime(rep)
	seen := map[string]bool{}
	for _, a := range rep.Attachments {
		ac := AttachmentCheck{Name: a.Name, SHA256: a.SHA256}
		var m evidence.Manifest
		if !strings.HasSuffix(a.Name, ".manifest.json") || json.Unmarshal(a.Data, &m) != nil || m.Format != evidence.ManifestFormat {
			ac.State = AttachNotManifest
			out.Attachments = append(out.Attachments, ac)
			continue
		}
		ac.CaptureID = m.CaptureID
		out.Problems = append(out.Problems, manifestAfterStamp(&m, stamped)...)
		if report.AttachmentName(m.CaptureID) != a.Name {
			ac.State = AttachDiffers
			ac.Err = fmt.Errorf("%w: %s holds the manifest of capture %s", ErrManifestDiffers, a.Name, m.CaptureID)
			out.Attachments = append(out.Attachments, ac)
			continue
		}
		ac.State = AttachNotInStore
		if st != nil {
			rec, err := st.Capture(ctx, m.CaptureID)
			switch {
			case err != nil && ctx.Err() != nil:
				return nil, ctx.Err()
			case err != nil || rec.ID != m.CaptureID:
				// Not there under that exact ID (or unreadable there): the store cannot speak for it.
			case rec.ManifestSHA256 == a.SHA256:
				ac.State = AttachMatches
			default:
				ac.State = AttachDiffers
				ac.Err = fmt.Errorf("%w: %s hashes to %s, the store's manifest of %s to %s", ErrManifestDiffers, a.Name, a.SHA256, rec.ID, rec.ManifestSHA256)
			}
			if err == nil && rec.ID == m.CaptureID && !seen[rec.ID] {
				seen[rec.ID] = true
				events, err := st.Custody(ctx, rec.ID)
				if err != nil {
					return nil, err
				}
				var covered []store.Event // the events before this report was recorded
				recorded := false
				for _, e := range events {
					if e.Action == store.ActionReported && e.Details["report_sha256"] == string(out.SHA256) {
						out.Recorded = append(out.Recorded, e)
						recorded = true
					}
					if !recorded {
						covered = append(covered, e)
					}
				}
				if recorded {
					for _, e := range covered {
						if err := afterStamp(fmt.Sprintf("capture %s custody event %d (%s)", rec.ID, e.Seq, e.Action), e.At, stamped); err != nil {
							out.Problems = append(out.Problems, err)
							break
						}
					}
				}
			}
		}
		out.Attachments = append(out.Attachments, ac)
	}
	return out, nil
}
