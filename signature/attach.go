package signature

import (
	"context"
	"fmt"
	"io"

	"github.com/digitorus/pdf"

	"evidentia/evidence"
	"evidentia/internal/ctxio"
)

// Attachment is a file embedded in a PDF (an entry of its EmbeddedFiles name tree).
type Attachment struct {
	Name        string
	Description string
	Data        []byte
	SHA256      evidence.Digest
}

// Bounds of what Verify reads of the embedded files: one file, all of them together.
const (
	maxAttachment      = 256 << 20
	maxAttachmentTotal = 1 << 30
)

// attachments reads the document's embedded files, walking the name tree once per object
// (a /Kids or /Names entry that loops back is skipped) within the walk's node budget, and
// stopping when ctx is done (also while a stream is being decompressed).
func attachments(ctx context.Context, r *pdf.Reader) ([]Attachment, error) {
	var out []Attachment
	w := newWalker(ctx, "embedded files' name tree")
	total := 0
	var walk func(node pdf.Value, depth int) error
	walk = func(node pdf.Value, depth int) error {
		if depth > 32 {
			return fmt.Errorf("%w: the embedded files' name tree is more than 32 levels deep", ErrStructure)
		}
		names := node.Key("Names")
		for i := 0; i+1 < names.Len(); i += 2 {
			if err := w.enter(); err != nil {
				return err
			}
			spec, ok := w.child(names, i+1)
			if !ok {
				continue
			}
			name := spec.Key("UF").Text()
			if name == "" {
				name = spec.Key("F").Text()
			}
			if name == "" {
				name = names.Index(i).Text()
			}
			stream := spec.Key("EF").Key("F")
			if stream.IsNull() {
				return fmt.Errorf("embedded file %q has no stream", name)
			}
			rc := stream.Reader()
			data, err := io.ReadAll(io.LimitReader(ctxio.Reader(ctx, rc), maxAttachment+1))
			rc.Close()
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("embedded file %q: %w", name, err)
			}
			if len(data) > maxAttachment {
				return fmt.Errorf("embedded file %q is larger than %d bytes", name, maxAttachment)
			}
			if total += len(data); total > maxAttachmentTotal {
				return fmt.Errorf("%w: the embedded files hold more than %d bytes", ErrStructure, maxAttachmentTotal)
			}
			out = append(out, Attachment{Name: name, Description: spec.Key("Desc").Text(), Data: data, SHA256: evidence.SumBytes(data)})
		}
		kids := node.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			if err := w.enter(); err != nil {
				return err
			}
			kid, ok := w.child(kids, i)
			if !ok {
				continue
			}
			if err := walk(kid, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(r.Trailer().Key("Root").Key("Names").Key("EmbeddedFiles"), 0); err != nil {
		return nil, err
	}
	return out, nil
}
