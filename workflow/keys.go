package workflow

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"evidentia/identity"
	"evidentia/signature"
)

// The signing identity of a data folder, and the trust a verification starts from. The front
// doors only ask for secrets (a terminal prompt, a dialog) and show the results.

// IdentityPath is the signing identity file of the session's data folder.
func (s *Session) IdentityPath() string { return identity.DefaultPath(s.dir) }

// Identity loads the session's signing identity (still sealed). With none, the error wraps
// identity.ErrNoIdentity.
func (s *Session) Identity() (*identity.File, error) { return identity.Load(s.IdentityPath()) }

// HasIdentity tells whether the data folder has a signing identity file (readable or not), so
// that a front door can refuse to replace it before asking for any secret.
func (s *Session) HasIdentity() bool {
	_, err := os.Lstat(s.IdentityPath())
	return err == nil
}

// ArchivedIdentities loads the identities kept beside the current one when it was replaced
// (identity-YYYYMMDDTHHMMSSZ.json in the data folder, see identity.Install), newest first;
// unreadable files are left out.
func (s *Session) ArchivedIdentities() []*identity.File {
	entries, _ := os.ReadDir(s.dir) // by name: a folder name holding [ or * is no pattern
	type archived struct {
		stamp string
		n     int
		path  string
	}
	var found []archived
	for _, e := range entries {
		stamp, n, ok := archivedName(e.Name())
		if ok && e.Type().IsRegular() {
			found = append(found, archived{stamp, n, filepath.Join(s.dir, e.Name())})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].stamp != found[j].stamp {
			return found[i].stamp > found[j].stamp
		}
		return found[i].n > found[j].n
	})
	var out []*identity.File
	for _, a := range found {
		if f, err := identity.Load(a.path); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// archivedName parses the name identity.Install gives a replaced identity,
// identity-YYYYMMDDTHHMMSSZ.json or identity-YYYYMMDDTHHMMSSZ-N.json, into its time stamp and
// counter (1 when none).
func archivedName(name string) (stamp string, n int, ok bool) {
	rest, found := strings.CutPrefix(name, "identity-")
	if !found {
		return "", 0, false
	}
	rest, found = strings.CutSuffix(rest, ".json")
	if !found || len(rest) < 16 {
		return "", 0, false
	}
	stamp, n = rest[:16], 1
	if _, err := time.Parse("20060102T150405Z", stamp); err != nil {
		return "", 0, false
	}
	if tail := rest[16:]; tail != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(tail, "-"))
		if !strings.HasPrefix(tail, "-") || err != nil || v < 2 {
			return "", 0, false
		}
		n = v
	}
	return stamp, n, true
}

// InstallIdentity seals id with passphrase and installs it as the data folder's signing
// identity. An existing one is refused (identity.ErrExists) unless replace is set; then it is
// kept beside the new one and archived names that copy. A passphrase shorter than
// identity.MinPassphrase is refused with identity.ErrWeakPassphrase. The caller wipes
// passphrase.
func (s *Session) InstallIdentity(id *identity.Identity, passphrase []byte, replace bool) (f *identity.File, archived string, err error) {
	f, err = identity.Seal(id, passphrase)
	if err != nil {
		return nil, "", err
	}
	archived, err = identity.Install(s.IdentityPath(), f, replace, time.Now())
	if err != nil {
		return nil, archived, err
	}
	return f, archived, nil
}

// Signer unlocks the sealed identity f with passphrase and returns the signer of reports and
// bundles made from it: its certificate, chain and key. A wrong passphrase fails with
// identity.ErrWrongPassphrase; a nil f with identity.ErrNoIdentity. The key lives as long as
// the returned signer; the caller wipes passphrase.
func Signer(f *identity.File, passphrase []byte) (*signature.Signer, error) {
	if f == nil {
		return nil, identity.ErrNoIdentity
	}
	id, err := f.Unlock(passphrase)
	if err != nil {
		return nil, err
	}
	return &signature.Signer{Certificate: id.Certificate, Chain: id.Chain, Key: id.Key}, nil
}

// ErrNoRootCerts is the error of a roots file that holds no PEM certificate.
var ErrNoRootCerts = errors.New("workflow: the roots file holds no PEM certificate")

// Roots are what a verification trusts signers (and timestamp authorities) through, and where
// that came from, to be said plainly with its result.
type Roots struct {
	Pool   *x509.CertPool // never nil: an empty pool trusts no authority
	File   string         // the PEM file read; "" = none given
	Source string         // "--ca" (given for this verification) or "settings" (signer_roots)
	Count  int            // certificates in Pool
}

// MaxRootsFile bounds a roots file (a bundle of a few hundred certificates is under 1 MiB).
const MaxRootsFile = 16 << 20

// Roots returns the roots signers are trusted through: the certificates of the PEM file given
// (the command line's --ca) when not "", else those of the settings' signer_roots file when
// set, else none (an empty pool). The computer's web (TLS) roots are never used: a web server's
// authority says nothing about who signs evidence. A file that cannot be read or holds no
// certificate is an error (wrapping ErrNoRootCerts for the latter): a verification never
// silently falls back to fewer roots than were asked for.
func (s *Session) Roots(given string) (Roots, error) {
	r := Roots{Pool: x509.NewCertPool(), File: given, Source: "--ca"}
	if given == "" {
		r.File, r.Source = s.Settings().SignerRoots, "settings"
	}
	if r.File == "" {
		return Roots{Pool: x509.NewCertPool()}, nil
	}
	data, err := ReadSmall(r.File, MaxRootsFile)
	if err != nil {
		return Roots{}, fmt.Errorf("trusted roots: %w", err)
	}
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return Roots{}, fmt.Errorf("trusted roots: %s: %w", r.File, err)
		}
		r.Pool.AddCert(cert)
		r.Count++
	}
	if r.Count == 0 {
		return Roots{}, fmt.Errorf("trusted roots: %s: %w", r.File, ErrNoRootCerts)
	}
	return r, nil
}

// ErrTooLarge is the error of a file given to read that is larger than its kind can be.
var ErrTooLarge = errors.New("workflow: file too large")

// ReadSmall reads the regular file at path, refusing one larger than limit bytes (the error
// then wraps ErrTooLarge) or that is not a regular file (a device or a pipe could block for
// ever). It is how a secret or a key file the user names is read (a roots file, a PKCS#12).
func ReadSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes: not a file of the expected kind", ErrTooLarge, path, limit)
	}
	return data, nil
}
