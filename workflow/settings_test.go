package workflow

import (
	"strings"
	"testing"
	"time"

	"evidentia/settings"
	"evidentia/store"
)

func TestRecordSettings(t *testing.T) {
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	old := settings.Default()
	if err := RecordSettings(t.Context(), st, old, old, "홍길동"); err != nil {
		t.Fatal(err)
	}
	changed := old
	changed.Operator, changed.Timeout, changed.TSA = "김수사", 90*time.Second, "http://tsa.example/tsr"
	if err := RecordSettings(t.Context(), st, old, changed, "김수사"); err != nil {
		t.Fatal(err)
	}
	events, err := st.Custody(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []store.Event
	for _, e := range events {
		if e.Action == store.ActionSettingsChanged {
			got = append(got, e)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d settings events, want 1 (no event when nothing changed)", len(got))
	}
	d := got[0].Details
	if got[0].Actor != "김수사" || !strings.Contains(d["operator"], "김수사") || !strings.Contains(d["timeout"], "1m30s") ||
		!strings.Contains(d["tsa"], "tsa.example") || len(d) != 3 {
		t.Errorf("event: %+v", got[0])
	}
	if rep, err := st.Verify(t.Context(), store.Scope{}, "t"); err != nil || !rep.OK() {
		t.Errorf("the log does not verify after the event: %v %+v", err, rep)
	}
}
