package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"evidentia/evidence"
	"evidentia/store"
)

// CopyArtifacts copies the artifacts of the sealed capture rec, each checked against its SHA-256
// as it is read, with their plain names into the new folder dir (which must not exist),
// together with the sealed manifest (manifest.json), and records the custody event "exported"
// (kind "artifact copies") by actor. It returns the number of files written. On any error the
// new folder is removed: nothing half-copied is left behind. The sealed objects are only read.
func CopyArtifacts(ctx context.Context, st *store.Store, rec *store.Record, dir, actor string) (int, error) {
	if rec.Manifest == nil {
		return 0, fmt.Errorf("workflow: copy %s: %w", rec.ID, store.ErrNotSealed)
	}
	mj, md, err := rec.Manifest.Encode()
	if err != nil {
		return 0, fmt.Errorf("workflow: copy %s: %w", rec.ID, err)
	}
	if md != rec.ManifestSHA256 {
		return 0, fmt.Errorf("workflow: copy %s: %w: the manifest hashes to %s, %s was recorded", rec.ID, store.ErrManifestMismatch, md, rec.ManifestSHA256)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, os.ErrExist) {
			return 0, fmt.Errorf("%w: %w", ErrOutputExists, err)
		}
		return 0, fmt.Errorf("workflow: copy: %w", err)
	}
	n, err := copyArtifacts(ctx, st, rec, dir, mj)
	if err != nil {
		os.RemoveAll(dir)
		return 0, err
	}
	_, err = st.AppendEvent(context.WithoutCancel(ctx), store.Event{Actor: actor, Action: store.ActionExported, CaptureID: rec.ID,
		Details: map[string]string{"kind": "artifact copies", "folder": dir, "files": strconv.Itoa(n), "manifest_sha256": string(md)}})
	if err != nil {
		return n, fmt.Errorf("workflow: the copies were saved in %s but the custody log could not record it: %w", dir, err)
	}
	return n, nil
}

func copyArtifacts(ctx context.Context, st *store.Store, rec *store.Record, dir string, manifest []byte) (int, error) {
	n := 0
	names := map[string]bool{}
	for _, a := range rec.Artifacts {
		names[a.Name] = true
		if err := copyObject(ctx, st, a.SHA256, filepath.Join(dir, a.Name)); err != nil {
			return 0, fmt.Errorf("workflow: copy %s: %w", a.Name, err)
		}
		n++
	}
	name := "manifest.json"
	for i := 2; names[name]; i++ {
		name = "manifest-" + strconv.Itoa(i) + ".json"
	}
	if err := writeExclusiveBytes(filepath.Join(dir, name), manifest); err != nil {
		return 0, fmt.Errorf("workflow: copy manifest: %w", err)
	}
	return n + 1, nil
}

func copyObject(ctx context.Context, st *store.Store, d evidence.Digest, path string) error {
	r, err := st.OpenArtifact(ctx, d)
	if err != nil {
		return err
	}
	err = writeExclusive(path, r)
	if cerr := r.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return err
}
