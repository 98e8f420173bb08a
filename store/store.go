// Package store keeps Evidentia's evidence: a SQLite catalogue of cases and captures, the
// artifact files of every capture stored content-addressed by SHA-256, and an append-only,
// hash-chained custody log of everything that happened to them.
//
// # Data folder
//
// A data folder (see DefaultDir and ResolveDir) holds:
//
//	evidentia.db       the catalogue (SQLite in WAL mode, synchronous=FULL)
//	objects/ab/abcd…   one read-only (0444) file per distinct content, named by its full SHA-256
//	tmp/               working files: objects being written, and capture folders (TempDir)
//	locks/             one lock file per open Store, telling live processes from dead ones
//
// Objects are written to tmp/, fsynced, linked (or renamed) into place, their folder synced,
// and made read-only. An object that already exists is never overwritten: its content is
// re-hashed and reused when it matches, and the write fails with ErrDigestMismatch when it does
// not (the damaged object is left as it is, as evidence of the damage). Normal operation never
// deletes an object.
//
// # Crash safety
//
// A capture is recorded by BeginCapture in state capturing. Seal first makes every object
// durable on disk, then records the artifacts, the manifest hash, the new state and the custody
// event in one SQLite transaction: a process killed at any moment leaves either an unsealed
// capture or a fully sealed one, never a sealed capture without its objects. When a Store is
// opened, the captures left in state capturing by a process that is no longer running (each
// open Store holds a lock file; a capture records which Store began it) are marked interrupted
// with the custody event "capture interrupted". An interrupted capture is never sealed later.
// A crash may leave unreferenced objects and files in tmp/; they are harmless.
//
// # Custody log
//
// Every change to the catalogue appends an Event to the custody log in the same transaction.
// Events are numbered 1, 2, 3… without gaps; each carries the hash of the event before it
// (PrevHash; the first event carries 64 zeros) and its own Hash, the SHA-256 of the canonical
// JSON (evidence.Canonical) of the object
//
//	{"action":…,"actor":…,"at":…,"capture_id":…,"case":…,"details":…,"prev_hash":…,"seq":…}
//
// where at is the time exactly as stored (UTC, RFC 3339 with nine fractional digits) and
// details is the canonical JSON text of the event's details, as a string. Anyone can recompute
// the chain from the database with sqlite3 and sha256sum. A separate head record (the number of
// events and the last hash) is updated in the same transaction as each append, and appends
// always continue from the head, never from the last row found. Appends are serialised by a
// mutex and an immediate SQLite transaction, so the chain never forks, even across processes.
// SQLite triggers refuse UPDATE and DELETE on the log and on sealed records; they guard against
// mistakes only, and Verify does not rely on them.
//
// # Search index
//
// The table search_text holds, for each sealed capture, its URL, final URL, title and the
// first MiB of its visible text, folded for searching (see Search). It is derived from the
// evidence and is not evidence: Seal fills it, Search rebuilds missing rows from the checked
// objects, Verify ignores it, and neither triggers nor the custody log protect it.
//
// # What Verify detects, and what it cannot
//
// Verify detects, without trusting the triggers: an artifact or manifest object that was
// altered, truncated, replaced or removed; artifact rows that disagree with the sealed manifest;
// catalogue rows (status, manifest hash, case, URL, title…) that disagree with the manifest or
// with the custody log; a custody event that was edited, deleted (including the last one, by
// the head record), inserted, renumbered or moved; and a missing head record.
//
// It cannot detect a rewrite by someone who can write the data folder and who recomputes the
// whole chain from the first altered event onward, updates the head, and makes the catalogue
// and objects agree: the chain is not keyed, so it proves the order and integrity of events
// relative to its head, not who wrote them. Such a rewrite is detected only against a copy of a
// hash kept outside the data folder: a manifest SHA-256 printed in a report or given to a
// court, an RFC 3161 timestamp over it, or the custody head (Store.Head) recorded elsewhere.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver; only this package imports it
)

// The errors of the package. They are wrapped with details; test them with errors.Is.
var (
	// ErrNotFound means no case or capture has the given name or ID.
	ErrNotFound = errors.New("store: not found")
	// ErrAmbiguousID means a capture ID prefix matches more than one capture.
	ErrAmbiguousID = errors.New("store: ambiguous capture ID")
	// ErrInvalid means an argument was refused (an empty name, a bad file name, a bad status).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrCaseExists means a case with that name exists already.
	ErrCaseExists = errors.New("store: case exists")
	// ErrCaseClosed means a capture was begun in a closed case.
	ErrCaseClosed = errors.New("store: case closed")
	// ErrAlreadySealed means Seal was called on a capture that is sealed already.
	ErrAlreadySealed = errors.New("store: capture already sealed")
	// ErrInterrupted means the capture was interrupted before it was sealed (its process
	// died); it holds no evidence and can no longer be sealed. Verify reports such captures
	// for information: see Problem.Informational.
	ErrInterrupted = errors.New("store: capture interrupted before it was sealed")
	// ErrNotSealed means the capture is still being captured. Verify reports it for
	// information: see Problem.Informational.
	ErrNotSealed = errors.New("store: capture not sealed yet")
	// ErrDigestMismatch means content does not hash to the SHA-256 recorded for it.
	ErrDigestMismatch = errors.New("store: digest mismatch")
	// ErrMissingObject means a stored object file is missing.
	ErrMissingObject = errors.New("store: missing object")
	// ErrManifestMismatch means a manifest does not match its recorded hash, or the catalogue
	// disagrees with the sealed manifest.
	ErrManifestMismatch = errors.New("store: manifest mismatch")
	// ErrCustodyBroken means the custody log was altered, or disagrees with the catalogue.
	ErrCustodyBroken = errors.New("store: custody log broken")
)

// Store is an open data folder. Its methods are safe for concurrent use by several goroutines,
// and several processes may open the same folder at once. Call Close when done; a Store must
// not be used after Close.
type Store struct {
	dir   string
	owner string // this Store's instance ID, recorded in the captures it begins

	wdb *sql.DB    // one connection; every write goes through write()
	rdb *sql.DB    // read-only connections
	wmu sync.Mutex // serialises write transactions (and so custody appends) in this process

	indexMu     sync.Mutex      // one rebuild of missing search index rows at a time
	unindexable map[string]bool // captures whose text could not be read for the index; under indexMu

	lock      *instanceLock
	closeOnce sync.Once
	closeErr  error
}

const (
	dbName     = "evidentia.db"
	objectsDir = "objects"
	tmpDirName = "tmp"
	locksDir   = "locks"
	// tmpMaxAge is how old a leftover object temp file must be before Open removes it.
	tmpMaxAge = time.Hour
)

// DefaultDir returns the data folder of the current user: %AppData%\Evidentia on Windows,
// ~/Library/Application Support/Evidentia on macOS, and $XDG_DATA_HOME/evidentia (falling back
// to ~/.local/share/evidentia) elsewhere. When no home folder is known it returns "evidentia",
// relative to the working directory.
func DefaultDir() string {
	return defaultDir(runtime.GOOS, os.Getenv)
}

func defaultDir(goos string, getenv func(string) string) string {
	switch goos {
	case "windows":
		if d := getenv("AppData"); d != "" {
			return filepath.Join(d, "Evidentia")
		}
		if h := getenv("USERPROFILE"); h != "" {
			return filepath.Join(h, "AppData", "Roaming", "Evidentia")
		}
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support", "Evidentia")
		}
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "evidentia")
		}
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".local", "share", "evidentia")
		}
	}
	return "evidentia"
}

// ResolveDir returns the data folder to use: flagValue when it is not empty, else the
// EVIDENTIA_DATA environment variable when set, else DefaultDir().
func ResolveDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if d := os.Getenv("EVIDENTIA_DATA"); d != "" {
		return d
	}
	return DefaultDir()
}

// Exists reports whether the folder dir holds an Evidentia store (its database file), without
// opening or creating anything.
func Exists(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, dbName))
	return err == nil && fi.Mode().IsRegular()
}

// Open opens the data folder dir, creating it, its database and its sub-folders when missing.
// A database of an older layout is upgraded in place, keeping its data; one written by a
// newer version of Evidentia is refused. Open marks
// as interrupted the captures left in state capturing by processes that are no longer running
// (see the package comment). ctx bounds the work done by Open only.
func Open(ctx context.Context, dir string) (*Store, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, fmt.Errorf("%w: empty data folder", ErrInvalid)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: data folder: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: data folder: %w", err)
	}
	for _, sub := range []string{objectsDir, tmpDirName, locksDir} {
		if err := os.MkdirAll(filepath.Join(abs, sub), 0o700); err != nil {
			return nil, fmt.Errorf("store: data folder: %w", err)
		}
	}
	owner, err := newID()
	if err != nil {
		return nil, fmt.Errorf("store: instance id: %w", err)
	}
	s := &Store{dir: abs, owner: owner, unindexable: map[string]bool{}}
	if err := s.open(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	path := filepath.Join(s.dir, dbName)
	const common = "_foreign_keys=on&_busy_timeout=5000"
	var err error
	s.wdb, err = sql.Open("sqlite3", path+"?_journal_mode=WAL&_synchronous=FULL&_txlock=immediate&"+common)
	if err != nil {
		return fmt.Errorf("store: open database: %w", err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	if err := s.wdb.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open database: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	s.rdb, err = sql.Open("sqlite3", path+"?_query_only=on&"+common)
	if err != nil {
		return fmt.Errorf("store: open database: %w", err)
	}
	s.rdb.SetMaxOpenConns(4)
	s.rdb.SetMaxIdleConns(4)
	if err := s.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open database: %w", err)
	}
	s.lock, err = acquireLock(ctx, filepath.Join(s.dir, locksDir), s.owner)
	if err != nil {
		return err
	}
	if err := s.recoverInterrupted(ctx); err != nil {
		return err
	}
	s.sweepTmp()
	return nil
}

// Close releases the Store: its database connections and its lock. Captures this Store began
// and did not seal are marked interrupted by the next Open. Close is safe to call more than
// once; later calls return the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.rdb != nil {
			errs = append(errs, s.rdb.Close())
		}
		if s.wdb != nil {
			errs = append(errs, s.wdb.Close())
		}
		if s.lock != nil {
			errs = append(errs, s.lock.release())
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("store: close: %w", err)
		}
	})
	return s.closeErr
}

// Dir returns the absolute path of the data folder.
func (s *Store) Dir() string { return s.dir }

// TempDir returns the data folder's working folder, on the same file system as the objects.
// Callers may create their own working folders in it and must remove them when done.
func (s *Store) TempDir() string { return filepath.Join(s.dir, tmpDirName) }

// sweepTmp removes object temp files left by crashed processes. It only touches files named
// obj-* older than tmpMaxAge, which no live process is still writing.
func (s *Store) sweepTmp() {
	entries, err := os.ReadDir(s.TempDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpObjectPrefix) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < tmpMaxAge {
			continue
		}
		// Best effort: a file that cannot be removed now is tried again at the next Open.
		_ = os.Remove(filepath.Join(s.TempDir(), e.Name()))
	}
}

// write runs fn in one immediate transaction, serialised with every other write of this
// Store. Across processes SQLite's lock (with the busy timeout) serialises the transactions.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("store: rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// queryer is what *sql.DB and *sql.Tx have in common for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// timeLayout is how times are stored: UTC, fixed width, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad time %q in database: %w", s, err)
	}
	return t.UTC(), nil
}

// now returns the current time as it will be stored.
func now() (time.Time, string) {
	s := formatTime(time.Now())
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), s
}
