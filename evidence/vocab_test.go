package evidence

import (
	"fmt"
	"testing"
	"time"
)

func TestActionKeys(t *testing.T) {
	seen := map[string]Action{}
	for _, a := range []Action{ActionCaseCreated, ActionCaseClosed, ActionCaseReopened, ActionCaseUpdated,
		ActionCaptureStarted, ActionCaptureSealed, ActionCaptureFailed, ActionCaptureInterrupted, ActionVerified,
		ActionViewed, ActionReported, ActionExported, ActionAnnotated, ActionSettingsChanged} {
		k := a.Key()
		if k == "" {
			t.Errorf("%q has no key", a)
		}
		if b, ok := seen[k]; ok {
			t.Errorf("%q and %q share the key %q", a, b, k)
		}
		seen[k] = a
	}
	if k := Action("something else").Key(); k != "" {
		t.Errorf("unknown action has key %q", k)
	}
}

func TestKST(t *testing.T) {
	at := time.Date(2025, 3, 1, 0, 30, 0, 0, time.UTC).In(KST())
	if got := at.Format("2006-01-02 15:04 MST -07:00"); got != "2025-03-01 09:30 KST +09:00" {
		t.Errorf("KST: %s", got)
	}
}

func TestPageImage(t *testing.T) {
	art := func(name, role string) Artifact { return Artifact{Name: name, Role: role} }
	names := func(as []Artifact) string {
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return fmt.Sprint(out)
	}
	arts := []Artifact{art("a.png", RoleTile), art("b.png", RoleTile), art("shot.png", RoleScreenshot), art("view.png", RoleViewport)}
	// The listed tiles, by Y, with the missing ones named.
	m := &Method{Tiles: []Tile{{Name: "b.png", Y: 0}, {Name: "gone.png", Y: 500}, {Name: "a.png", Y: 1000}}}
	parts, tiles, missing := PageImage(m, arts)
	if names(parts) != "[b.png a.png]" || len(tiles) != 2 || tiles[1].Y != 1000 || fmt.Sprint(missing) != "[gone.png]" {
		t.Errorf("listed tiles: %s %v %v", names(parts), tiles, missing)
	}
	// Unlisted tiles in artifact order, then the screenshot; never the viewport.
	if parts, tiles, _ := PageImage(&Method{}, arts); names(parts) != "[a.png b.png]" || tiles != nil {
		t.Errorf("tile artifacts: %s %v", names(parts), tiles)
	}
	if parts, _, _ := PageImage(nil, arts[2:]); names(parts) != "[shot.png]" {
		t.Errorf("screenshot: %s", names(parts))
	}
	if parts, _, _ := PageImage(nil, arts[3:]); len(parts) != 0 {
		t.Errorf("viewport chosen: %s", names(parts))
	}
	if got := ArtifactsOfRole(arts, RoleViewport); names(got) != "[view.png]" {
		t.Errorf("ArtifactsOfRole: %s", names(got))
	}
}

func TestNetworkRows(t *testing.T) {
	n := &Network{HTTPStatus: 200, StatusText: "OK\u202e", RemoteIP: "2001:db8::1", RemotePort: 443, Protocol: "h2",
		MIMEType: "text/html", Charset: "utf-8"}
	rows := NetworkRows(n)
	for key, want := range map[string]string{
		FactHTTPStatus: "200 OK[U+202E]", FactServer: "[2001:db8::1]:443", FactProtocol: "h2",
		FactContentType: "text/html; charset=utf-8", FactTLSProtocol: "",
	} {
		if got := rows.Value(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if len(rows) != 4 {
		t.Errorf("without TLS: %d rows", len(rows))
	}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	n.TLS = &TLS{Protocol: "TLS 1.3", Cipher: "AES_128_GCM", SANs: []string{"a.example", "b.example"}, ValidFrom: from}
	rows = NetworkRows(n)
	if rows.Value(FactCertSANs) != "a.example, b.example" || !rows.Row(FactCertValidity).From.Equal(from) ||
		rows.Value(FactKeyExchange) != "" || len(rows) != 11 {
		t.Errorf("TLS rows: %+v", rows)
	}
	if r := (FactRows{}).Row(FactServer); r.Key != FactServer || r.Value != "" {
		t.Errorf("missing row: %+v", r)
	}
}

// TestEveryActionHasAKey: Actions lists every action once, each with its own key.
func TestEveryActionHasAKey(t *testing.T) {
	seen := map[string]Action{}
	for _, a := range Actions() {
		k := a.Key()
		if k == "" {
			t.Errorf("%q has no key", a)
		}
		if b, dup := seen[k]; dup {
			t.Errorf("%q and %q share the key %s", a, b, k)
		}
		seen[k] = a
	}
	if len(seen) != len(actionKeys) {
		t.Errorf("Actions lists %d actions, the keys %d", len(seen), len(actionKeys))
	}
}
