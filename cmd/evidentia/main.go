// Command evidentia is Evidentia's command line: it captures web postings as sealed evidence
// (capture), manages cases and notes (cases, annotate), lists and shows captures (list, show),
// writes the PDF report (report) and the signed investigators' bundle (export), manages the
// signing identity (identity) and verifies the store, a report, a bundle or a web archive
// (verify). `evidentia help` prints every command with its options; that text (usageText in
// cli.go) is the one list, and README.md quotes it (a test keeps the two the same).
//
// The command line is one of Evidentia's two front doors: every rule (who acts, for which
// unit, the limits, the browser, the signing identity, the roots) is workflow.Session's, built
// here as the desktop app builds its own.
//
// Results go to standard output (one JSON object per line with --json); diagnostics go to
// standard error, prefixed "evidentia: ". Exit status: 0 when every capture is complete and
// its completeness verdict says it holds the whole posting (not a login wall, a deletion
// notice, a bot check, an error page or next to nothing), or everything verified intact; 1
// when a capture is partial, failed or not the whole posting, verification found a problem,
// or an operation failed; 2 for a usage error. For a PDF, verify exits 0 when the
// signature is valid and covers the whole file and the embedded manifests do not contradict
// the store, 1 otherwise, naming the reason.
//
// Every verification (of the store, a PDF, a bundle or a web archive) prints its verdict, VALID
// or INVALID and why, as its last line, after every problem and note, and the exit status
// repeats it: 0 only when that line says VALID. It also says which roots signers were judged
// against ("roots: --ca ca.pem (1 certificate)", or none given): the certificates of --ca, else
// those of the settings file's signer_roots, else none, when only a self-made certificate can
// be recognised. The computer's web (TLS) roots are never signer roots.
//
// Text that comes from outside (a page's title or address, a certificate's names, a file name
// or an ID inside a bundle or a PDF, a problem quoting them) is shown, never obeyed: control,
// C1, bidirectional and zero-width characters and invalid UTF-8 are printed as visible escapes
// (\x1b, \u202e, \xff), in text and in --json alike (where they are JSON escapes, so that each
// line still decodes to the very value), and long values are cut.
//
// The signing identity (identity create/import/show; report --sign) lives in identity.json in
// the data folder, its private key sealed with a passphrase: EVIDENTIA_PASSPHRASE when set, else
// asked on the terminal (twice when a new one is chosen). The password of a .p12 file is
// EVIDENTIA_P12_PASSWORD when set, else asked on the terminal.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"evidentia/internal/crashlog"
	"evidentia/textsafe"
)

// Exit codes.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

func main() {
	startupSecrets = takeSecrets() // first: no child process may inherit them
	// The first Ctrl+C or SIGTERM cancels ctx, which every command honours (verify returns
	// within a second whatever its input holds); it also gives the signals back to the
	// operating system, so that a second one ends the program at once even if a step hangs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status. A panic anywhere below is turned
// into a one-line diagnostic: no Go trace reaches the user.
//
// Everything written to stdout and stderr passes through a textsafe.Writer: whatever a page, a
// certificate, a PDF or a bundle holds, no control character (but line breaks and tabs), C1
// control, bidirectional or zero-width character and no invalid UTF-8 reaches the terminal
// raw; they arrive as visible escapes (`\x1b`, `\u202e`). The commands also escape and cap each
// untrusted value where they print it (see safe); the writer is the net under them.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	out, errw := textsafe.NewWriter(stdout), textsafe.NewWriter(stderr)
	c := &cli{stdin: os.Stdin, stdout: out, stderr: errw}
	defer func() {
		if r := recover(); r != nil {
			// The stack goes to the data folder's crash log, never to the terminal.
			where := "evidentia " + textsafe.Line(strings.Join(args, " "), 200)
			if path, err := crashlog.Record(c.dataFolder(), where, r, nil); err == nil {
				fmt.Fprintf(errw, "evidentia: internal error: %s (the details are in %s)\n", textsafe.Line(fmt.Sprint(r), 0), textsafe.Line(path, 0))
			} else {
				fmt.Fprintf(errw, "evidentia: internal error: %s\n", textsafe.Line(fmt.Sprint(r), 0))
			}
			code = exitProblem
		}
		out.Flush()
		errw.Flush()
	}()
	defer c.closeSession()
	return c.main(ctx, args)
}
