package main

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"

	"evidentia/identity"
	"evidentia/signature"
	"evidentia/workflow"
)

// Environment variables that give secrets to scripts (the terminal asks otherwise).
const (
	passphraseEnv  = "EVIDENTIA_PASSPHRASE"
	p12PasswordEnv = "EVIDENTIA_P12_PASSWORD"
)

// secrets holds the values of the secret variables, taken out of the environment at start-up.
// A nil field means the variable was not set.
type secrets struct {
	passphrase, p12Password *string
}

// startupSecrets is what main took from the environment before anything else ran (see
// takeSecrets); nil when evidentia runs other than through main (tests call run), and then
// the variables are read from the environment as it is.
var startupSecrets *secrets

// takeSecrets reads EVIDENTIA_PASSPHRASE and EVIDENTIA_P12_PASSWORD and removes them from the
// environment of this process (os.Unsetenv), so that no child process it starts (the browser
// above all) inherits them. Call it once, first thing in main: the values stay in memory for
// passphrase and p12Password, which behave as if the variables were still set. (Linux keeps the
// environment a process started with in /proc/PID/environ, readable by its owner and root;
// what the children get is what counts, and the capture engine gives the browser an environment
// without any EVIDENTIA_ variable besides.)
func takeSecrets() *secrets {
	var s secrets
	for _, v := range []struct {
		name string
		dst  **string
	}{{passphraseEnv, &s.passphrase}, {p12PasswordEnv, &s.p12Password}} {
		if val, ok := os.LookupEnv(v.name); ok {
			*v.dst = &val
			os.Unsetenv(v.name)
		}
	}
	return &s
}

// secretVar returns the value of the secret variable name (passphraseEnv or p12PasswordEnv)
// and whether it was set: from startupSecrets when main took them, else from the environment.
func secretVar(name string) (string, bool) {
	if s := startupSecrets; s != nil {
		p := s.passphrase
		if name == p12PasswordEnv {
			p = s.p12Password
		}
		if p == nil {
			return "", false
		}
		return *p, true
	}
	return os.LookupEnv(name)
}

// hintError is an error shown as msg that still matches err with errors.Is.
type hintError struct {
	msg string
	err error
}

func (e hintError) Error() string { return e.msg }
func (e hintError) Unwrap() error { return e.err }

// errNoIdentityHint is what commands needing the signing identity say when there is none.
var errNoIdentityHint = hintError{
	msg: "no signing identity: create one with `evidentia identity create --name NAME --org ORG` or import one with `evidentia identity import FILE.p12`",
	err: identity.ErrNoIdentity,
}

// passphrase returns the identity passphrase: EVIDENTIA_PASSPHRASE if set (secretVar), else
// asked on the terminal (golang.org/x/term ReadPassword on c.stdin when it is an *os.File
// terminal; prompt on c.stderr); confirm asks twice and compares. Neither → a clear error
// naming EVIDENTIA_PASSPHRASE. The passphrase never goes to a log or file. The caller owns
// the returned slice and should clear it after use.
func (c *cli) passphrase(prompt string, confirm bool) ([]byte, error) {
	if v, ok := secretVar(passphraseEnv); ok {
		if v == "" {
			return nil, fmt.Errorf("%s is set but empty", passphraseEnv)
		}
		return []byte(v), nil
	}
	p, err := c.askSecret(prompt, confirm)
	if errors.Is(err, errNoTerminal) {
		return nil, fmt.Errorf("no passphrase for the signing identity: set %s, or run evidentia in a terminal to be asked for it", passphraseEnv)
	}
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("no passphrase given")
	}
	return p, nil
}

// p12Password returns the password of the PKCS#12 file at path: EVIDENTIA_P12_PASSWORD if set
// (it may be empty), else asked on the terminal.
func (c *cli) p12Password(path string) (string, error) {
	if v, ok := secretVar(p12PasswordEnv); ok {
		return v, nil
	}
	p, err := c.askSecret(fmt.Sprintf("Password of %s: ", path), false)
	if errors.Is(err, errNoTerminal) {
		return "", fmt.Errorf("no password for %s: set %s, or run evidentia in a terminal to be asked for it", path, p12PasswordEnv)
	}
	defer clear(p)
	return string(p), err
}

var errNoTerminal = errors.New("standard input is not a terminal")

// askSecret reads a secret from the terminal on c.stdin without echo, prompting on c.stderr;
// with confirm, it asks a second time and requires the same answer.
func (c *cli) askSecret(prompt string, confirm bool) ([]byte, error) {
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, errNoTerminal
	}
	fd := int(f.Fd())
	fmt.Fprint(c.stderr, prompt)
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(c.stderr)
	if err != nil {
		return nil, fmt.Errorf("reading from the terminal: %w", err)
	}
	first = bytes.TrimRight(first, "\r")
	if !confirm {
		return first, nil
	}
	fmt.Fprint(c.stderr, "Again, to confirm: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(c.stderr)
	defer clear(second)
	if err != nil {
		clear(first)
		return nil, fmt.Errorf("reading from the terminal: %w", err)
	}
	second = bytes.TrimRight(second, "\r")
	if subtle.ConstantTimeCompare(first, second) != 1 {
		clear(first)
		return nil, errors.New("the two entries differ: nothing was changed")
	}
	return first, nil
}

// identityPath is the identity file of the data folder.
func (c *cli) identityPath() string { return c.session().IdentityPath() }

// unlockIdentity loads the data folder's signing identity and unlocks it with c.passphrase
// into a signer (workflow.Signer); wrong passphrase → "wrong passphrase for the signing
// identity (…path)" wrapping identity.ErrWrongPassphrase. No identity → the hint to create or
// import one, wrapping identity.ErrNoIdentity.
func (c *cli) unlockIdentity() (*signature.Signer, error) {
	f, err := c.session().Identity()
	if errors.Is(err, identity.ErrNoIdentity) {
		return nil, errNoIdentityHint
	}
	if err != nil {
		return nil, err
	}
	pass, err := c.passphrase(fmt.Sprintf("Passphrase of the signing identity %q: ", f.Certificate().Subject.CommonName), false)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	signer, err := workflow.Signer(f, pass)
	if errors.Is(err, identity.ErrWrongPassphrase) {
		return nil, hintError{msg: fmt.Sprintf("wrong passphrase for the signing identity (%s)", c.identityPath()), err: err}
	}
	return signer, err
}

// noteNoTSA notes on stderr that a signature will have no timestamp, when the session finds no
// authority for the one given (workflow.Session.TSA).
func (c *cli) noteNoTSA(given string) {
	if c.session().TSA(given) == "" {
		c.errorf("note: no timestamp authority (--tsa, EVIDENTIA_TSA or the settings): the signing time will be this computer's own claim")
	}
}
