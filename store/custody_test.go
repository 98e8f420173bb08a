package store

import (
	"context"
	"testing"
)

func TestEventHashMatchesTheLog(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	if _, err := st.EnsureCase(ctx, "사건", "tester"); err != nil {
		t.Fatal(err)
	}
	id, err := st.BeginCapture(ctx, "사건", "https://example.test/", "tester")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendEvent(ctx, Event{Actor: "홍길동", Action: ActionExported, CaptureID: id, Details: map[string]string{"bundle": "b.zip", "메모": "넘김"}}); err != nil {
		t.Fatal(err)
	}
	events, err := st.Custody(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 2 {
		t.Fatalf("%d events", len(events))
	}
	for _, e := range events {
		h, err := EventHash(e)
		if err != nil {
			t.Fatal(err)
		}
		if h != e.Hash {
			t.Errorf("event #%d: EventHash %s, the log says %s", e.Seq, h, e.Hash)
		}
		e.Actor += "x"
		if h2, _ := EventHash(e); h2 == e.Hash {
			t.Errorf("event #%d: a changed actor hashes the same", e.Seq)
		}
	}
}
