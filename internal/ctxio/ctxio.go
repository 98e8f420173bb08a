// Package ctxio makes long reads stop when their context ends: a copy or a hash of a large
// file (an artifact, a bundle entry, an embedded file) that a Cancel button or Ctrl+C must be
// able to stop.
package ctxio

import (
	"context"
	"io"
)

// Reader returns a reader of r that fails with ctx.Err() at the first Read after ctx is done.
// A Read already under way is not interrupted; reads from files and memory are short.
func Reader(ctx context.Context, r io.Reader) io.Reader { return reader{ctx, r} }

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
