package main

import (
	"context"
	"crypto/x509"
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
	"evidentia/store"
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
	if *tsa == "" {
		*tsa = c.settings().TSA
	}
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
	defer st.Close()
	if _, err := st.Case(ctx, *caseName); err != nil {
		return 0, fmt.Errorf("%w (evidentia cases lists them)", err)
	}
	id, err := c.unlockIdentity()
	if err != nil {
		return 0, err
	}
	if *tsa == "" {
		c.errorf("note: no timestamp authority (--tsa, EVIDENTIA_TSA or the settings): the signing time will be this computer's own claim")
	}
	req := workflow.ExportRequest{
		Case: *caseName, CaptureIDs: ids, Lang: l, Operator: *operator, Unit: *unit, Recipient: *to, Out: *out,
		Signer: &signature.Signer{Certificate: id.Certificate, Chain: id.Chain, Key: id.Key},
		TSA:    *tsa, TSATimeout: *tsaTimeout,
	}
	res, err := workflow.Export(ctx, st, req)
	if res == nil {
		return 0, err
	}
	if err != nil {
		c.errorf("%v", err)
	}
	for _, id := range res.Skipped {
		c.errorf("note: capture %s is not sealed and was left out", id)
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
		fmt.Fprintf(c.stdout, "bundle %s: %s (%d bytes, %d files, %d capture(s))\n", res.BundleID, res.Path, res.Size, res.Files, len(res.Captures))
		fmt.Fprintf(c.stdout, "  SHA-256 %s\n", res.SHA256)
		for _, r := range res.Reports {
			fmt.Fprintf(c.stdout, "  report %s: %s (%d capture(s))\n", r.ID, r.Path, len(r.Captures))
		}
		fmt.Fprintf(c.stdout, "  signed by %s (certificate %s on this computer)\n", res.Signer, res.SignerTrust)
		fmt.Fprintf(c.stdout, "  signer's certificate %s\n", bundle.Fingerprint(string(res.SignerCertSHA256)))
		if ts := res.Timestamp; ts != nil {
			fmt.Fprintf(c.stdout, "  manifest timestamped %s by %s\n", localTime(ts.Time), ts.Authority)
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

// loadRoots reads extra trusted roots (added to the system's) from a PEM file; "" = none.
func loadRoots(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return roots, nil
}

// verifyBundle checks an evidence bundle offline.
func (c *cli) verifyBundle(ctx context.Context, path, caFile string, asJSON bool) (int, error) {
	roots, err := loadRoots(caFile)
	if err != nil {
		return 0, err
	}
	var st *store.Store
	dir := store.ResolveDir(c.dataDir)
	if _, err := os.Stat(dir); err == nil {
		if st, err = store.Open(ctx, dir); err != nil {
			return 0, err
		}
		defer st.Close()
	}
	chk, err := workflow.VerifyBundle(ctx, st, path, roots)
	if err != nil {
		if errors.Is(err, safezip.ErrNotZip) || errors.Is(err, safezip.ErrUnsafe) || errors.Is(err, safezip.ErrTooLarge) {
			if asJSON {
				c.printJSON(map[string]any{"path": path, "valid": false, "verdict": "INVALID", "error": err.Error(), "problems": []any{}})
			} else {
				c.errorf("%s: INVALID: %v", path, err)
			}
			return exitProblem, nil
		}
		return 0, err
	}
	if asJSON {
		c.printJSON(bundleJSON(chk))
	} else {
		c.printBundle(chk)
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

func (c *cli) printBundle(chk *workflow.BundleCheck) {
	w := c.stdout
	fmt.Fprintf(w, "%s: %s\n", chk.Path, bundleVerdict(chk))
	fmt.Fprintf(w, "  file SHA-256 %s (%d bytes)\n", chk.SHA256, chk.Size)
	if b := chk.Bundle; b != nil {
		if m := b.Manifest; m != nil {
			fmt.Fprintf(w, "  bundle %s, case %q, %d capture(s), %d files checked\n", m.BundleID, caseName(m), len(m.Captures), b.Files)
		}
		if b.Signer != nil {
			fmt.Fprintf(w, "  manifest signed by %s (certificate %s: %s)\n", b.Signer.Subject, b.SignerTrust, b.TrustDetail)
			fmt.Fprintf(w, "  signer's certificate %s\n", bundle.Fingerprint(string(evidence.SumBytes(b.Signer.Raw))))
			fmt.Fprintln(w, "    (compare it with the fingerprint the sender gave you by another channel)")
		}
		if ts := b.Timestamp; ts != nil {
			fmt.Fprintf(w, "  manifest timestamped %s (UTC %s) by %s (authority %s)\n", localTime(ts.Time), ts.Time.UTC().Format(time.RFC3339), ts.Authority, ts.Trust)
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
			fmt.Fprintf(w, "  %s signed by %s (%s), valid: %s\n", r.Path, who, s.Trust, yesNo(s.Valid()))
		}
	}
	if z := chk.WACZ; z != nil {
		fmt.Fprintf(w, "  web archive: %d files, %d WARC records, %d pages, signed: %s\n", z.Files, z.Records, z.Pages, yesNo(z.Signed))
	}
	if chk.InStore > 0 {
		fmt.Fprintf(w, "  %d capture(s) match this computer's store\n", chk.InStore)
	}
	for _, e := range chk.Recorded {
		fmt.Fprintf(w, "  handover recorded in the custody log: #%d %s by %s (capture %s)\n", e.Seq, localTime(e.At), e.Actor, e.CaptureID)
	}
	for _, p := range chk.Problems {
		if p.Path != "" {
			fmt.Fprintf(w, "  PROBLEM %s: %v\n", p.Path, p.Err)
		} else {
			fmt.Fprintf(w, "  PROBLEM %v\n", p.Err)
		}
	}
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
		v["archive"] = map[string]any{"valid": z.OK(), "files": z.Files, "records": z.Records, "pages": z.Pages, "signed": z.Signed}
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
func (c *cli) verifyWACZ(ctx context.Context, path, caFile string, asJSON bool) (int, error) {
	roots, err := loadRoots(caFile)
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
	rep, err := wacz.Verify(ctx, f, fi.Size(), wacz.VerifyOptions{Roots: roots})
	if err != nil {
		if asJSON {
			c.printJSON(map[string]any{"path": path, "valid": false, "error": err.Error(), "problems": []any{}})
		} else {
			c.errorf("%s: INVALID: %v", path, err)
		}
		return exitProblem, nil
	}
	probs := []map[string]any{}
	for _, p := range rep.Problems {
		probs = append(probs, map[string]any{"path": p.Path, "error": p.Err.Error()})
	}
	if asJSON {
		v := map[string]any{"path": path, "valid": rep.OK(), "files": rep.Files, "records": rep.Records, "pages": rep.Pages,
			"signed": rep.Signed, "signer_trust": rep.SignerTrust, "notes": rep.Notes, "problems": probs, "signer": nil}
		if rep.Signer != nil {
			v["signer"] = rep.Signer.Subject.String()
			v["signer_certificate_sha256"] = evidence.SumBytes(rep.Signer.Raw)
		}
		c.printJSON(v)
	} else {
		verdict := "VALID"
		if !rep.OK() {
			verdict = fmt.Sprintf("INVALID: %d problem(s)", len(rep.Problems))
		}
		fmt.Fprintf(c.stdout, "%s: %s\n  web archive: %d files, %d WARC records, %d pages, signed: %s\n", path, verdict, rep.Files, rep.Records, rep.Pages, yesNo(rep.Signed))
		if rep.Signer != nil {
			fmt.Fprintf(c.stdout, "  signed by %s (certificate %s), certificate SHA-256 %s\n", rep.Signer.Subject, rep.SignerTrust, evidence.SumBytes(rep.Signer.Raw))
		}
		if ts := rep.Timestamp; ts != nil {
			fmt.Fprintf(c.stdout, "  timestamped %s by %s (authority %s)\n", localTime(ts.Time), ts.Authority, ts.Trust)
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(c.stdout, "  note: %s\n", n)
		}
		for _, p := range probs {
			fmt.Fprintf(c.stdout, "  PROBLEM %s: %s\n", p["path"], p["error"])
		}
	}
	if !rep.OK() {
		return exitProblem, nil
	}
	return exitOK, nil
}
