package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/store"
)

func TestCLICaseCommandsAndAnnotate(t *testing.T) {
	data := t.TempDir()
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, stderr := evidentia(t, append([]string{"--data", data}, args...)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, want, out, stderr)
		}
		return out + stderr
	}
	run(exitOK, "cases", "create", "선거-2026-001", "--number", "2026-조사-1", "--law", "공직선거법 제250조", "--operator", "홍길동")
	run(exitProblem, "cases", "create", "선거-2026-001")
	run(exitOK, "cases", "edit", "선거-2026-001", "--rename", "선거-2026-001(허위사실)", "--description", "후보 비방 게시물")
	out := run(exitOK, "cases", "--json")
	if !strings.Contains(out, `"name":"선거-2026-001(허위사실)"`) || !strings.Contains(out, `"number":"2026-조사-1"`) ||
		!strings.Contains(out, `"description":"후보 비방 게시물"`) || !strings.Contains(out, `"law_article":"공직선거법 제250조"`) {
		t.Errorf("cases after edit: %s", out)
	}
	run(exitOK, "cases", "close", "선거-2026-001(허위사실)")
	if out := run(exitOK, "cases", "--json"); !strings.Contains(out, `"closed":true`) {
		t.Errorf("not closed: %s", out)
	}
	run(exitOK, "cases", "reopen", "선거-2026-001(허위사실)")
	run(exitProblem, "cases", "close", "없는 사건")
	run(exitUsage, "cases", "edit")

	// A sealed capture to annotate (made through the store: no browser needed).
	ctx := context.Background()
	st, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.BeginCapture(ctx, "선거-2026-001(허위사실)", "https://news.example.kr/1", "홍길동")
	if err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(t.TempDir(), "text.txt")
	os.WriteFile(text, []byte("본문"), 0o600)
	now := time.Now().UTC()
	if _, err := st.Seal(ctx, id, store.SealRequest{Status: evidence.StatusComplete, Actor: "홍길동",
		Facts: evidence.Facts{RequestedURL: "https://news.example.kr/1", Collection: evidence.Collection{StartedAt: now, FinishedAt: now}},
		Files: []store.SealFile{{Name: "text.txt", MediaType: "text/plain", Role: evidence.RoleText, Path: text}}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	run(exitOK, "annotate", id[:8], "--tag", "비방", "--tag", "긴급", "--operator", "김수사", "원문", "삭제", "전", "확보")
	out = run(exitOK, "show", id, "--json")
	if !strings.Contains(out, `"annotated"`) || !strings.Contains(out, "원문 삭제 전 확보") || !strings.Contains(out, "비방") {
		t.Errorf("show after annotate: %s", out)
	}
	run(exitProblem, "annotate", id)
	run(exitUsage, "annotate")
	if out := run(exitOK, "verify", "--json"); !strings.Contains(out, `"ok":true`) {
		t.Errorf("verify after the case commands and the note: %s", out)
	}
}
