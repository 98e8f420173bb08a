// Command evidentia captures web postings as sealed evidence and verifies them.
//
//	evidentia [--data DIR] [--chrome PATH] capture [--case NAME] [--operator NAME] [--unit NAME] [--timeout 60s] [--parallel 2] [--json] URL...
//	evidentia [--data DIR] cases [--json]
//	evidentia [--data DIR] list [--case NAME] [--json]
//	evidentia [--data DIR] show ID [--json]
//	evidentia [--data DIR] verify [--json] [--case NAME | ID...]
//
// Results go to standard output (one JSON object per line with --json); diagnostics go to
// standard error, prefixed "evidentia: ". Exit status: 0 when every capture is complete or
// everything verified intact; 1 when a capture is partial or failed, verification found a
// problem, or an operation failed; 2 for a usage error.
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
	c := &cli{stdout: stdout, stderr: stderr}
	return c.main(ctx, args)
}
