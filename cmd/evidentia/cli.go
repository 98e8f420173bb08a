package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"evidentia/capture"
	"evidentia/evidence"
	"evidentia/pagemeta"
	"evidentia/settings"
	"evidentia/store"
	"evidentia/textsafe"
	"evidentia/workflow"
)

type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dataDir        string
	chrome         string

	prefsOnce sync.Once
	prefs     settings.Settings // the settings file, loaded once (see settings)

	sessOnce sync.Once
	sess     *workflow.Session // built on first use (see session), closed by main
}

const usageText = `usage:
  evidentia [--data DIR] [--chrome PATH] capture [--case NAME] [--operator NAME] [--unit NAME] [--timeout 60s] [--parallel 2] [--json] URL...
  evidentia [--data DIR] cases [--json]
  evidentia [--data DIR] cases create|edit|close|reopen NAME [--number N] [--description D] [--law ARTICLE] [--rename NEW] [--operator NAME]
  evidentia [--data DIR] annotate ID [--tag TAG]... [--operator NAME] NOTE...
  evidentia [--data DIR] list [--case NAME] [--json]
  evidentia [--data DIR] show ID [--json]
  evidentia [--data DIR] verify [--json] [--case NAME | ID...]
  evidentia [--data DIR] verify [--json] [--ca ROOTS.pem] FILE.pdf|FILE.zip|FILE.wacz
  evidentia [--data DIR] report --case NAME [--capture ID]... --out FILE.pdf [--lang ko|en] [--sign] [--tsa URL] [--operator NAME] [--unit NAME] [--json]
  evidentia [--data DIR] export --case NAME [--capture ID]... --out FILE.zip [--to RECIPIENT] [--lang ko|en] [--tsa URL] [--operator NAME] [--unit NAME] [--json]
  evidentia [--data DIR] identity create --name NAME --org ORG [--email ADDRESS] [--replace] [--json]
  evidentia [--data DIR] identity import FILE.p12 [--replace] [--json]
  evidentia [--data DIR] identity show [--json]
  evidentia version

Every preference follows one rule, shared with the desktop app: the option given, else the
environment variable, else the settings file, else the default.
Data folder: --data, else EVIDENTIA_DATA, else data_dir in the settings, else the per-user default.
Browser: --chrome, else EVIDENTIA_CHROME, else chrome in the settings, else Chrome, Edge or
Chromium where installed.
Language of a report: --lang, else lang in the settings, else the system's (Korean unless it
names another language).
Limits: --timeout (5s to 10m) and --parallel (1 to 8), else the settings (default 60s and 2).
Timestamp authority: --tsa, else EVIDENTIA_TSA, else the settings file (when signing);
--tsa none signs without a timestamp.
An export is always signed with the signing identity (see identity create|import).
Operator and unit: --operator and --unit, else EVIDENTIA_OPERATOR and EVIDENTIA_UNIT, else the
settings file, else (operator) the name of the user logged in.
Settings file: EVIDENTIA_SETTINGS, else settings.json in the user's Evidentia configuration folder
(shared with the desktop app; a damaged file is reported and the defaults are used).
Signing identity passphrase: EVIDENTIA_PASSPHRASE, else asked on the terminal (EVIDENTIA_P12_PASSWORD for a .p12).
Signer roots for verify: --ca, else signer_roots in the settings file, else none (only a self-made
certificate is then recognised); the computer's web roots are never used.
`

// usageError marks an error in the command line itself (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errorf writes one diagnostic on stderr, prefixed "evidentia: ". The message is escaped by
// textsafe.Block (an error may quote a file name, a page's address or a certificate's subject):
// line breaks stay, every other unsafe character is shown escaped.
func (c *cli) errorf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "evidentia: %s\n", textsafe.Block(fmt.Sprintf(format, args...), textsafe.MaxBlock))
}

// maxShown caps, in characters, an untrusted value printed in text output (titles are capped
// shorter by oneLine; problems take textsafe.MaxLine).
const maxShown = 500

// safe returns an untrusted value (from a page, a certificate, a PDF, a bundle, the store) for
// one line of text output: every unsafe character escaped (textsafe.Line) and capped at
// maxShown characters.
func safe(s string) string { return textsafe.Line(s, maxShown) }

// safeProblem returns the text of a problem for one line of output: escaped, capped at
// textsafe.MaxLine characters.
func safeProblem(s string) string { return textsafe.Line(s, textsafe.MaxLine) }

func (c *cli) main(ctx context.Context, args []string) int {
	global := flag.NewFlagSet("evidentia", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.dataDir, "data", "", "data folder")
	global.StringVar(&c.chrome, "chrome", "", "browser executable")
	help := global.Bool("help", false, "")
	if err := global.Parse(args); err != nil {
		return c.usage(err.Error())
	}
	rest := global.Args()
	if *help || len(rest) == 0 {
		if *help {
			fmt.Fprint(c.stdout, usageText)
			return exitOK
		}
		return c.usage("no command given")
	}
	cmd, cmdArgs := rest[0], rest[1:]
	var err error
	var code int
	switch cmd {
	case "capture":
		code, err = c.capture(ctx, cmdArgs)
	case "cases":
		if len(cmdArgs) > 0 && (cmdArgs[0] == "create" || cmdArgs[0] == "edit" || cmdArgs[0] == "close" || cmdArgs[0] == "reopen") {
			code, err = c.caseCommand(ctx, cmdArgs[0], cmdArgs[1:])
		} else {
			code, err = c.cases(ctx, cmdArgs)
		}
	case "annotate":
		code, err = c.annotate(ctx, cmdArgs)
	case "list":
		code, err = c.list(ctx, cmdArgs)
	case "show":
		code, err = c.show(ctx, cmdArgs)
	case "verify":
		code, err = c.verify(ctx, cmdArgs)
	case "identity":
		code, err = c.identity(ctx, cmdArgs)
	case "report":
		code, err = c.report(ctx, cmdArgs)
	case "export":
		code, err = c.export(ctx, cmdArgs)
	case "version":
		fmt.Fprintf(c.stdout, "evidentia %s\n", workflow.Version)
		return exitOK
	case "help":
		fmt.Fprint(c.stdout, usageText)
		return exitOK
	default:
		return c.usage(fmt.Sprintf("unknown command %q", cmd))
	}
	var ue usageError
	if errors.As(err, &ue) {
		return c.usage(ue.msg)
	}
	if err != nil {
		c.errorf("%v", err)
		return exitProblem
	}
	return code
}

func (c *cli) usage(msg string) int {
	c.errorf("%s", msg)
	fmt.Fprint(c.stderr, usageText)
	return exitUsage
}

// parse parses flags that may stand before, between or after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			msg := strings.Replace(err.Error(), " -", " --", 1)
			if strings.Contains(msg, "--timeout") {
				msg += " (give a unit, for example 60s or 2m)"
			}
			return nil, usageError{fmt.Sprintf("%s: %s", fs.Name(), msg)}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// session returns the application session of this run, built on first use from the settings
// file, --data and --chrome, exactly as the desktop app builds its own: every rule about who
// acts, the limits, the browser, the signing identity and the roots is the Session's.
func (c *cli) session() *workflow.Session {
	c.sessOnce.Do(func() {
		c.sess = workflow.NewSession(workflow.SessionConfig{Settings: c.settings(), DataDir: c.dataDir, Chrome: c.chrome})
	})
	return c.sess
}

// dataFolder is the data folder of this run, the session's (for the crash log, after a
// panic: should building the session fail too, the --data or default folder).
func (c *cli) dataFolder() (dir string) {
	defer func() {
		if recover() != nil {
			dir = store.ResolveDir(c.dataDir)
		}
	}()
	return c.session().Dir()
}

// closeSession stops the browser and closes the store, if the command used them.
func (c *cli) closeSession() {
	if c.sess != nil {
		if err := c.sess.Close(); err != nil {
			c.errorf("closing the data folder: %v", err)
		}
	}
}

// openStore returns the session's store (opened, and created, on first use; closed by main).
func (c *cli) openStore(ctx context.Context) (*store.Store, error) {
	return c.session().Store(ctx)
}

// settings returns the settings file, loaded once (settings.Load: the fields it leaves out
// hold their defaults). A file that cannot be used (damaged, or holding values out of range) is
// reported on stderr as a note, and the defaults are used instead of what is wrong: it never
// stops a command.
func (c *cli) settings() settings.Settings {
	c.prefsOnce.Do(func() {
		s, err := settings.Load(settings.DefaultPath())
		switch {
		case errors.Is(err, settings.ErrCorrupt):
			c.errorf("note: %v (the defaults are used)", err)
		case err != nil:
			c.errorf("note: %v", err)
		}
		c.prefs = s
	})
	return c.prefs
}

// operator returns who acts when --operator is not given (workflow.Session.Operator).
func (c *cli) operator() string { return c.session().Operator("") }

// unit returns the operator's unit when --unit is not given (workflow.Session.Unit).
func (c *cli) unit() string { return c.session().Unit("") }

// captureJSON is the line printed per URL by capture --json; the contract other tools rely on.
type captureJSON struct {
	ID         string            `json:"id"`
	URL        string            `json:"url"`
	Input      string            `json:"input,omitempty"`
	FinalURL   string            `json:"final_url"`
	Case       string            `json:"case"`
	Status     string            `json:"status"`
	Error      string            `json:"error"`
	HTTPStatus int               `json:"http_status"`
	Title      string            `json:"title"`
	Metadata   evidence.Metadata `json:"metadata"`
	// Completeness is the verdict on what the capture holds; null for a capture made before
	// Evidentia judged it, or never begun.
	Completeness   *evidence.Completeness `json:"completeness"`
	Artifacts      []artifactJSON         `json:"artifacts"`
	ManifestSHA256 string                 `json:"manifest_sha256"`
	StartedAt      *time.Time             `json:"started_at"`
	FinishedAt     *time.Time             `json:"finished_at"`
}

type artifactJSON struct {
	Name      string `json:"name"`
	Path      string `json:"path"`
	MediaType string `json:"media_type"`
	Role      string `json:"role"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
}

func recordJSON(r *store.Record) captureJSON {
	out := captureJSON{
		ID: r.ID, URL: r.URL, FinalURL: r.FinalURL, Case: r.Case, Status: string(r.Status),
		HTTPStatus: r.HTTPStatus, Title: r.Title, ManifestSHA256: string(r.ManifestSHA256),
		Artifacts: []artifactJSON{},
	}
	if r.Status != evidence.StatusComplete {
		out.Error = r.Reason
	}
	if !r.StartedAt.IsZero() {
		t := r.StartedAt.UTC()
		out.StartedAt = &t
	}
	if !r.FinishedAt.IsZero() {
		t := r.FinishedAt.UTC()
		out.FinishedAt = &t
	}
	if r.Manifest != nil {
		out.Metadata = r.Manifest.Facts.Metadata
		out.Completeness = r.Manifest.Facts.Completeness
	}
	for _, a := range r.Artifacts {
		out.Artifacts = append(out.Artifacts, artifactJSON{
			Name: a.Name, Path: a.Path, MediaType: a.MediaType, Role: a.Role, Size: a.Size, SHA256: string(a.SHA256)})
	}
	return out
}

// printJSON writes v as one line of JSON on stdout. Every character textsafe refuses to show
// raw (which encoding/json writes as is when it is valid UTF-8: C1 controls, bidi controls,
// zero-width characters) is written as a JSON \u escape instead (a surrogate pair above
// U+FFFF), so that the line decodes to the very same value and no such character reaches the
// terminal. encoding/json already escapes C0 controls and replaces invalid UTF-8 with U+FFFD.
func (c *cli) printJSON(v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.errorf("encoding the JSON output: %v", err)
		return
	}
	_, _ = c.stdout.Write(jsonSafe(buf.Bytes()))
}

// jsonSafe returns the encoded JSON b with every rune textsafe.Unsafe reports (but the final
// line break) written as a \u escape. Such runes can only stand inside JSON strings (the
// grammar's own characters are plain ASCII), where the escape decodes to the same rune.
func jsonSafe(b []byte) []byte {
	body := bytes.TrimSuffix(b, []byte("\n"))
	if textsafe.Clean(string(body)) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for _, r := range string(body) {
		if !textsafe.Unsafe(r) {
			out = utf8.AppendRune(out, r)
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	if len(body) < len(b) {
		out = append(out, '\n')
	}
	return out
}

func (c *cli) capture(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	caseName := fs.String("case", workflow.DefaultCase, "case name")
	operator := fs.String("operator", "", "operator name (default: EVIDENTIA_OPERATOR, the settings, the user)")
	unit := fs.String("unit", "", "operator's unit (default: EVIDENTIA_UNIT, the settings)")
	timeout := fs.Duration("timeout", 0, "time limit of one capture (default: the settings, 60s)")
	parallel := fs.Int("parallel", 0, "captures at once (default: the settings, 2)")
	asJSON := fs.Bool("json", false, "one JSON object per URL")
	urls, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(urls) == 0 {
		return 0, usageError{"capture: give at least one URL"}
	}
	if strings.TrimSpace(*caseName) == "" {
		return 0, usageError{"capture: --case must not be empty"}
	}
	sess := c.session()
	var givenTimeout *time.Duration
	var givenParallel *int
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "timeout":
			givenTimeout = timeout
		case "parallel":
			givenParallel = parallel
		}
	})
	lim, err := sess.Limits(givenTimeout, givenParallel)
	if err != nil {
		return 0, usageError{"capture: " + strings.TrimPrefix(err.Error(), workflow.ErrBadLimit.Error()+": ")}
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return 0, err
	}
	// The browser outlives Ctrl+C, so that the captures under way end cleanly (sealed as
	// cancelled) before main closes it.
	if _, err := sess.StartBrowser(lim.Timeout); err != nil {
		c.errorf("%v", err)
		c.errorf("install Chrome, Edge or Chromium, or give its path with --chrome PATH or EVIDENTIA_CHROME")
		if !*asJSON {
			return exitProblem, nil
		}
	}

	var mu sync.Mutex
	counts := map[string]int{}
	total := len(urls)
	progress := func(i int, u string, s capture.Stage) {
		if !*asJSON && s == capture.StageOpening {
			mu.Lock()
			fmt.Fprintf(c.stderr, "evidentia: [%d/%d] capturing %s\n", i+1, total, safe(u))
			mu.Unlock()
		}
	}
	done := func(o workflow.Outcome) {
		mu.Lock()
		defer mu.Unlock()
		var line captureJSON
		if o.Record != nil {
			line = recordJSON(o.Record)
			if o.Err != nil {
				line.Error = o.Err.Error()
			}
		} else {
			line = captureJSON{URL: o.URL, Status: string(evidence.StatusFailed), Artifacts: []artifactJSON{}, Case: *caseName}
			if o.Err != nil {
				line.Error = o.Err.Error()
			}
		}
		line.Input = o.Input
		switch {
		case o.Record == nil:
			counts["refused"]++ // never captured: bad address, no browser, cancelled first
		case line.Status == string(evidence.StatusComplete) && !line.Completeness.Whole():
			counts["not whole"]++ // every artifact written, but of a login wall, a deletion notice...
		default:
			counts[line.Status]++
		}
		if *asJSON {
			c.printJSON(line)
			return
		}
		shown := line.URL
		if shown == "" {
			shown = o.Input
		}
		status := line.Status
		switch {
		case o.Record == nil:
			status = "refused"
		case status == string(evidence.StatusComplete) && !line.Completeness.Whole():
			// Every artifact was written, of something that is not the posting: the line
			// says what it is, as the summary counts it, never "complete".
			status = safe(string(line.Completeness.Verdict))
		}
		fmt.Fprintf(c.stdout, "[%d/%d] %-8s %s\n", o.Index+1, total, status, safe(shown))
		if line.ID != "" {
			fmt.Fprintf(c.stdout, "        id %s  http %d  %s\n", safe(line.ID), line.HTTPStatus, oneLine(line.Title))
			fmt.Fprintf(c.stdout, "        manifest sha256 %s  (%d artifacts)\n", safe(line.ManifestSHA256), len(line.Artifacts))
		}
		if line.Error != "" {
			fmt.Fprintf(c.stdout, "        reason: %s\n", safeProblem(line.Error))
		}
		if v := line.Completeness; !v.Whole() {
			fmt.Fprintf(c.stdout, "        verdict: %s: %s\n", safe(string(v.Verdict)), v.Verdict.Text("en"))
			for _, r := range v.Reasons {
				fmt.Fprintf(c.stdout, "          - %s (%s)\n", r.Text("en"), safeProblem(r.Detail))
			}
		}
	}
	sess.Capture(ctx, workflow.CaptureRequest{
		URLs: urls, Case: *caseName, Operator: *operator, Unit: *unit, Parallel: lim.Parallel, Timeout: lim.Timeout,
	}, progress, done)

	if !*asJSON {
		fmt.Fprintf(c.stdout, "%d address(es): %d complete, %d not the whole posting (see verdict), %d partial, %d failed, %d not captured (case \"%s\", data %s)\n",
			total, counts["complete"], counts["not whole"], counts["partial"], counts["failed"], counts["refused"], safe(*caseName), safe(st.Dir()))
	}
	if counts["complete"] == total {
		return exitOK, nil
	}
	return exitProblem, nil
}

// completenessOf is the verdict of a capture's manifest (nil without one, or before verdicts).
func completenessOf(r *store.Record) *evidence.Completeness {
	if r.Manifest == nil {
		return nil
	}
	return r.Manifest.Facts.Completeness
}

// statedCount says the comment count a page states, or that it states none.
func statedCount(n int) string {
	if n == evidence.CommentsNotStated {
		return "no count"
	}
	return fmt.Sprint(n)
}

// localTime shows t in the workstation's time zone with its offset (JSON output stays UTC).
func localTime(t time.Time) string {
	return t.Local().Format("2006-01-02 15:04:05 -07:00")
}

// oneLine returns an untrusted title for a short line: runs of white space made one space,
// every unsafe character escaped (textsafe.Line), cut after 80 characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return textsafe.Line(s, 0)
}

func (c *cli) cases(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("cases", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON lines")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usageError{"cases: takes no arguments"}
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return 0, err
	}
	cs, err := st.Cases(ctx)
	if err != nil {
		return 0, err
	}
	for _, k := range cs {
		if *asJSON {
			c.printJSON(map[string]any{"name": k.Name, "number": k.Number, "description": k.Description,
				"law_article": k.LawArticle, "created_at": k.CreatedAt.UTC(), "closed": k.Closed, "captures": k.Captures})
			continue
		}
		fmt.Fprintf(c.stdout, "%s\t%d capture(s)\tcreated %s\n", safe(k.Name), k.Captures, localTime(k.CreatedAt))
	}
	if len(cs) == 0 && !*asJSON {
		fmt.Fprintln(c.stderr, "evidentia: no cases yet")
	}
	return exitOK, nil
}

func (c *cli) list(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	caseName := fs.String("case", "", "only this case")
	asJSON := fs.Bool("json", false, "JSON lines")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usageError{"list: takes no arguments"}
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return 0, err
	}
	recs, err := st.Captures(ctx, *caseName)
	if errors.Is(err, store.ErrNotFound) && *caseName != "" {
		return 0, fmt.Errorf("there is no case named %q (evidentia cases lists them)", *caseName)
	}
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 && !*asJSON {
		fmt.Fprintln(c.stderr, "evidentia: no captures yet")
	}
	for i := range recs {
		r := &recs[i]
		if *asJSON {
			c.printJSON(recordJSON(r))
			continue
		}
		fmt.Fprintf(c.stdout, "%s  %-11s %s  %s  %s  %s\n", safe(r.ID), safe(string(r.Status)), localTime(r.StartedAt), safe(r.Case), safe(r.URL), oneLine(r.Title))
	}
	return exitOK, nil
}

func (c *cli) show(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, usageError{"show: give one capture ID"}
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return 0, err
	}
	r, err := st.Capture(ctx, pos[0])
	if err != nil {
		return 0, err
	}
	events, err := st.Custody(ctx, r.ID)
	if err != nil {
		return 0, err
	}
	if *asJSON {
		out := struct {
			captureJSON
			Reason  string             `json:"reason"`
			Facts   *evidence.Facts    `json:"facts,omitempty"`
			Custody []store.Event      `json:"custody"`
			Manif   *evidence.Manifest `json:"-"`
		}{captureJSON: recordJSON(r), Reason: r.Reason, Custody: events}
		if r.Manifest != nil {
			out.Facts = &r.Manifest.Facts
		}
		c.printJSON(out)
		return exitOK, nil
	}
	w := c.stdout
	// What Evidentia observed first; what the page says about itself apart, under
	// pagemeta.ClaimsLabel. Every value that came from the page, its server or its certificate
	// is escaped and capped (textsafe.Line).
	one := func(s string) string { return textsafe.Line(s, pagemeta.MaxURL) }
	fmt.Fprintf(w, "Capture    %s\nCase       %s\nStatus     %s\n", r.ID, one(r.Case), r.Status)
	if r.Reason != "" {
		fmt.Fprintf(w, "Reason     %s\n", one(r.Reason))
	}
	switch v := completenessOf(r); {
	case v == nil:
		fmt.Fprintln(w, "Verdict    not judged (captured before Evidentia judged completeness)")
	default:
		fmt.Fprintf(w, "Verdict    %s: %s\n", one(string(v.Verdict)), v.Verdict.Text("en"))
		for _, rs := range v.Reasons {
			fmt.Fprintf(w, "           - %s (%s)\n", rs.Text("en"), safeProblem(rs.Detail))
		}
		if cc := v.Comments; cc != nil {
			fmt.Fprintf(w, "           comments: %d captured, the page states %s\n", cc.Captured, statedCount(cc.Expected))
		}
	}
	fmt.Fprintf(w, "URL        %s\nFinal URL  %s\nHTTP       %d\n", one(r.URL), one(r.FinalURL), r.HTTPStatus)
	fmt.Fprintf(w, "Operator   %s\n", one(r.Operator))
	if r.Manifest != nil && r.Manifest.Facts.Collection.Unit != "" {
		fmt.Fprintf(w, "Unit       %s\n", one(r.Manifest.Facts.Collection.Unit))
	}
	fmt.Fprintf(w, "Started    %s (%s)\nFinished   %s (%s)\nManifest   sha256 %s\n",
		localTime(r.StartedAt), r.StartedAt.UTC().Format(time.RFC3339), localTime(r.FinishedAt), r.FinishedAt.UTC().Format(time.RFC3339), r.ManifestSHA256)
	if m := r.Manifest; m != nil {
		n := m.Facts.Network
		if n.RemoteIP != "" {
			fmt.Fprintf(w, "Server     %s:%d %s\n", one(n.RemoteIP), n.RemotePort, one(n.Protocol))
		}
		if n.TLS != nil {
			fmt.Fprintf(w, "TLS        %s %s, %s (issuer %s)\n", one(n.TLS.Protocol), one(n.TLS.Cipher), one(n.TLS.Subject), one(n.TLS.Issuer))
		}
		for _, h := range m.Facts.Redirects {
			fmt.Fprintf(w, "Redirect   %d %s -> %s\n", h.Status, one(h.URL), one(h.Location))
		}
		for _, e := range m.Facts.Method.Events {
			fmt.Fprintf(w, "Event      %s: %s\n", one(e.Kind), one(strings.TrimSpace(e.Detail+" "+e.URL)))
		}
	}
	var claims []pagemeta.Claim
	if r.Manifest != nil {
		claims = pagemeta.Claims(r.Manifest.Facts.Metadata, r.Manifest.Facts.Collection.StartedAt)
	} else if r.Title != "" {
		claims = pagemeta.Claims(evidence.Metadata{Title: r.Title}, r.StartedAt)
	}
	if len(claims) > 0 {
		fmt.Fprintln(w, pagemeta.ClaimsLabel(pagemeta.English))
		names := map[string]string{"title": "Title", "author": "Author", "site_name": "Site", "published_time": "Published",
			"modified_time": "Modified", "lang": "Language", "description": "Descr.", "canonical_url": "Canonical", "post_ids": "Post IDs"}
		for _, cl := range claims {
			v := cl.Text
			if !cl.Time.IsZero() && cl.Text != cl.Time.UTC().Format(time.RFC3339) {
				v += " (" + cl.Time.UTC().Format(time.RFC3339) + ")"
			}
			if cl.AfterCapture {
				v += "  [" + pagemeta.AfterCaptureFlag(pagemeta.English) + "]"
			}
			fmt.Fprintf(w, "  %-10s %s\n", names[cl.Field], v)
		}
	}
	fmt.Fprintln(w, "Artifacts")
	arts := append([]store.StoredArtifact(nil), r.Artifacts...)
	sort.Slice(arts, func(i, j int) bool { return arts[i].Name < arts[j].Name })
	for _, a := range arts {
		fmt.Fprintf(w, "  %-22s %10d  %s\n  %22s %s\n", a.Name, a.Size, a.SHA256, "", a.Path)
	}
	fmt.Fprintln(w, "Custody")
	for _, e := range events {
		fmt.Fprintf(w, "  #%d %s %-18s %s\n", e.Seq, localTime(e.At), e.Action, e.Actor)
	}
	return exitOK, nil
}

func (c *cli) verify(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	caseName := fs.String("case", "", "only this case")
	asJSON := fs.Bool("json", false, "JSON")
	caFile := fs.String("ca", "", "PEM file of the only root certificates signers are trusted through (for a PDF, a bundle or a web archive; default: signer_roots in the settings, else none)")
	ids, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(ids) == 1 && strings.HasSuffix(strings.ToLower(ids[0]), ".wacz") {
		if *caseName != "" {
			return 0, usageError{"verify: --case does not apply to a web archive"}
		}
		return c.verifyWACZ(ctx, ids[0], *caFile, *asJSON)
	}
	if len(ids) == 1 && isZipArg(ids[0]) {
		if *caseName != "" {
			return 0, usageError{"verify: --case does not apply to a bundle"}
		}
		return c.verifyBundle(ctx, ids[0], *caFile, *asJSON)
	}
	for _, a := range ids {
		// A path that is not a report, a bundle or an archive is not a capture ID either: say
		// so rather than look it up (which would also create a data folder on a recipient's
		// computer).
		if fi, err := os.Stat(a); err == nil && (fi.IsDir() || !isPDFArg(a)) {
			hint := ""
			if fi.IsDir() {
				hint = "; to check an extracted bundle, verify the ZIP file as received, or follow VERIFY.txt inside it"
			}
			return 0, usageError{fmt.Sprintf("verify: %s is not a report (.pdf), a bundle (.zip) or a web archive (.wacz)%s", a, hint)}
		}
	}
	if len(ids) == 1 && isPDFArg(ids[0]) {
		if *caseName != "" {
			return 0, usageError{"verify: --case does not apply to a PDF report"}
		}
		return c.verifyPDF(ctx, ids[0], *caFile, *asJSON)
	}
	if *caFile != "" {
		return 0, usageError{"verify: --ca applies to a PDF report, a bundle or a web archive only"}
	}
	if *caseName != "" && len(ids) > 0 {
		return 0, usageError{"verify: give --case or IDs, not both"}
	}
	rep, err := c.session().VerifyStore(ctx, store.Scope{Case: *caseName, IDs: ids}, "")
	if rep == nil {
		return 0, err
	}
	if err != nil {
		// The check ran, but its result could not be logged: report both.
		c.errorf("%v", err)
	}
	type problemJSON struct {
		CaptureID     string `json:"capture_id,omitempty"`
		Artifact      string `json:"artifact,omitempty"`
		EventSeq      int64  `json:"event_seq,omitempty"`
		Informational bool   `json:"informational"`
		Error         string `json:"error"`
	}
	probs := []problemJSON{}
	serious := 0
	for _, p := range rep.Problems {
		probs = append(probs, problemJSON{p.CaptureID, p.Artifact, p.EventSeq, p.Informational(), p.String()})
		if !p.Informational() {
			serious++
		}
	}
	ok := rep.OK() && err == nil
	if *asJSON {
		c.printJSON(map[string]any{"ok": ok, "captures": rep.Captures, "artifacts": rep.Artifacts, "events": rep.Events,
			"custody_head": rep.Head, "problems": probs})
	} else {
		for _, p := range probs {
			label := "PROBLEM"
			if p.Informational {
				label = "NOTE   "
			}
			fmt.Fprintf(c.stdout, "%s  %s\n", label, safeProblem(p.Error))
		}
		// The verdict comes last, after every problem and note, and agrees with the exit code.
		verdict := "VALID: checked %d capture(s) and %d artifact(s), and the whole custody log (%d events): intact\n"
		if !ok {
			found := fmt.Sprintf("%d problem(s) found", serious)
			if serious == 0 {
				found = "the check could not be recorded in the custody log"
			}
			verdict = "INVALID: checked %d capture(s) and %d artifact(s), and the whole custody log (%d events): " + found + "\n"
		}
		fmt.Fprintf(c.stdout, verdict, rep.Captures, rep.Artifacts, rep.Events)
	}
	if ok {
		return exitOK, nil
	}
	return exitProblem, nil
}
