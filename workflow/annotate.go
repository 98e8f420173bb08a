package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"evidentia/store"
)

// MaxTagLength is the longest tag Annotate accepts, in characters.
const MaxTagLength = 40

var (
	// ErrEmptyAnnotation means an annotation has neither a note nor a tag.
	ErrEmptyAnnotation = errors.New("workflow: empty annotation")
	// ErrInvalid means an argument was refused: a bad tag, a bad thumbnail width.
	ErrInvalid = errors.New("workflow: invalid argument")
)

// Annotation is a note and/or tags an investigator added to a capture: a custody event
// (action store.ActionAnnotated), so it is a new, hash-chained record and the sealed capture
// is never altered. Seq, At and Actor are those of the event.
type Annotation struct {
	Seq   int64
	At    time.Time
	Actor string
	Note  string
	Tags  []string
}

// The details keys of an annotation event. Tags are joined with commas, which is why a tag
// cannot hold one.
const (
	annotationNote = "note"
	annotationTags = "tags"
)

// cleanTags trims each tag, drops the empty ones and repeats (keeping the first), and checks
// the rest: 1 to MaxTagLength characters, no comma, no control character.
func cleanTags(tags []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		switch {
		case t == "" || seen[t]:
			continue
		case !utf8.ValidString(t):
			return nil, fmt.Errorf("%w: tag %q is not valid text", ErrInvalid, t)
		case utf8.RuneCountInString(t) > MaxTagLength:
			return nil, fmt.Errorf("%w: tag %q is longer than %d characters", ErrInvalid, t, MaxTagLength)
		case strings.ContainsRune(t, ','):
			return nil, fmt.Errorf("%w: tag %q holds a comma", ErrInvalid, t)
		case strings.IndexFunc(t, unicode.IsControl) >= 0:
			return nil, fmt.Errorf("%w: tag %q holds a control character", ErrInvalid, t)
		}
		seen[t] = true
		out = append(out, t)
	}
	return out, nil
}

// Annotate records a note and tags by actor for the capture whose ID is captureID or starts
// with it (a unique prefix of at least 4 characters), as the custody event "annotated", and
// returns the annotation. The note is trimmed; tags are trimmed, empty ones and repeats are
// dropped, and each must then be 1 to MaxTagLength characters without a comma or a control
// character (else an error wrapping ErrInvalid). With neither a note nor a tag left it
// returns ErrEmptyAnnotation and records nothing. Errors from the store (an unknown,
// ambiguous or damaged capture) wrap the store's sentinels.
func Annotate(ctx context.Context, st *store.Store, captureID, note string, tags []string, actor string) (Annotation, error) {
	note = strings.TrimSpace(note)
	tags, err := cleanTags(tags)
	if err != nil {
		return Annotation{}, err
	}
	if note == "" && len(tags) == 0 {
		return Annotation{}, ErrEmptyAnnotation
	}
	if !utf8.ValidString(note) {
		return Annotation{}, fmt.Errorf("%w: the note is not valid text", ErrInvalid)
	}
	rec, err := st.Capture(ctx, captureID)
	if err != nil {
		return Annotation{}, err
	}
	details := map[string]string{}
	if note != "" {
		details[annotationNote] = note
	}
	if len(tags) > 0 {
		details[annotationTags] = strings.Join(tags, ",")
	}
	e, err := st.AppendEvent(ctx, store.Event{Actor: actor, Action: store.ActionAnnotated, CaptureID: rec.ID, Details: details})
	if err != nil {
		return Annotation{}, err
	}
	return Annotation{Seq: e.Seq, At: e.At, Actor: e.Actor, Note: note, Tags: tags}, nil
}

// Annotations returns the annotations among events (normally one capture's, from
// store.Store.Custody), oldest first. Other events are ignored.
func Annotations(events []store.Event) []Annotation {
	var out []Annotation
	for _, e := range events {
		if e.Action != store.ActionAnnotated {
			continue
		}
		a := Annotation{Seq: e.Seq, At: e.At, Actor: e.Actor, Note: e.Details[annotationNote]}
		for _, t := range strings.Split(e.Details[annotationTags], ",") {
			if t = strings.TrimSpace(t); t != "" {
				a.Tags = append(a.Tags, t)
			}
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Tags returns the union of the tags of the annotations among events, sorted, each once.
func Tags(events []store.Event) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range Annotations(events) {
		for _, t := range a.Tags {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}
