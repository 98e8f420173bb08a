package capture

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// TestNoChromeInterfacePages checks that the engine's browser runs no pages of Chrome's own
// interface (omnibox pop-ups, preloaded tab search and the like) beside the tabs it opened:
// each one is a renderer process of its own per browser context, busy for seconds.
func TestNoChromeInterfacePages(t *testing.T) {
	needBrowser(t)
	captureURL(t, "/") // at least one capture's browser context has come and gone
	res, err := chromedp.CallBrowser(testEngine.browserCtx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, ti := range res.TargetInfos {
		if strings.HasPrefix(ti.URL, "chrome://") || ti.Type == "browser_ui" || ti.Type == "webview" {
			t.Errorf("the browser runs one of its own interface pages: %s %s", ti.Type, ti.URL)
		}
		if ti.Type == "page" {
			pages++
		}
	}
	if pages == 0 {
		t.Fatalf("no page target listed at all (%d targets): the check saw nothing", len(res.TargetInfos))
	}
}
