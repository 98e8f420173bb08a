package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/weburl"
)

// maxDropFile is the largest .txt or .csv file read when dropped onto the window.
const maxDropFile = 1 << 20

// maxShownURLs and maxShownRefused bound the lines the capture bar lists; the counts are
// always complete.
const (
	maxShownURLs    = 50
	maxShownRefused = 20
)

// captureBar is where addresses are pasted: a multi-line box that takes any text (a chat
// message, an e-mail, a spreadsheet column), the addresses found in it (and what was refused
// and why), and the Capture button. Ctrl+Enter (Cmd+Enter on macOS) also starts the capture.
// Files dropped onto the window are read and their addresses queued. Fields are touched on the
// main goroutine only.
type captureBar struct {
	content fyne.CanvasObject

	u        *ui
	caseName string   // the open case, "" for none
	urls     []string // the addresses found in the box, normalised, without duplicates

	entry   *pasteEntry
	button  *widget.Button
	hint    *widget.Label // why the bar is disabled
	summary *widget.Label // "3 addresses found"
	found   *widget.Label // the addresses, one a line
	refused *widget.Label // what looked like an address but is refused, and why
	status  *widget.Label // what the last capture or drop did
}

// newCaptureBar builds the capture bar of u and makes the window accept dropped files. When
// the window is being rebuilt, the text already in the box is kept.
func newCaptureBar(u *ui) *captureBar {
	b := &captureBar{u: u}
	b.entry = newPasteEntry(b.capture)
	b.entry.SetMinRowsVisible(5)
	b.entry.SetPlaceHolder(T("bar.placeholder"))
	b.entry.OnChanged = b.textChanged

	shortcut := "Ctrl+Enter"
	if runtime.GOOS == "darwin" {
		shortcut = "Cmd+Enter"
	}
	b.button = widget.NewButtonWithIcon(T("bar.capture")+" ("+shortcut+")", theme.MediaRecordIcon(), b.capture)
	b.button.Importance = widget.HighImportance

	b.hint = widget.NewLabel("")
	b.hint.Importance = widget.WarningImportance
	b.hint.Wrapping = fyne.TextWrapWord
	b.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.summary.Wrapping = fyne.TextWrapWord
	b.found = widget.NewLabel("")
	b.found.Truncation = fyne.TextTruncateEllipsis
	b.found.SizeName = theme.SizeNameCaptionText
	b.refused = widget.NewLabel("")
	b.refused.Importance = widget.DangerImportance
	b.refused.Wrapping = fyne.TextWrapWord
	b.refused.SizeName = theme.SizeNameCaptionText
	b.status = widget.NewLabel("")
	b.status.Wrapping = fyne.TextWrapWord
	for _, l := range []*widget.Label{b.hint, b.found, b.refused, b.status} {
		l.Hide()
	}

	// The addresses found are listed beside the box, so that the bar keeps its height
	// whatever is pasted.
	preview := container.NewVScroll(container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), b.summary, b.found, b.refused))
	b.content = container.NewVBox(
		b.hint,
		container.NewBorder(nil, nil, nil, container.NewVBox(b.button), container.NewGridWithColumns(2, b.entry, preview)),
		b.status,
	)

	u.w.SetOnDropped(b.dropped)
	for _, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter} {
		// When the focus is elsewhere (the cases list, for example).
		u.w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u.bar != nil {
				u.bar.capture()
			}
		})
	}
	text := ""
	if u.bar != nil {
		text = u.bar.entry.Text
	}
	b.entry.SetText(text)
	b.textChanged(text)
	b.setCase(u.caseName)
	return b
}

// setCase makes the bar capture into the case named name. With no case, or a closed one, the
// bar is disabled and says why.
func (b *captureBar) setCase(name string) {
	b.caseName = name
	c, known := b.u.cases.caseNamed(name)
	switch {
	case name == "":
		b.hint.SetText(T("bar.noCase"))
		b.hint.Show()
		b.entry.Disable()
	case known && c.Closed:
		b.hint.SetText(T("bar.caseClosed"))
		b.hint.Show()
		b.entry.Disable()
	default:
		b.hint.Hide()
		b.entry.Enable()
	}
	b.updateButton()
}

// canCapture reports whether the bar has a case open that takes captures.
func (b *captureBar) canCapture() bool {
	if b.caseName == "" {
		return false
	}
	c, known := b.u.cases.caseNamed(b.caseName)
	return !known || !c.Closed
}

func (b *captureBar) updateButton() {
	if b.canCapture() && len(b.urls) > 0 {
		b.button.Enable()
	} else {
		b.button.Disable()
	}
}

// textChanged finds the addresses in the box and shows them, with what was refused. Typing
// again clears the message of the last capture.
func (b *captureBar) textChanged(text string) {
	if text != "" {
		b.setStatus("")
	}
	b.urls = weburl.Extract(text)
	refused := refusedAddresses(text)
	b.summary.TextStyle.Bold = true
	b.summary.Importance = widget.MediumImportance
	switch {
	case strings.TrimSpace(text) == "":
		b.summary.TextStyle.Bold = false
		b.summary.Importance = widget.LowImportance
		b.summary.SetText(T("bar.previewHint"))
	case len(b.urls) == 0:
		b.summary.SetText(T("bar.noneFound") + refusedCount(refused))
	case len(b.urls) == 1:
		b.summary.SetText(T("bar.foundOne") + refusedCount(refused))
	default:
		b.summary.SetText(T("bar.found", map[string]any{"Count": strconv.Itoa(len(b.urls))}) + refusedCount(refused))
	}
	if len(b.urls) > 0 {
		var lines []string
		for i, u := range b.urls {
			if i == maxShownURLs {
				lines = append(lines, T("bar.more", map[string]any{"Count": strconv.Itoa(len(b.urls) - i)}))
				break
			}
			lines = append(lines, fmt.Sprintf("%d. %s", i+1, weburl.Display(u)))
		}
		b.found.SetText(strings.Join(lines, "\n"))
		b.found.Show()
	} else {
		b.found.Hide()
	}
	if len(refused) > 0 {
		var lines []string
		for i, r := range refused {
			if i == maxShownRefused {
				lines = append(lines, T("bar.more", map[string]any{"Count": strconv.Itoa(len(refused) - i)}))
				break
			}
			lines = append(lines, r.text+" — "+friendly(r.err))
		}
		b.refused.SetText(strings.Join(lines, "\n"))
		b.refused.Show()
	} else {
		b.refused.Hide()
	}
	b.updateButton()
}

// refusedCount is " · 2 left out" for two refusals, "" for none.
func refusedCount(refused []refusal) string {
	if len(refused) == 0 {
		return ""
	}
	return " · " + T("bar.refusedCount", map[string]any{"Count": strconv.Itoa(len(refused))})
}

// capture queues the addresses found in the box into the open case and empties the box.
func (b *captureBar) capture() {
	if !b.canCapture() || len(b.urls) == 0 {
		return
	}
	urls := b.urls
	b.u.queue.start(b.caseName, urls)
	b.entry.SetText("")
	if len(urls) == 1 {
		b.setStatus(T("bar.queuedOne"))
	} else {
		b.setStatus(T("bar.queued", map[string]any{"Count": strconv.Itoa(len(urls))}))
	}
}

func (b *captureBar) setStatus(s string) {
	b.status.SetText(s)
	if s == "" {
		b.status.Hide()
	} else {
		b.status.Show()
	}
}

// dropped reads the .txt and .csv files dropped onto the window (at most maxDropFile bytes
// each) in the background and queues the addresses found in them into the open case.
func (b *captureBar) dropped(_ fyne.Position, uris []fyne.URI) {
	u := b.u
	if !b.canCapture() {
		u.showError(errText(T("bar.dropNoCase")))
		return
	}
	caseName := b.caseName
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		var urls []string
		type problem struct {
			name string
			err  error
		}
		var problems []problem
		seen := map[string]bool{}
		for _, uri := range uris {
			found, err := readDropped(uri)
			if err != nil {
				problems = append(problems, problem{uri.Name(), err})
				continue
			}
			for _, f := range found {
				if !seen[f] {
					seen[f] = true
					urls = append(urls, f)
				}
			}
		}
		onMain(func() {
			var notes []string
			for _, p := range problems {
				notes = append(notes, p.name+": "+friendlyDrop(p.err))
			}
			if len(urls) > 0 {
				u.queue.start(caseName, urls)
				msg := T("bar.dropQueued", map[string]any{"Count": strconv.Itoa(len(urls))})
				if len(urls) == 1 {
					msg = T("bar.dropQueuedOne")
				}
				notes = append([]string{msg}, notes...)
			} else if len(notes) == 0 {
				notes = append(notes, T("bar.dropNone"))
			}
			u.bar.setStatus(strings.Join(notes, "\n"))
		})
	}()
}

// Reasons a dropped file is not read.
var (
	errDropType = errors.New("app: only .txt and .csv files are read")
	errDropSize = errors.New("app: file too large")
)

// readDropped returns the addresses in the text file at uri: UTF-8 (with or without a byte
// order mark) or UTF-16 with a byte order mark, as spreadsheet programs save "Unicode text".
func readDropped(uri fyne.URI) ([]string, error) {
	if uri.Scheme() != "file" {
		return nil, errDropType
	}
	switch strings.ToLower(filepath.Ext(uri.Path())) {
	case ".txt", ".csv":
	default:
		return nil, errDropType
	}
	f, err := os.Open(uri.Path())
	if err != nil {
		return nil, fmt.Errorf("app: read %s: %w", uri.Path(), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDropFile+1))
	if err != nil {
		return nil, fmt.Errorf("app: read %s: %w", uri.Path(), err)
	}
	if len(data) > maxDropFile {
		return nil, errDropSize
	}
	return weburl.Extract(decodeText(data)), nil
}

// decodeText turns the bytes of a text file into a string: UTF-16 with a byte order mark is
// decoded; a UTF-8 byte order mark is removed; anything else is taken as UTF-8.
func decodeText(data []byte) string {
	var order func([]byte) uint16
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		order = func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order = func(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 }
	default:
		return string(data)
	}
	units := make([]uint16, 0, len(data)/2)
	for i := 2; i+1 < len(data); i += 2 {
		units = append(units, order(data[i:i+2]))
	}
	return string(utf16.Decode(units))
}

// friendlyDrop says why a dropped file was not read.
func friendlyDrop(err error) string {
	switch {
	case errors.Is(err, errDropType):
		return T("bar.dropType")
	case errors.Is(err, errDropSize):
		return T("bar.dropSize")
	}
	return friendly(err)
}

// refusal is something in pasted text that looks like a web address but is not captured.
type refusal struct {
	text string
	err  error
}

// refusedSchemes are schemes that are never captured but that people paste.
var refusedSchemes = []string{"javascript:", "file:", "data:", "about:", "chrome:", "edge:", "view-source:", "blob:", "ftp:"}

// refusedAddresses returns the words of text that look like web addresses (they contain
// "://", start with "www." or with a scheme that is never captured) but in which
// weburl.Extract finds none, each with the reason, without duplicates and in order.
func refusedAddresses(text string) []refusal {
	var out []refusal
	seen := map[string]bool{}
	words := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("<>\"`|{}", r) || r == utf8.RuneError
	})
	for _, w := range words {
		w = trimWord(strings.TrimLeft(w, "([『「'"))
		lw := strings.ToLower(w)
		candidate := strings.Contains(lw, "://") || strings.HasPrefix(lw, "www.")
		for _, s := range refusedSchemes {
			candidate = candidate || strings.HasPrefix(lw, s)
		}
		if !candidate || seen[w] || len(weburl.Extract(w)) > 0 {
			continue
		}
		seen[w] = true
		_, err := weburl.Normalize(w)
		if err == nil {
			err = errText(T("bar.incomplete"))
		}
		out = append(out, refusal{text: w, err: err})
	}
	return out
}

// trimWord removes from the end of w the punctuation that ends a sentence and closing
// brackets that have no opening one in w, as weburl.Extract does for the addresses it finds.
func trimWord(w string) string {
	for w != "" {
		last, size := utf8.DecodeLastRuneInString(w)
		switch {
		case strings.ContainsRune(".,;:!?'*』」", last):
		case last == ')' && strings.Count(w, "(") < strings.Count(w, ")"):
		case last == ']' && strings.Count(w, "[") < strings.Count(w, "]"):
		default:
			return w
		}
		w = w[:len(w)-size]
	}
	return w
}

// pasteEntry is the multi-line box of the capture bar; Ctrl+Enter (Cmd+Enter on macOS) in
// it calls onSubmit instead of adding a line.
type pasteEntry struct {
	widget.Entry
	onSubmit func()
}

func newPasteEntry(onSubmit func()) *pasteEntry {
	e := &pasteEntry{onSubmit: onSubmit}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut handles Ctrl+Enter (Cmd+Enter on macOS) and passes every other shortcut to
// the entry.
func (e *pasteEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.Modifier == fyne.KeyModifierShortcutDefault &&
		(cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) {
		e.onSubmit()
		return
	}
	e.Entry.TypedShortcut(s)
}
