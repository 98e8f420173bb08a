package capture

import (
	"testing"

	"github.com/chromedp/cdproto/network"
)

// TestRecorderAbandon: the requests of a tab that was closed end, failed with the reason
// given, and no longer keep the network busy; requests that had finished, and those of
// other tabs, are left as they were.
func TestRecorderAbandon(t *testing.T) {
	r := newRecorder(1 << 20)
	for _, id := range []network.RequestID{"side.1", "side.2", "main.1"} {
		r.handleRequest(&network.EventRequestWillBeSent{RequestID: id, Type: network.ResourceTypeXHR,
			Request: &network.Request{URL: "https://example.test/" + string(id), Method: "GET"}})
	}
	r.handleFinished("side.2", "")
	r.abandon([]network.RequestID{"side.1", "side.2", "unknown"}, "not answered: the tab was closed")
	if quiet, n := r.quietFor(0); quiet || n != 1 {
		t.Errorf("quiet %v with %d open, want main.1 alone open", quiet, n)
	}
	for id, want := range map[network.RequestID]string{"side.1": "not answered: the tab was closed", "side.2": "", "main.1": ""} {
		if got := r.byID[id].failed; got != want {
			t.Errorf("%s failed %q, want %q", id, got, want)
		}
	}
	r.abandon([]network.RequestID{"main.1"}, "closed")
	if quiet, n := r.quietFor(0); !quiet || n != 0 {
		t.Errorf("quiet %v with %d open after every request ended", quiet, n)
	}
}
