package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// schemaVersion is the version of the database layout this code writes: the number of
// migrations.
const schemaVersion = 3

// genesisHash is the PrevHash of the first custody event.
var genesisHash = strings.Repeat("0", 64)

const schemaV1 = `
CREATE TABLE schema_version (
	version INTEGER NOT NULL
);
CREATE TABLE cases (
	id          INTEGER PRIMARY KEY,
	name        TEXT    NOT NULL UNIQUE,
	number      TEXT    NOT NULL DEFAULT '',
	description TEXT    NOT NULL DEFAULT '',
	law_article TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	closed      INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))
);
CREATE TABLE captures (
	id              TEXT    PRIMARY KEY,
	case_id         INTEGER NOT NULL REFERENCES cases(id),
	url             TEXT    NOT NULL,
	operator        TEXT    NOT NULL DEFAULT '',
	status          TEXT    NOT NULL,
	reason          TEXT    NOT NULL DEFAULT '',
	manifest_sha256 TEXT    NOT NULL DEFAULT '',
	started_at      TEXT    NOT NULL,
	finished_at     TEXT    NOT NULL DEFAULT '',
	title           TEXT    NOT NULL DEFAULT '',
	final_url       TEXT    NOT NULL DEFAULT '',
	http_status     INTEGER NOT NULL DEFAULT 0,
	owner           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX captures_by_case ON captures(case_id, started_at);
CREATE INDEX captures_by_status ON captures(status, owner);
CREATE TABLE artifacts (
	capture_id TEXT    NOT NULL REFERENCES captures(id),
	name       TEXT    NOT NULL,
	media_type TEXT    NOT NULL DEFAULT '',
	role       TEXT    NOT NULL DEFAULT '',
	size       INTEGER NOT NULL,
	sha256     TEXT    NOT NULL,
	PRIMARY KEY (capture_id, name)
) WITHOUT ROWID;
CREATE INDEX artifacts_by_sha256 ON artifacts(sha256);
CREATE TABLE custody (
	seq        INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	actor      TEXT NOT NULL DEFAULT '',
	action     TEXT NOT NULL,
	case_name  TEXT NOT NULL DEFAULT '',
	capture_id TEXT NOT NULL DEFAULT '',
	details    TEXT NOT NULL,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
);
CREATE INDEX custody_by_capture ON custody(capture_id, seq);
CREATE TABLE custody_head (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	count INTEGER NOT NULL,
	hash  TEXT    NOT NULL
);
`

// guards are triggers that refuse changes normal operation never makes. They are created
// again at every Open, in case someone dropped them; Verify never relies on them.
const guards = `
CREATE TRIGGER IF NOT EXISTS custody_no_update BEFORE UPDATE ON custody
BEGIN SELECT RAISE(ABORT, 'store: the custody log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS custody_no_delete BEFORE DELETE ON custody
BEGIN SELECT RAISE(ABORT, 'store: the custody log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS custody_head_no_delete BEFORE DELETE ON custody_head
BEGIN SELECT RAISE(ABORT, 'store: the custody head cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS artifacts_no_update BEFORE UPDATE ON artifacts
BEGIN SELECT RAISE(ABORT, 'store: artifacts of a capture cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS artifacts_no_delete BEFORE DELETE ON artifacts
BEGIN SELECT RAISE(ABORT, 'store: artifacts of a capture cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS captures_no_delete BEFORE DELETE ON captures
BEGIN SELECT RAISE(ABORT, 'store: captures cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS captures_final BEFORE UPDATE ON captures
WHEN OLD.status <> 'capturing'
BEGIN SELECT RAISE(ABORT, 'store: a sealed or interrupted capture cannot be changed'); END;
`

// schemaV2 adds the search index: the searchable text of each sealed capture, folded (see
// foldText): its URL, final URL and title, and the first MaxSearchText bytes of its visible
// text. The index is derived from the evidence, never evidence itself: Seal fills it, and
// Search rebuilds the rows that are missing.
const schemaV2 = `
CREATE TABLE search_text (
	capture_id TEXT PRIMARY KEY REFERENCES captures(id),
	body       TEXT NOT NULL
);
`

// migrations[i] brings a database from version i to version i+1. Existing migrations are
// never changed: a new layout is a new migration, appended.
var migrations = []string{schemaV1, schemaV2, schemaV3}

// schemaV3 empties the search index so that it is rebuilt (lazily, by Search) with the folding
// of this version (NFKC and full case folding). The index is derived data, not evidence.
const schemaV3 = `DELETE FROM search_text;`

// migrate creates the schema of a new database, upgrades an older one (every missing
// migration, in one transaction, so that existing data is kept and a failure changes
// nothing), refuses a newer one, and restores the guard triggers.
func (s *Store) migrate(ctx context.Context) error {
	if len(migrations) != schemaVersion {
		return fmt.Errorf("store: %d migrations for schema version %d", len(migrations), schemaVersion)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx,
			`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&name)
		v := 0
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("store: read schema: %w", err)
		default:
			if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
				return fmt.Errorf("store: read schema version: %w", err)
			}
			if v < 1 || v > schemaVersion {
				return fmt.Errorf("store: database schema version %d, this program knows versions 1 to %d", v, schemaVersion)
			}
		}
		for i := v; i < schemaVersion; i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("store: upgrade the schema to version %d: %w", i+1, err)
			}
		}
		switch {
		case v == 0:
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, schemaVersion); err != nil {
				return fmt.Errorf("store: create schema: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO custody_head (id, count, hash) VALUES (1, 0, ?)`, genesisHash); err != nil {
				return fmt.Errorf("store: create schema: %w", err)
			}
		case v < schemaVersion:
			if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, schemaVersion); err != nil {
				return fmt.Errorf("store: upgrade the schema: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, guards); err != nil {
			return fmt.Errorf("store: create triggers: %w", err)
		}
		return nil
	})
}
