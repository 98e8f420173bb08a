package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"testing"

	"evidentia/evidence"
)

// tamperFixture is a store with two sealed captures. Its custody log is:
//
//	#1 case created  #2 capture started (a)  #3 capture sealed (a)
//	#4 capture started (b)  #5 capture sealed (b)
type tamperFixture struct {
	s    *Store
	db   *sql.DB
	a, b *Record
}

func newTamperFixture(t *testing.T) *tamperFixture {
	s := openStore(t, t.TempDir())
	f := &tamperFixture{s: s}
	f.a = capture(t, s, "c1", "https://a.example/", map[string]string{
		"screenshot.png": "\x89PNG screenshot of a", "document.html": "<html>a</html>", "facts.json": `{"a":1}`})
	f.b = capture(t, s, "c1", "https://b.example/", map[string]string{"document.html": "<html>b</html>"})
	f.db = rawDB(t, s)
	return f
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, f *tamperFixture)
		want   error
		// match picks the problem the test is about.
		match func(f *tamperFixture, p Problem) bool
	}{
		{
			name: "artifact byte flipped",
			tamper: func(t *testing.T, f *tamperFixture) {
				flipByte(t, artifactPath(t, f.a, "document.html"), 3)
			},
			want:  ErrDigestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.Artifact == "document.html" },
		},
		{
			name: "artifact object deleted",
			tamper: func(t *testing.T, f *tamperFixture) {
				if err := os.Remove(artifactPath(t, f.a, "screenshot.png")); err != nil {
					t.Fatal(err)
				}
			},
			want:  ErrMissingObject,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.Artifact == "screenshot.png" },
		},
		{
			name: "artifact object truncated",
			tamper: func(t *testing.T, f *tamperFixture) {
				p := artifactPath(t, f.b, "document.html")
				if err := os.Chmod(p, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(p, 2); err != nil {
					t.Fatal(err)
				}
			},
			want:  ErrDigestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.b.ID && p.Artifact == "document.html" },
		},
		{
			name: "manifest byte flipped",
			tamper: func(t *testing.T, f *tamperFixture) {
				flipByte(t, f.s.ObjectPath(f.a.ManifestSHA256), 10)
			},
			want:  ErrManifestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.Artifact == "" },
		},
		{
			name: "manifest object deleted",
			tamper: func(t *testing.T, f *tamperFixture) {
				if err := os.Remove(f.s.ObjectPath(f.b.ManifestSHA256)); err != nil {
					t.Fatal(err)
				}
			},
			want:  ErrMissingObject,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.b.ID && p.Artifact == "" },
		},
		{
			name: "artifact row altered",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER artifacts_no_update`)
				execSQL(t, f.db, `UPDATE artifacts SET media_type = 'text/plain' WHERE capture_id = ? AND name = 'document.html'`, f.a.ID)
			},
			want:  ErrManifestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.Artifact == "document.html" },
		},
		{
			name: "artifact row deleted",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER artifacts_no_delete`)
				execSQL(t, f.db, `DELETE FROM artifacts WHERE capture_id = ? AND name = 'facts.json'`, f.a.ID)
			},
			want:  ErrManifestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.Artifact == "facts.json" },
		},
		{
			name: "catalogue title edited",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER captures_final`)
				execSQL(t, f.db, `UPDATE captures SET title = 'harmless page' WHERE id = ?`, f.b.ID)
			},
			want:  ErrManifestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.b.ID },
		},
		{
			name: "manifest replaced by a forged one and its hash updated",
			tamper: func(t *testing.T, f *tamperFixture) {
				m := *f.a.Manifest
				m.Facts.Metadata.Title = "forged"
				b, d, err := m.Encode()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.s.ingestBytes(context.Background(), b); err != nil {
					t.Fatal(err)
				}
				execSQL(t, f.db, `DROP TRIGGER captures_final`)
				execSQL(t, f.db, `UPDATE captures SET manifest_sha256 = ?, title = 'forged' WHERE id = ?`, string(d), f.a.ID)
			},
			want:  ErrManifestMismatch,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.EventSeq == 3 },
		},
		{
			name: "sealed capture marked interrupted to hide it",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER captures_final`)
				execSQL(t, f.db, `UPDATE captures SET status = 'interrupted' WHERE id = ?`, f.b.ID)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.b.ID && p.EventSeq == 5 },
		},
		{
			name: "capture moved to another case",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `INSERT INTO cases (name, created_at) VALUES ('other', '2025-01-01T00:00:00.000000000Z')`)
				execSQL(t, f.db, `DROP TRIGGER captures_final`)
				execSQL(t, f.db, `UPDATE captures SET case_id = (SELECT id FROM cases WHERE name = 'other') WHERE id = ?`, f.a.ID)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == f.a.ID && p.EventSeq == 2 },
		},
		{
			name: "custody details edited",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER custody_no_update`)
				execSQL(t, f.db, `UPDATE custody SET details = replace(details, 'alice', 'mallory') WHERE seq = 2`)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.EventSeq == 2 && p.CaptureID == "" },
		},
		{
			name: "custody actor edited and its hash recomputed",
			tamper: func(t *testing.T, f *tamperFixture) {
				var r eventRow
				err := f.db.QueryRow(`SELECT `+eventColumns+` FROM custody WHERE seq = 3`).Scan(&r.Seq, &r.At, &r.Actor,
					&r.Action, &r.Case, &r.CaptureID, &r.Details, &r.PrevHash, &r.Hash)
				if err != nil {
					t.Fatal(err)
				}
				r.Actor = "mallory"
				h, err := r.chainLink.hash()
				if err != nil {
					t.Fatal(err)
				}
				execSQL(t, f.db, `DROP TRIGGER custody_no_update`)
				execSQL(t, f.db, `UPDATE custody SET actor = ?, hash = ? WHERE seq = 3`, r.Actor, h)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.EventSeq == 4 },
		},
		{
			name: "middle custody event deleted",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER custody_no_delete`)
				execSQL(t, f.db, `DELETE FROM custody WHERE seq = 3`)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.EventSeq == 3 && p.CaptureID == "" },
		},
		{
			name: "last custody event deleted",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER custody_no_delete`)
				execSQL(t, f.db, `DELETE FROM custody WHERE seq = 5`)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.EventSeq == 5 && p.CaptureID == "" },
		},
		{
			name: "custody events swapped",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER custody_no_update`)
				execSQL(t, f.db, `UPDATE custody SET seq = -2 WHERE seq = 2`)
				execSQL(t, f.db, `UPDATE custody SET seq = 2 WHERE seq = 4`)
				execSQL(t, f.db, `UPDATE custody SET seq = 4 WHERE seq = -2`)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.EventSeq == 2 },
		},
		{
			name: "custody event inserted after the head",
			tamper: func(t *testing.T, f *tamperFixture) {
				var prev string
				if err := f.db.QueryRow(`SELECT hash FROM custody WHERE seq = 5`).Scan(&prev); err != nil {
					t.Fatal(err)
				}
				l := chainLink{Seq: 6, At: "2025-01-01T00:00:00.000000000Z", Actor: "mallory", Action: "viewed", Details: "{}", PrevHash: prev}
				h, err := l.hash()
				if err != nil {
					t.Fatal(err)
				}
				execSQL(t, f.db, `INSERT INTO custody (`+eventColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					l.Seq, l.At, l.Actor, l.Action, l.Case, l.CaptureID, l.Details, l.PrevHash, h)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.EventSeq == 6 },
		},
		{
			name: "custody head deleted",
			tamper: func(t *testing.T, f *tamperFixture) {
				execSQL(t, f.db, `DROP TRIGGER custody_head_no_delete`)
				execSQL(t, f.db, `DELETE FROM custody_head`)
			},
			want:  ErrCustodyBroken,
			match: func(f *tamperFixture, p Problem) bool { return p.CaptureID == "" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTamperFixture(t)
			ctx := context.Background()
			tt.tamper(t, f)

			rep, err := f.s.Verify(ctx, Scope{}, "auditor")
			if rep == nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.OK() {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			found := false
			for _, p := range rep.Problems {
				t.Logf("problem: %s", p)
				if p.Err == nil || p.String() == "" {
					t.Errorf("problem without error or text: %+v", p)
				}
				if errors.Is(p.Err, tt.want) && tt.match(f, p) {
					found = true
				}
			}
			if !found {
				t.Errorf("no %v problem matching the tampering", tt.want)
			}
			// Verifying again (after Verify appended its own events) still finds it.
			rep, _ = f.s.Verify(ctx, Scope{}, "auditor")
			if rep == nil || rep.OK() {
				t.Errorf("second Verify lost the tampering: %+v", rep)
			}
		})
	}
}

func TestVerifyUntamperedAppendsEvents(t *testing.T) {
	ctx := context.Background()
	f := newTamperFixture(t)
	rep, err := f.s.Verify(ctx, Scope{}, "auditor")
	if err != nil || !rep.OK() || rep.Captures != 2 || rep.Artifacts != 4 || rep.Events != 5 || rep.Head.Count != 5 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	events, err := f.s.Custody(ctx, f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Action != ActionVerified || last.Actor != "auditor" || last.Details["result"] != "ok" || last.Details["scope"] != "all" {
		t.Errorf("verified event %+v", last)
	}
	all, _ := f.s.Custody(ctx, "")
	summary := all[len(all)-1]
	if summary.Action != ActionVerified || summary.CaptureID != "" || summary.Details["captures"] != "2" || summary.Details["head_count"] != "5" {
		t.Errorf("summary event %+v", summary)
	}
	// A shared object damaged once is reported for every capture that holds it.
	c := capture(t, f.s, "c1", "https://c.example/", map[string]string{"copy.html": "<html>b</html>"})
	flipByte(t, c.Artifacts[0].Path, 0)
	rep, err = f.s.Verify(ctx, Scope{}, "auditor")
	if err != nil {
		t.Fatal(err)
	}
	hit := map[string]string{}
	for _, p := range rep.Problems {
		if errors.Is(p.Err, ErrDigestMismatch) {
			hit[p.CaptureID] = p.Artifact
		}
	}
	if hit[f.b.ID] != "document.html" || hit[c.ID] != "copy.html" || len(hit) != 2 {
		t.Errorf("shared damaged object reported as %v", hit)
	}
	events, _ = f.s.Custody(ctx, c.ID)
	if last := events[len(events)-1]; last.Details["result"] != "problems" || last.Details["problems"] != "1" {
		t.Errorf("verified event of a damaged capture %+v", last)
	}
}

func TestTriggersGuardTheLog(t *testing.T) {
	f := newTamperFixture(t)
	for _, q := range []string{
		`UPDATE custody SET actor = 'mallory' WHERE seq = 1`,
		`DELETE FROM custody WHERE seq = 5`,
		`DELETE FROM custody_head`,
		`UPDATE artifacts SET size = 1`,
		`DELETE FROM artifacts`,
		`UPDATE captures SET title = 'x'`,
		`DELETE FROM captures`,
	} {
		if _, err := f.db.Exec(q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	// Open restores a dropped trigger.
	execSQL(t, f.db, `DROP TRIGGER custody_no_update`)
	s2 := openStore(t, f.s.Dir())
	_ = s2
	if _, err := f.db.Exec(`UPDATE custody SET actor = 'mallory' WHERE seq = 1`); err == nil {
		t.Errorf("trigger not restored by Open")
	}
	if r, err := f.s.Capture(context.Background(), f.a.ID); err != nil || r.Status != evidence.StatusComplete {
		t.Errorf("Capture = %+v, %v", r, err)
	}
}

func TestCaptureRefusesDamagedManifest(t *testing.T) {
	f := newTamperFixture(t)
	flipByte(t, f.s.ObjectPath(f.a.ManifestSHA256), 0)
	if _, err := f.s.Capture(context.Background(), f.a.ID); !errors.Is(err, ErrManifestMismatch) {
		t.Errorf("Capture with a damaged manifest = %v", err)
	}
	if err := os.Remove(f.s.ObjectPath(f.b.ManifestSHA256)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Capture(context.Background(), f.b.ID); !errors.Is(err, ErrMissingObject) {
		t.Errorf("Capture with a missing manifest = %v", err)
	}
}
