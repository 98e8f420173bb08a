package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"evidentia/bundle"
	"evidentia/evidence"
	"evidentia/safezip"
	"evidentia/signature"
	"evidentia/wacz"
	"evidentia/workflow"
)

func (c *cli) export(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	df := newDocFlags(fs, "the ZIP file to write", "who hands the bundle over")
	to := fs.String("to", "", "to whom the bundle is handed over (recorded in the custody log)")
	rest, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	l, err := df.finish(c, rest, ".zip", true)
	if err != nil {
		return 0, err
	}
	caseName, ids, out, tsa, tsaTimeout, operator, unit, asJSON := df.caseName, df.ids, df.out, df.tsa, df.tsaTimeout, df.operator, df.unit, df.asJSON
	if _, err := os.Lstat(*out); err == nil {
		return 0, fmt.Errorf("%s exists: choose another name or remove it", *out)
	}
	if fi, err := os.Stat(filepath.Dir(*out)); err != nil || !fi.IsDir() {
		return 0, fmt.Errorf("the folder %s does not exist: create it or choose another", filepath.Dir(*out))
	}
	// What can be checked without the passphrase is checked before it is asked for.
	st, err := c.openStore(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := st.Case(ctx, *caseName); err != nil {
		return 0, fmt.Errorf("%w (evidentia cases lists them)", err)
	}
	signer, err := c.unlockIdentity()
	if err != nil {
		return 0, err
	}
	c.noteNoTSA(*tsa)
	req := workflow.ExportRequest{
		Case: *caseName, CaptureIDs: ids, Lang: l, Operator: *operator, Unit: *unit, Recipient: *to, Out: *out,
		Signer: signer, TSA: *tsa, TSATimeout: *tsaTimeout,
	}
	res, err := c.session().Export(ctx, req)
	if res == nil {
		return 0, err
	}
	if err != nil {
		c.errorf("%v", err)
	}
	for _, id := range res.Skipped {
		c.errorf("note: capture %s is not sealed and was left out", safe(id))
	}
	if *asJSON {
		reports := []map[string]any{}
		for _, r := range res.Reports {
			reports = append(reports, map[string]any{"report_id": r.ID, "path": r.Path, "sha256": r.SHA256, "size": r.Size, "captures": r.Captures})
		}
		v := map[string]any{
			"bundle_id": res.BundleID, "path": res.Path, "sha256": res.SHA256, "size": res.Size, "files": res.Files,
			"captures": res.Captures, "skipped": res.Skipped, "reports": reports,
			"signer": res.Signer, "signer_certificate_sha256": res.SignerCertSHA256, "signer_trust": res.SignerTrust,
			"recipient": *to, "timestamp": nil,
		}
		if ts := res.Timestamp; ts != nil {
			v["timestamp"] = map[string]any{"time": ts.Time.UTC(), "authority": ts.Authority, "serial": ts.Serial, "trust": ts.Trust}
		}
		c.printJSON(v)
	} else {
		fmt.Fprintf(c.stdout, "bundle %s: %s (%d bytes, %d files, %d capture(s))\n", safe(res.BundleID), safe(res.Path), res.Size, res.Files, len(res.Captures))
		fmt.Fprintf(c.stdout, "  SHA-256 %s\n", safe(string(res.SHA256)))
		for _, r := range res.Reports {
			fmt.Fprintf(c.stdout, "  report %s: %s (%d capture(s))\n", safe(r.ID), safe(r.Path), len(r.Captures))
		}
		fmt.Fprintf(c.stdout, "  signed by %s (certificate %s on this computer)\n", safe(res.Signer), safe(string(res.SignerTrust)))
		fmt.Fprintf(c.stdout, "  signer's certificate %s\n", bundle.Fingerprint(string(res.SignerCertSHA256)))
		if ts := res.Timestamp; ts != nil {
			fmt.Fprintf(c.stdout, "  manifest timestamped %s by %s\n", localTime(ts.Time), safe(ts.Authority))
		} else {
			fmt.Fprintln(c.stdout, "  no timestamp: the signing time is this computer's own claim")
		}
		fmt.Fprintln(c.stdout, "  the handover is recorded in the custody log of each capture; VERIFY.txt inside explains how to check it")
		fmt.Fprintln(c.stdout, "  tell the recipient the bundle's SHA-256 and the certificate fingerprint above by another channel (telephone, official letter)")
	}
	if err != nil {
		return exitProblem, nil
	}
	return exitOK, nil
}

// isZipArg tells whether a verify argument names a ZIP file (an evidence bundle).
func isZipArg(s string) bool { return isFileOf(s, ".zip", "PK\x03\x04") }

// describeRoots says which roots a verification used, for its "roots:" line and its JSON
// "roots".
func describeRoots(r workflow.Roots) string {
	if r.Count == 0 {
		return "none given — only a self-made certificate can be recognised; use --ca ROOTS.pem (or signer_roots in the settings) to recognise an authority's"
	}
	n := "certificates"
	if r.Count == 1 {
		n = "certificate"
	}
	return fmt.Sprintf("%s (%d %s)", safe(rootsSource(r)), r.Count, n)
}

// rootsSource names where roots came from: "--ca FILE" or "signer_roots FILE (settings)"; ""
// when none were given.
func rootsSource(r workflow.Roots) string {
	if r.File == "" {
		return ""
	}
	if r.Source == "settings" {
		return "signer_roots " + r.File + " (settings)"
	}
	return "--ca " + r.File
}

// verifyBundle checks an evidence bundle offline.
func (c *cli) verifyBundle(ctx context.Context, path, caFile string, asJSON bool) (int, error) {
	roots, err := c.session().Roots(caFile)
	if err != nil {
		return 0, err
	}
	chk, err := c.session().VerifyBundle(ctx, path, roots)
	if err != nil {
		if errors.Is(err, safezip.ErrNotZip) || errors.Is(err, safezip.ErrUnsafe) || errors.Is(err, safezip.ErrTooLarge) {
			if asJSON {
				c.printJSON(map[string]any{"path": path, "valid": false, "verdict": "INVALID", "error": err.Error(), "problems": []any{}, "roots": describeRoots(roots)})
			} else {
				fmt.Fprintf(c.stdout, "%s: INVALID: %s\n", safe(path), safeProblem(err.Error()))
			}
			return exitProblem, nil
		}
		return 0, err
	}
	if asJSON {
		v := bundleJSON(chk)
		v["roots"] = describeRoots(roots)
		c.printJSON(v)
	} else {
		c.printBundle(chk, roots)
	}
	if !chk.OK() {
		return exitProblem, nil
	}
	return exitOK, nil
}

func bundleVerdict(chk *workflow.BundleCheck) string {
	if !chk.OK() {
		return fmt.Sprintf("INVALID: %d problem(s)", len(chk.Problems))
	}
	if chk.Bundle != nil && chk.Bundle.SignerTrust == signature.TrustSelfSigned {
		return "VALID (self-made certificate: nothing was changed since it was signed, but the signer's identity is not proven by an authority)"
	}
	return "VALID"
}

// printBundle prints what verifying a bundle found: the file, what it holds and who signed it,
// the roots used, every problem, and last the verdict (the exit code agrees with it). Every
// value from the bundle is escaped and capped (safe).
func (c *cli) printBundle(chk *workflow.BundleCheck, roots workflow.Roots) {
	w := c.stdout
	fmt.Fprintf(w, "%s\n", safe(chk.Path))
	fmt.Fprintf(w, "  file SHA-256 %s (%d bytes)\n", chk.SHA256, chk.Size)
	if b := chk.Bundle; b != nil {
		if m := b.Manifest; m != nil {
			fmt.Fprintf(w, "  bundle %s, case \"%s\", %d capture(s), %d files checked\n", safe(m.BundleID), safe(caseName(m)), len(m.Captures), b.Files)
		}
		if b.Signer != nil {
			fmt.Fprintf(w, "  manifest signed by %s (certificate %s: %s)\n", safe(b.Signer.Subject.String()), safe(string(b.SignerTrust)), safe(b.TrustDetail))
			fmt.Fprintf(w, "  signer's certificate %s\n", bundle.Fingerprint(string(evidence.SumBytes(b.Signer.Raw))))
			fmt.Fprintln(w, "    (compare it with the fingerprint the sender gave you by another channel)")
		}
		if ts := b.Timestamp; ts != nil {
			fmt.Fprintf(w, "  manifest timestamped %s (UTC %s) by %s (authority %s)\n", localTime(ts.Time), ts.Time.UTC().Format(time.RFC3339), safe(ts.Authority), safe(string(ts.Trust)))
			if ts.Trust != signature.TrustTrusted {
				fmt.Fprintln(w, "  note: the timestamp authority is not trusted here: its time is not relied on (give its root with --ca)")
			}
		} else if b.Signed {
			fmt.Fprintln(w, "  note: no timestamp: the signing time is the signer's own claim")
		}
	}
	for _, r := range chk.Reports {
		for _, s := range r.Signature.Signatures {
			who := ""
			if s.Signer != nil {
				who = s.Signer.Subject.String()
			}
			fmt.Fprintf(w, "  %s signed by %s (%s), valid: %s\n", safe(r.Path), safe(who), safe(string(s.Trust)), yesNo(s.Valid()))
		}
	}
	if z := chk.WACZ; z != nil {
		fmt.Fprintf(w, "  web archive: %d files, %d WARC records, %d pages, signature: %s\n", z.Files, z.Records, z.Pages, waczSignatureState(z))
	}
	if chk.InStore > 0 {
		fmt.Fprintf(w, "  %d capture(s) match this computer's store\n", chk.InStore)
	}
	for _, e := range chk.Recorded {
		fmt.Fprintf(w, "  handover recorded in the custody log: #%d %s by %s (capture %s)\n", e.Seq, localTime(e.At), safe(e.Actor), safe(e.CaptureID))
	}
	fmt.Fprintf(w, "  roots: %s\n", describeRoots(roots))
	for _, p := range chk.Problems {
		if p.Path != "" {
			fmt.Fprintf(w, "  PROBLEM %s: %s\n", safe(p.Path), safeProblem(p.Err.Error()))
		} else {
			fmt.Fprintf(w, "  PROBLEM %s\n", safeProblem(p.Err.Error()))
		}
	}
	fmt.Fprintf(w, "%s: %s\n", safe(chk.Path), bundleVerdict(chk))
}

// waczSignatureFailed reports whether a web archive is signed but its signature does not hold
// (wacz.Report.SignatureValid is false: it does not verify, its certificate is not trusted or
// was not valid when it signed, or its timestamp is broken), or the signed digest file is
// itself unusable.
func waczSignatureFailed(z *wacz.Report) bool {
	if z.Signed && !z.SignatureValid {
		return true
	}
	for _, p := range z.Problems {
		for _, e := range []error{wacz.ErrSignature, wacz.ErrUntrusted, wacz.ErrCertTime, wacz.ErrDigestFile} {
			if errors.Is(p.Err, e) {
				return true
			}
		}
	}
	return false
}

// waczSignatureState is what a web archive's signature came to, in words: "FAILED", "none"
// or "valid".
func waczSignatureState(z *wacz.Report) string {
	switch {
	case waczSignatureFailed(z):
		return "FAILED"
	case !z.Signed:
		return "none"
	}
	return "valid"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func bundleJSON(chk *workflow.BundleCheck) map[string]any {
	probs := []map[string]any{}
	for _, p := range chk.Problems {
		probs = append(probs, map[string]any{"path": p.Path, "error": p.Err.Error()})
	}
	v := map[string]any{"path": chk.Path, "sha256": chk.SHA256, "size": chk.Size, "valid": chk.OK(), "verdict": bundleVerdict(chk),
		"problems": probs, "in_store": chk.InStore, "bundle": nil, "archive": nil}
	if b := chk.Bundle; b != nil {
		bm := map[string]any{"files": b.Files, "signed": b.Signed, "signer_trust": b.SignerTrust, "trust_detail": b.TrustDetail, "signer": nil, "timestamp": nil}
		if m := b.Manifest; m != nil {
			bm["bundle_id"], bm["case"], bm["captures"], bm["created"] = m.BundleID, caseName(m), len(m.Captures), m.Created
		}
		if b.Signer != nil {
			bm["signer"] = b.Signer.Subject.String()
			bm["signer_certificate_sha256"] = evidence.SumBytes(b.Signer.Raw)
		}
		if ts := b.Timestamp; ts != nil {
			bm["timestamp"] = map[string]any{"time": ts.Time.UTC(), "authority": ts.Authority, "serial": ts.Serial, "trust": ts.Trust}
		}
		v["bundle"] = bm
	}
	reports := []map[string]any{}
	for _, r := range chk.Reports {
		reports = append(reports, map[string]any{"path": r.Path, "valid": r.Signature.Err() == nil, "signatures": len(r.Signature.Signatures)})
	}
	v["reports"] = reports
	if z := chk.WACZ; z != nil {
		v["archive"] = map[string]any{"valid": z.OK(), "files": z.Files, "records": z.Records, "pages": z.Pages, "signed": z.Signed,
			"signature": waczSignatureState(z)}
	}
	recorded := []map[string]any{}
	for _, e := range chk.Recorded {
		recorded = append(recorded, map[string]any{"seq": e.Seq, "at": e.At.UTC(), "actor": e.Actor, "capture_id": e.CaptureID})
	}
	v["recorded"] = recorded
	return v
}

func caseName(m *bundle.Manifest) string {
	if m.Case == nil {
		return ""
	}
	return m.Case.Name
}

// verifyWACZ checks a WACZ web archive on its own (one taken out of a bundle, or from
// elsewhere): its datapackage, its signature and timestamp, and every WARC record's digests.
// The text output ends with the verdict, after every note and problem; a signature that fails
// is said to ("signature: FAILED") and its signer is shown as a claim, never as trusted.
func (c *cli) verifyWACZ(ctx context.Context, path, caFile string, asJSON bool) (int, error) {
	roots, err := c.session().Roots(caFile)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	rep, err := wacz.Verify(ctx, f, fi.Size(), wacz.VerifyOptions{Roots: roots.Pool, RootsSource: rootsSource(roots)})
	if err != nil {
		if asJSON {
			c.printJSON(map[string]any{"path": path, "valid": false, "verdict": "INVALID", "error": err.Error(), "problems": []any{}, "roots": describeRoots(roots)})
		} else {
			fmt.Fprintf(c.stdout, "%s: INVALID: %s\n", safe(path), safeProblem(err.Error()))
		}
		return exitProblem, nil
	}
	probs := []map[string]any{}
	for _, p := range rep.Problems {
		probs = append(probs, map[string]any{"path": p.Path, "error": p.Err.Error()})
	}
	failed := waczSignatureFailed(rep)
	valid := rep.OK()
	verdict := "VALID"
	switch {
	case !rep.OK():
		verdict = fmt.Sprintf("INVALID: %d problem(s)", len(rep.Problems))
	case !rep.Signed || rep.Signer == nil:
		// Hashes anyone can recompute, or a signature by a bare key the file itself supplies,
		// prove nothing about the archive: whoever changed it could have made them.
		valid, verdict = false, "INVALID: not signed with a certificate (its hashes, and a signature by a bare key the file supplies, prove nothing: whoever changed the archive could have made them)"
	case rep.SignerTrust != signature.TrustTrusted && rep.SignerTrust != signature.TrustSelfSigned:
		valid, verdict = false, "INVALID: the signer is not trusted ("+safeProblem(rep.SignerTrustDetail)+")"
	case rep.SignerTrust == signature.TrustSelfSigned:
		verdict = "VALID (self-made certificate: nothing was changed since it was signed, but the signer's identity is not proven by an authority)"
	}
	if asJSON {
		v := map[string]any{"path": path, "valid": valid, "verdict": verdict, "files": rep.Files, "records": rep.Records, "pages": rep.Pages,
			"signed": rep.Signed, "signature": waczSignatureState(rep), "signer_trust": rep.SignerTrust, "notes": rep.Notes, "problems": probs,
			"signer": nil, "roots": describeRoots(roots)}
		if failed {
			v["signer_trust"] = nil
		}
		if rep.Signer != nil {
			v["signer"] = rep.Signer.Subject.String()
			v["signer_certificate_sha256"] = evidence.SumBytes(rep.Signer.Raw)
		}
		c.printJSON(v)
	} else {
		w := c.stdout
		fmt.Fprintf(w, "%s\n  web archive: %d files, %d WARC records, %d pages\n", safe(path), rep.Files, rep.Records, rep.Pages)
		switch {
		case failed:
			fmt.Fprintln(w, "  signature: FAILED (nothing below about the signer is proven)")
		case rep.Signed:
			fmt.Fprintln(w, "  signature: valid")
		default:
			fmt.Fprintln(w, "  signature: none")
		}
		if rep.Signer != nil {
			if failed {
				fmt.Fprintf(w, "  claims to be signed by %s\n", safe(rep.Signer.Subject.String()))
			} else {
				fmt.Fprintf(w, "  signed by %s (certificate %s)\n", safe(rep.Signer.Subject.String()), safe(string(rep.SignerTrust)))
			}
			fmt.Fprintf(w, "  signer's certificate %s\n", bundle.Fingerprint(string(evidence.SumBytes(rep.Signer.Raw))))
		}
		if ts := rep.Timestamp; ts != nil {
			trust := "authority " + safe(string(ts.Trust))
			if failed {
				trust = "of a signature that failed"
			}
			fmt.Fprintf(w, "  timestamped %s by %s (%s)\n", localTime(ts.Time), safe(ts.Authority), trust)
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(w, "  note: %s\n", safeProblem(n))
		}
		fmt.Fprintf(w, "  roots: %s\n", describeRoots(roots))
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  PROBLEM %s: %s\n", safe(p.Path), safeProblem(p.Err.Error()))
		}
		fmt.Fprintf(w, "%s: %s\n", safe(path), verdict)
	}
	if !valid {
		return exitProblem, nil
	}
	return exitOK, nil
}
