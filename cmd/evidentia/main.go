// Command evidentia captures web postings as sealed evidence and verifies them.
//
//	evidentia [--data DIR] [--chrome PATH] capture [--case NAME] [--operator NAME] [--unit NAME] [--timeout 60s] [--parallel 2] [--json] URL...
//	evidentia [--data DIR] cases [--json]
//	evidentia [--data DIR] cases create|edit|close|reopen NAME [--number N] [--description D] [--law ARTICLE] [--rename NEW] [--operator NAME]
//	evidentia [--data DIR] annotate ID [--tag TAG]... [--operator NAME] NOTE...
//	evidentia [--data DIR] list [--case NAME] [--json]
//	evidentia [--data DIR] show ID [--json]
//	evidentia [--data DIR] verify [--json] [--case NAME | ID...]
//	evidentia [--data DIR] verify [--json] [--ca ROOTS.pem] FILE.pdf
//	evidentia [--data DIR] report --case NAME [--capture ID]... --out FILE.pdf [--lang ko|en] [--sign] [--tsa URL] [--operator NAME] [--unit NAME] [--json]
//	evidentia [--data DIR] identity create --name NAME --org ORG [--email ADDRESS] [--replace] [--json]
//	evidentia [--data DIR] identity import FILE.p12 [--replace] [--json]
//	evidentia [--data DIR] identity show [--json]
//
// Results go to standard output (one JSON object per line with --json); diagnostics go to
// standard error, prefixed "evidentia: ". Exit status: 0 when every capture is complete or
// everything verified intact; 1 when a capture is partial or failed, verification found a
// problem, or an operation failed; 2 for a usage error. For a PDF, verify exits 0 when the
// signature is valid and covers the whole file and the embedded manifests do not contradict
// the store, 1 otherwise, naming the reason.
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
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status. A panic anywhere below is turned
// into a one-line diagnostic: no Go trace reaches the user.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "evidentia: internal error: %v\n", r)
			code = exitProblem
		}
	}()
	c := &cli{stdin: os.Stdin, stdout: stdout, stderr: stderr}
	return c.main(ctx, args)
}
