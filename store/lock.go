package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// An instanceLock tells other processes (and other Stores in this process) that a Store is
// alive. It is a small SQLite database in locks/, named after the Store's instance ID, held in
// exclusive locking mode for as long as the Store is open. The operating system drops the lock
// when the process dies, however it dies. SQLite's own locking is used, rather than flock or
// LockFileEx, because it behaves the same on every platform and also between connections of
// one process.
type instanceLock struct {
	db   *sql.DB
	conn *sql.Conn
	path string
}

const lockSuffix = ".lock"

// staleLockAge is how old an unlocked lock file must be before Open removes it: a Store creates
// its lock file a moment before it locks it.
const staleLockAge = 10 * time.Minute

func lockPath(dir, owner string) string { return filepath.Join(dir, owner+lockSuffix) }

func acquireLock(ctx context.Context, dir, owner string) (*instanceLock, error) {
	path := lockPath(dir, owner)
	db, err := sql.Open("sqlite3", path+"?_locking_mode=EXCLUSIVE&_journal_mode=OFF&_busy_timeout=0")
	if err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: lock: %w", err), db.Close())
	}
	l := &instanceLock{db: db, conn: conn, path: path}
	// The first write in exclusive locking mode takes the exclusive lock and keeps it until
	// the connection closes.
	_, err = conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS instance (id TEXT NOT NULL, pid INTEGER NOT NULL, started_at TEXT NOT NULL)`)
	if err == nil {
		_, err = conn.ExecContext(ctx, `INSERT INTO instance (id, pid, started_at) VALUES (?, ?, ?)`,
			owner, os.Getpid(), formatTime(time.Now()))
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: lock: %w", err), l.release())
	}
	return l, nil
}

func (l *instanceLock) release() error {
	err := errors.Join(l.conn.Close(), l.db.Close(), removeLockFile(l.path))
	if err != nil {
		return fmt.Errorf("store: release lock: %w", err)
	}
	return nil
}

// ownerAlive reports whether the Store with instance ID owner still holds its lock. A missing
// lock file means the owner is gone.
func ownerAlive(ctx context.Context, dir, owner string) (bool, error) {
	if owner == "" || strings.ContainsAny(owner, `/\`) {
		return false, nil
	}
	path := lockPath(dir, owner)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("store: lock of %s: %w", owner, err)
	}
	db, err := sql.Open("sqlite3", path+"?_busy_timeout=0&_query_only=on")
	if err != nil {
		return false, fmt.Errorf("store: lock of %s: %w", owner, err)
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n)
	if err == nil {
		return false, nil
	}
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return true, nil
	}
	if ctx.Err() != nil {
		return false, fmt.Errorf("store: lock of %s: %w", owner, ctx.Err())
	}
	// Anything else (a damaged or foreign file) holds no lock: nobody is alive behind it.
	return false, nil
}

// sweepLocks removes the lock files of Stores that are gone, leaving fresh ones alone.
func sweepLocks(ctx context.Context, dir, self string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("store: locks: %w", err)
	}
	for _, e := range entries {
		owner, ok := strings.CutSuffix(e.Name(), lockSuffix)
		if !ok || owner == self || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < staleLockAge {
			continue
		}
		alive, err := ownerAlive(ctx, dir, owner)
		if err != nil {
			return err
		}
		if alive {
			continue
		}
		if err := removeLockFile(lockPath(dir, owner)); err != nil {
			return fmt.Errorf("store: remove stale lock: %w", err)
		}
	}
	return nil
}

// removeLockFile removes a lock file and the journal an older version may have left with it.
func removeLockFile(path string) error {
	var errs []error
	for _, p := range []string{path, path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
