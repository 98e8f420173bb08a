package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"evidentia/settings"
	"evidentia/store"
)

// The use cases as both front doors run them. Each fills in what its request leaves empty by
// the session's rules (Operator, Unit, TSA) and runs on the session's store.

// ErrTSAUnsigned is the error of a report asked to be timestamped but not signed: the
// timestamp stamps the signature.
var ErrTSAUnsigned = errors.New("workflow: a timestamp stamps the signature: sign the report to timestamp it")

// findCase returns the case named name (DefaultCase when blank), or store.ErrNotFound.
func findCase(ctx context.Context, st *store.Store, name string) (store.Case, error) {
	if strings.TrimSpace(name) == "" {
		name = DefaultCase
	}
	return st.Case(ctx, name)
}

// ErrNotRecorded is the error of a change that was made but that the custody log could not
// record (the store went away, the disk is full): the change stands, its record is missing.
var ErrNotRecorded = errors.New("workflow: done, but the custody log could not record it")

// runCase runs the use case f, named where for the crash log, on the session's store: counted
// as under way (Close waits for it; after Close it fails with ErrSessionClosed), and a panic
// becomes ErrInternal, its stack in the data folder's crash log, instead of ending the program.
func runCase[T any](ctx context.Context, s *Session, where string, f func(st *store.Store) (T, error)) (out T, err error) {
	return runGuarded(s, where, func() (T, error) {
		st, err := s.Store(ctx)
		if err != nil {
			var zero T
			return zero, err
		}
		return f(st)
	})
}

// runGuarded is runCase for a use case that reaches the store itself (or not at all).
func runGuarded[T any](s *Session, where string, f func() (T, error)) (out T, err error) {
	if err := s.begin(); err != nil {
		return out, err
	}
	defer s.end()
	defer func() {
		if r := recover(); r != nil {
			var zero T
			out, err = zero, internalError(s.dir, where, r)
		}
	}()
	return f()
}

// CreateCase creates the case c, recorded in the custody log as done by Operator(operator).
func (s *Session) CreateCase(ctx context.Context, c store.Case, operator string) (store.Case, error) {
	return runCase(ctx, s, "creating a case", func(st *store.Store) (store.Case, error) {
		return st.CreateCase(ctx, c, s.Operator(operator))
	})
}

// UpdateCase changes the case named name to c (a rename when c.Name differs), recorded as done
// by Operator(operator).
func (s *Session) UpdateCase(ctx context.Context, name string, c store.Case, operator string) (store.Case, error) {
	return runCase(ctx, s, "changing a case", func(st *store.Store) (store.Case, error) {
		return st.UpdateCase(ctx, name, c, s.Operator(operator))
	})
}

// SetCaseClosed closes (closed) or reopens the case named name, recorded as done by
// Operator(operator).
func (s *Session) SetCaseClosed(ctx context.Context, name string, closed bool, operator string) error {
	_, err := runCase(ctx, s, "closing or reopening a case", func(st *store.Store) (struct{}, error) {
		return struct{}{}, st.SetCaseClosed(ctx, name, closed, s.Operator(operator))
	})
	return err
}

// Annotate adds a note and tags to a capture as a custody event by Operator(operator) (see
// the function Annotate).
func (s *Session) Annotate(ctx context.Context, captureID, note string, tags []string, operator string) (Annotation, error) {
	return runCase(ctx, s, "annotating a capture", func(st *store.Store) (Annotation, error) {
		return Annotate(ctx, st, captureID, note, tags, s.Operator(operator))
	})
}

// CopyArtifacts copies a capture's artifacts into dir, recorded as done by Operator(operator)
// (see the function CopyArtifacts).
func (s *Session) CopyArtifacts(ctx context.Context, rec *store.Record, dir, operator string) (int, error) {
	return runCase(ctx, s, "copying artifacts", func(st *store.Store) (int, error) {
		return CopyArtifacts(ctx, st, rec, dir, s.Operator(operator))
	})
}

// VerifyStore checks the sealed captures of scope against their hashes, recorded in the
// custody log as done by Operator(operator) (see store.Store.Verify).
func (s *Session) VerifyStore(ctx context.Context, scope store.Scope, operator string) (*store.VerifyReport, error) {
	return runCase(ctx, s, "verifying the store", func(st *store.Store) (*store.VerifyReport, error) {
		return st.Verify(ctx, scope, s.Operator(operator))
	})
}

// IsNoTSA tells whether tsa, as given, asks for no timestamp authority (NoTSA, in any case,
// with surrounding white space).
func IsNoTSA(tsa string) bool { return strings.EqualFold(strings.TrimSpace(tsa), NoTSA) }

// Report writes the PDF report of req (see the function Report). The operator and the unit
// follow Operator and Unit. A signed report is timestamped by TSA(req.TSA); an unsigned one
// asked for a timestamp (other than NoTSA) fails with ErrTSAUnsigned (the settings' and the
// environment's authority only ever stamp signed reports).
func (s *Session) Report(ctx context.Context, req ReportRequest) (*ReportResult, error) {
	if req.Signer == nil && strings.TrimSpace(req.TSA) != "" && !IsNoTSA(req.TSA) {
		return nil, ErrTSAUnsigned
	}
	req.Operator, req.Unit = s.Operator(req.Operator), s.Unit(req.Unit)
	if req.Signer != nil {
		req.TSA = s.TSA(req.TSA)
	} else {
		req.TSA = ""
	}
	return runCase(ctx, s, "making a report", func(st *store.Store) (*ReportResult, error) {
		return Report(ctx, st, req)
	})
}

// Export writes the signed bundle of req (see the function Export), timestamped by
// TSA(req.TSA), by Operator and Unit.
func (s *Session) Export(ctx context.Context, req ExportRequest) (*ExportResult, error) {
	req.Operator, req.Unit, req.TSA = s.Operator(req.Operator), s.Unit(req.Unit), s.TSA(req.TSA)
	return runCase(ctx, s, "exporting a bundle", func(st *store.Store) (*ExportResult, error) {
		return Export(ctx, st, req)
	})
}

// VerifyReport checks the PDF report at path against roots and, when the data folder holds a
// store, against it (see the function VerifyReport). A report received from elsewhere
// verifies without a store, and none is created.
func (s *Session) VerifyReport(ctx context.Context, path string, roots Roots) (*ReportCheck, error) {
	return runGuarded(s, "verifying a report", func() (*ReportCheck, error) {
		st, err := s.OpenStoreIfExists(ctx)
		if err != nil {
			return nil, err
		}
		return VerifyReport(ctx, st, path, roots.Pool)
	})
}

// VerifyBundle checks the evidence bundle at path against roots and, when the data folder
// holds a store, against it (see the function VerifyBundle).
func (s *Session) VerifyBundle(ctx context.Context, path string, roots Roots) (*BundleCheck, error) {
	return runGuarded(s, "verifying a bundle", func() (*BundleCheck, error) {
		st, err := s.OpenStoreIfExists(ctx)
		if err != nil {
			return nil, err
		}
		return VerifyBundle(ctx, st, path, roots.Pool)
	})
}

// SaveSettings validates next, saves it to path (see settings.Save) and makes it the session's
// settings; a browser running with other settings is replaced at the next capture, and a new
// data folder is used by the next session (the program's next start). What changed is
// recorded in the custody log (RecordSettings) as done by the operator next names (by the rule
// of Operator), when the store is open (it is not opened for this). When only that record
// fails, the settings are saved and in use, and the error wraps ErrNotRecorded.
func (s *Session) SaveSettings(ctx context.Context, path string, next settings.Settings) error {
	_, err := runGuarded(s, "saving the settings", func() (struct{}, error) {
		if err := settings.Save(path, next); err != nil {
			return struct{}{}, err
		}
		s.setMu.Lock()
		old := s.set
		s.set = next
		s.setMu.Unlock()
		s.stMu.Lock()
		st := s.st
		s.stMu.Unlock()
		if st == nil {
			return struct{}{}, nil
		}
		if err := RecordSettings(ctx, st, old, next, s.Operator("")); err != nil {
			return struct{}{}, fmt.Errorf("%w: the settings are saved and in use: %w", ErrNotRecorded, err)
		}
		return struct{}{}, nil
	})
	return err
}
