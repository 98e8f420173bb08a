package workflow

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"evidentia/bundle"
	"evidentia/evidence"
	"evidentia/safezip"
	"evidentia/signature"
	"evidentia/store"
	"evidentia/wacz"
)

// Problems VerifyBundle finds across the files of a bundle (each wrapped with the file named).
var (
	ErrBundleReport   = errors.New("workflow: the bundle's report does not verify")
	ErrBundleArchive  = errors.New("workflow: the bundle's web archive does not verify")
	ErrBundleCapture  = errors.New("workflow: a capture in the bundle does not match its sealed manifest")
	ErrBundleCustody  = errors.New("workflow: the bundle's custody log does not verify")
	ErrBundleMismatch = errors.New("workflow: the bundle's parts do not agree")
)

// signerSeen is the certificate that signed a part of a bundle.
type signerSeen struct {
	path string
	cert *x509.Certificate
}

// maxSmallFile bounds the JSON files of a bundle that are read whole.
const maxSmallFile = 64 << 20

// BundleCheck is what VerifyBundle found.
type BundleCheck struct {
	Path    string
	SHA256  evidence.Digest
	Size    int64
	Bundle  *bundle.Report // the container: files, manifest signature and timestamp
	Reports []ReportVolume // the PDF report (or its volumes), in bundle order
	WACZ    *wacz.Report   // the web archive, when present
	// Problems is everything found, the container's and the cross-checks', each naming a file.
	Problems []bundle.Problem
	// Recorded lists the custody events of the local store (when one was given) that record
	// handing over this very file, by its SHA-256.
	Recorded []store.Event
	// InStore counts the bundle's captures that the local store holds with the same manifest.
	InStore int
}

// OK reports whether every check held.
func (c *BundleCheck) OK() bool { return len(c.Problems) == 0 }

// Err returns the first problem, or nil.
func (c *BundleCheck) Err() error {
	if len(c.Problems) == 0 {
		return nil
	}
	p := c.Problems[0]
	if p.Path == "" {
		return p.Err
	}
	return fmt.Errorf("%s: %w", p.Path, p.Err)
}

// ReportVolume is one PDF report of a bundle and what its signature check found.
type ReportVolume struct {
	Path      string
	Signature *signature.Report
}

// bundleState collects what the per-file checks learnt, for the cross-checks after them.
type bundleState struct {
	captureManifests map[string]evidence.Digest    // folder -> SHA-256 of its manifest.json
	captureParsed    map[string]*evidence.Manifest // folder -> parsed manifest
	reportManifests  map[string]evidence.Digest    // capture ID -> embedded manifest SHA-256
	reportPaths      map[string]string             // capture ID -> the report holding it
	signers          []signerSeen                  // who signed each signed part
	waczResources    map[string]evidence.Digest    // path inside the WACZ -> SHA-256 (datapackage)
	custodyEvents    []store.Event
	custodyCase      string
	custodyRead      bool
	csvRows          [][]string // custody.csv without its header
	csvRead          bool
	reportCaptures   map[string]int // report path -> captures whose manifests it holds
	waczUnreadable   bool           // the web archive could not be read (its problem is reported once)
}

// VerifyBundle checks, offline, the bundle at path: the ZIP is safe to read; every file's
// SHA-256 and size against manifest.json; the manifest's CMS signature and RFC 3161 timestamp
// (trust judged against roots only, nil = none), and that every capture and custody event in
// the bundle precedes that timestamp (ErrAfterTimestamp); the report's PDF signature and that the
// manifests embedded in it are those of the bundle's captures; the WACZ (its datapackage, its
// signature, every WARC record's digests) and that its WARC files are the sealed ones; each
// capture folder against its sealed manifest; and the custody events' hashes. With st (may be
// nil) it also says which captures the local store holds and which handover events name this
// file. It returns an error only when the file cannot be read as a bundle at all.
func VerifyBundle(ctx context.Context, st *store.Store, file string, roots *x509.CertPool) (*BundleCheck, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("workflow: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("workflow: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("workflow: %s is not a file", file)
	}
	sum, _, err := evidence.SumReader(io.NewSectionReader(f, 0, fi.Size()))
	if err != nil {
		return nil, fmt.Errorf("workflow: read %s: %w", file, err)
	}
	chk := &BundleCheck{Path: file, SHA256: sum, Size: fi.Size()}
	state := &bundleState{
		captureManifests: map[string]evidence.Digest{},
		captureParsed:    map[string]*evidence.Manifest{},
		reportManifests:  map[string]evidence.Digest{},
		reportPaths:      map[string]string{},
		reportCaptures:   map[string]int{},
		waczResources:    map[string]evidence.Digest{},
	}
	checkers := map[string]bundle.Checker{
		"report/*.pdf": func(ctx context.Context, e bundle.Entry) []error {
			return checkBundleReport(ctx, e, roots, chk, state)
		},
		"archive/*.wacz": func(ctx context.Context, e bundle.Entry) []error {
			return checkBundleWACZ(ctx, e, roots, chk, state)
		},
		"captures/*/manifest.json": func(ctx context.Context, e bundle.Entry) []error {
			return checkCaptureManifest(e, state)
		},
		BundleCustodyJSON: func(ctx context.Context, e bundle.Entry) []error {
			return checkCustodyJSON(e, state)
		},
		BundleCustodyCSV: func(ctx context.Context, e bundle.Entry) []error {
			return readCustodyCSV(e, state)
		},
	}
	rep, err := bundle.Verify(ctx, f, fi.Size(), bundle.VerifyOptions{Roots: roots, Checkers: checkers, Limits: safezip.DefaultLimits()})
	if err != nil {
		return nil, err
	}
	chk.Bundle = rep
	chk.Problems = append(chk.Problems, rep.Problems...)
	if rep.Manifest != nil {
		chk.Problems = append(chk.Problems, crossCheck(rep.Manifest, state)...)
	}
	if rep.Timestamp != nil {
		chk.Problems = append(chk.Problems, timesAfterStamp(rep.Timestamp.Time, state)...)
	}
	if chk.WACZ != nil && chk.WACZ.Signer == nil {
		chk.Problems = append(chk.Problems, bundle.Problem{Path: BundleWACZPath,
			Err: fmt.Errorf("%w: the web archive is not signed with a certificate", ErrBundleArchive)})
	}
	// One signer for the whole bundle: a manifest re-signed by someone else (over changed
	// files) must not pass because the report inside still carries the original signature.
	if rep.Signer != nil {
		for _, s := range state.signers {
			if !s.cert.Equal(rep.Signer) {
				chk.Problems = append(chk.Problems, bundle.Problem{Path: s.path, Err: fmt.Errorf(
					"%w: signed by %s (certificate SHA-256 %s), the bundle's manifest by %s (%s)", ErrBundleMismatch,
					s.cert.Subject, evidence.SumBytes(s.cert.Raw), rep.Signer.Subject, evidence.SumBytes(rep.Signer.Raw))})
			}
		}
	}
	if st != nil && rep.Manifest != nil {
		if err := checkAgainstStore(ctx, st, chk, rep.Manifest); err != nil {
			return nil, err
		}
	}
	return chk, nil
}

func readSmall(e bundle.Entry) ([]byte, error) {
	if e.Size > maxSmallFile {
		return nil, fmt.Errorf("%d bytes is more than this file can be", e.Size)
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxSmallFile+1))
}

func checkBundleReport(ctx context.Context, e bundle.Entry, roots *x509.CertPool, chk *BundleCheck, state *bundleState) []error {
	if e.Size > maxReportSize {
		return []error{fmt.Errorf("%w: %d bytes is more than a report can be", ErrBundleReport, e.Size)}
	}
	rc, err := e.Open()
	if err != nil {
		return []error{fmt.Errorf("%w: %v", ErrBundleReport, err)}
	}
	doc, err := io.ReadAll(io.LimitReader(rc, maxReportSize+1))
	rc.Close()
	if err != nil {
		return []error{fmt.Errorf("%w: %v", ErrBundleReport, err)}
	}
	rep, err := signature.Verify(ctx, doc, signature.VerifyOptions{Roots: roots})
	if err != nil {
		return []error{fmt.Errorf("%w: %v", ErrBundleReport, err)}
	}
	chk.Reports = append(chk.Reports, ReportVolume{Path: e.Path, Signature: rep})
	var out []error
	if err := rep.Err(); err != nil {
		out = append(out, fmt.Errorf("%w: %v", ErrBundleReport, err))
	}
	for _, a := range rep.Attachments {
		var m evidence.Manifest
		if !strings.HasSuffix(a.Name, ".manifest.json") || json.Unmarshal(a.Data, &m) != nil || m.Format != evidence.ManifestFormat {
			continue
		}
		if prev, dup := state.reportPaths[m.CaptureID]; dup {
			out = append(out, fmt.Errorf("%w: capture %s is in %s and in this report too", ErrBundleMismatch, m.CaptureID, prev))
		}
		state.reportManifests[m.CaptureID] = a.SHA256
		state.reportPaths[m.CaptureID] = e.Path
		state.reportCaptures[e.Path]++
	}
	for _, s := range rep.Signatures {
		if s.Signer != nil {
			state.signers = append(state.signers, signerSeen{e.Path, s.Signer})
		}
	}
	return out
}

func checkBundleWACZ(ctx context.Context, e bundle.Entry, roots *x509.CertPool, chk *BundleCheck, state *bundleState) []error {
	// Export stores the WACZ as is. A bundle re-packed by another tool (Windows "Send to >
	// Compressed folder", zip -r) holds it compressed, and it must then be unpacked into a
	// temporary file; its content (WARCs, images) is already compressed, so it can hardly
	// shrink further: a WACZ that does is a bomb aimed at the disk, and is not unpacked.
	if !e.Stored && e.Size > 2*e.Packed+(1<<20) {
		state.waczUnreadable = true
		return []error{fmt.Errorf("%w: the web archive is compressed %d:1 inside the bundle, which no real archive is; it was not unpacked", ErrBundleArchive, e.Size/max(e.Packed, 1))}
	}
	ra, size, cleanup, err := e.ReaderAt(ctx)
	if err != nil {
		state.waczUnreadable = true
		return []error{fmt.Errorf("%w: %v", ErrBundleArchive, err)}
	}
	defer cleanup()
	rep, err := wacz.Verify(ctx, ra, size, wacz.VerifyOptions{Roots: roots})
	if err != nil {
		state.waczUnreadable = true
		return []error{fmt.Errorf("%w: %v", ErrBundleArchive, err)}
	}
	chk.WACZ = rep
	if rep.Signer != nil {
		state.signers = append(state.signers, signerSeen{e.Path, rep.Signer})
	}
	var out []error
	for _, p := range rep.Problems {
		if p.Path != "" {
			out = append(out, fmt.Errorf("%w: %s: %v", ErrBundleArchive, p.Path, p.Err))
		} else {
			out = append(out, fmt.Errorf("%w: %v", ErrBundleArchive, p.Err))
		}
	}
	// The datapackage's hashes tie the archive's WARC files to the sealed artifacts.
	zr, err := safezip.Open(ra, size, safezip.DefaultLimits())
	if err != nil {
		state.waczUnreadable = true
		return append(out, fmt.Errorf("%w: %v", ErrBundleArchive, err))
	}
	rc, err := zr.Open("datapackage.json")
	if err != nil {
		return append(out, fmt.Errorf("%w: datapackage.json: %v", ErrBundleArchive, err))
	}
	defer rc.Close()
	var dp struct {
		Resources []struct {
			Path string `json:"path"`
			Hash string `json:"hash"`
		} `json:"resources"`
	}
	if err := json.NewDecoder(io.LimitReader(rc, maxSmallFile)).Decode(&dp); err != nil {
		return append(out, fmt.Errorf("%w: datapackage.json: %v", ErrBundleArchive, err))
	}
	for _, r := range dp.Resources {
		state.waczResources[r.Path] = evidence.Digest(strings.TrimPrefix(r.Hash, "sha256:"))
	}
	return out
}

func checkCaptureManifest(e bundle.Entry, state *bundleState) []error {
	b, err := readSmall(e)
	if err != nil {
		return []error{fmt.Errorf("%w: %v", ErrBundleCapture, err)}
	}
	var m evidence.Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || m.Format != evidence.ManifestFormat {
		return []error{fmt.Errorf("%w: not a capture manifest", ErrBundleCapture)}
	}
	canon, digest, err := m.Encode()
	if err != nil || !bytes.Equal(canon, b) {
		return []error{fmt.Errorf("%w: the manifest is not in its sealed (canonical) form", ErrBundleCapture)}
	}
	folder := path.Dir(e.Path)
	state.captureManifests[folder] = digest
	state.captureParsed[folder] = &m
	return nil
}

func checkCustodyJSON(e bundle.Entry, state *bundleState) []error {
	b, err := readSmall(e)
	if err != nil {
		return []error{fmt.Errorf("%w: %v", ErrBundleCustody, err)}
	}
	var c CustodyExport
	if err := json.Unmarshal(b, &c); err != nil || c.Format != CustodyFormat {
		return []error{fmt.Errorf("%w: not a custody export", ErrBundleCustody)}
	}
	var out []error
	for i, ev := range c.Events {
		h, err := store.EventHash(ev)
		if err != nil || h != ev.Hash {
			out = append(out, fmt.Errorf("%w: event #%d (%s): its hash does not match its content", ErrBundleCustody, ev.Seq, ev.Action))
		}
		if i > 0 {
			prev := c.Events[i-1]
			if ev.Seq <= prev.Seq {
				out = append(out, fmt.Errorf("%w: event #%d comes after #%d", ErrBundleCustody, ev.Seq, prev.Seq))
			} else if ev.Seq == prev.Seq+1 && ev.PrevHash != prev.Hash {
				out = append(out, fmt.Errorf("%w: event #%d does not continue from #%d", ErrBundleCustody, ev.Seq, prev.Seq))
			}
		}
	}
	state.custodyEvents = c.Events
	state.custodyCase = c.Case
	state.custodyRead = true
	return out
}

// readCustodyCSV reads custody.csv for the comparison with custody.json.
func readCustodyCSV(e bundle.Entry, state *bundleState) []error {
	b, err := readSmall(e)
	if err != nil {
		return []error{fmt.Errorf("%w: %v", ErrBundleCustody, err)}
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(rows) == 0 {
		return []error{fmt.Errorf("%w: not a custody table", ErrBundleCustody)}
	}
	state.csvRows, state.csvRead = rows[1:], true
	return nil
}

// crossCheck ties the parts together: every capture the manifest lists has its folder, its
// sealed manifest, every artifact that manifest names (with that SHA-256), its manifest embedded
// in the report, and its WARC in the web archive. It returns, in this order, the problems of
// checkLayout, of each listed capture (checkCaptureRef), then checkArchiveWARCs',
// checkUnlisted's, checkCustodyTable's, checkCustodyCaptures' and unlistedEvents'.
func crossCheck(m *bundle.Manifest, state *bundleState) []bundle.Problem {
	var out []bundle.Problem
	files := map[string]bundle.File{}
	for _, f := range m.Files {
		files[f.Path] = f
	}
	out = append(out, checkLayout(m, state)...)
	inBundle := map[string]bool{}
	for _, ref := range m.Captures {
		inBundle[ref.ID] = true
		out = append(out, checkCaptureRef(ref, files, state)...)
	}
	out = append(out, checkArchiveWARCs(m, state)...)
	out = append(out, checkUnlisted(m, state, inBundle)...)
	out = append(out, checkCustodyTable(state)...)
	out = append(out, checkCustodyCaptures(m, state)...)
	out = append(out, unlistedEvents(state, inBundle)...)
	return out
}

// checkCaptureRef checks the capture ref that manifest.json lists (files: its files by path):
// its folder has a readable sealed manifest (else nothing more is checked) with the SHA-256
// listed, of that very capture, saying what the list says of it (refDiffers); every artifact
// that manifest names is in the bundle as sealed (checkArtifact); and the report holds the
// same manifest. It returns the problems in that order.
func checkCaptureRef(ref bundle.CaptureRef, files map[string]bundle.File, state *bundleState) []bundle.Problem {
	var out []bundle.Problem
	add := func(p string, err error) { out = append(out, bundle.Problem{Path: p, Err: err}) }
	mpath := ref.Folder + "/manifest.json"
	got, ok := state.captureManifests[ref.Folder]
	if !ok {
		add(mpath, fmt.Errorf("%w: capture %s has no readable sealed manifest", ErrBundleCapture, ref.ID))
		return out
	}
	if got != ref.ManifestSHA256 {
		add(mpath, fmt.Errorf("%w: capture %s: the manifest hashes to %s, the bundle says %s", ErrBundleCapture, ref.ID, got, ref.ManifestSHA256))
	}
	cm := state.captureParsed[ref.Folder]
	if cm.CaptureID != ref.ID {
		add(mpath, fmt.Errorf("%w: the folder of capture %s holds the manifest of %s", ErrBundleCapture, ref.ID, cm.CaptureID))
	}
	// What manifest.json lists of the capture is what its sealed manifest says.
	if diff := refDiffers(ref, cm); len(diff) > 0 {
		add(bundle.ManifestName, fmt.Errorf("%w: capture %s: the bundle's list says %s", ErrBundleCapture, ref.ID, strings.Join(diff, "; ")))
	}
	for _, a := range cm.Artifacts {
		out = append(out, checkArtifact(ref, a, files, state)...)
	}
	if got, ok := state.reportManifests[ref.ID]; !ok {
		add(BundleReportPath, fmt.Errorf("%w: the report does not hold the manifest of capture %s", ErrBundleMismatch, ref.ID))
	} else if got != ref.ManifestSHA256 {
		add(BundleReportPath, fmt.Errorf("%w: the report's manifest of capture %s differs from the sealed one", ErrBundleMismatch, ref.ID))
	}
	return out
}

// checkArtifact checks the artifact a, sealed in capture ref's manifest: it is in the bundle
// (files) in ref's folder with the sealed SHA-256 and size; and, a WARC, unless the web archive
// could not be read, the web archive holds it as archive/<capture ID>.warc.gz with that SHA-256.
func checkArtifact(ref bundle.CaptureRef, a evidence.Artifact, files map[string]bundle.File, state *bundleState) []bundle.Problem {
	var out []bundle.Problem
	add := func(p string, err error) { out = append(out, bundle.Problem{Path: p, Err: err}) }
	p := ref.Folder + "/" + a.Name
	f, ok := files[p]
	switch {
	case !ok:
		add(p, fmt.Errorf("%w: capture %s: artifact %s is not in the bundle", ErrBundleCapture, ref.ID, a.Name))
	case f.SHA256 != a.SHA256 || f.Size != a.Size:
		add(p, fmt.Errorf("%w: capture %s: %s is not the sealed artifact (SHA-256 %s, sealed %s)", ErrBundleCapture, ref.ID, a.Name, f.SHA256, a.SHA256))
	}
	if a.Role == evidence.RoleWARC && !state.waczUnreadable {
		wp := "archive/" + ref.ID + ".warc.gz"
		if got, ok := state.waczResources[wp]; !ok {
			add(BundleWACZPath, fmt.Errorf("%w: %s (capture %s) is not in the web archive", ErrBundleMismatch, wp, ref.ID))
		} else if got != a.SHA256 {
			add(BundleWACZPath, fmt.Errorf("%w: %s in the web archive is not the sealed WARC of capture %s", ErrBundleMismatch, wp, ref.ID))
		}
	}
	return out
}

// checkArchiveWARCs checks that every WARC in the web archive (a resource under archive/ in its
// datapackage) is the sealed WARC, same SHA-256, of a capture the bundle lists. When the web
// archive could not be read, no WARC counts as sealed.
func checkArchiveWARCs(m *bundle.Manifest, state *bundleState) []bundle.Problem {
	var out []bundle.Problem
	sealedWARC := map[string]evidence.Digest{}
	for _, ref := range m.Captures {
		if cm := state.captureParsed[ref.Folder]; cm != nil {
			for _, a := range cm.Artifacts {
				if a.Role == evidence.RoleWARC && !state.waczUnreadable {
					sealedWARC["archive/"+ref.ID+".warc.gz"] = a.SHA256
				}
			}
		}
	}
	for p, d := range state.waczResources {
		if !strings.HasPrefix(p, "archive/") {
			continue
		}
		if want, ok := sealedWARC[p]; !ok || want != d {
			out = append(out, bundle.Problem{Path: BundleWACZPath,
				Err: fmt.Errorf("%w: the web archive holds %s, which is not the sealed WARC of a capture the bundle lists", ErrBundleMismatch, p)})
		}
	}
	return out
}

// checkUnlisted reports the captures the report holds and the capture folders the bundle
// holds that manifest.json does not list (inBundle: the IDs it lists), the report's first.
func checkUnlisted(m *bundle.Manifest, state *bundleState, inBundle map[string]bool) []bundle.Problem {
	var out []bundle.Problem
	add := func(p string, err error) { out = append(out, bundle.Problem{Path: p, Err: err}) }
	for id := range state.reportManifests {
		if !inBundle[id] {
			add(BundleReportPath, fmt.Errorf("%w: the report holds capture %s, which the bundle does not list", ErrBundleMismatch, id))
		}
	}
	for folder := range state.captureManifests {
		found := false
		for _, ref := range m.Captures {
			found = found || ref.Folder == folder
		}
		if !found {
			add(folder+"/manifest.json", fmt.Errorf("%w: a capture folder the bundle does not list", ErrBundleMismatch))
		}
	}
	return out
}

// checkCustodyTable checks, when both custody files were read, that custody.csv lists the
// events of custody.json, in order: same number, and each row's sequence number, actor,
// action, capture and hash (one problem at most).
func checkCustodyTable(state *bundleState) []bundle.Problem {
	if !state.custodyRead || !state.csvRead {
		return nil
	}
	same := len(state.csvRows) == len(state.custodyEvents)
	for i := 0; same && i < len(state.csvRows); i++ {
		row, e := state.csvRows[i], state.custodyEvents[i]
		// Text cells are written through CSVText (bundles made before it: as they are).
		same = len(row) == 10 && row[0] == fmt.Sprint(e.Seq) && csvSame(row[3], e.Actor) && csvSame(row[4], e.Action) &&
			csvSame(row[6], e.CaptureID) && row[9] == string(e.Hash)
	}
	if !same {
		return []bundle.Problem{{Path: BundleCustodyCSV, Err: fmt.Errorf("%w: the table does not list the same events as custody.json", ErrBundleCustody)}}
	}
	return nil
}

// checkCustodyCaptures checks, when custody.json was read, that it is the log of the bundle's
// case (when the manifest names one) and that it records the start and the sealing (or
// failure) of every capture the bundle lists.
func checkCustodyCaptures(m *bundle.Manifest, state *bundleState) []bundle.Problem {
	if !state.custodyRead {
		return nil
	}
	var out []bundle.Problem
	add := func(p string, err error) { out = append(out, bundle.Problem{Path: p, Err: err}) }
	if m.Case != nil && state.custodyCase != m.Case.Name {
		add(BundleCustodyJSON, fmt.Errorf("%w: the custody log is of case %q, the bundle of %q", ErrBundleCustody, state.custodyCase, m.Case.Name))
	}
	began, ended := map[string]bool{}, map[string]bool{}
	for _, e := range state.custodyEvents {
		switch e.Action {
		case store.ActionCaptureStarted:
			began[e.CaptureID] = true
		case store.ActionCaptureSealed, store.ActionCaptureFailed:
			ended[e.CaptureID] = true
		}
	}
	for _, ref := range m.Captures {
		if !began[ref.ID] || !ended[ref.ID] {
			add(BundleCustodyJSON, fmt.Errorf("%w: the custody log lacks the start or the sealing of capture %s", ErrBundleCustody, ref.ID))
		}
	}
	return out
}

// unlistedEvents reports every custody event (of those read) about a capture that the bundle
// does not list (inBundle: the IDs it lists).
func unlistedEvents(state *bundleState, inBundle map[string]bool) []bundle.Problem {
	var out []bundle.Problem
	for _, e := range state.custodyEvents {
		if e.CaptureID != "" && !inBundle[e.CaptureID] {
			out = append(out, bundle.Problem{Path: BundleCustodyJSON,
				Err: fmt.Errorf("%w: event #%d is about capture %s, which the bundle does not list", ErrBundleCustody, e.Seq, e.CaptureID)})
		}
	}
	return out
}

// checkLayout makes sure the bundle holds only what Export writes: VERIFY.txt, report volumes
// directly in report/ (each holding at least one capture), archive/archive.wacz (signed, by the
// manifest's signer: see VerifyBundle), each listed capture's folder with its sealed artifacts
// and manifest.json and nothing else, the custody log and the certificates; capture IDs and
// folders listed once.
func checkLayout(m *bundle.Manifest, state *bundleState) []bundle.Problem {
	var out []bundle.Problem
	add := func(p string, err error) { out = append(out, bundle.Problem{Path: p, Err: err}) }
	folders := map[string]string{} // folder -> capture ID
	ids := map[string]bool{}
	for _, ref := range m.Captures {
		if ids[ref.ID] {
			add(bundle.ManifestName, fmt.Errorf("%w: capture %s is listed twice", ErrBundleMismatch, ref.ID))
		}
		if _, dup := folders[ref.Folder]; dup || path.Dir(ref.Folder) != "captures" {
			add(bundle.ManifestName, fmt.Errorf("%w: capture %s has the folder %q, not one of its own under captures/", ErrBundleMismatch, ref.ID, ref.Folder))
		}
		ids[ref.ID] = true
		folders[ref.Folder] = ref.ID
	}
	fixed := map[string]bool{bundle.GuideName: true, BundleWACZPath: true, BundleCustodyJSON: true, BundleCustodyCSV: true,
		BundleSignerCerts: true, BundleTSACerts: true}
	for _, f := range m.Files {
		dir, name := path.Split(f.Path)
		dir = strings.TrimSuffix(dir, "/")
		switch {
		case fixed[f.Path]:
		case dir == "report" && strings.HasSuffix(strings.ToLower(name), ".pdf"):
			if state.reportCaptures[f.Path] == 0 {
				add(f.Path, fmt.Errorf("%w: a report that holds none of the bundle's captures", ErrBundleMismatch))
			}
		case folders[dir] != "":
			cm := state.captureParsed[dir]
			known := name == "manifest.json"
			if cm != nil {
				_, isArtifact := cm.Artifact(name)
				known = known || isArtifact
			}
			if !known {
				add(f.Path, fmt.Errorf("%w: capture %s was not sealed with a file of this name", ErrBundleMismatch, folders[dir]))
			}
		default:
			add(f.Path, fmt.Errorf("%w: not a file Evidentia puts in a bundle", ErrBundleMismatch))
		}
	}
	return out
}

// checkAgainstStore compares the bundle's captures with the local store and finds the handover
// events that name this file.
func checkAgainstStore(ctx context.Context, st *store.Store, chk *BundleCheck, m *bundle.Manifest) error {
	for _, ref := range m.Captures {
		rec, err := st.Capture(ctx, ref.ID)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		if rec.ID != ref.ID {
			continue
		}
		if rec.ManifestSHA256 != ref.ManifestSHA256 {
			chk.Problems = append(chk.Problems, bundle.Problem{Path: ref.Folder + "/manifest.json",
				Err: fmt.Errorf("%w: capture %s differs from this computer's store (%s)", ErrManifestDiffers, ref.ID, rec.ManifestSHA256)})
			continue
		}
		chk.InStore++
		events, err := st.Custody(ctx, rec.ID)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Action == store.ActionExported && e.Details["bundle_sha256"] == string(chk.SHA256) {
				chk.Recorded = append(chk.Recorded, e)
			}
		}
	}
	return nil
}

// timesAfterStamp returns a problem (wrapping ErrAfterTimestamp) for every capture folder whose
// manifest and for the first custody event that is dated after stamped, the time of the
// bundle's timestamp (manifest.json.tsr): what the timestamp covers must precede it.
func timesAfterStamp(stamped time.Time, state *bundleState) []bundle.Problem {
	var out []bundle.Problem
	folders := make([]string, 0, len(state.captureParsed))
	for f := range state.captureParsed {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, f := range folders {
		for _, err := range manifestAfterStamp(state.captureParsed[f], stamped) {
			out = append(out, bundle.Problem{Path: path.Join(f, "manifest.json"), Err: err})
		}
	}
	for _, e := range state.custodyEvents {
		if err := afterStamp(fmt.Sprintf("custody event %d (%s) of capture %s", e.Seq, e.Action, e.CaptureID), e.At, stamped); err != nil {
			out = append(out, bundle.Problem{Path: BundleCustodyJSON, Err: err})
			break
		}
	}
	return out
}
