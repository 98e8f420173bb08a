package workflow

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"evidentia/bundle"
	"evidentia/evidence"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/store"
	"evidentia/wacz"
)

// Errors of the export use case.
var (
	ErrNeedSigner = errors.New("workflow: an evidence bundle is signed: create or import a signing identity first")
)

// Paths inside a bundle that Export writes and VerifyBundle expects.
const (
	BundleReportPath  = "report/report.pdf"
	BundleWACZPath    = "archive/archive.wacz"
	BundleCustodyJSON = "custody/custody.json"
	BundleCustodyCSV  = "custody/custody.csv"
	BundleSignerCerts = "certs/signer.pem"
	BundleTSACerts    = "certs/tsa.pem"
	// CustodyFormat names the layout of custody/custody.json.
	CustodyFormat = "evidentia.custody/1"
)

// ExportRequest asks for an investigators' bundle of captures of one case.
type ExportRequest struct {
	Case       string
	CaptureIDs []string // full IDs or unique prefixes; empty means every sealed capture of the case
	Lang       report.Lang
	Operator   string // who hands the bundle over
	Unit       string
	Recipient  string // to whom (optional; recorded in the custody log)
	Out        string // the ZIP file to write; it must not exist
	// Signer signs the report, the web archive and the bundle's manifest; it is required.
	// TSA (an RFC 3161 URL) timestamps all three.
	Signer     *signature.Signer
	TSA        string
	TSATimeout time.Duration
	Now        func() time.Time // zero: time.Now
	// Progress, when set, is told what is being done (from the calling goroutine).
	Progress func(ExportProgress)
}

// ExportProgress says how far an export is.
type ExportProgress struct {
	Stage       string // ExportVerifying, ExportReport, ExportArchive, ExportCaptures, ExportSealing
	Done, Total int    // captures done of the stage, when it counts them
}

// The stages of an export.
const (
	ExportVerifying = "verifying"
	ExportReport    = "report"
	ExportArchive   = "archive"
	ExportCaptures  = "captures"
	ExportSealing   = "sealing"
)

// ExportResult describes a bundle that was written.
type ExportResult struct {
	BundleID     string
	Path         string
	SHA256       evidence.Digest
	Size         int64
	Files        int
	Captures     []string
	Skipped      []string // IDs of the case's captures left out because they are not sealed
	ReportID     string
	ReportSHA256 evidence.Digest
	Signer       string
	SignerTrust  signature.Trust
	Timestamp    *signature.Timestamp // of the bundle's manifest, when a TSA was given
}

// Export writes the investigators' bundle req asks for: one ZIP with VERIFY.txt, the signed
// report, a WACZ web archive of the captures' WARC files, each capture's artifacts and sealed
// manifest in its own folder, the captures' custody log (JSON and CSV), the signer's
// certificates, and manifest.json listing every file with its SHA-256 and size, signed (CMS,
// manifest.json.p7s) and, with req.TSA, timestamped (manifest.json.tsr).
//
// Before anything is written, the evidence is verified against the store (ErrEvidenceDamage).
// The bundle is streamed to a temporary file next to req.Out and appears under req.Out only when
// complete (never overwriting a file); memory does not grow with the size of the artifacts. A
// handover event (action "exported": who, when, to whom, the bundle's ID, file and SHA-256) is
// then recorded on each capture, with a "reported" event for the report inside.
func Export(ctx context.Context, st *store.Store, req ExportRequest) (*ExportResult, error) {
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	progress := func(stage string, done, total int) {
		if req.Progress != nil {
			req.Progress(ExportProgress{Stage: stage, Done: done, Total: total})
		}
	}
	if req.Out == "" {
		return nil, fmt.Errorf("workflow: no output file")
	}
	if req.Signer == nil {
		return nil, ErrNeedSigner
	}
	if _, err := os.Lstat(req.Out); err == nil {
		return nil, fmt.Errorf("%w: %s (choose another name or remove it)", ErrOutputExists, req.Out)
	}
	kase, err := findCase(ctx, st, req.Case)
	if err != nil {
		return nil, err
	}
	recs, skipped, err := chooseCaptures(ctx, st, kase.Name, req.CaptureIDs)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	progress(ExportVerifying, 0, len(ids))
	if err := checkEvidence(ctx, st, ids, req.Operator); err != nil {
		return nil, err
	}

	at := now()
	progress(ExportReport, 0, len(ids))
	rreq := ReportRequest{Case: kase.Name, Lang: req.Lang, Operator: req.Operator, Unit: req.Unit,
		Signer: req.Signer, TSA: req.TSA, TSATimeout: req.TSATimeout}
	doc, rres, err := buildReport(ctx, st, rreq, kase, recs, at)
	if err != nil {
		return nil, err
	}
	reportSum := evidence.SumBytes(doc)

	dir := filepath.Dir(req.Out)
	tmp, err := os.CreateTemp(dir, ".evidentia-export-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("workflow: write bundle: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a successful link, only the temporary name goes
	sum := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, sum)}
	buf := bufio.NewWriterSize(cw, 1<<20)

	res := &ExportResult{BundleID: newBundleID(at), Captures: ids, Skipped: skipped, ReportID: rres.ReportID,
		ReportSHA256: reportSum, Signer: signerName(req.Signer.Certificate), SignerTrust: rres.SignerTrust}
	meta, err := writeBundle(ctx, st, buf, req, kase, recs, doc, rres, res, at, progress)
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, ErrNeedSigner) || errors.Is(err, signature.ErrTSA) || errors.Is(err, context.Canceled) || errors.Is(err, ErrEvidenceDamage) {
			return nil, err
		}
		return nil, fmt.Errorf("workflow: write bundle: %w", err)
	}
	if err := publish(tmpName, req.Out); err != nil {
		return nil, err
	}
	res.Path, res.Size = req.Out, cw.n
	res.SHA256 = evidence.Digest(hex.EncodeToString(sum.Sum(nil)))
	res.Files = len(meta.Files)

	// The handover and the report inside it go into each capture's custody log.
	base := map[string]string{
		"bundle_id": res.BundleID, "bundle_sha256": string(res.SHA256), "file": filepath.Base(req.Out),
		"size": fmt.Sprint(res.Size), "captures": fmt.Sprint(len(ids)), "files": fmt.Sprint(res.Files),
		"report_id": res.ReportID, "report_sha256": string(reportSum),
		"signer":                    req.Signer.Certificate.Subject.String(),
		"signer_certificate_sha256": string(evidence.SumBytes(req.Signer.Certificate.Raw)),
	}
	if req.Recipient != "" {
		base["recipient"] = req.Recipient
	}
	if req.Unit != "" {
		base["unit"] = req.Unit
	}
	if ts := res.Timestamp; ts != nil {
		base["timestamp"] = ts.Time.UTC().Format(time.RFC3339)
		base["timestamp_authority"] = ts.Authority
	}
	reported := map[string]string{
		"report_id": res.ReportID, "report_sha256": string(reportSum), "file": filepath.Base(req.Out) + ":" + BundleReportPath,
		"signed": "yes", "captures": fmt.Sprint(len(ids)), "lang": string(req.Lang),
		"signer": base["signer"], "signer_certificate_sha256": base["signer_certificate_sha256"],
	}
	if ts := rres.Timestamp; ts != nil {
		reported["timestamp"] = ts.Time.UTC().Format(time.RFC3339)
		reported["timestamp_authority"] = ts.Authority
	}
	bg := context.WithoutCancel(ctx)
	for _, id := range ids {
		if _, err := st.AppendEvent(bg, store.Event{Actor: req.Operator, Action: store.ActionReported, CaptureID: id, Details: reported}); err != nil {
			return res, fmt.Errorf("workflow: the bundle was written but its custody event was not: %w", err)
		}
		if _, err := st.AppendEvent(bg, store.Event{Actor: req.Operator, Action: store.ActionExported, CaptureID: id, Details: base}); err != nil {
			return res, fmt.Errorf("workflow: the bundle was written but its custody event was not: %w", err)
		}
	}
	return res, nil
}

// writeBundle writes the whole bundle to w.
func writeBundle(ctx context.Context, st *store.Store, w io.Writer, req ExportRequest, kase store.Case, recs []store.Record,
	doc []byte, rres *ReportResult, res *ExportResult, at time.Time, progress func(string, int, int)) (*bundle.Manifest, error) {
	bw := bundle.NewWriter(w)
	folders := captureFolders(recs)
	full := make([]store.Record, len(recs)) // with manifests and artifacts (a listing has neither)
	for i, r := range recs {
		rec, err := st.Capture(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		full[i] = *rec
	}
	recs = full

	guide := bundle.Guide(bundle.GuideInfo{
		BundleName:       filepath.Base(req.Out),
		CaseName:         kase.Name,
		Created:          at,
		ReportPath:       BundleReportPath,
		WACZPath:         BundleWACZPath,
		SignerCertPath:   BundleSignerCerts,
		TSACertPath:      tsaCertPathIf(rres.Timestamp),
		Signed:           true,
		Timestamped:      req.TSA != "",
		SignerName:       res.Signer,
		SignerSelfSigned: rres.SignerTrust == signature.TrustSelfSigned,
	})
	if _, err := bw.Add(ctx, bundle.GuideName, bytes.NewReader(guide), false); err != nil {
		return nil, err
	}
	if _, err := bw.Add(ctx, BundleReportPath, bytes.NewReader(doc), false); err != nil {
		return nil, err
	}

	progress(ExportArchive, 0, len(recs))
	warcs := make([]wacz.WARC, 0, len(recs))
	for _, r := range recs {
		a, ok := firstRole(r.Manifest, evidence.RoleWARC)
		if !ok {
			continue
		}
		digest := a.SHA256
		page := wacz.Page{ID: r.ID, URL: r.FinalURL, Title: r.Title}
		if page.URL == "" {
			page.URL = r.URL
		}
		warcs = append(warcs, wacz.WARC{
			Name:  r.ID + ".warc.gz",
			Open:  func(ctx context.Context) (io.ReadCloser, error) { return st.OpenArtifact(ctx, digest) },
			Pages: []wacz.Page{page},
		})
	}
	zw, err := bw.Create(BundleWACZPath, true)
	if err != nil {
		return nil, err
	}
	_, err = wacz.Write(ctx, zw, warcs, wacz.Options{
		Title:       kase.Name,
		Description: waczDescription(kase, res.BundleID),
		Created:     at,
		Software:    "Evidentia " + Version,
		Signer:      req.Signer,
		TSA:         req.TSA,
		TSATimeout:  req.TSATimeout,
	})
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}

	refs := make([]bundle.CaptureRef, 0, len(recs))
	for i, r := range recs {
		progress(ExportCaptures, i, len(recs))
		folder := "captures/" + folders[r.ID]
		mj, md, err := r.Manifest.Encode()
		if err != nil {
			return nil, err
		}
		if md != r.ManifestSHA256 {
			return nil, fmt.Errorf("%w: capture %s: manifest hashes to %s, the catalogue says %s", ErrEvidenceDamage, r.ID, md, r.ManifestSHA256)
		}
		for _, a := range r.Manifest.Artifacts {
			rc, err := st.OpenArtifact(ctx, a.SHA256)
			if err != nil {
				return nil, fmt.Errorf("capture %s, %s: %w", r.ID, a.Name, err)
			}
			_, err = bw.Add(ctx, folder+"/"+a.Name, rc, alreadyCompressed(a.Name))
			if cerr := rc.Close(); err == nil {
				err = cerr // the store's reader reports a digest mismatch at the end
			}
			if err != nil {
				return nil, fmt.Errorf("capture %s, %s: %w", r.ID, a.Name, err)
			}
		}
		if _, err := bw.Add(ctx, folder+"/manifest.json", bytes.NewReader(mj), false); err != nil {
			return nil, err
		}
		ref := bundle.CaptureRef{ID: r.ID, URL: r.URL, FinalURL: r.FinalURL, Title: r.Title, Status: string(r.Status),
			ManifestSHA256: md, Folder: folder}
		if !r.StartedAt.IsZero() {
			ref.CapturedAt = r.StartedAt.UTC()
		}
		refs = append(refs, ref)
	}
	progress(ExportCaptures, len(recs), len(recs))

	events, err := custodyOf(ctx, st, recs)
	if err != nil {
		return nil, err
	}
	cj, err := custodyJSON(kase.Name, at, events)
	if err != nil {
		return nil, err
	}
	if _, err := bw.Add(ctx, BundleCustodyJSON, bytes.NewReader(cj), false); err != nil {
		return nil, err
	}
	cc, err := custodyCSV(events)
	if err != nil {
		return nil, err
	}
	if _, err := bw.Add(ctx, BundleCustodyCSV, bytes.NewReader(cc), false); err != nil {
		return nil, err
	}
	if _, err := bw.Add(ctx, BundleSignerCerts, bytes.NewReader(bundle.CertsPEM(append([]*x509.Certificate{req.Signer.Certificate}, req.Signer.Chain...)...)), false); err != nil {
		return nil, err
	}
	if ts := rres.Timestamp; ts != nil && ts.Certificate != nil {
		if _, err := bw.Add(ctx, BundleTSACerts, bytes.NewReader(bundle.CertsPEM(ts.Certificate)), false); err != nil {
			return nil, err
		}
	}

	progress(ExportSealing, 0, 0)
	meta := bundle.Manifest{
		BundleID: res.BundleID,
		Created:  at.UTC(),
		Software: "Evidentia " + Version,
		Case:     &bundle.Case{ID: fmt.Sprint(kase.ID), Name: kase.Name, Reference: kase.Number},
		Operator: req.Operator, Unit: req.Unit, Recipient: req.Recipient,
		ReportID: rres.ReportID,
		Captures: refs,
	}
	m, mb, err := bw.Finish(ctx, meta, req.Signer, req.TSA, req.TSATimeout)
	if err != nil {
		return nil, err
	}
	if req.TSA != "" {
		// The token was checked when it was made; read its facts back for the result.
		if tr := bw.TimestampResponse(); tr != nil {
			if tok, err := signature.TokenFromResponse(tr); err == nil {
				if ts, err := signature.VerifyTimestamp(tok, mb, nil); err == nil {
					res.Timestamp = ts
				}
			}
		}
	}
	return m, nil
}

func tsaCertPathIf(ts *signature.Timestamp) string {
	if ts != nil && ts.Certificate != nil {
		return BundleTSACerts
	}
	return ""
}

func waczDescription(k store.Case, bundleID string) string {
	parts := []string{"Evidentia evidence bundle " + bundleID}
	if k.Number != "" {
		parts = append(parts, "case number "+k.Number)
	}
	if k.Description != "" {
		parts = append(parts, k.Description)
	}
	return strings.Join(parts, "; ")
}

func firstRole(m *evidence.Manifest, role string) (evidence.Artifact, bool) {
	if m == nil {
		return evidence.Artifact{}, false
	}
	for _, a := range m.Artifacts {
		if a.Role == role {
			return a, true
		}
	}
	return evidence.Artifact{}, false
}

// alreadyCompressed tells whether an artifact is stored as is rather than deflated.
func alreadyCompressed(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".gz", ".zip", ".pdf", ".mp4", ".webm", ".woff", ".woff2":
		return true
	}
	return false
}

// captureFolders names each capture's folder: NN-host-id8, numbered in bundle order.
func captureFolders(recs []store.Record) map[string]string {
	out := make(map[string]string, len(recs))
	width := len(fmt.Sprint(len(recs)))
	if width < 2 {
		width = 2
	}
	for i, r := range recs {
		host := "page"
		raw := r.FinalURL
		if raw == "" {
			raw = r.URL
		}
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			host = safeName(u.Hostname())
		}
		id := strings.ReplaceAll(r.ID, "-", "")
		if len(id) > 8 {
			id = id[len(id)-8:] // the random end of a UUIDv7; the start is the time
		}
		out[r.ID] = fmt.Sprintf("%0*d-%s-%s", width, i+1, host, id)
	}
	return out
}

// safeName keeps what is safe in a file name on every system: ASCII letters, digits, '.', '-'.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "page"
	}
	if len(out) > 60 {
		out = out[:60]
	}
	return out
}

// custodyOf returns the custody events of recs, each once, in log order.
func custodyOf(ctx context.Context, st *store.Store, recs []store.Record) ([]store.Event, error) {
	seen := map[int64]bool{}
	var out []store.Event
	for _, r := range recs {
		events, err := st.Custody(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if !seen[e.Seq] {
				seen[e.Seq] = true
				out = append(out, e)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// CustodyExport is custody/custody.json.
type CustodyExport struct {
	Format     string        `json:"format"`
	Case       string        `json:"case"`
	ExportedAt time.Time     `json:"exported_at"`
	HashRule   string        `json:"hash_rule"`
	Events     []store.Event `json:"events"`
}

// custodyHashRule tells a reader of custody.json how each event's hash was made.
const custodyHashRule = "hash = SHA-256 of the canonical JSON (keys sorted, no spaces) of " +
	`{"action","actor","at","capture_id","case","details","prev_hash","seq"}, where at is the UTC time as ` +
	`YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ and details is the canonical JSON text of the details object ({} when none); ` +
	"prev_hash is the hash of the event before it in the whole log (events of other captures are not included here)"

func custodyJSON(caseName string, at time.Time, events []store.Event) ([]byte, error) {
	if events == nil {
		events = []store.Event{}
	}
	b, err := json.MarshalIndent(CustodyExport{Format: CustodyFormat, Case: caseName, ExportedAt: at.UTC(), HashRule: custodyHashRule, Events: events}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// custodyCSV is the custody log as a spreadsheet: UTF-8 with a byte-order mark (so that Excel
// shows Korean), times in UTC and KST.
func custodyCSV(events []store.Event) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write([]string{"seq", "time_utc", "time_kst", "actor", "action", "case", "capture_id", "details", "prev_hash", "hash"})
	kst := time.FixedZone("KST", 9*3600)
	for _, e := range events {
		details := e.Details
		if details == nil {
			details = map[string]string{}
		}
		dj, err := evidence.Canonical(details)
		if err != nil {
			return nil, err
		}
		w.Write([]string{fmt.Sprint(e.Seq), e.At.UTC().Format(time.RFC3339Nano), e.At.In(kst).Format("2006-01-02 15:04:05 KST"),
			e.Actor, e.Action, e.Case, e.CaptureID, string(dj), string(e.PrevHash), string(e.Hash)})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// newBundleID returns a bundle ID that sorts by time: BDL-YYYYMMDD-HHMMSS-XXXXXXXX.
func newBundleID(t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("BDL-%s-%X", t.UTC().Format("20060102-150405"), b)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// publish gives the complete file tmp the name path, which must not exist (never replacing a
// file that appeared meanwhile); where hard links are not possible it copies exclusively.
func publish(tmp, path string) error {
	dir := filepath.Dir(path)
	err := os.Link(tmp, path)
	if err == nil {
		return syncDir(dir)
	}
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: %s", ErrOutputExists, path)
	}
	src, err := os.Open(tmp)
	if err != nil {
		return fmt.Errorf("workflow: write bundle: %w", err)
	}
	defer src.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w: %s", ErrOutputExists, path)
		}
		return fmt.Errorf("workflow: write bundle: %w", err)
	}
	_, err = io.Copy(f, src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("workflow: write bundle: %w", err)
	}
	return syncDir(dir)
}
