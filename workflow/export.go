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
	"maps"
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
	"evidentia/textsafe"
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
	// VolumeSize is how many captures one report volume holds; 0 means DefaultVolumeSize.
	VolumeSize int
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

// DefaultVolumeSize is how many captures one report volume of a bundle holds at most. A report
// is built and signed whole in memory (the PDF library and the signature need the whole file),
// so a bundle's report comes in volumes of this size: memory then stays bounded however many
// captures are exported. (`evidentia report` still makes one PDF of any size.)
const DefaultVolumeSize = 25

// ExportedReport is one signed report volume inside a bundle.
type ExportedReport struct {
	ID        string
	Path      string // inside the bundle
	SHA256    evidence.Digest
	Size      int64
	Captures  []string
	Timestamp *signature.Timestamp
}

// ExportResult describes a bundle that was written.
type ExportResult struct {
	BundleID string
	Path     string
	SHA256   evidence.Digest
	Size     int64
	Files    int
	Captures []string
	Skipped  []string         // IDs of the case's captures left out because they are not sealed
	Reports  []ExportedReport // one per volume, in order
	Signer   string
	// SignerCertSHA256 is the SHA-256 of the signer's certificate (DER): its fingerprint, which
	// the recipient can compare with what the sender tells them apart from the bundle.
	SignerCertSHA256 evidence.Digest
	SignerTrust      signature.Trust
	Timestamp        *signature.Timestamp // of the bundle's manifest, when a TSA was given
}

// Export writes the investigators' bundle req asks for: one ZIP with VERIFY.txt, the signed
// report (in volumes of at most req.VolumeSize captures), a WACZ web archive of the captures' WARC files, each capture's artifacts and sealed
// manifest in its own folder, the captures' custody log (JSON and CSV), the signer's
// certificates, and manifest.json listing every file with its SHA-256 and size, signed (CMS,
// manifest.json.p7s) and, with req.TSA, timestamped (manifest.json.tsr).
//
// Before anything is written, the evidence is verified against the store (ErrEvidenceDamage).
// The bundle is streamed to a temporary file next to req.Out and appears under req.Out only when
// complete (never overwriting a file); memory grows neither with the size of the artifacts nor,
// beyond one report volume, with the number of captures. A handover event (action "exported": who, when, to whom, the bundle's ID, file and SHA-256) is
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
	if err := checkExportRequest(req); err != nil {
		return nil, err
	}
	kase, recs, skipped, err := prepareOutput(ctx, st, req.Out, req.Case, req.CaptureIDs, req.Operator,
		func(total int) { progress(ExportVerifying, 0, total) })
	if err != nil {
		return nil, err
	}
	ids := recordIDs(recs)

	at := now()
	dir := filepath.Dir(req.Out)
	tmp, err := os.CreateTemp(dir, ".evidentia-export-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("workflow: write bundle: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a successful link, only the temporary name goes
	res := &ExportResult{BundleID: newBundleID(at), Captures: ids, Skipped: skipped,
		Signer: signerName(req.Signer.Certificate), SignerCertSHA256: evidence.SumBytes(req.Signer.Certificate.Raw)}
	meta, size, sum, err := streamBundle(ctx, st, tmp, req, kase, recs, res, at, progress)
	if err != nil {
		return nil, err
	}
	if err := publish(tmpName, req.Out, "bundle"); err != nil {
		return nil, err
	}
	res.Path, res.Size = req.Out, size
	res.SHA256 = sum
	res.Files = len(meta.Files)
	if err := recordHandover(ctx, st, req, res); err != nil {
		return res, err
	}
	return res, nil
}

// checkExportRequest checks, in this order, that req names an output file and a signer, its
// operator and unit (checkPeople) and its recipient's name. It reads and writes nothing.
func checkExportRequest(req ExportRequest) error {
	if req.Out == "" {
		return fmt.Errorf("workflow: no output file")
	}
	if req.Signer == nil {
		return ErrNeedSigner
	}
	if err := checkPeople(req.Operator, req.Unit); err != nil {
		return err
	}
	return store.CheckName("recipient", req.Recipient)
}

// streamBundle writes the bundle (writeBundle, with the same arguments) to tmp through a 1 MiB
// buffer, flushes it, syncs and closes tmp (closed whatever happens), and returns the sealed
// manifest with the size and SHA-256 of what was written. Its errors are writeBundle's,
// flushing's, syncing's or closing's, the first of them; all but ErrNeedSigner,
// signature.ErrTSA, context.Canceled and ErrEvidenceDamage are wrapped as "write bundle".
func streamBundle(ctx context.Context, st *store.Store, tmp *os.File, req ExportRequest, kase store.Case, recs []store.Record,
	res *ExportResult, at time.Time, progress func(string, int, int)) (*bundle.Manifest, int64, evidence.Digest, error) {
	sum := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, sum)}
	buf := bufio.NewWriterSize(cw, 1<<20)
	meta, err := writeBundle(ctx, st, buf, req, kase, recs, res, at, progress)
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
			return nil, 0, "", err
		}
		return nil, 0, "", fmt.Errorf("workflow: write bundle: %w", err)
	}
	return meta, cw.n, evidence.Digest(hex.EncodeToString(sum.Sum(nil))), nil
}

// recordHandover records, once the bundle res is published, in the custody log of each capture
// of each report volume (in volume order): a "reported" event (reportedDetails), then an
// "exported" event (handoverDetails, with the volume's report). It appends under ctx without
// its cancellation, and stops at the first event that cannot be appended, with an error saying
// the bundle was written but its custody event was not.
func recordHandover(ctx context.Context, st *store.Store, req ExportRequest, res *ExportResult) error {
	// The handover and the report volume holding each capture go into its custody log.
	base := handoverDetails(req, res)
	bg := context.WithoutCancel(ctx)
	for _, rep := range res.Reports {
		reported := reportedDetails(req, rep, base)
		exported := maps.Clone(base)
		exported["report_id"], exported["report_sha256"] = rep.ID, string(rep.SHA256)
		for _, id := range rep.Captures {
			if _, err := st.AppendEvent(bg, store.Event{Actor: req.Operator, Action: store.ActionReported, CaptureID: id, Details: reported}); err != nil {
				return fmt.Errorf("workflow: the bundle was written but its custody event was not: %w", err)
			}
			if _, err := st.AppendEvent(bg, store.Event{Actor: req.Operator, Action: store.ActionExported, CaptureID: id, Details: exported}); err != nil {
				return fmt.Errorf("workflow: the bundle was written but its custody event was not: %w", err)
			}
		}
	}
	return nil
}

// handoverDetails returns the details every "exported" event of the bundle res shares: the
// bundle (ID, SHA-256, file name, size, captures, files), the signer and its certificate's
// SHA-256, and when given the recipient, the unit and the manifest's timestamp.
func handoverDetails(req ExportRequest, res *ExportResult) map[string]string {
	base := map[string]string{
		"bundle_id": res.BundleID, "bundle_sha256": string(res.SHA256), "file": filepath.Base(req.Out),
		"size": fmt.Sprint(res.Size), "captures": fmt.Sprint(len(res.Captures)), "files": fmt.Sprint(res.Files),
		"signer":                    req.Signer.Certificate.Subject.String(),
		"signer_certificate_sha256": string(res.SignerCertSHA256),
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
	return base
}

// reportedDetails returns the details of the "reported" events of the report volume rep inside
// the bundle req.Out: the report (ID, SHA-256, file:path, captures, language, signed), the
// signer as in base (handoverDetails) and, when stamped, the report's timestamp.
func reportedDetails(req ExportRequest, rep ExportedReport, base map[string]string) map[string]string {
	reported := map[string]string{
		"report_id": rep.ID, "report_sha256": string(rep.SHA256), "file": filepath.Base(req.Out) + ":" + rep.Path,
		"signed": "yes", "captures": fmt.Sprint(len(rep.Captures)), "lang": string(req.Lang),
		"signer": base["signer"], "signer_certificate_sha256": base["signer_certificate_sha256"],
	}
	if ts := rep.Timestamp; ts != nil {
		reported["timestamp"] = ts.Time.UTC().Format(time.RFC3339)
		reported["timestamp_authority"] = ts.Authority
	}
	return reported
}

// writeBundle writes the whole bundle to w, in this order: VERIFY.txt, the report volumes, the
// WACZ, each capture's folder, the custody log, the certificates, and the sealed manifest
// (manifest.json, its signature and timestamp), which it returns. It fills in res's
// SignerTrust, Reports and Timestamp, and calls progress at each stage. The steps are
// bundleExport's methods, each streaming its files into the bundle.
func writeBundle(ctx context.Context, st *store.Store, w io.Writer, req ExportRequest, kase store.Case, recs []store.Record,
	res *ExportResult, at time.Time, progress func(string, int, int)) (*bundle.Manifest, error) {
	e := &bundleExport{ctx: ctx, st: st, bw: bundle.NewWriter(w), req: req, kase: kase, recs: recs, res: res, at: at, progress: progress}
	warcs, err := e.warcs()
	if err != nil {
		return nil, err
	}
	waczPath := BundleWACZPath
	if len(warcs) == 0 {
		waczPath = "" // no capture recorded its traffic (a WARC is written whenever one can be)
	}
	vols := e.reportVolumes()
	first, err := e.writeGuideAndReports(vols, waczPath)
	if err != nil {
		return nil, err
	}
	if err := e.writeWACZ(waczPath, warcs); err != nil {
		return nil, err
	}
	refs, err := e.writeCaptures()
	if err != nil {
		return nil, err
	}
	if err := e.writeCustody(); err != nil {
		return nil, err
	}
	var tsaCerts []*x509.Certificate
	if first.Timestamp != nil {
		tsaCerts = first.Timestamp.Chain
	}
	if err := e.writeCerts(tsaCerts); err != nil {
		return nil, err
	}
	return e.seal(vols.baseID, refs)
}

// bundleExport is one run of writeBundle: its arguments and the bundle.Writer the steps add to.
type bundleExport struct {
	ctx      context.Context
	st       *store.Store
	bw       *bundle.Writer
	req      ExportRequest
	kase     store.Case
	recs     []store.Record
	res      *ExportResult
	at       time.Time
	progress func(string, int, int)
}

// warcs lists the WARC of every capture that recorded one, in recs' order, as the WACZ takes
// them: named after the capture, opened from the store when the WACZ is written, with the
// capture's page (its final URL, else its URL). Each capture's full record (its manifest, with
// every fact) is loaded when it is needed and let go after: only the listing stays for the
// whole export.
func (e *bundleExport) warcs() ([]wacz.WARC, error) {
	warcs := make([]wacz.WARC, 0, len(e.recs))
	for _, r := range e.recs {
		rec, err := e.st.Capture(e.ctx, r.ID)
		if err != nil {
			return nil, err
		}
		a, ok := firstRole(rec.Manifest, evidence.RoleWARC)
		if !ok {
			continue
		}
		digest := a.SHA256
		page := wacz.Page{ID: rec.ID, URL: rec.FinalURL, Title: rec.Title}
		if page.URL == "" {
			page.URL = rec.URL
		}
		st := e.st
		warcs = append(warcs, wacz.WARC{
			Name:  rec.ID + ".warc.gz",
			Open:  func(ctx context.Context) (io.ReadCloser, error) { return st.OpenArtifact(ctx, digest) },
			Pages: []wacz.Page{page},
		})
	}
	return warcs, nil
}

// reportPlan is how the report is split: vols[v] is the half-open range of recs volume v
// holds, paths[v] its path in the bundle, baseID the report's ID (volume v's is baseID-V<v+1>
// when there are several, and the bundle's manifest names baseID), rreq what every volume is
// built with.
type reportPlan struct {
	vols   [][2]int
	paths  []string
	baseID string
	rreq   ReportRequest
}

// reportVolumes plans the report in volumes of at most req.VolumeSize captures
// (DefaultVolumeSize when not positive).
func (e *bundleExport) reportVolumes() reportPlan {
	size := e.req.VolumeSize
	if size <= 0 {
		size = DefaultVolumeSize
	}
	p := reportPlan{vols: volumes(len(e.recs), size), baseID: newReportID(e.at)}
	p.rreq = ReportRequest{Case: e.kase.Name, Lang: e.req.Lang, Operator: e.req.Operator, Unit: e.req.Unit,
		Signer: e.req.Signer, TSA: e.req.TSA, TSATimeout: e.req.TSATimeout}
	p.paths = make([]string, len(p.vols))
	for v := range p.vols {
		p.paths[v] = reportPath(v, len(p.vols))
	}
	return p
}

// buildVolume builds and signs report volume v of p (reporting progress), returning the PDF.
func (e *bundleExport) buildVolume(p reportPlan, v int) ([]byte, *ReportResult, error) {
	e.progress(ExportReport, p.vols[v][0], len(e.recs))
	id, vol := p.baseID, (*report.Volume)(nil)
	if len(p.vols) > 1 {
		id = fmt.Sprintf("%s-V%d", p.baseID, v+1)
		vol = &report.Volume{Number: v + 1, Of: len(p.vols), First: p.vols[v][0] + 1, Total: len(e.recs)}
	}
	return buildReport(e.ctx, e.st, p.rreq, e.kase, e.recs[p.vols[v][0]:p.vols[v][1]], e.at, id, vol)
}

// writeGuideAndReports writes VERIFY.txt and then the report, volume by volume: each is built,
// signed, written and let go before the next. The first volume is built before the guide,
// which says how the signer is trusted and whether the authority's certificates are shipped;
// its result is returned. It sets res.SignerTrust and appends every volume to res.Reports.
func (e *bundleExport) writeGuideAndReports(p reportPlan, waczPath string) (*ReportResult, error) {
	doc, first, err := e.buildVolume(p, 0)
	if err != nil {
		return nil, err
	}
	e.res.SignerTrust = first.SignerTrust
	if err := e.writeGuide(p.paths, waczPath, first); err != nil {
		return nil, err
	}
	for v := range p.vols {
		rr := first
		if v > 0 {
			if doc, rr, err = e.buildVolume(p, v); err != nil {
				return nil, err
			}
		}
		f, err := e.bw.Add(e.ctx, p.paths[v], bytes.NewReader(doc), false)
		if err != nil {
			return nil, err
		}
		doc = nil
		e.res.Reports = append(e.res.Reports, ExportedReport{ID: rr.ReportID, Path: p.paths[v], SHA256: f.SHA256, Size: f.Size,
			Captures: rr.Captures, Timestamp: rr.Timestamp})
	}
	return first, nil
}

// writeGuide writes VERIFY.txt (bundle.Guide) for report volumes at paths, the WACZ at
// waczPath ("" for none) and the signer and timestamp as the first volume found them.
func (e *bundleExport) writeGuide(paths []string, waczPath string, first *ReportResult) error {
	guide := bundle.Guide(bundle.GuideInfo{
		BundleName:       filepath.Base(e.req.Out),
		CaseName:         e.kase.Name,
		Created:          e.at,
		ReportPaths:      paths,
		WACZPath:         waczPath,
		SignerCertPath:   BundleSignerCerts,
		SignerCertSHA256: string(e.res.SignerCertSHA256),
		TSACertPath:      tsaCertPathIf(first.Timestamp),
		Signed:           true,
		Timestamped:      e.req.TSA != "",
		SignerName:       e.res.Signer,
		SignerSelfSigned: first.SignerTrust == signature.TrustSelfSigned,
	})
	_, err := e.bw.Add(e.ctx, bundle.GuideName, bytes.NewReader(guide), false)
	return err
}

// writeWACZ reports the archive stage and, unless waczPath is "", writes the WACZ of warcs
// there (stored, not compressed again), signed and timestamped as the report is.
func (e *bundleExport) writeWACZ(waczPath string, warcs []wacz.WARC) error {
	e.progress(ExportArchive, 0, len(e.recs))
	if waczPath == "" {
		return nil
	}
	zw, err := e.bw.Create(waczPath, true)
	if err != nil {
		return err
	}
	_, err = wacz.Write(e.ctx, zw, warcs, wacz.Options{
		Title:       e.kase.Name,
		Description: waczDescription(e.kase, e.res.BundleID),
		Created:     e.at,
		Software:    "Evidentia " + Version,
		Signer:      e.req.Signer,
		TSA:         e.req.TSA,
		TSATimeout:  e.req.TSATimeout,
	})
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeCaptures writes each capture's folder, captures/FOLDER (see captureFolders): its
// artifacts, streamed from the store, which checks their digests, and its sealed manifest,
// which must hash to what the catalogue says (ErrEvidenceDamage otherwise). It returns the
// manifest's reference to each capture, in recs' order.
func (e *bundleExport) writeCaptures() ([]bundle.CaptureRef, error) {
	folders := captureFolders(e.recs)
	refs := make([]bundle.CaptureRef, 0, len(e.recs))
	for i, listed := range e.recs {
		e.progress(ExportCaptures, i, len(e.recs))
		r, err := e.st.Capture(e.ctx, listed.ID)
		if err != nil {
			return nil, err
		}
		folder := "captures/" + folders[r.ID]
		mj, md, err := r.Manifest.Encode()
		if err != nil {
			return nil, err
		}
		if md != r.ManifestSHA256 {
			return nil, fmt.Errorf("%w: capture %s: manifest hashes to %s, the catalogue says %s", ErrEvidenceDamage, r.ID, md, r.ManifestSHA256)
		}
		for _, a := range r.Manifest.Artifacts {
			if err := e.writeArtifact(folder, a); err != nil {
				return nil, fmt.Errorf("capture %s, %s: %w", r.ID, a.Name, err)
			}
		}
		if _, err := e.bw.Add(e.ctx, folder+"/manifest.json", bytes.NewReader(mj), false); err != nil {
			return nil, err
		}
		refs = append(refs, captureRef(r, md, folder))
	}
	e.progress(ExportCaptures, len(e.recs), len(e.recs))
	return refs, nil
}

// writeArtifact copies artifact a from the store to folder/NAME, stored when its format is
// already compressed; a digest mismatch the store's reader reports at the end is an error.
func (e *bundleExport) writeArtifact(folder string, a evidence.Artifact) error {
	rc, err := e.st.OpenArtifact(e.ctx, a.SHA256)
	if err != nil {
		return err
	}
	_, err = e.bw.Add(e.ctx, folder+"/"+a.Name, rc, alreadyCompressed(a.Name))
	if cerr := rc.Close(); err == nil {
		err = cerr // the store's reader reports a digest mismatch at the end
	}
	return err
}

// writeCustody writes the captures' custody log as JSON and as CSV.
func (e *bundleExport) writeCustody() error {
	events, err := custodyOf(e.ctx, e.st, e.recs)
	if err != nil {
		return err
	}
	cj, err := custodyJSON(e.kase.Name, e.at, events)
	if err != nil {
		return err
	}
	if _, err := e.bw.Add(e.ctx, BundleCustodyJSON, bytes.NewReader(cj), false); err != nil {
		return err
	}
	cc, err := custodyCSV(events)
	if err != nil {
		return err
	}
	_, err = e.bw.Add(e.ctx, BundleCustodyCSV, bytes.NewReader(cc), false)
	return err
}

// writeCerts writes the signer's certificate and chain (PEM), and the timestamp authority's
// certificates tsaCerts when there are any.
func (e *bundleExport) writeCerts(tsaCerts []*x509.Certificate) error {
	if _, err := e.bw.Add(e.ctx, BundleSignerCerts, bytes.NewReader(bundle.CertsPEM(append([]*x509.Certificate{e.req.Signer.Certificate}, e.req.Signer.Chain...)...)), false); err != nil {
		return err
	}
	if len(tsaCerts) > 0 {
		if _, err := e.bw.Add(e.ctx, BundleTSACerts, bytes.NewReader(bundle.CertsPEM(tsaCerts...)), false); err != nil {
			return err
		}
	}
	return nil
}

// seal reports the sealing stage and finishes the bundle: manifest.json listing every file
// (with the case, the people, report ID reportID and the captures' refs), signed and, with
// req.TSA, timestamped. It sets res.Timestamp from the token, read back (it was checked when it
// was made), and returns the manifest.
func (e *bundleExport) seal(reportID string, refs []bundle.CaptureRef) (*bundle.Manifest, error) {
	e.progress(ExportSealing, 0, 0)
	meta := bundle.Manifest{
		BundleID: e.res.BundleID,
		Created:  e.at.UTC(),
		Software: "Evidentia " + Version,
		Case:     &bundle.Case{ID: fmt.Sprint(e.kase.ID), Name: e.kase.Name, Reference: e.kase.Number},
		Operator: e.req.Operator, Unit: e.req.Unit, Recipient: e.req.Recipient,
		ReportID: reportID,
		Captures: refs,
	}
	m, mb, err := e.bw.Finish(e.ctx, meta, e.req.Signer, e.req.TSA, e.req.TSATimeout)
	if err != nil {
		return nil, err
	}
	if e.req.TSA != "" {
		// The token was checked when it was made; read its facts back for the result.
		if tr := e.bw.TimestampResponse(); tr != nil {
			if tok, err := signature.TokenFromResponse(tr); err == nil {
				if ts, err := signature.VerifyTimestamp(tok, mb, nil); err == nil {
					e.res.Timestamp = ts
				}
			}
		}
	}
	return m, nil
}

func tsaCertPathIf(ts *signature.Timestamp) string {
	if ts != nil && len(ts.Chain) > 0 {
		return BundleTSACerts
	}
	return ""
}

// volumes splits n captures into volumes of at most size: [start, end) ranges, as even as
// possible (55 by 25 gives 19, 18, 18 rather than 25, 25, 5).
func volumes(n, size int) [][2]int {
	count := (n + size - 1) / size
	if count < 1 {
		count = 1
	}
	out := make([][2]int, count)
	start := 0
	for v := range count {
		end := start + (n-start)/(count-v)
		if (n-start)%(count-v) != 0 {
			end++
		}
		out[v] = [2]int{start, end}
		start = end
	}
	return out
}

// reportPath names report volume v of count inside a bundle.
func reportPath(v, count int) string {
	if count == 1 {
		return BundleReportPath
	}
	return fmt.Sprintf("report/report-%02d-of-%02d.pdf", v+1, count)
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

// captureRef is the entry of manifest.json's capture list for r, whose sealed manifest hashes to
// md and is in folder: its URL, final URL, title and time are those of the sealed manifest (the
// requested URL, the final URL, the page's title, the time the capture began), so that
// VerifyBundle can compare them (see refDiffers).
func captureRef(r *store.Record, md evidence.Digest, folder string) bundle.CaptureRef {
	f := r.Manifest.Facts
	ref := bundle.CaptureRef{ID: r.ID, URL: f.RequestedURL, FinalURL: f.FinalURL, Title: f.Metadata.Title, Status: string(r.Status),
		ManifestSHA256: md, Folder: folder, CapturedAt: f.Collection.StartedAt.UTC()}
	if ref.URL == "" {
		ref.URL = r.URL
	}
	if f.Collection.StartedAt.IsZero() {
		ref.CapturedAt = time.Time{}
	}
	return ref
}

// capturedAtSlack is how much earlier than its sealed start time a bundle made before the
// capture list was taken from the sealed manifests may date a capture: that time was the
// store's, taken just before the browser was asked.
const capturedAtSlack = 10 * time.Second

// refDiffers returns the fields of manifest.json's entry ref that say something other than the
// sealed manifest m: "url" (the requested URL), "final_url", "title", "status" and
// "captured_at" (the time the capture began; for bundles written before these fields were
// taken from the sealed manifest, a time at most capturedAtSlack before it is accepted).
func refDiffers(ref bundle.CaptureRef, m *evidence.Manifest) []string {
	var out []string
	f := m.Facts
	if ref.URL != f.RequestedURL {
		out = append(out, fmt.Sprintf("url %q, sealed %q", textsafe.Cap(ref.URL, 300), textsafe.Cap(f.RequestedURL, 300)))
	}
	if ref.FinalURL != f.FinalURL {
		out = append(out, fmt.Sprintf("final_url %q, sealed %q", textsafe.Cap(ref.FinalURL, 300), textsafe.Cap(f.FinalURL, 300)))
	}
	if ref.Title != f.Metadata.Title {
		out = append(out, fmt.Sprintf("title %q, sealed %q", textsafe.Cap(ref.Title, 300), textsafe.Cap(f.Metadata.Title, 300)))
	}
	if ref.Status != "" && ref.Status != string(m.Status) {
		out = append(out, fmt.Sprintf("status %q, sealed %q", textsafe.Cap(ref.Status, 100), m.Status))
	}
	sealed := f.Collection.StartedAt
	if d := sealed.Sub(ref.CapturedAt); !ref.CapturedAt.Equal(sealed) && (ref.CapturedAt.IsZero() || d < 0 || d > capturedAtSlack) {
		out = append(out, fmt.Sprintf("captured_at %s, sealed %s", ref.CapturedAt.UTC().Format(time.RFC3339Nano), sealed.UTC().Format(time.RFC3339Nano)))
	}
	return out
}

// CSVText returns s as a CSV cell that spreadsheets show as text: a cell that begins with "=",
// "+", "-", "@", a tab or a carriage return (which Excel, LibreOffice and Google Sheets take
// for the start of a formula) is prefixed with an apostrophe, which they show as text and do
// not evaluate; any other s is returned unchanged. (The OWASP rule for CSV injection.)
// custody.json keeps the values as they are.
func CSVText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvSame reports whether the CSV cell shows the value v: written through CSVText, or as it is
// (bundles made before CSVText).
func csvSame(cell, v string) bool { return cell == CSVText(v) || cell == v }

// checkPeople returns nil when the operator and the unit are plain text, else an error wrapping
// store.ErrUnsafeName (see store.CheckName): a name with control, bidirectional or invisible
// characters is refused before anything is captured, written or recorded.
func checkPeople(operator, unit string) error {
	if err := store.CheckName("operator", operator); err != nil {
		return err
	}
	return store.CheckName("unit", unit)
}

// custodyCSV is the custody log as a spreadsheet: UTF-8 with a byte-order mark (so that Excel
// shows Korean), times in UTC and KST. Every cell of text that came from a person (actor,
// action, case, capture ID, details) goes through CSVText, so that no spreadsheet takes a name
// such as =HYPERLINK(...) or @SUM(...) for a formula.
func custodyCSV(events []store.Event) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write([]string{"seq", "time_utc", "time_kst", "actor", "action", "case", "capture_id", "details", "prev_hash", "hash"})
	kst := evidence.KST()
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
			CSVText(e.Actor), CSVText(e.Action), CSVText(e.Case), CSVText(e.CaptureID), CSVText(string(dj)), string(e.PrevHash), string(e.Hash)})
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
