package evidence

import (
	"fmt"
	"testing"
	"time"
)

func TestCollectionRows(t *testing.T) {
	at := time.Date(2025, 3, 1, 5, 4, 3, 0, time.UTC)
	c := &Collection{Operator: "홍길동", Unit: "조사1팀", Case: "2025-선거-001", Hostname: "pc-01", OS: "windows",
		Arch: "amd64", TimeZone: "Asia/Seoul KST (UTC+09:00)", LocalIPs: []string{"10.0.0.2", "fe80::1"},
		AppVersion: "0.1.0", AppSHA256: Digest("ab12"), StartedAt: at, FinishedAt: at.Add(12 * time.Second)}
	rows := CollectionRows(c)
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
	}
	if got, want := fmt.Sprint(keys), fmt.Sprint([]string{FactStarted, FactFinished, FactCollector, FactCase,
		FactWorkstation, FactTimeZone, FactLocalIPs, FactProgram, FactAppSHA256}); got != want {
		t.Errorf("keys %s, want %s", got, want)
	}
	for key, want := range map[string]string{
		FactCollector: "홍길동 (조사1팀)", FactCase: "2025-선거-001", FactWorkstation: "pc-01 windows/amd64",
		FactTimeZone: "Asia/Seoul KST (UTC+09:00)", FactLocalIPs: "10.0.0.2, fe80::1", FactProgram: "0.1.0",
		FactAppSHA256: "ab12", FactStarted: "",
	} {
		if got := rows.Value(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if !rows.Row(FactStarted).Time.Equal(at) || !rows.Row(FactFinished).Time.Equal(at.Add(12*time.Second)) {
		t.Errorf("times: %v %v", rows.Row(FactStarted).Time, rows.Row(FactFinished).Time)
	}

	// Nothing recorded: the local addresses and the executable's hash are left out.
	rows = CollectionRows(&Collection{Hostname: "pc-01", Arch: "arm64"})
	if len(rows) != 7 || rows.Value(FactWorkstation) != "pc-01 arm64" || rows.Value(FactCollector) != "" ||
		!rows.Row(FactStarted).Time.IsZero() {
		t.Errorf("empty collection: %+v", rows)
	}
	if rows = CollectionRows(&Collection{OS: "linux"}); rows.Value(FactWorkstation) != "linux" {
		t.Errorf("workstation without host: %q", rows.Value(FactWorkstation))
	}
}

func TestBrowserRows(t *testing.T) {
	rows := BrowserRows(&Browser{Product: "Chromium", Revision: "131.0", UserAgent: "Mozilla/5.0",
		ViewportWidth: 1280, ViewportHeight: 900, DeviceScale: 1.5})
	for key, want := range map[string]string{
		FactProduct: "Chromium (131.0)", FactUserAgent: "Mozilla/5.0", FactViewport: "1280x900@1.5",
	} {
		if got := rows.Value(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if got := fmt.Sprint(rows.Row(FactViewport).Parts); got != "[1280 900 1.5]" {
		t.Errorf("viewport parts %s", got)
	}
	rows = BrowserRows(&Browser{Product: "Chromium"})
	if len(rows) != 3 || rows.Value(FactProduct) != "Chromium" || rows.Value(FactViewport) != "" ||
		rows.Row(FactViewport).Parts != nil {
		t.Errorf("without revision or viewport: %+v", rows)
	}
}
