package evidence

// Action is what a custody event records (store.Event.Action): the one list of the names the
// custody log uses. The names are stored in the log and hashed into it, so they never change.
type Action string

// The actions the store records itself (store.AppendEvent refuses them).
const (
	ActionCaseCreated        Action = "case created"
	ActionCaseClosed         Action = "case closed"
	ActionCaseReopened       Action = "case reopened"
	ActionCaseUpdated        Action = "case updated"
	ActionCaptureStarted     Action = "capture started"
	ActionCaptureSealed      Action = "capture sealed"
	ActionCaptureFailed      Action = "capture failed"
	ActionCaptureInterrupted Action = "capture interrupted"
	ActionVerified           Action = "verified"
)

// The actions other parts of Evidentia record through store.AppendEvent.
const (
	ActionViewed    Action = "viewed"
	ActionReported  Action = "reported"
	ActionExported  Action = "exported"
	ActionAnnotated Action = "annotated"
	// ActionSettingsChanged records a change of the preferences captures are made with
	// (operator, unit, browser, time limit, ...); it concerns no case or capture.
	ActionSettingsChanged Action = "settings changed"
)

// actionKeys are the translation keys of the actions.
var actionKeys = map[Action]string{
	ActionCaseCreated:        "action.caseCreated",
	ActionCaseClosed:         "action.caseClosed",
	ActionCaseReopened:       "action.caseReopened",
	ActionCaseUpdated:        "action.caseUpdated",
	ActionCaptureStarted:     "action.captureStarted",
	ActionCaptureSealed:      "action.captureSealed",
	ActionCaptureFailed:      "action.captureFailed",
	ActionCaptureInterrupted: "action.captureInterrupted",
	ActionVerified:           "action.verified",
	ActionViewed:             "action.viewed",
	ActionReported:           "action.reported",
	ActionExported:           "action.exported",
	ActionAnnotated:          "action.annotated",
	ActionSettingsChanged:    "action.settingsChanged",
}

// Key returns the translation key that names a in words ("action.captureSealed"), the same in
// every language table (the GUI's translations, the report's strings); "" for an action that is
// not one of the Action constants. A reader with no text for the key shows the action as it is.
func (a Action) Key() string { return actionKeys[a] }

// Actions returns every action, in the order of the list above.
func Actions() []Action {
	return []Action{ActionCaseCreated, ActionCaseClosed, ActionCaseReopened, ActionCaseUpdated,
		ActionCaptureStarted, ActionCaptureSealed, ActionCaptureFailed, ActionCaptureInterrupted,
		ActionVerified, ActionViewed, ActionReported, ActionExported, ActionAnnotated, ActionSettingsChanged}
}
