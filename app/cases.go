package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/store"
)

// casesPanel is the list of cases on the left of the main window, with the buttons that
// create, edit, close and reopen them. Selecting a case opens it (u.openCase). Its fields are
// touched on the main goroutine only; the store is read and written in goroutines.
type casesPanel struct {
	content fyne.CanvasObject

	u        *ui
	list     *widget.List
	cases    []store.Case // as last loaded, by name
	gen      int          // counts the loads begun; a load's result is shown only if none began after it
	selected string       // the case shown selected ("" for none)

	newBtn, editBtn, closeBtn *widget.Button
	empty                     *widget.Label

	form    *caseForm             // the case form shown last, for tests
	confirm *dialog.ConfirmDialog // the close/reopen question shown last, for tests
}

// newCasesPanel builds the cases panel of u and starts loading the cases.
func newCasesPanel(u *ui) *casesPanel {
	p := &casesPanel{u: u}
	p.list = widget.NewList(
		func() int { return len(p.cases) },
		newCaseItem,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= 0 && id < len(p.cases) {
				updateCaseItem(o, p.cases[id])
			}
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < 0 || id >= len(p.cases) {
			return
		}
		name := p.cases[id].Name
		p.selected = name
		if name != p.u.caseName {
			p.u.openCase(name)
		}
	}
	p.newBtn = widget.NewButtonWithIcon(T("cases.new"), theme.ContentAddIcon(), p.showNew)
	p.editBtn = widget.NewButtonWithIcon(T("cases.edit"), theme.DocumentCreateIcon(), p.showEdit)
	p.closeBtn = widget.NewButtonWithIcon(T("cases.close"), theme.CancelIcon(), p.askCloseOrReopen)
	p.empty = widget.NewLabel(T("cases.empty"))
	p.empty.Wrapping = fyne.TextWrapWord
	p.empty.Hide()
	p.updateButtons()

	title := widget.NewLabelWithStyle(T("cases.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	buttons := container.NewGridWithColumns(3, p.newBtn, p.editBtn, p.closeBtn)
	p.content = container.NewBorder(
		container.NewVBox(title, buttons),
		nil, nil, nil,
		container.NewStack(p.list, container.NewVBox(p.empty)),
	)
	if u.st != nil {
		p.refresh()
	}
	return p
}

// newCaseItem is the template of a row of the cases list: an icon, the case's name and a line
// with its number, the number of captures and whether it is closed.
func newCaseItem() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.SizeName = theme.SizeNameCaptionText
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(theme.FolderOpenIcon()), nil,
		container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, detail))
}

// updateCaseItem shows c in a row made by newCaseItem. A closed case is greyed, has a closed
// folder icon and says so.
func updateCaseItem(o fyne.CanvasObject, c store.Case) {
	row := o.(*fyne.Container)
	texts := row.Objects[0].(*fyne.Container)
	icon := row.Objects[1].(*widget.Icon)
	name, detail := texts.Objects[0].(*widget.Label), texts.Objects[1].(*widget.Label)
	var parts []string
	if c.Closed {
		parts = append(parts, T("cases.closedMark"))
	}
	if c.Number != "" {
		parts = append(parts, c.Number)
	}
	if c.Captures == 1 {
		parts = append(parts, T("cases.captureOne"))
	} else {
		parts = append(parts, T("cases.captureCount", map[string]any{"Count": strconv.Itoa(c.Captures)}))
	}
	if c.Closed {
		icon.SetResource(theme.FolderIcon())
		name.Importance = widget.LowImportance
		detail.Importance = widget.WarningImportance
	} else {
		icon.SetResource(theme.FolderOpenIcon())
		name.Importance = widget.MediumImportance
		detail.Importance = widget.MediumImportance
	}
	name.SetText(c.Name)
	detail.SetText(strings.Join(parts, " · "))
}

// refresh reloads the cases from the store in the background and shows them.
func (p *casesPanel) refresh() {
	p.refreshThen(nil)
}

// refreshThen reloads the cases and, once they are shown, calls then (if not nil) on the main
// goroutine. When another load began meanwhile, its result is the one shown.
func (p *casesPanel) refreshThen(then func()) {
	u := p.u
	p.gen++
	gen := p.gen
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		cs, err := u.st.Cases(u.ctx)
		onMain(func() {
			if err != nil {
				u.showError(err)
				return
			}
			if gen != p.gen {
				if then != nil {
					then()
				}
				return
			}
			p.cases = cs
			p.list.Refresh()
			p.showSelection()
			p.updateButtons()
			if len(cs) == 0 {
				p.empty.Show()
			} else {
				p.empty.Hide()
			}
			if then != nil {
				then()
			}
		})
	}()
}

// selectCase shows the case named name as the selected one ("" for none) without opening it
// again. When the cases are still loading, the selection is applied once they are.
func (p *casesPanel) selectCase(name string) {
	p.selected = name
	p.showSelection()
	p.updateButtons()
}

func (p *casesPanel) showSelection() {
	for i, c := range p.cases {
		if c.Name == p.selected {
			p.list.Select(i) // OnSelected sees the case is open already
			p.list.ScrollTo(i)
			return
		}
	}
	p.list.UnselectAll()
}

// caseNamed returns the case named name as last loaded.
func (p *casesPanel) caseNamed(name string) (store.Case, bool) {
	for _, c := range p.cases {
		if c.Name == name {
			return c, true
		}
	}
	return store.Case{}, false
}

// updateButtons enables Edit and Close/Reopen only when a known case is selected, and names
// the last after what it will do.
func (p *casesPanel) updateButtons() {
	c, ok := p.caseNamed(p.selected)
	if !ok {
		p.editBtn.Disable()
		p.closeBtn.Disable()
		p.closeBtn.SetText(T("cases.close"))
		return
	}
	p.editBtn.Enable()
	p.closeBtn.Enable()
	if c.Closed {
		p.closeBtn.SetText(T("cases.reopen"))
		p.closeBtn.SetIcon(theme.FolderOpenIcon())
	} else {
		p.closeBtn.SetText(T("cases.close"))
		p.closeBtn.SetIcon(theme.CancelIcon())
	}
}

// caseForm is the form dialog that creates or edits a case.
type caseForm struct {
	dialog                      *dialog.FormDialog
	name, number, desc, article *widget.Entry
}

// newCaseForm builds the form for c (the zero Case for a new one); taken lists the names
// already in use, which the name field refuses. submit is called with the filled case when
// the form is confirmed.
func newCaseForm(u *ui, title, confirm string, c store.Case, taken func(string) bool, submit func(store.Case)) *caseForm {
	f := &caseForm{
		name: widget.NewEntry(), number: widget.NewEntry(), desc: widget.NewMultiLineEntry(), article: widget.NewEntry(),
	}
	f.name.SetText(c.Name)
	f.name.SetPlaceHolder(T("cases.namePlaceholder"))
	f.name.Validator = func(s string) error {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return errText(T("cases.nameRequired"))
		case taken(s):
			return errText(T("cases.nameTaken"))
		case store.CheckName("case name", s) != nil:
			// Refused by the store anyway: said here, before the form closes.
			return errText(T("friendly.unsafeName"))
		}
		return nil
	}
	f.number.SetText(c.Number)
	f.number.SetPlaceHolder(T("cases.numberPlaceholder"))
	f.desc.SetText(c.Description)
	f.desc.SetMinRowsVisible(3)
	f.desc.Wrapping = fyne.TextWrapWord
	f.article.SetText(c.LawArticle)
	f.article.SetPlaceHolder(T("cases.articlePlaceholder"))
	items := []*widget.FormItem{
		{Text: T("cases.name"), Widget: f.name},
		{Text: T("cases.number"), Widget: f.number},
		{Text: T("cases.description"), Widget: f.desc},
		{Text: T("cases.article"), Widget: f.article},
	}
	f.dialog = dialog.NewForm(title, confirm, T("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		out := c
		out.Name = strings.TrimSpace(f.name.Text)
		out.Number = strings.TrimSpace(f.number.Text)
		out.Description = strings.TrimSpace(f.desc.Text)
		out.LawArticle = strings.TrimSpace(f.article.Text)
		submit(out)
	}, u.w)
	f.dialog.Resize(fyne.NewSize(520, f.dialog.MinSize().Height))
	return f
}

// showNew asks for a new case; once created it is opened.
func (p *casesPanel) showNew() {
	u := p.u
	taken := func(name string) bool { _, ok := p.caseNamed(name); return ok }
	p.form = newCaseForm(u, T("cases.newTitle"), T("cases.create"), store.Case{}, taken, func(c store.Case) {
		p.newBtn.Disable()
		u.work.Add(1)
		go func() {
			defer u.work.Done()
			created, err := u.sess.CreateCase(u.ctx, c, "")
			onMain(func() {
				p.newBtn.Enable()
				if err != nil {
					u.showError(err)
					return
				}
				u.openCase(created.Name)
				p.refresh()
			})
		}()
	})
	p.form.dialog.Show()
	u.w.Canvas().Focus(p.form.name)
}

// showEdit edits the selected case: its name (a rename), number, description and article.
func (p *casesPanel) showEdit() {
	u := p.u
	old, ok := p.caseNamed(p.selected)
	if !ok {
		return
	}
	taken := func(name string) bool {
		_, ok := p.caseNamed(name)
		return ok && name != old.Name
	}
	p.form = newCaseForm(u, T("cases.editTitle"), T("Save"), old, taken, func(c store.Case) {
		p.editBtn.Disable()
		u.work.Add(1)
		go func() {
			defer u.work.Done()
			updated, err := u.sess.UpdateCase(u.ctx, old.Name, c, "")
			onMain(func() {
				p.editBtn.Enable()
				if err != nil {
					u.showError(err)
					return
				}
				if u.caseName == old.Name {
					u.openCase(updated.Name)
				}
				p.refresh()
			})
		}()
	})
	p.form.dialog.Show()
}

// askCloseOrReopen asks whether to close the selected case (no capture can be made in a
// closed case) or to reopen it, and does so.
func (p *casesPanel) askCloseOrReopen() {
	u := p.u
	c, ok := p.caseNamed(p.selected)
	if !ok {
		return
	}
	closing := !c.Closed
	title, msg, verb := T("cases.closeTitle"), T("cases.closeQuestion", map[string]any{"Name": c.Name}), T("cases.close")
	if !closing {
		title, msg, verb = T("cases.reopenTitle"), T("cases.reopenQuestion", map[string]any{"Name": c.Name}), T("cases.reopen")
	}
	p.confirm = dialog.NewConfirm(title, msg, func(ok bool) {
		if !ok {
			return
		}
		p.closeBtn.Disable()
		u.work.Add(1)
		go func() {
			defer u.work.Done()
			err := u.sess.SetCaseClosed(u.ctx, c.Name, closing, "")
			onMain(func() {
				if err != nil {
					p.updateButtons()
					u.showError(err)
					return
				}
				p.refreshThen(func() {
					if u.caseName != "" {
						u.bar.setCase(u.caseName)
					}
				})
			})
		}()
	}, u.w)
	p.confirm.SetConfirmText(verb)
	p.confirm.Show()
}

// errText is an error whose text is shown to the user as it is.
type errText string

func (e errText) Error() string { return string(e) }
