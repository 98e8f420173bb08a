package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"evidentia/bundle"
	"evidentia/evidence"
	"evidentia/report"
	"evidentia/signature"
	"evidentia/workflow"
)

// listFlag is a flag that may be given many times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// docFlags are the flags shared by the commands that write a document of captures (report,
// export).
type docFlags struct {
	cmd        string
	caseName   *string
	ids        listFlag
	out        *string
	lang       *string
	tsa        *string
	tsaTimeout *time.Duration
	operator   *string
	unit       *string
	asJSON     *bool
}

func newDocFlags(fs *flag.FlagSet, outHelp, operatorHelp string) *docFlags {
	f := &docFlags{cmd: fs.Name()}
	f.caseName = fs.String("case", "", "the case")
	fs.Var(&f.ids, "capture", "a capture ID (repeatable)")
	f.out = fs.String("out", "", outHelp)
	f.lang = fs.String("lang", "", "report language: ko or en")
	f.tsa = fs.String("tsa", "", "RFC 3161 timestamp authority URL (none: no timestamp)")
	f.tsaTimeout = fs.Duration("tsa-timeout", signature.DefaultTSATimeout, "how long to wait for the timestamp authority")
	f.operator = fs.String("operator", "", operatorHelp+" (default: EVIDENTIA_OPERATOR, the settings, the user)")
	f.unit = fs.String("unit", "", "the operator's team or office (default: EVIDENTIA_UNIT, the settings)")
	f.asJSON = fs.Bool("json", false, "JSON")
	return f
}

// finish checks the shared flags after parsing (rest: the other arguments, taken as capture
// IDs) and returns the report language. The operator, the unit and the timestamp authority
// left empty are the session's to fill (workflow.Session.Operator, Unit, TSA). With mustExt,
// --out must end in ext.
func (f *docFlags) finish(c *cli, rest []string, ext string, mustExt bool) (report.Lang, error) {
	f.ids = append(f.ids, rest...)
	if *f.caseName == "" {
		return "", usageError{f.cmd + ": --case is required"}
	}
	if *f.out == "" {
		return "", usageError{fmt.Sprintf("%s: --out FILE%s is required", f.cmd, ext)}
	}
	if mustExt && !strings.HasSuffix(strings.ToLower(*f.out), ext) {
		return "", usageError{fmt.Sprintf("%s: --out must name a %s file", f.cmd, ext)}
	}
	switch *f.lang {
	case "", workflow.LangKorean, workflow.LangEnglish:
	default:
		return "", usageError{fmt.Sprintf("%s: --lang must be ko or en, not %q", f.cmd, *f.lang)}
	}
	// --lang, else the settings' language, else the system's (the desktop app's rule).
	l := report.Lang(c.session().Language(*f.lang))
	return l, nil
}

func (c *cli) report(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	df := newDocFlags(fs, "the PDF to write", "who makes the report")
	sign := fs.Bool("sign", false, "sign with the signing identity")
	rest, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	l, err := df.finish(c, rest, ".pdf", false)
	if err != nil {
		return 0, err
	}
	caseName, ids, out, tsa, tsaTimeout, operator, unit, asJSON := df.caseName, df.ids, df.out, df.tsa, df.tsaTimeout, df.operator, df.unit, df.asJSON

	req := workflow.ReportRequest{
		Case: *caseName, CaptureIDs: ids, Lang: l, Operator: *operator, Unit: *unit, Out: *out,
		TSA: *tsa, TSATimeout: *tsaTimeout,
	}
	if *sign {
		signer, err := c.unlockIdentity()
		if err != nil {
			return 0, err
		}
		req.Signer = signer
		c.noteNoTSA(*tsa)
	}
	res, err := c.session().Report(ctx, req)
	if errors.Is(err, workflow.ErrTSAUnsigned) {
		return 0, usageError{"report: a timestamp (--tsa) stamps the signature: add --sign"}
	}
	if res == nil {
		return 0, err
	}
	if err != nil {
		// Written, but the custody log could not record it: say both.
		c.errorf("%v", err)
	}
	for _, id := range res.Skipped {
		c.errorf("note: capture %s is not sealed and was left out", safe(id))
	}
	if *asJSON {
		v := map[string]any{
			"report_id": res.ReportID, "path": res.Path, "sha256": res.SHA256, "size": res.Size,
			"captures": res.Captures, "skipped": res.Skipped, "signed": res.Signed, "signer": res.Signer, "lang": l,
			"signer_trust": res.SignerTrust, "timestamp": nil,
		}
		if ts := res.Timestamp; ts != nil {
			v["timestamp"] = map[string]any{"time": ts.Time.UTC(), "authority": ts.Authority, "serial": ts.Serial, "trust": ts.Trust}
		}
		c.printJSON(v)
	} else {
		fmt.Fprintf(c.stdout, "report %s: %s (%d bytes, %d capture(s))\n", safe(res.ReportID), safe(res.Path), res.Size, len(res.Captures))
		fmt.Fprintf(c.stdout, "  SHA-256 %s\n", safe(string(res.SHA256)))
		if res.Signed {
			fmt.Fprintf(c.stdout, "  signed by %s (certificate %s on this computer)\n", safe(res.Signer), safe(string(res.SignerTrust)))
		} else {
			fmt.Fprintln(c.stdout, "  not signed (add --sign)")
		}
		if ts := res.Timestamp; ts != nil {
			fmt.Fprintf(c.stdout, "  timestamped %s by %s (authority %s on this computer)\n", localTime(ts.Time), safe(ts.Authority), safe(string(ts.Trust)))
		} else if res.Signed {
			fmt.Fprintln(c.stdout, "  no timestamp")
		}
	}
	if err != nil {
		return exitProblem, nil
	}
	return exitOK, nil
}

// isPDFArg tells whether a verify argument names a PDF file rather than a capture ID.
func isPDFArg(s string) bool { return isFileOf(s, ".pdf", "%PDF-") }

// isFileOf tells whether path names a file of a kind: its name ends in ext, or the file starts
// with magic.
func isFileOf(path, ext, magic string) bool {
	if strings.HasSuffix(strings.ToLower(path), ext) {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(magic))
	n, _ := io.ReadFull(f, head)
	return n == len(magic) && string(head) == magic
}

// verifyPDF checks a PDF report: signature, timestamp, certificate and embedded manifests.
func (c *cli) verifyPDF(ctx context.Context, path string, caFile string, asJSON bool) (int, error) {
	roots, err := c.session().Roots(caFile)
	if err != nil {
		return 0, err
	}
	// The store is consulted when it exists; a report received from elsewhere verifies without.
	chk, err := c.session().VerifyReport(ctx, path, roots)
	if err != nil {
		if errors.Is(err, signature.ErrNotPDF) {
			if asJSON {
				c.printJSON(map[string]any{"path": path, "valid": false, "verdict": "INVALID", "error": err.Error(), "roots": describeRoots(roots)})
			} else {
				fmt.Fprintf(c.stdout, "%s: INVALID: %s\n", safe(path), safeProblem(err.Error()))
			}
			return exitProblem, nil
		}
		return 0, err
	}
	verr := chk.Err()
	if asJSON {
		v := checkJSON(chk, verr)
		v["roots"] = describeRoots(roots)
		c.printJSON(v)
	} else {
		c.printCheck(chk, verr, roots)
	}
	if verr != nil {
		return exitProblem, nil
	}
	return exitOK, nil
}

// printCheck prints what verifying a PDF report found: each signature (signer, the SHA-256
// fingerprint of the signer's certificate, trust, timestamp, problems, notes), the attachments,
// the custody events naming the file, the roots used, and last the verdict, which the exit code
// agrees with. Every value from the PDF is escaped and capped (safe).
func (c *cli) printCheck(chk *workflow.ReportCheck, verr error, roots workflow.Roots) {
	w := c.stdout
	fmt.Fprintf(w, "%s\n", safe(chk.Path))
	fmt.Fprintf(w, "  file SHA-256 %s (%d bytes)\n", chk.SHA256, chk.Signature.Size)
	for i, s := range chk.Signature.Signatures {
		fmt.Fprintf(w, "  signature %d (%s)\n", i+1, safe(s.SubFilter))
		if s.Signer != nil {
			fmt.Fprintf(w, "    signed by   %s\n", safe(s.Signer.Subject.String()))
			fp := s.Fingerprint
			if fp == "" {
				fp = string(evidence.SumBytes(s.Signer.Raw))
			}
			fmt.Fprintf(w, "    certificate %s\n", bundle.Fingerprint(fp))
			fmt.Fprintln(w, "                (compare it with the fingerprint the sender gave you by another channel)")
			fmt.Fprintf(w, "    trust       %s (%s)\n", safe(string(s.Trust)), safe(s.TrustDetail))
		}
		if s.WholeFile {
			fmt.Fprintf(w, "    covers      the whole file\n")
		}
		if !s.SigningTime.IsZero() {
			fmt.Fprintf(w, "    claimed at  %s\n", localTime(s.SigningTime))
		}
		if ts := s.Timestamp; ts != nil {
			fmt.Fprintf(w, "    timestamp   %s (UTC %s) by %s, serial %s, imprint %s, authority %s\n",
				localTime(ts.Time), ts.Time.UTC().Format(time.RFC3339), safe(ts.Authority), safe(ts.Serial), okText(ts.ImprintOK), safe(string(ts.Trust)))
			if !s.SigningTime.IsZero() {
				fmt.Fprintf(w, "                (the token's time is %s the claimed signing time)\n", skewText(s.TimestampSkew))
			}
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "    note        %s\n", safeProblem(n))
		}
		for _, p := range s.Problems {
			fmt.Fprintf(w, "    PROBLEM     %s\n", safeProblem(p.Error()))
		}
	}
	for _, a := range chk.Attachments {
		fmt.Fprintf(w, "  attachment %s: %s (SHA-256 %s)\n", safe(a.Name), safe(string(a.State)), safe(string(a.SHA256)))
		if a.Err != nil {
			fmt.Fprintf(w, "    PROBLEM     %s\n", safeProblem(a.Err.Error()))
		}
	}
	for _, p := range chk.Problems {
		fmt.Fprintf(w, "  PROBLEM %s\n", safeProblem(p.Error()))
	}
	for _, e := range chk.Recorded {
		fmt.Fprintf(w, "  recorded in the custody log: #%d %s %s by %s\n", e.Seq, localTime(e.At), safe(e.Action), safe(e.Actor))
	}
	fmt.Fprintf(w, "  roots: %s\n", describeRoots(roots))
	fmt.Fprintf(w, "%s: %s\n", safe(chk.Path), verdict(chk, verr))
}

// verdict is the one-line answer: VALID, with what a reader must weigh when the signer's
// certificate is self-made, or INVALID and why.
func verdict(chk *workflow.ReportCheck, verr error) string {
	if verr != nil {
		return "INVALID: " + safeProblem(verr.Error())
	}
	for _, s := range chk.Signature.Signatures {
		if s.Trust == signature.TrustSelfSigned {
			return "VALID (self-made certificate: the file is unchanged since it was signed, but the signer's identity is not proven by an authority)"
		}
	}
	return "VALID"
}

// skewText says how far a timestamp's time is from the signing time the signer claims
// (Signature.TimestampSkew: token time less claimed time).
func skewText(d time.Duration) string {
	switch {
	case d == 0:
		return "the same second as"
	case d > 0:
		return d.Round(time.Second).String() + " later than"
	default:
		return (-d).Round(time.Second).String() + " earlier than"
	}
}

func okText(ok bool) string {
	if ok {
		return "OK"
	}
	return "MISMATCH"
}

func checkJSON(chk *workflow.ReportCheck, verr error) map[string]any {
	sigs := []map[string]any{}
	for _, s := range chk.Signature.Signatures {
		m := map[string]any{
			"subfilter": s.SubFilter, "whole_file": s.WholeFile, "valid": s.Valid(), "byte_range": s.ByteRange,
			"trust": s.Trust, "trust_detail": s.TrustDetail, "notes": s.Notes, "problems": errorTexts(s.Problems),
			"signing_time": nil, "timestamp": nil, "signer": nil,
		}
		if s.Signer != nil {
			m["signer"] = map[string]any{"subject": s.Signer.Subject.String(), "issuer": s.Signer.Issuer.String(),
				"serial": s.Signer.SerialNumber.String(), "not_before": s.Signer.NotBefore.UTC(), "not_after": s.Signer.NotAfter.UTC()}
		}
		if !s.SigningTime.IsZero() {
			m["signing_time"] = s.SigningTime.UTC()
		}
		if ts := s.Timestamp; ts != nil {
			m["timestamp"] = map[string]any{"time": ts.Time.UTC(), "authority": ts.Authority, "serial": ts.Serial,
				"policy": ts.Policy, "hash": ts.Hash, "imprint_ok": ts.ImprintOK, "trust": ts.Trust}
		}
		sigs = append(sigs, m)
	}
	atts := []map[string]any{}
	for _, a := range chk.Attachments {
		atts = append(atts, map[string]any{"name": a.Name, "capture_id": a.CaptureID, "sha256": a.SHA256, "state": a.State})
	}
	recorded := []map[string]any{}
	for _, e := range chk.Recorded {
		recorded = append(recorded, map[string]any{"seq": e.Seq, "at": e.At.UTC(), "actor": e.Actor, "capture_id": e.CaptureID})
	}
	v := map[string]any{"path": chk.Path, "sha256": chk.SHA256, "size": chk.Signature.Size, "valid": verr == nil,
		"verdict": verdict(chk, verr), "error": nil, "signatures": sigs, "attachments": atts, "recorded": recorded,
		"problems": errorTexts(chk.Problems)}
	if verr != nil {
		v["error"] = verr.Error()
	}
	return v
}

func errorTexts(errs []error) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
