package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"evidentia/store"
)

// maxProblemsShown bounds the problems listed in a result dialog; the rest are counted.
const maxProblemsShown = 200

// verifyCase checks every capture of the open case and the custody log (store.Verify) in the
// background, then shows the result: intact, or each problem in plain words.
func (u *ui) verifyCase() {
	if u.caseName == "" || u.st == nil {
		return
	}
	u.runVerify(u.w, store.Scope{Case: u.caseName}, &u.list.pending, nil)
}

// runVerify checks scope in the background, with a progress dialog (and Cancel) on parent,
// then shows the result there. pending counts the work (tests wait on it); after, when not
// nil, runs on the main goroutine once the check ended, whatever its result. Verify records
// the check in the custody log.
func (u *ui) runVerify(parent fyne.Window, scope store.Scope, pending *sync.WaitGroup, after func()) {
	ctx, cancel := context.WithCancel(u.ctx)
	bar := widget.NewProgressBarInfinite()
	wait := dialog.NewCustom(T("verify.title"), T("Cancel"), container.NewVBox(widget.NewLabel(T("verify.running")), bar), parent)
	wait.SetOnClosed(cancel)
	wait.Show()
	pending.Add(1)
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		defer pending.Done()
		defer cancel()
		rep, err := u.sess.VerifyStore(ctx, scope, "")
		cancelled := ctx.Err() != nil
		onMain(func() {
			bar.Stop()
			wait.Hide()
			if after != nil {
				after()
			}
			switch {
			case cancelled:
			case err != nil:
				dialog.NewInformation(T("Error"), friendly(err), parent).Show()
			default:
				showVerifyResult(parent, rep)
			}
		})
	}()
}

// showVerifyResult shows what Verify found, in plain words.
func showVerifyResult(parent fyne.Window, rep *store.VerifyReport) {
	content := verifyResultContent(rep)
	var dlg dialog.Dialog
	if len(rep.Problems) == 0 {
		dlg = dialog.NewCustom(T("verify.title"), T("OK"), content, parent)
		dlg.Resize(fyne.NewSize(520, content.MinSize().Height+120))
	} else {
		dlg = dialog.NewCustom(T("verify.title"), T("OK"), container.NewVScroll(content), parent)
		dlg.Resize(fyne.NewSize(640, 460))
	}
	dlg.Show()
}

// verifyResultContent is the result of a verification: a verdict, what was checked, and the
// problems (damage first, then notes about captures that hold no evidence).
func verifyResultContent(rep *store.VerifyReport) fyne.CanvasObject {
	var damage, notes []store.Problem
	for _, p := range rep.Problems {
		if p.Informational() {
			notes = append(notes, p)
		} else {
			damage = append(damage, p)
		}
	}
	verdict := widget.NewLabel("")
	verdict.Wrapping = fyne.TextWrapWord
	verdict.TextStyle.Bold = true
	if len(damage) == 0 {
		verdict.SetText(T("verify.intact"))
		verdict.Importance = widget.SuccessImportance
	} else {
		verdict.SetText(T("verify.damaged", map[string]any{"Count": groupDigits(len(damage))}))
		verdict.Importance = widget.DangerImportance
	}
	checked := widget.NewLabel(T("verify.checked", map[string]any{
		"Captures": groupDigits(rep.Captures), "Files": groupDigits(rep.Artifacts), "Events": groupDigits(rep.Events)}))
	checked.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(verdict, checked)
	shown := 0
	for _, group := range [][]store.Problem{damage, notes} {
		for _, p := range group {
			if shown == maxProblemsShown {
				break
			}
			shown++
			line := widget.NewLabel("• " + problemText(p))
			line.Wrapping = fyne.TextWrapWord
			if !p.Informational() {
				line.Importance = widget.DangerImportance
			}
			tech := note(p.String(), fyne.TextWrapBreak)
			tech.Selectable = true
			box.Add(line)
			box.Add(tech)
		}
	}
	if more := len(rep.Problems) - shown; more > 0 {
		box.Add(widget.NewLabel(T("verify.more", map[string]any{"Count": groupDigits(more)})))
	}
	return box
}

// problemText says in plain words what p found wrong, and where.
func problemText(p store.Problem) string {
	var where []string
	if p.CaptureID != "" {
		id := p.CaptureID
		if len(id) > 13 {
			id = id[:13] + "…"
		}
		where = append(where, T("verify.capture", map[string]any{"ID": id}))
	}
	if p.Artifact != "" {
		where = append(where, T("verify.file", map[string]any{"Name": p.Artifact}))
	}
	if p.EventSeq != 0 {
		where = append(where, T("verify.event", map[string]any{"Seq": strconv.FormatInt(p.EventSeq, 10)}))
	}
	var what string
	switch {
	case errors.Is(p.Err, store.ErrDigestMismatch):
		what = T("verify.digest")
	case errors.Is(p.Err, store.ErrMissingObject):
		what = T("verify.missing")
	case errors.Is(p.Err, store.ErrManifestMismatch):
		what = T("verify.manifest")
	case errors.Is(p.Err, store.ErrCustodyBroken):
		what = T("verify.custody")
	case errors.Is(p.Err, store.ErrInterrupted):
		what = T("verify.interrupted")
	case errors.Is(p.Err, store.ErrNotSealed):
		what = T("verify.notSealed")
	default:
		what = friendly(p.Err)
	}
	if len(where) == 0 {
		return what
	}
	return strings.Join(where, " · ") + ": " + what
}
