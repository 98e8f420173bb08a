package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"evidentia/evidence"
)

func TestInterruptedRecovery(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnsureCase(ctx, "c1", "alice"); err != nil {
		t.Fatal(err)
	}
	id, err := s.BeginCapture(ctx, "c1", "https://example.org/", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, dir)
	r, err := s.Capture(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != evidence.StatusInterrupted || r.Reason == "" || r.FinishedAt.IsZero() || r.Manifest != nil {
		t.Errorf("after reopening: %+v", r)
	}
	events, err := s.Custody(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(events); n != 2 || events[1].Action != ActionCaptureInterrupted || events[1].Case != "c1" {
		t.Fatalf("custody %+v", events)
	}
	if _, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete}); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Seal of an interrupted capture = %v", err)
	}
	rep, err := s.Verify(ctx, Scope{}, "auditor")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Problems) != 1 || !errors.Is(rep.Problems[0].Err, ErrInterrupted) ||
		!rep.Problems[0].Informational() || rep.Problems[0].CaptureID != id {
		t.Errorf("Verify of an interrupted capture = %+v", rep)
	}
	// Reopening again records nothing more.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	if again, _ := s.Custody(ctx, id); len(again) != 3 { // started, interrupted, verified
		t.Errorf("custody after a second reopening: %+v", again)
	}
}

func TestLiveCaptureNotInterruptedByAnotherStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s1 := openStore(t, dir)
	if _, err := s1.EnsureCase(ctx, "c1", "alice"); err != nil {
		t.Fatal(err)
	}
	id, err := s1.BeginCapture(ctx, "c1", "https://example.org/", "alice")
	if err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, dir) // for example the command line while the window is open
	if r, err := s2.Capture(ctx, id); err != nil || r.Status != evidence.StatusCapturing {
		t.Fatalf("capture of a live Store: %+v, %v", r, err)
	}
	// Probing the lock did not release it: a third Store still sees s1 alive.
	s3 := openStore(t, dir)
	if r, err := s3.Capture(ctx, id); err != nil || r.Status != evidence.StatusCapturing {
		t.Fatalf("capture of a live Store, seen by a third: %+v, %v", r, err)
	}
	rep, err := s2.Verify(ctx, Scope{}, "auditor")
	if err != nil || !rep.OK() || len(rep.Problems) != 1 || !errors.Is(rep.Problems[0].Err, ErrNotSealed) {
		t.Errorf("Verify of a capture in progress = %+v, %v", rep, err)
	}
	if _, err := s1.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete, Files: writeFiles(t, map[string]string{"a.html": "a"})}); err != nil {
		t.Fatalf("Seal after another Store opened: %v", err)
	}
	if r, err := s2.Capture(ctx, id); err != nil || r.Status != evidence.StatusComplete {
		t.Errorf("seen from the other Store: %+v, %v", r, err)
	}
}

func TestConcurrentSeals(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	const workers, each = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each+workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				caseName := fmt.Sprintf("case-%d", (w+i)%3)
				if _, err := s.EnsureCase(ctx, caseName, "alice"); err != nil {
					errs <- err
					return
				}
				id, err := s.BeginCapture(ctx, caseName, fmt.Sprintf("https://example.org/%d/%d", w, i), "alice")
				if err != nil {
					errs <- err
					return
				}
				files := writeFiles(t, map[string]string{
					"page.html":  fmt.Sprintf("<html>%d %d</html>", w, i),
					"common.css": "body{}", // the same object for every capture
				})
				if _, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete, Files: files, Actor: "alice"}); err != nil {
					errs <- err
					return
				}
				if _, err := s.AppendEvent(ctx, Event{Actor: "bob", Action: ActionViewed, CaptureID: id}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	// Readers at the same time.
	wg.Go(func() {
		for range 20 {
			if _, err := s.Captures(ctx, ""); err != nil {
				errs <- err
				return
			}
			if _, err := s.Custody(ctx, ""); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rep, err := s.Verify(ctx, Scope{}, "auditor")
	if err != nil || !rep.OK() {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	if rep.Captures != workers*each || rep.Events != 3+workers*each*3 {
		t.Errorf("counted %d captures, %d events", rep.Captures, rep.Events)
	}
}

// crashChildEnv names the data folder of the child process of TestCrashSafety.
const crashChildEnv = "EVIDENTIA_STORE_CRASH_CHILD"

// TestCrashChild is not a test on its own: TestCrashSafety runs it in a child process, which
// captures and seals in a loop until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("run by TestCrashSafety")
	}
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	deadline := time.Now().Add(60 * time.Second)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				if _, err := s.EnsureCase(ctx, "crash", "child"); err != nil {
					fmt.Println("error", err)
					os.Exit(2)
				}
				id, err := s.BeginCapture(ctx, "crash", fmt.Sprintf("https://example.org/%d/%d", w, i), "child")
				if err != nil {
					fmt.Println("error", err)
					os.Exit(2)
				}
				work, err := os.MkdirTemp(s.TempDir(), "capture-")
				if err != nil {
					fmt.Println("error", err)
					os.Exit(2)
				}
				var files []SealFile
				for _, name := range []string{"screenshot.png", "document.html", "facts.json"} {
					p := filepath.Join(work, name)
					content := strings.Repeat(fmt.Sprintf("%s %d %d %d\n", name, w, i, time.Now().UnixNano()), 2000)
					if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
						fmt.Println("error", err)
						os.Exit(2)
					}
					files = append(files, SealFile{Name: name, MediaType: mediaType(name), Role: role(name), Path: p})
				}
				status := evidence.StatusComplete
				if i%5 == 4 {
					status = evidence.StatusPartial
				}
				if _, err := s.Seal(ctx, id, SealRequest{Status: status, Files: files, Actor: "child",
					Facts: testFacts("https://example.org/", "crash")}); err != nil {
					fmt.Println("error", err)
					os.Exit(2)
				}
				os.RemoveAll(work)
				mu.Lock()
				fmt.Println("sealed", id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	os.Exit(0)
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	sealedTotal := 0
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() }) // when the test fails before the kill below
		sc := bufio.NewScanner(out)
		want := 3 + 2*round
		n := 0
		for n < want && sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "error") {
				t.Fatalf("child: %s", line)
			}
			if strings.HasPrefix(line, "sealed ") {
				n++
			}
		}
		if n < want {
			t.Fatalf("child ended after %d seals: %v", n, sc.Err())
		}
		time.Sleep(time.Duration(rand.IntN(15000)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		go func() { // drain, so that the child never blocks on a full pipe before dying
			for sc.Scan() {
			}
		}()
		_ = cmd.Wait() // killed: the error is expected
		sealedTotal += n
	}

	ctx := context.Background()
	s := openStore(t, dir)
	recs, err := s.Captures(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[evidence.Status]int{}
	for _, r := range recs {
		counts[r.Status]++
		if r.Status == evidence.StatusCapturing {
			t.Errorf("capture %s still capturing after its process died", r.ID)
		}
		if r.Status.Sealed() {
			if _, err := os.Stat(s.ObjectPath(r.ManifestSHA256)); err != nil {
				t.Errorf("sealed capture %s without its manifest: %v", r.ID, err)
			}
			if _, err := s.Capture(ctx, r.ID); err != nil {
				t.Errorf("Capture(%s): %v", r.ID, err)
			}
		}
	}
	t.Logf("%d captures after 4 kills (%d seals reported): %v", len(recs), sealedTotal, counts)
	if counts[evidence.StatusComplete]+counts[evidence.StatusPartial] < sealedTotal {
		t.Errorf("fewer sealed captures than the child reported")
	}
	rep, err := s.Verify(ctx, Scope{}, "auditor")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if !p.Informational() {
			t.Errorf("problem after crashes: %s", p)
		} else if !errors.Is(p.Err, ErrInterrupted) {
			t.Errorf("unexpected: %s", p)
		}
	}
	events, err := s.Custody(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	interrupted := 0
	for _, e := range events {
		if e.Action == ActionCaptureInterrupted {
			interrupted++
		}
	}
	if interrupted != counts[evidence.StatusInterrupted] {
		t.Errorf("%d interrupted captures, %d interruption events", counts[evidence.StatusInterrupted], interrupted)
	}
	locks, _ := os.ReadDir(filepath.Join(dir, locksDir))
	t.Logf("lock files left: %d (stale ones are removed after %v)", len(locks), staleLockAge)
}

func TestOpenCleansLeftovers(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	staleTmp := filepath.Join(dir, tmpDirName, tmpObjectPrefix+"123")
	freshTmp := filepath.Join(dir, tmpDirName, tmpObjectPrefix+"456")
	work := filepath.Join(dir, tmpDirName, "capture-789")
	staleLock := lockPath(filepath.Join(dir, locksDir), "0190aaaa-dead-7000-8000-000000000000")
	freshLock := lockPath(filepath.Join(dir, locksDir), "0190aaaa-new0-7000-8000-000000000000")
	for _, p := range []string{staleTmp, freshTmp, staleLock, freshLock} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{staleTmp, staleLock, work} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	openStore(t, dir)
	for p, want := range map[string]bool{staleTmp: false, freshTmp: true, work: true, staleLock: false, freshLock: true} {
		_, err := os.Stat(p)
		if exists := err == nil; exists != want {
			t.Errorf("%s exists %v, want %v", filepath.Base(p), exists, want)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	execSQL(t, rawDB(t, s), `UPDATE schema_version SET version = 99`)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s2, err := Open(context.Background(), dir); err == nil {
		s2.Close()
		t.Fatal("Open accepted a newer schema")
	}
	if _, err := Open(context.Background(), ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("Open(\"\") = %v", err)
	}
}
