package app

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"evidentia/capture"
	"evidentia/identity"
	"evidentia/settings"
	"evidentia/textsafe"
	"evidentia/workflow"
)

// The language choices of the settings, in the order shown. Language names are written in
// their own language, as is the custom.
const (
	langChoiceKorean  = "한국어"
	langChoiceEnglish = "English"
)

// showSettings shows the settings dialog over the main window.
func (u *ui) showSettings() {
	u.newSettingsForm().show()
}

// settingsForm is the settings dialog: the preferences (saved to u.setPath) and the signing
// identity of the data folder. Fields are touched on the main goroutine only.
type settingsForm struct {
	u      *ui
	dialog *dialog.CustomDialog

	operator, unit, dataDir, chrome, timeout, tsa *widget.Entry
	parallel                                      *widget.Select
	lang                                          *widget.RadioGroup
	detected                                      *widget.Label // the browser found automatically
	fieldErr                                      map[string]*widget.Label
	problem                                       *widget.Label // why Save did nothing
	saveBtn                                       *widget.Button

	idInfo      *widget.Label
	idCreateBtn *widget.Button
	idImportBtn *widget.Button
	idForm      *identityForm // the identity form shown last, for tests
	hasIdentity bool
}

// newSettingsForm builds the settings dialog filled with the current settings, and starts
// looking for the browser and reading the signing identity.
func (u *ui) newSettingsForm() *settingsForm {
	f := &settingsForm{u: u, fieldErr: map[string]*widget.Label{}}
	s := u.settingsNow()
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.operator = entry(s.Operator, "")
	f.unit = entry(s.Unit, T("set.unitPlaceholder"))
	f.dataDir = entry(s.DataDir, T("set.dataDirPlaceholder"))
	f.chrome = entry(s.Chrome, T("set.chromePlaceholder"))
	f.timeout = entry(strconv.Itoa(int(s.Timeout/time.Second)), "")
	f.tsa = entry(s.TSA, T("set.tsaPlaceholder"))
	var choices []string
	for n := settings.MinParallel; n <= settings.MaxParallel; n++ {
		choices = append(choices, strconv.Itoa(n))
	}
	f.parallel = widget.NewSelect(choices, nil)
	f.parallel.SetSelected(strconv.Itoa(min(max(s.Parallel, settings.MinParallel), settings.MaxParallel)))
	f.lang = widget.NewRadioGroup([]string{langChoiceKorean, langChoiceEnglish, T("set.langSystem")}, nil)
	f.lang.Horizontal = true
	f.lang.Required = true
	switch s.Lang {
	case LangKorean:
		f.lang.SetSelected(langChoiceKorean)
	case LangEnglish:
		f.lang.SetSelected(langChoiceEnglish)
	default:
		f.lang.SetSelected(T("set.langSystem"))
	}

	f.detected = widget.NewLabel(T("set.detecting"))
	f.detected.Wrapping = fyne.TextWrapWord
	f.detected.Importance = widget.LowImportance
	browseChrome := widget.NewButtonWithIcon(T("set.browse"), theme.FolderOpenIcon(), f.browseChrome)
	browseData := widget.NewButtonWithIcon(T("set.browse"), theme.FolderOpenIcon(), f.browseDataDir)
	dataNote := widget.NewLabel(T("set.dataDirNote", map[string]any{"Dir": u.dataDir()}))
	dataNote.Wrapping = fyne.TextWrapWord
	dataNote.Importance = widget.LowImportance

	field := func(name string, w fyne.CanvasObject, extra ...fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		l.Hide()
		f.fieldErr[name] = l
		return container.NewVBox(append(append([]fyne.CanvasObject{w}, extra...), l)...)
	}
	general := widget.NewForm(
		widget.NewFormItem(T("set.operator"), field("operator", f.operator, u.overriddenNote(workflow.EnvOperator)...)),
		widget.NewFormItem(T("set.unit"), field("unit", f.unit, u.overriddenNote(workflow.EnvUnit)...)),
		widget.NewFormItem(T("set.dataDir"), field("data_dir",
			container.NewBorder(nil, nil, nil, browseData, f.dataDir), append([]fyne.CanvasObject{dataNote}, u.overriddenNote(workflow.EnvData)...)...)),
		widget.NewFormItem(T("set.chrome"), field("chrome",
			container.NewBorder(nil, nil, nil, browseChrome, f.chrome), append([]fyne.CanvasObject{f.detected}, u.overriddenNote(capture.BrowserEnv)...)...)),
		widget.NewFormItem(T("set.timeout"), field("timeout", f.timeout)),
		widget.NewFormItem(T("set.parallel"), field("parallel", f.parallel)),
		widget.NewFormItem(T("set.tsa"), field("tsa", f.tsa, u.overriddenNote(workflow.EnvTSA)...)),
		widget.NewFormItem(T("set.lang"), field("lang", f.lang)),
	)

	f.idInfo = widget.NewLabel(T("set.idLoading"))
	f.idInfo.Wrapping = fyne.TextWrapWord
	f.idCreateBtn = widget.NewButtonWithIcon(T("set.idCreate"), theme.ContentAddIcon(), f.showCreateIdentity)
	f.idImportBtn = widget.NewButtonWithIcon(T("set.idImport"), theme.UploadIcon(), f.chooseP12)
	idNote := widget.NewLabel(T("set.idNote"))
	idNote.Wrapping = fyne.TextWrapWord
	idNote.Importance = widget.LowImportance
	signing := container.NewVBox(f.idInfo, container.NewHBox(f.idCreateBtn, f.idImportBtn), idNote)

	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(T("set.general"), theme.SettingsIcon(), container.NewVScroll(general)),
		container.NewTabItemWithIcon(T("set.signing"), theme.AccountIcon(), container.NewVScroll(signing)),
	)
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()

	f.dialog = dialog.NewCustomWithoutButtons(T("set.title"), container.NewBorder(nil, f.problem, nil, nil, tabs), u.w)
	cancel := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), f.dialog.Hide)
	f.saveBtn = widget.NewButtonWithIcon(T("Save"), theme.DocumentSaveIcon(), f.save)
	f.saveBtn.Importance = widget.HighImportance
	f.dialog.SetButtons([]fyne.CanvasObject{cancel, f.saveBtn})
	f.dialog.Resize(fyne.NewSize(680, 620))

	f.detectBrowser()
	f.loadIdentity()
	return f
}

// overriddenNote is a line under a field that says the environment variable env takes the
// place of the field's value (by the session's rule: the environment comes before the settings
// file), or nothing when it is not set.
func (u *ui) overriddenNote(env string) []fyne.CanvasObject {
	v, ok := u.sess.Overridden(env)
	if !ok {
		return nil
	}
	l := widget.NewLabel(T("set.overridden", map[string]any{"Var": env, "Value": textsafe.Bracket(v, 200)}))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return []fyne.CanvasObject{l}
}

// dataDir is the data folder in use: the session's.
func (u *ui) dataDir() string { return u.sess.Dir() }

func (f *settingsForm) show() { f.dialog.Show() }

// detectBrowser shows, in the background, which browser is found when no path is set.
func (f *settingsForm) detectBrowser() {
	u := f.u
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		path, err := u.sess.FoundBrowser()
		onMain(func() {
			if err != nil {
				f.detected.SetText(T("set.detectedNone"))
				return
			}
			f.detected.SetText(T("set.detected", map[string]any{"Path": path}))
		})
	}()
}

func (f *settingsForm) browseChrome() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		f.chrome.SetText(r.URI().Path())
	}, f.u.w)
	d.Show()
}

func (f *settingsForm) browseDataDir() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		f.dataDir.SetText(l.Path())
	}, f.u.w)
	d.Show()
}

// collect returns the settings the form holds, with a message for each field that could not
// be read (keyed by the field's name in the settings file).
func (f *settingsForm) collect() (settings.Settings, map[string]string) {
	s := f.u.settingsNow()
	bad := map[string]string{}
	s.Operator = strings.TrimSpace(f.operator.Text)
	s.Unit = strings.TrimSpace(f.unit.Text)
	s.DataDir = strings.TrimSpace(f.dataDir.Text)
	s.Chrome = strings.TrimSpace(f.chrome.Text)
	s.TSA = strings.TrimSpace(f.tsa.Text)
	if n, err := strconv.Atoi(strings.TrimSpace(f.timeout.Text)); err != nil {
		bad["timeout"] = T("set.err.timeout")
	} else {
		s.Timeout = time.Duration(n) * time.Second
	}
	if n, err := strconv.Atoi(f.parallel.Selected); err == nil {
		s.Parallel = n
	}
	switch f.lang.Selected {
	case langChoiceKorean:
		s.Lang = LangKorean
	case langChoiceEnglish:
		s.Lang = LangEnglish
	default:
		s.Lang = ""
	}
	for field := range invalidFields(s.Validate()) {
		if _, ok := bad[field]; !ok {
			bad[field] = fieldProblem(field)
		}
	}
	return s, bad
}

// invalidFields returns the names of the fields an error of settings.Validate names.
func invalidFields(err error) map[string]bool {
	out := map[string]bool{}
	if err == nil {
		return out
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	prefix := settings.ErrInvalid.Error() + ": "
	for _, e := range errs {
		msg := e.Error()
		if i := strings.Index(msg, prefix); i >= 0 {
			rest := msg[i+len(prefix):]
			if j := strings.IndexByte(rest, ':'); j > 0 {
				out[rest[:j]] = true
				continue
			}
		}
		out[""] = true
	}
	return out
}

// fieldProblem says what a valid value of the field is.
func fieldProblem(field string) string {
	switch field {
	case "timeout":
		return T("set.err.timeout")
	case "parallel":
		return T("set.err.parallel")
	case "tsa":
		return T("set.err.tsa")
	case "chrome":
		return T("set.err.chrome")
	case "lang":
		return T("set.err.lang")
	}
	return T("set.err.other")
}

// save checks the form, shows the problem under each field in error, and otherwise writes the
// settings in the background; once written, they apply (the language at once, the data folder
// at the next start).
func (f *settingsForm) save() {
	u := f.u
	s, bad := f.collect()
	for name, l := range f.fieldErr {
		if msg, ok := bad[name]; ok {
			l.SetText(msg)
			l.Show()
		} else {
			l.Hide()
		}
	}
	if len(bad) > 0 {
		f.problem.SetText(T("set.notSaved"))
		f.problem.Show()
		if msg, ok := bad[""]; ok {
			f.problem.SetText(T("set.notSaved") + "\n" + msg)
		}
		return
	}
	f.problem.Hide()
	f.saveBtn.Disable()
	old := u.settingsNow()
	path := u.setPath
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		// Saved, in use, and recorded in the custody log (which says with which settings later
		// captures were made); a failed record alone is shown once the dialog is closed.
		err := u.sess.SaveSettings(context.WithoutCancel(u.ctx), path, s)
		var recordErr error
		if errors.Is(err, workflow.ErrNotRecorded) {
			recordErr, err = err, nil
		}
		onMain(func() {
			f.saveBtn.Enable()
			if err != nil {
				f.problem.SetText(friendly(err))
				f.problem.Show()
				return
			}
			f.dialog.Hide()
			if recordErr != nil {
				u.showError(recordErr)
			}
			if s.Lang != old.Lang {
				if err := setLanguage(s.Lang); err != nil {
					u.showError(err)
				} else if u.st != nil {
					u.rebuild()
				} else {
					u.w.SetTitle(T("app.title"))
				}
			}
			if s.DataDir != old.DataDir {
				dialog.NewInformation(T("set.title"), T("set.dataDirLater"), u.w).Show()
			}
		})
	}()
}

// identityPath is the signing identity file of the data folder in use.
func (f *settingsForm) identityPath() string { return f.u.sess.IdentityPath() }

// loadIdentity shows, in the background, the signing identity of the data folder.
func (f *settingsForm) loadIdentity() {
	u := f.u
	path := f.identityPath()
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		file, err := identity.Load(path)
		onMain(func() {
			f.hasIdentity = err == nil
			switch {
			case errors.Is(err, identity.ErrNoIdentity):
				f.idInfo.SetText(T("set.idNone"))
			case err != nil:
				f.idInfo.SetText(friendly(err))
			default:
				f.idInfo.SetText(describeIdentity(file.Certificate()))
			}
		})
	}()
}

// describeIdentity says who a certificate names, until when it is valid and who issued it.
func describeIdentity(c *x509.Certificate) string {
	const day = "2006-01-02"
	lines := []string{
		T("set.idSubject") + ": " + c.Subject.String(),
		T("set.idValidity") + ": " + c.NotBefore.Local().Format(day) + " ~ " + c.NotAfter.Local().Format(day),
	}
	if time.Now().After(c.NotAfter) {
		lines = append(lines, T("set.idExpired"))
	}
	if identity.SelfSigned(c) {
		lines = append(lines, T("set.idSelfSigned"))
	} else {
		lines = append(lines, T("set.idIssuer")+": "+c.Issuer.String())
	}
	return strings.Join(lines, "\n")
}

// identityForm asks for what a new signing identity needs: for a new one the name,
// organisation and e-mail; for an imported one the file's password; for both the passphrase
// that will protect the key, twice.
type identityForm struct {
	dialog                      *dialog.FormDialog
	name, org, email, p12Pass   *widget.Entry
	passphrase, passphraseAgain *widget.Entry
}

// newIdentityForm builds the form; p12 is true for an import.
func (f *settingsForm) newIdentityForm(title string, p12 bool, submit func(*identityForm)) *identityForm {
	g := &identityForm{
		name: widget.NewEntry(), org: widget.NewEntry(), email: widget.NewEntry(),
		p12Pass: widget.NewPasswordEntry(), passphrase: widget.NewPasswordEntry(), passphraseAgain: widget.NewPasswordEntry(),
	}
	required := func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errText(T("set.err.required"))
		}
		return nil
	}
	// A name the certificate would carry must be plain text (identity refuses it otherwise).
	plainName := func(s string) error {
		if err := required(s); err != nil {
			return err
		}
		if !textsafe.Clean(s) {
			return errText(T("friendly.unsafeName"))
		}
		return nil
	}
	g.name.Validator, g.org.Validator = plainName, plainName
	g.email.SetPlaceHolder(T("set.idEmailPlaceholder"))
	g.passphrase.Validator = func(s string) error {
		if len([]rune(s)) < identity.MinPassphrase {
			return errText(T("set.err.passphraseShort", map[string]any{"Min": strconv.Itoa(identity.MinPassphrase)}))
		}
		return nil
	}
	g.passphraseAgain.Validator = func(s string) error {
		if s != g.passphrase.Text {
			return errText(T("set.err.passphraseMismatch"))
		}
		return nil
	}
	g.passphrase.OnChanged = func(string) { g.passphraseAgain.Validate() }
	var items []*widget.FormItem
	if p12 {
		items = append(items, widget.NewFormItem(T("set.idP12Password"), g.p12Pass))
	} else {
		items = append(items,
			widget.NewFormItem(T("set.idName"), g.name),
			widget.NewFormItem(T("set.idOrg"), g.org),
			widget.NewFormItem(T("set.idEmail"), g.email))
	}
	pass := widget.NewFormItem(T("set.idPassphrase"), g.passphrase)
	pass.HintText = T("set.idPassphraseHint", map[string]any{"Min": strconv.Itoa(identity.MinPassphrase)})
	items = append(items, pass, widget.NewFormItem(T("set.idPassphraseAgain"), g.passphraseAgain))
	if f.hasIdentity {
		items = append(items, widget.NewFormItem("", warningLabel(T("set.idReplaceNote"))))
	}
	g.dialog = dialog.NewForm(title, T("set.idConfirm"), T("Cancel"), items, func(ok bool) {
		if ok {
			submit(g)
			return
		}
		// Cancelled: the entries keep no passphrase or password (Go strings cannot be wiped).
		g.p12Pass.SetText("")
		g.passphrase.SetText("")
		g.passphraseAgain.SetText("")
	}, f.u.w)
	g.dialog.Resize(fyne.NewSize(520, g.dialog.MinSize().Height))
	return g
}

func warningLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return l
}

// takePassphrase returns the passphrase typed in g and empties the passphrase fields.
func (g *identityForm) takePassphrase() []byte {
	p := []byte(g.passphrase.Text)
	g.passphrase.SetText("")
	g.passphraseAgain.SetText("")
	return p
}

// showCreateIdentity asks for a new self-signed signing identity and installs it, keeping the
// previous one (if any) beside it so that what it signed stays verifiable.
func (f *settingsForm) showCreateIdentity() {
	f.idForm = f.newIdentityForm(T("set.idCreateTitle"), false, func(g *identityForm) {
		opts := identity.CreateOptions{Name: g.name.Text, Org: g.org.Text, Email: g.email.Text}
		pass := g.takePassphrase()
		f.installIdentity(func() (*identity.Identity, error) { return identity.Create(opts) }, pass)
	})
	f.idForm.dialog.Show()
}

// chooseP12 asks for a .p12 or .pfx file, then for its password and the new passphrase, and
// installs the identity it holds.
func (f *settingsForm) chooseP12() {
	u := f.u
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if r == nil {
			return
		}
		u.work.Add(1)
		go func() {
			defer u.work.Done()
			defer r.Close()
			data, err := io.ReadAll(io.LimitReader(r, identity.MaxP12Size+1))
			if err == nil && len(data) > identity.MaxP12Size {
				err = identity.ErrBadP12
			}
			onMain(func() {
				if err != nil {
					u.showError(err)
					return
				}
				f.showImportIdentity(data)
			})
		}()
	}, u.w)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".p12", ".pfx"}))
	d.Show()
}

// showImportIdentity asks for the password of the PKCS#12 data and the new passphrase, and
// installs the identity.
func (f *settingsForm) showImportIdentity(data []byte) {
	f.idForm = f.newIdentityForm(T("set.idImportTitle"), true, func(g *identityForm) {
		p12Pass := g.p12Pass.Text
		g.p12Pass.SetText("")
		pass := g.takePassphrase()
		f.installIdentity(func() (*identity.Identity, error) { return identity.Import(data, p12Pass) }, pass)
	})
	f.idForm.dialog.Show()
}

// installIdentity makes the identity (build runs in the background), seals its key with pass
// (which it then wipes) and installs it as the data folder's signing identity.
func (f *settingsForm) installIdentity(build func() (*identity.Identity, error), pass []byte) {
	u := f.u
	f.idCreateBtn.Disable()
	f.idImportBtn.Disable()
	f.idInfo.SetText(T("set.idWorking"))
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		defer clear(pass)
		id, err := build()
		if err == nil {
			// The form asked before replacing an identity: the old one is kept beside it.
			_, _, err = u.sess.InstallIdentity(id, pass, true)
		}
		onMain(func() {
			f.idCreateBtn.Enable()
			f.idImportBtn.Enable()
			f.loadIdentity()
			if err != nil {
				u.showError(err)
				return
			}
			dialog.NewInformation(T("set.signing"), T("set.idInstalled"), u.w).Show()
		})
	}()
}
