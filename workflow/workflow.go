// Package workflow is Evidentia's application core: the use cases (capture, annotate, report,
// export, verify, copy artifacts, case and settings changes) and the Session, the one service
// the command line and the desktop app both build and call, so that both doors follow the same
// rules (who acts, for which unit, with which limits, browser and signing identity) and land in
// the same store and custody log. It never sees a widget or a terminal.
package workflow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"evidentia/capture"
	"evidentia/evidence"
	"evidentia/internal/crashlog"
	"evidentia/store"
	"evidentia/weburl"
)

// Version is Evidentia's version, the one source of it: the command line prints it, every
// capture records it, and the installers are given it (fyne package --app-version; FyneApp.toml
// carries none). The build may override it with -ldflags "-X evidentia/workflow.Version=...".
var Version = "0.1.0"

// DefaultCase is the case a capture goes to when none is named.
const DefaultCase = "default"

// ErrNotStarted is the outcome of an address whose capture never began because the batch was
// cancelled first.
var ErrNotStarted = errors.New("workflow: cancelled before the capture began")

var (
	selfOnce sync.Once
	selfSum  evidence.Digest
)

// SelfSHA256 returns the SHA-256 of the running executable, computed once ("" when the
// executable cannot be read).
func SelfSHA256() evidence.Digest {
	selfOnce.Do(func() {
		p, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(p)
		if err != nil {
			return
		}
		defer f.Close()
		if d, _, err := evidence.SumReader(f); err == nil {
			selfSum = d
		}
	})
	return selfSum
}

// Workstation describes the machine and the program, for the collection record.
func Workstation() evidence.Collection {
	host, _ := os.Hostname()
	zone, offset := time.Now().Zone()
	tz := fmt.Sprintf("%s (UTC%+03d:%02d)", zone, offset/3600, abs(offset%3600)/60)
	if loc := time.Local.String(); loc != "" && loc != "Local" {
		tz = loc + " " + tz
	}
	return evidence.Collection{
		Hostname:   host,
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		TimeZone:   tz,
		LocalIPs:   localIPs(),
		AppVersion: Version,
		AppSHA256:  SelfSHA256(),
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func localIPs() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
			out = append(out, ipn.IP.String())
		}
	}
	return out
}

// CaptureRequest is one batch of addresses to capture into a case.
type CaptureRequest struct {
	URLs     []string
	Case     string // DefaultCase when empty
	Operator string
	Unit     string
	Parallel int // at least 1; default 2 (Session.Capture: 0 = the settings')
	// Timeout is the time limit of one capture, used by Session.Capture (0 = the settings');
	// a Capturer's engine has its own.
	Timeout time.Duration
	// CaseMustExist refuses to create the case: set it when the case was chosen from a list,
	// so that a capture queued before a rename never files evidence under a new case with the
	// old name (it fails with store.ErrNotFound instead).
	CaseMustExist bool
}

// StageSealing is reported to Progress when the capture is done and its artifacts are being
// sealed into the store.
const StageSealing capture.Stage = "sealing"

// Outcome is the end of one address of a batch. Record is nil when the address was refused
// before a capture began (Err says why); otherwise Record is the sealed capture and Err is
// nil unless sealing itself failed.
type Outcome struct {
	Index  int
	Input  string
	URL    string
	Record *store.Record
	Err    error
}

// Progress is called as the stages of the capture of URLs[index] begin. It is called from the
// capturing goroutines, possibly at the same time for different indexes.
type Progress func(index int, url string, stage capture.Stage)

// Capturer runs captures with one engine into one store. Engine may be nil when no browser
// could be started: every address then ends with EngineErr and no capture is recorded.
type Capturer struct {
	Store     *store.Store
	Engine    *capture.Engine
	EngineErr error
}

// Capture captures every address of req, at most req.Parallel at a time, calling progress as
// stages begin and done as each ends (from the capturing goroutines). It returns the outcomes
// in the order of req.URLs. Cancelling ctx stops the captures under way; what they collected
// is still sealed, as failed, with the reason.
func (c *Capturer) Capture(ctx context.Context, req CaptureRequest, progress Progress, done func(Outcome)) []Outcome {
	if req.Case == "" {
		req.Case = DefaultCase
	}
	par := req.Parallel
	if par < 1 {
		par = 2
	}
	outcomes := make([]Outcome, len(req.URLs))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, raw := range req.URLs {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			var o Outcome
			if ctx.Err() != nil {
				o = Outcome{Index: i, Input: raw, Err: ErrNotStarted}
			} else {
				o = c.safeOne(ctx, i, raw, req, progress)
				<-sem
			}
			outcomes[i] = o
			if done != nil {
				done(o)
			}
		})
	}
	wg.Wait()
	return outcomes
}

// ErrInternal is the error of a use case that failed on a defect of Evidentia itself (a
// recovered panic); its details and stack are in the data folder's crash log.
var ErrInternal = errors.New("workflow: internal error")

// internalError records the recovered panic value r, with the stack, in the crash log of the
// data folder dir (crashlog.Record; call it from the deferred function that recovered) and
// returns the error a person is shown: ErrInternal and where the details are, never the stack.
func internalError(dir, where string, r any) error {
	path, err := crashlog.Record(dir, where, r, nil)
	if err != nil {
		return fmt.Errorf("%w (%v; the details could not be kept: %v)", ErrInternal, r, err)
	}
	return fmt.Errorf("%w (%v; the details are in %s)", ErrInternal, r, path)
}

// safeOne runs one capture; a panic becomes the outcome's error (its stack goes to the crash
// log) instead of ending the process.
func (c *Capturer) safeOne(ctx context.Context, i int, raw string, req CaptureRequest, progress Progress) (o Outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = Outcome{Index: i, Input: raw, Err: internalError(c.Store.Dir(), "the capture of "+raw, r)}
		}
	}()
	return c.one(ctx, i, raw, req, progress)
}

// one captures raw, address i of the batch req: it checks the request (checkRequest), makes
// sure of the case and begins the capture in the store (begin), runs the engine in a
// temporary working folder (runEngine, under ctx), completes the facts (collectionFacts,
// writeFacts), reports StageSealing and seals (seal). The store is written (case, begin,
// seal) under ctx without its cancellation: what was collected is sealed even when ctx ends.
// The working folder is removed when one returns.
func (c *Capturer) one(ctx context.Context, i int, raw string, req CaptureRequest, progress Progress) Outcome {
	o := Outcome{Index: i, Input: raw}
	u, err := c.checkRequest(raw, req)
	o.URL = u
	if err != nil {
		o.Err = err
		return o
	}
	// Sealing must finish even when the caller cancels: what was collected is kept.
	keep := context.WithoutCancel(ctx)
	id, err := c.begin(keep, req, u)
	if err != nil {
		o.Err = err
		return o
	}
	work, err := os.MkdirTemp(c.Store.TempDir(), "capture-")
	if err != nil {
		o.Err = fmt.Errorf("workflow: working folder: %w", err)
		return o
	}
	defer os.RemoveAll(work)

	res, started := c.runEngine(ctx, i, u, work, progress)
	facts := collectionFacts(res.Facts, req, started)
	files := writeFacts(work, res, facts)
	if progress != nil {
		progress(i, u, StageSealing)
	}
	rec, failure, err := c.seal(keep, id, store.SealRequest{
		Status: res.Status, Reason: res.Reason, Facts: facts, Files: files, Actor: req.Operator,
	})
	o.Err = failure
	if err != nil {
		o.Err = errors.Join(o.Err, err)
		return o
	}
	o.Record = rec
	return o
}

// checkRequest checks, in this order, the operator and unit of req, the address raw and that
// there is an engine, writing nothing. It returns the normalized address, "" when raw (or a
// person) is refused; with no engine it returns the address and c.EngineErr (or an error
// saying there is no browser).
func (c *Capturer) checkRequest(raw string, req CaptureRequest) (string, error) {
	if err := checkPeople(req.Operator, req.Unit); err != nil {
		return "", err
	}
	u, err := weburl.Normalize(raw)
	if err != nil {
		return "", err
	}
	if c.Engine == nil {
		err := c.EngineErr
		if err == nil {
			err = errors.New("workflow: no browser")
		}
		return u, err
	}
	return u, nil
}

// begin makes sure of req's case (it must exist with req.CaseMustExist, else it is created if
// need be, by req.Operator) and then begins the capture of u in the store, returning its ID.
// Nothing is begun when the case fails. keep must not be cancelled.
func (c *Capturer) begin(keep context.Context, req CaptureRequest, u string) (string, error) {
	if req.CaseMustExist {
		if _, err := findCase(keep, c.Store, req.Case); err != nil {
			return "", err
		}
	} else if _, err := c.Store.EnsureCase(keep, req.Case, req.Operator); err != nil {
		return "", err
	}
	return c.Store.BeginCapture(keep, req.Case, u, req.Operator)
}

// runEngine captures u into the folder work under ctx, reporting each stage to progress (when
// set) as address i, and returns the result and when the capture started (UTC). It
// never fails: when the engine could not capture at all, the result is a failed one giving
// the error as the reason, with only the requested URL as facts.
func (c *Capturer) runEngine(ctx context.Context, i int, u, work string, progress Progress) (*capture.Result, time.Time) {
	started := time.Now().UTC()
	res, err := c.Engine.Capture(ctx, u, work, func(s capture.Stage) {
		if progress != nil {
			progress(i, u, s)
		}
	})
	if err != nil {
		res = &capture.Result{Status: evidence.StatusFailed, Reason: err.Error(),
			Facts: evidence.Facts{RequestedURL: u, Completeness: capture.FailedCompleteness(err.Error())}}
	}
	return res, started
}

// collectionFacts returns facts with its collection record replaced by this workstation's
// (Workstation) and req's operator, unit and case, keeping the capture's start and end times:
// the start is started when the capture recorded none, the end now (UTC) when it recorded none.
func collectionFacts(facts evidence.Facts, req CaptureRequest, started time.Time) evidence.Facts {
	col := Workstation()
	col.Operator, col.Unit, col.Case = req.Operator, req.Unit, req.Case
	col.StartedAt, col.FinishedAt = facts.Collection.StartedAt, facts.Collection.FinishedAt
	if col.StartedAt.IsZero() {
		col.StartedAt = started
	}
	if col.FinishedAt.IsZero() {
		col.FinishedAt = time.Now().UTC()
	}
	facts.Collection = col
	return facts
}

// writeFacts writes facts, canonical, as facts.json in work and returns the files to seal:
// res's, then facts.json. When facts.json cannot be written it is left out and res is marked
// failed, the reason saying why (after res's own reason, if any).
func writeFacts(work string, res *capture.Result, facts evidence.Facts) []store.SealFile {
	files := make([]store.SealFile, 0, len(res.Files)+1)
	for _, f := range res.Files {
		files = append(files, store.SealFile{Name: f.Name, MediaType: f.MediaType, Role: f.Role, Path: f.Path})
	}
	factsJSON, err := evidence.Canonical(facts)
	if err == nil {
		p := filepath.Join(work, "facts.json")
		if err = os.WriteFile(p, factsJSON, 0o600); err == nil {
			files = append(files, store.SealFile{Name: "facts.json", MediaType: "application/json", Role: evidence.RoleFacts, Path: p})
		}
	}
	if err != nil {
		// Without facts.json the capture is incomplete whatever the page did.
		res.Status = evidence.StatusFailed
		res.Reason = strings.TrimPrefix(res.Reason+"; facts.json could not be written: "+err.Error(), "; ")
	}
	return files
}

// seal seals the capture id as sr says. When that fails for another reason than the capture
// being sealed already or interrupted, it records the failure itself instead (a failed seal
// with sr's facts and actor and no files), so that the attempt is never silently lost: then,
// if that record is made, failure says why the artifacts could not be stored, and rec is the
// failed capture. err is the last seal's error. keep must not be cancelled.
func (c *Capturer) seal(keep context.Context, id string, sr store.SealRequest) (rec *store.Record, failure, err error) {
	rec, err = c.Store.Seal(keep, id, sr)
	if err != nil && !errors.Is(err, store.ErrAlreadySealed) && !errors.Is(err, store.ErrInterrupted) {
		// Sealing the artifacts failed (a full disk, an unreadable file): record the failure
		// itself, with the facts alone, so that the attempt is never silently lost.
		reason := fmt.Sprintf("the artifacts could not be stored: %v", err)
		rec, err = c.Store.Seal(keep, id, store.SealRequest{
			Status: evidence.StatusFailed, Reason: reason, Facts: sr.Facts, Actor: sr.Actor,
		})
		if err == nil {
			failure = errors.New(reason)
		}
	}
	return rec, failure, err
}
