package capture

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// spareTabs is how many tabs the engine keeps open ahead of the captures that will use them.
const spareTabs = 2

// tab is a browser tab in a browser context of its own, opened and attached but never
// navigated: as fresh as a tab opened when the capture starts (no cookie, cache or storage of
// another capture), only made earlier, while another capture was running.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// openTabTimeout bounds the opening of one tab.
const openTabTimeout = 30 * time.Second

// openTab opens a tab in a new browser context and prepares it for a capture: responses are
// paused for the recorder (which starts listening before anything is loaded), downloads are
// refused, the window size, user agent and languages set, the cache disabled. Opening one
// (the browser context, the target, attaching to it, enabling its domains, these settings)
// takes a few hundred milliseconds.
func (e *Engine) openTab() (tab, error) {
	tctx, cancel := chromedp.NewContext(e.browserCtx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tctx); err != nil {
		cancel()
		return tab{}, err
	}
	if err := e.prepareTab(tctx); err != nil {
		cancel()
		return tab{}, err
	}
	return tab{ctx: tctx, cancel: cancel}, nil
}

// prepareTab applies the capture settings to the tab tctx.
func (e *Engine) prepareTab(tctx context.Context) error {
	ctx, cancel := context.WithTimeout(tctx, openTabTimeout)
	defer cancel()
	cc := chromedp.FromContext(tctx)
	steps := []func() error{
		func() error {
			_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
				{URLPattern: "*", RequestStage: fetch.RequestStageResponse},
				{URLPattern: "*", ResourceType: network.ResourceTypeDocument, RequestStage: fetch.RequestStageRequest},
			}})
			return err
		},
		func() error {
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: cc.BrowserContextID, EventsEnabled: new(true)})
			return err
		},
		func() error {
			_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: int64(e.cfg.width), Height: int64(e.cfg.height), DeviceScaleFactor: e.cfg.scale})
			return err
		},
		func() error {
			_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
				UserAgent: e.userAgent, AcceptLanguage: "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"})
			return err
		},
		func() error {
			_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		},
		func() error {
			// The binding is added before the script that takes it (both before any page).
			if _, err := chromedp.Call(ctx, runtime.AddBinding, runtime.AddBindingParams{Name: scrollHintBinding}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: scrollHintJS})
			return err
		},
	}
	// The steps are independent commands: sent at once, they cost one round trip, not five.
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		wg.Go(func() { errs[i] = s() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// takeTab returns a fresh tab for one capture: a spare opened earlier when there is one,
// else one opened now. The caller owns the tab and must call its cancel, and calls refill
// when opening the next spare no longer slows its own capture (after its load event; at the
// latest when it ends).
//
// Opening a tab costs the browser a few hundred milliseconds of work (a renderer process, a
// browser context, a dozen commands on a fresh target); done while this capture's page
// loads, it slowed that load about threefold (85 ms to 250 ms on a local page, measured on a
// 2-core machine). After the load event the capture mostly waits (network quiet).
func (e *Engine) takeTab() (tab, error) {
	for {
		select {
		case t := <-e.spares:
			if t.ctx.Err() == nil {
				return t, nil
			}
			t.cancel()
			continue
		default:
		}
		break
	}
	e.mu.Lock()
	opening := e.opening
	e.mu.Unlock()
	if opening > 0 {
		// A spare being opened is ready sooner than a tab opened now beside it.
		tm := time.NewTimer(spareWait)
		defer tm.Stop()
		select {
		case t := <-e.spares:
			if t.ctx.Err() == nil {
				return t, nil
			}
			t.cancel()
		case <-tm.C:
		}
	}
	return e.openTab()
}

// spareWait is how long takeTab waits for a spare being opened before it opens a tab itself.
const spareWait = 2 * time.Second

// refill opens one spare tab in the background, unless the engine is closed or enough spares
// are already open or being opened.
func (e *Engine) refill() {
	e.mu.Lock()
	if e.closed || e.browserCtx.Err() != nil || len(e.spares)+e.opening >= spareTabs {
		e.mu.Unlock()
		return
	}
	e.opening++
	e.spareWG.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.spareWG.Done()
		t, err := e.openTab()
		e.mu.Lock()
		defer e.mu.Unlock()
		e.opening--
		if err != nil {
			return
		}
		if e.closed {
			t.cancel()
			return
		}
		select {
		case e.spares <- t:
		default:
			t.cancel()
		}
	}()
}

// closeSpares waits for the spares being opened and closes every spare. Close calls it once
// no capture can start.
func (e *Engine) closeSpares() {
	e.spareWG.Wait()
	for {
		select {
		case t := <-e.spares:
			t.cancel()
		default:
			return
		}
	}
}
