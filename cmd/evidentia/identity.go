package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"evidentia/bundle"
	"evidentia/identity"
	"evidentia/workflow"
)

// identityJSON is what identity create, import and show print with --json.
type identityJSON struct {
	Path        string      `json:"path"`
	Subject     string      `json:"subject"`
	Issuer      string      `json:"issuer"`
	Serial      string      `json:"serial"` // hexadecimal
	NotBefore   time.Time   `json:"not_before"`
	NotAfter    time.Time   `json:"not_after"`
	Expired     bool        `json:"expired"`
	KeyType     string      `json:"key_type"`
	SHA256      string      `json:"sha256"` // of the certificate (DER)
	SelfSigned  bool        `json:"self_signed"`
	Emails      []string    `json:"emails"`
	Chain       []chainJSON `json:"chain"`
	CreatedAt   time.Time   `json:"created_at"`
	PreviousWas string      `json:"previous_kept_as,omitempty"` // create/import --replace
}

type chainJSON struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	SHA256   string    `json:"sha256"`
	NotAfter time.Time `json:"not_after"`
}

func (c *cli) identity(ctx context.Context, args []string) (int, error) {
	if len(args) == 0 {
		return 0, usageError{"identity: give create, import or show"}
	}
	switch args[0] {
	case "create":
		return c.identityCreate(ctx, args[1:])
	case "import":
		return c.identityImport(ctx, args[1:])
	case "show":
		return c.identityShow(ctx, args[1:])
	}
	return 0, usageError{fmt.Sprintf("identity: unknown subcommand %q (create, import or show)", args[0])}
}

func (c *cli) identityCreate(_ context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("identity create", flag.ContinueOnError)
	name := fs.String("name", "", "signer's name (certificate CN)")
	org := fs.String("org", "", "signer's organization (certificate O)")
	email := fs.String("email", "", "signer's e-mail address")
	replace := fs.Bool("replace", false, "replace the present identity (kept beside it)")
	asJSON := fs.Bool("json", false, "JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usageError{"identity create: takes no arguments (give --name and --org)"}
	}
	if strings.TrimSpace(*name) == "" || strings.TrimSpace(*org) == "" {
		return 0, usageError{"identity create: --name and --org are required"}
	}
	if err := c.refuseExisting(*replace); err != nil {
		return 0, err
	}
	id, err := identity.Create(identity.CreateOptions{Name: *name, Org: *org, Email: *email})
	if err != nil {
		return 0, err
	}
	return c.sealAndInstall(id, *replace, *asJSON, "created")
}

func (c *cli) identityImport(_ context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("identity import", flag.ContinueOnError)
	replace := fs.Bool("replace", false, "replace the present identity (kept beside it)")
	asJSON := fs.Bool("json", false, "JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, usageError{"identity import: give one PKCS#12 file (.p12 or .pfx)"}
	}
	p12Path := pos[0]
	if err := c.refuseExisting(*replace); err != nil {
		return 0, err
	}
	data, err := workflow.ReadSmall(p12Path, identity.MaxP12Size)
	if err != nil {
		return 0, err
	}
	pw, err := c.p12Password(p12Path)
	if err != nil {
		return 0, err
	}
	id, err := identity.Import(data, pw)
	if errors.Is(err, identity.ErrWrongPassphrase) {
		return 0, hintError{msg: fmt.Sprintf("wrong password for %s (%s)", p12Path, p12PasswordEnv), err: err}
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p12Path, err)
	}
	return c.sealAndInstall(id, *replace, *asJSON, "imported")
}

// refuseExisting returns ErrExists when there is an identity file and replace is not set,
// before any passphrase is asked for.
func (c *cli) refuseExisting(replace bool) error {
	if !replace && c.session().HasIdentity() {
		return fmt.Errorf("%w at %s: give --replace to replace it (the old one is kept beside it, so that reports signed with it stay verifiable)", identity.ErrExists, c.identityPath())
	}
	return nil
}

// sealAndInstall asks for the new passphrase (twice on a terminal), seals id and installs it.
func (c *cli) sealAndInstall(id *identity.Identity, replace, asJSON bool, verb string) (int, error) {
	pass, err := c.passphrase("New passphrase for the signing identity (at least 8 characters): ", true)
	if err != nil {
		return 0, err
	}
	defer clear(pass)
	f, archived, err := c.session().InstallIdentity(id, pass, replace)
	if errors.Is(err, identity.ErrWeakPassphrase) {
		return 0, hintError{msg: fmt.Sprintf("passphrase refused: it must have at least %d characters", identity.MinPassphrase), err: err}
	}
	if errors.Is(err, identity.ErrExists) {
		return 0, fmt.Errorf("%w: give --replace to replace it", err)
	}
	if err != nil {
		return 0, err
	}
	out := describe(c.identityPath(), f)
	out.PreviousWas = archived
	if asJSON {
		c.printJSON(out)
		return exitOK, nil
	}
	fmt.Fprintf(c.stdout, "%s signing identity %s\n", verb, safe(out.Subject))
	c.printIdentity(out)
	if archived != "" {
		fmt.Fprintf(c.stdout, "previous identity kept as %s (reports signed with it stay verifiable)\n", safe(archived))
	}
	return exitOK, nil
}

func (c *cli) identityShow(_ context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("identity show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usageError{"identity show: takes no arguments"}
	}
	f, err := c.session().Identity()
	if errors.Is(err, identity.ErrNoIdentity) {
		return 0, errNoIdentityHint
	}
	if err != nil {
		return 0, err
	}
	out := describe(c.identityPath(), f)
	if *asJSON {
		c.printJSON(out)
		return exitOK, nil
	}
	c.printIdentity(out)
	return exitOK, nil
}

func describe(path string, f *identity.File) identityJSON {
	cert := f.Certificate()
	sum := identity.Fingerprint(cert)
	out := identityJSON{
		Path: path, Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		Serial: hex.EncodeToString(cert.SerialNumber.Bytes()), NotBefore: cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC(),
		Expired: time.Now().After(cert.NotAfter), KeyType: identity.KeyType(cert), SHA256: hex.EncodeToString(sum[:]),
		SelfSigned: identity.SelfSigned(cert), Emails: append([]string{}, cert.EmailAddresses...),
		Chain: []chainJSON{}, CreatedAt: f.CreatedAt().UTC(),
	}
	for _, ca := range f.Chain() {
		s := identity.Fingerprint(ca)
		out.Chain = append(out.Chain, chainJSON{Subject: ca.Subject.String(), Issuer: ca.Issuer.String(),
			SHA256: hex.EncodeToString(s[:]), NotAfter: ca.NotAfter.UTC()})
	}
	return out
}

// printIdentity prints an identity for a person. Names from the certificates (which an
// identity file written by an older version, or edited, may hold unchecked) are escaped and
// capped (safe).
func (c *cli) printIdentity(d identityJSON) {
	w := c.stdout
	fmt.Fprintf(w, "Subject      %s\n", safe(d.Subject))
	if len(d.Emails) > 0 {
		fmt.Fprintf(w, "E-mail       %s\n", safe(strings.Join(d.Emails, ", ")))
	}
	issuer := safe(d.Issuer)
	if d.SelfSigned {
		issuer += " (self-signed)"
	}
	fmt.Fprintf(w, "Issuer       %s\n", issuer)
	fmt.Fprintf(w, "Serial       %s\n", d.Serial)
	validity := fmt.Sprintf("%s to %s", localTime(d.NotBefore), localTime(d.NotAfter))
	if d.Expired {
		validity += " (EXPIRED)"
	}
	fmt.Fprintf(w, "Valid        %s\n", validity)
	fmt.Fprintf(w, "Key          %s\n", safe(d.KeyType))
	fmt.Fprintf(w, "SHA-256      %s\n", d.SHA256)
	// The form verify and VERIFY.txt print, to read out to a recipient by another channel.
	fmt.Fprintf(w, "Fingerprint  %s\n", bundle.Fingerprint(string(d.SHA256)))
	switch {
	case len(d.Chain) == 0 && d.SelfSigned:
		fmt.Fprintf(w, "Chain        none (self-signed: PDF readers trust it only once told to)\n")
	case len(d.Chain) == 0:
		fmt.Fprintf(w, "Chain        none (the issuers' certificates were not in the file)\n")
	}
	for i, ca := range d.Chain {
		label := ""
		if i == 0 {
			label = "Chain"
		}
		fmt.Fprintf(w, "%-12s %d. %s\n", label, i+1, safe(ca.Subject))
	}
	fmt.Fprintf(w, "File         %s\n", safe(d.Path))
}
