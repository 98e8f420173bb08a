package signature

import (
	"fmt"
	"io"

	"github.com/digitorus/pdf"

	"evidentia/evidence"
)

// Attachment is a file embedded in a PDF (an entry of its EmbeddedFiles name tree).
type Attachment struct {
	Name        string
	Description string
	Data        []byte
	SHA256      evidence.Digest
}

// maxAttachment bounds the size of one embedded file that Verify reads.
const maxAttachment = 256 << 20

// attachments reads the document's embedded files.
func attachments(r *pdf.Reader) ([]Attachment, error) {
	var out []Attachment
	var walk func(node pdf.Value, depth int) error
	walk = func(node pdf.Value, depth int) error {
		if depth > 32 {
			return fmt.Errorf("name tree too deep")
		}
		names := node.Key("Names")
		for i := 0; i+1 < names.Len(); i += 2 {
			spec := names.Index(i + 1)
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
			data, err := io.ReadAll(io.LimitReader(rc, maxAttachment+1))
			rc.Close()
			if err != nil {
				return fmt.Errorf("embedded file %q: %w", name, err)
			}
			if len(data) > maxAttachment {
				return fmt.Errorf("embedded file %q is larger than %d bytes", name, maxAttachment)
			}
			out = append(out, Attachment{Name: name, Description: spec.Key("Desc").Text(), Data: data, SHA256: evidence.SumBytes(data)})
		}
		kids := node.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			if err := walk(kids.Index(i), depth+1); err != nil {
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
