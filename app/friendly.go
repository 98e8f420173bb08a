package app

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"evidentia/capture"
	"evidentia/identity"
	"evidentia/settings"
	"evidentia/signature"
	"evidentia/store"
	"evidentia/weburl"
	"evidentia/workflow"
)

// friendly returns err in words a person can act on, in the current language: what happened
// and, where there is one, what to do about it. Errors it does not know become a generic
// sentence with the error's own text on a second line, so that nothing is hidden; it never
// returns a stack trace. friendly(nil) is "".
func friendly(err error) string {
	if err == nil {
		return ""
	}
	if s := friendlyKnown(err); s != "" {
		return s
	}
	if s := friendlyReasonKnown(err.Error()); s != "" {
		return s
	}
	return T("friendly.generic") + "\n" + err.Error()
}

// friendlyKnown maps the sentinel errors of the packages below the GUI; "" when err wraps
// none of them.
func friendlyKnown(err error) string {
	switch {
	// The browser.
	case errors.Is(err, capture.ErrBrowserNotFound):
		return T("friendly.browserNotFound")
	case errors.Is(err, capture.ErrBrowserNotExecutable):
		return T("friendly.browserNotExecutable")
	case errors.Is(err, capture.ErrBrowserStart):
		return T("friendly.browserStart")
	case errors.Is(err, capture.ErrClosed):
		return T("friendly.engineClosed")

	// Addresses.
	case errors.Is(err, weburl.ErrEmpty):
		return T("friendly.urlEmpty")
	case errors.Is(err, weburl.ErrScheme):
		return T("friendly.urlScheme")
	case errors.Is(err, weburl.ErrUserinfo):
		return T("friendly.urlUserinfo")
	case errors.Is(err, weburl.ErrHost):
		return T("friendly.urlHost")
	case errors.Is(err, weburl.ErrPort):
		return T("friendly.urlPort")
	case errors.Is(err, weburl.ErrMalformed), errors.Is(err, weburl.ErrControl), errors.Is(err, capture.ErrBadURL):
		return T("friendly.urlMalformed")

	// The use cases.
	case errors.Is(err, workflow.ErrNotStarted):
		return T("friendly.notStarted")
	case errors.Is(err, workflow.ErrOutputExists):
		return T("friendly.outputExists")
	case errors.Is(err, workflow.ErrNoCaptures):
		return T("friendly.noCaptures")
	case errors.Is(err, workflow.ErrEvidenceDamage):
		return T("friendly.evidenceDamage")

	// The store.
	case errors.Is(err, store.ErrCaseExists):
		return T("friendly.caseExists")
	case errors.Is(err, store.ErrCaseClosed):
		return T("friendly.caseClosed")
	case errors.Is(err, store.ErrNotFound):
		return T("friendly.notFound")
	case errors.Is(err, store.ErrDigestMismatch), errors.Is(err, store.ErrMissingObject),
		errors.Is(err, store.ErrManifestMismatch), errors.Is(err, store.ErrCustodyBroken):
		return T("friendly.storeDamage")
	case errors.Is(err, store.ErrUnsafeName), errors.Is(err, identity.ErrUnsafeName):
		return T("friendly.unsafeName")
	case errors.Is(err, store.ErrInvalid):
		return T("friendly.storeInvalid")

	// Signing.
	case errors.Is(err, identity.ErrNoIdentity):
		return T("friendly.noIdentity")
	case errors.Is(err, identity.ErrWrongPassphrase):
		return T("friendly.wrongPassphrase")
	case errors.Is(err, identity.ErrWeakPassphrase):
		return T("friendly.weakPassphrase")
	case errors.Is(err, identity.ErrBadP12):
		return T("friendly.badP12")
	case errors.Is(err, identity.ErrCorrupt):
		return T("friendly.identityCorrupt")
	case errors.Is(err, identity.ErrInvalid):
		return T("friendly.identityInvalid") + "\n" + err.Error()
	case errors.Is(err, signature.ErrTSA):
		return T("friendly.tsa")

	// Settings.
	case errors.Is(err, settings.ErrInvalid):
		return T("friendly.settingsInvalid") + "\n" + err.Error()
	case errors.Is(err, settings.ErrCorrupt):
		return T("friendly.settingsCorrupt")

	// The system.
	case isDiskFull(err):
		return T("friendly.diskFull")
	case errors.Is(err, fs.ErrPermission):
		return T("friendly.permission")
	case errors.Is(err, context.Canceled), errors.Is(err, errCancelled):
		return T("friendly.cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return T("friendly.timeout")
	}
	return ""
}

// friendlyReason returns the reason a sealed capture records (a sentence in English written by
// the capture engine, such as "the page could not be opened: net::ERR_NAME_NOT_RESOLVED") in
// words a person can act on; reasons it does not know are returned as they are.
func friendlyReason(reason string) string {
	if s := friendlyReasonKnown(reason); s != "" {
		return s
	}
	return reason
}

// friendlyReasonKnown maps the browser's network error codes and the engine's own phrases
// found in text; "" when none is.
func friendlyReasonKnown(text string) string {
	switch {
	case strings.Contains(text, "ERR_NAME_NOT_RESOLVED"), strings.Contains(text, "ERR_NAME_RESOLUTION_FAILED"):
		return T("friendly.netNameNotResolved")
	case strings.Contains(text, "ERR_INTERNET_DISCONNECTED"), strings.Contains(text, "ERR_NETWORK_CHANGED"):
		return T("friendly.netOffline")
	case strings.Contains(text, "ERR_CONNECTION_REFUSED"):
		return T("friendly.netRefused")
	case strings.Contains(text, "ERR_CONNECTION_TIMED_OUT"), strings.Contains(text, "ERR_TIMED_OUT"):
		return T("friendly.netTimedOut")
	case strings.Contains(text, "ERR_CONNECTION_RESET"), strings.Contains(text, "ERR_CONNECTION_CLOSED"),
		strings.Contains(text, "ERR_EMPTY_RESPONSE"):
		return T("friendly.netReset")
	case strings.Contains(text, "ERR_ADDRESS_UNREACHABLE"), strings.Contains(text, "ERR_NETWORK_ACCESS_DENIED"):
		return T("friendly.netUnreachable")
	case strings.Contains(text, "ERR_CERT_"), strings.Contains(text, "ERR_SSL_"):
		return T("friendly.netCertificate")
	case strings.Contains(text, "ERR_TOO_MANY_REDIRECTS"):
		return T("friendly.netRedirects")
	case strings.Contains(text, "ERR_BLOCKED"):
		return T("friendly.netBlocked")
	case strings.Contains(text, "within the time limit"), strings.Contains(text, "the time limit of"):
		return T("friendly.timeLimit")
	case strings.Contains(text, "cancelled before it finished"):
		return T("friendly.captureCancelled")
	case strings.Contains(text, "no space left on device"):
		return T("friendly.diskFull")
	}
	return ""
}
