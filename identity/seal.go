package identity

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Format names the layout of the identity file.
const Format = "evidentia.identity/1"

const (
	kdfArgon2id   = "argon2id"
	aeadXChaCha20 = "xchacha20-poly1305"
	saltLen       = 16
	keyLen        = 32

	// Bounds on the KDF parameters read from a file: a file asking for more is corrupt,
	// not an order to spend a gigabyte or a minute.
	maxTime      = 20
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxThreads   = 64
	maxSealed    = 64 << 10
)

// kdfParams are the argon2id parameters.
type kdfParams struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// defaultKDF is what Seal uses: argon2id with 3 passes over 64 MiB, 4 lanes.
var defaultKDF = kdfParams{Time: 3, MemoryKiB: 64 << 10, Threads: 4}

// sealKDF is the parameter set Seal uses. Tests may lower it; nothing else changes it.
var sealKDF = defaultKDF

// sealedKey is the encrypted private key and everything needed, with the passphrase, to open it.
type sealedKey struct {
	KDF        string `json:"kdf"`
	Time       uint32 `json:"time"`
	MemoryKiB  uint32 `json:"memory_kib"`
	Threads    uint8  `json:"threads"`
	Salt       []byte `json:"salt"`
	AEAD       string `json:"aead"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

// fileJSON is the JSON layout of a File.
type fileJSON struct {
	Format          string    `json:"format"`
	CreatedAt       time.Time `json:"created_at"`
	CertificatesPEM string    `json:"certificates_pem"`
	Key             sealedKey `json:"key"`
}

// File is the stored form of an identity: its certificates in clear and its private key
// sealed with a passphrase. It is immutable; its JSON form (MarshalJSON) is what Save writes.
// The zero File is not usable: get one from Seal, Load or json.Unmarshal.
type File struct {
	createdAt time.Time
	certsPEM  string
	key       sealedKey
	cert      *x509.Certificate
	chain     []*x509.Certificate
}

// Certificate returns the signer's certificate; no passphrase is needed. The caller must not
// modify it.
func (f *File) Certificate() *x509.Certificate { return f.cert }

// Chain returns the issuers' certificates, nearest first (empty for a self-signed identity).
func (f *File) Chain() []*x509.Certificate { return append([]*x509.Certificate(nil), f.chain...) }

// CreatedAt returns the time the file was sealed.
func (f *File) CreatedAt() time.Time { return f.createdAt }

// Seal encrypts the private key of id with passphrase and returns the File to store. The
// passphrase must have at least MinPassphrase characters (ErrWeakPassphrase); the key must be
// the certificate's (ErrInvalid). Seal does not keep or modify passphrase.
func Seal(id *Identity, passphrase []byte) (*File, error) {
	if id == nil || id.Certificate == nil || id.Key == nil {
		return nil, fmt.Errorf("%w: identity without certificate or key", ErrInvalid)
	}
	if n := utf8.RuneCount(passphrase); n < MinPassphrase {
		return nil, fmt.Errorf("%w: it has %d characters, at least %d are needed", ErrWeakPassphrase, n, MinPassphrase)
	}
	if !matches(id.Key, id.Certificate) {
		return nil, fmt.Errorf("%w: the key is not the certificate's", ErrInvalid)
	}
	if _, err := checkKey(id.Key); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	for _, c := range id.Chain {
		if c == nil {
			return nil, fmt.Errorf("%w: empty certificate in the chain", ErrInvalid)
		}
	}
	var certsPEM strings.Builder
	for _, c := range append([]*x509.Certificate{id.Certificate}, id.Chain...) {
		if err := pem.Encode(&certsPEM, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
			return nil, fmt.Errorf("identity: %w", err)
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	defer clear(der)

	p := sealKDF
	k := sealedKey{
		KDF: kdfArgon2id, Time: p.Time, MemoryKiB: p.MemoryKiB, Threads: p.Threads,
		Salt: make([]byte, saltLen), AEAD: aeadXChaCha20, Nonce: make([]byte, chacha20poly1305.NonceSizeX),
	}
	if _, err := rand.Read(k.Salt); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if _, err := rand.Read(k.Nonce); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	f := &File{
		createdAt: time.Now().UTC().Truncate(time.Second),
		certsPEM:  certsPEM.String(),
		cert:      id.Certificate,
		chain:     append([]*x509.Certificate(nil), id.Chain...),
	}
	aead, err := k.aead(passphrase)
	if err != nil {
		return nil, err
	}
	k.Ciphertext = aead.Seal(nil, k.Nonce, der, additionalData(&k, f.cert, f.chain))
	f.key = k
	return f, nil
}

// Unlock opens the sealed key with passphrase. It returns ErrWrongPassphrase when the
// passphrase is wrong or the file was altered (the key, its parameters or any certificate),
// and ErrCorrupt when the key inside is not the certificate's. Unlock does not keep or modify
// passphrase.
func (f *File) Unlock(passphrase []byte) (*Identity, error) {
	if f == nil || f.cert == nil {
		return nil, fmt.Errorf("%w: empty identity file", ErrCorrupt)
	}
	if err := f.key.check(); err != nil {
		return nil, err
	}
	aead, err := f.key.aead(passphrase)
	if err != nil {
		return nil, err
	}
	der, err := aead.Open(nil, f.key.Nonce, f.key.Ciphertext, additionalData(&f.key, f.cert, f.chain))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	defer clear(der)
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed key: %v", ErrCorrupt, err)
	}
	key, err := checkKey(parsed)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed key: %v", ErrCorrupt, err)
	}
	if !matches(key, f.cert) {
		return nil, fmt.Errorf("%w: the sealed key is not the certificate's", ErrCorrupt)
	}
	return &Identity{Certificate: f.cert, Chain: f.Chain(), Key: key}, nil
}

// aead derives the key-encryption key from passphrase and returns the cipher. The derived key
// is cleared before returning (the cipher keeps its own copy).
func (k *sealedKey) aead(passphrase []byte) (interface {
	Seal(dst, nonce, plaintext, additionalData []byte) []byte
	Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
}, error) {
	kek := argon2.IDKey(passphrase, k.Salt, k.Time, k.MemoryKiB, k.Threads, keyLen)
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return aead, nil
}

// check refuses unknown algorithms and absurd parameters (ErrCorrupt).
func (k *sealedKey) check() error {
	switch {
	case k.KDF != kdfArgon2id:
		return fmt.Errorf("%w: unknown key derivation %q", ErrCorrupt, k.KDF)
	case k.AEAD != aeadXChaCha20:
		return fmt.Errorf("%w: unknown cipher %q", ErrCorrupt, k.AEAD)
	case k.Time < 1 || k.Time > maxTime:
		return fmt.Errorf("%w: argon2id time %d out of bounds (1..%d)", ErrCorrupt, k.Time, maxTime)
	case k.Threads < 1 || k.Threads > maxThreads:
		return fmt.Errorf("%w: argon2id threads %d out of bounds (1..%d)", ErrCorrupt, k.Threads, maxThreads)
	case k.MemoryKiB < 8*uint32(k.Threads) || k.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("%w: argon2id memory %d KiB out of bounds (%d..%d)", ErrCorrupt, k.MemoryKiB, 8*uint32(k.Threads), maxMemoryKiB)
	case len(k.Salt) < saltLen || len(k.Salt) > 64:
		return fmt.Errorf("%w: salt of %d bytes", ErrCorrupt, len(k.Salt))
	case len(k.Nonce) != chacha20poly1305.NonceSizeX:
		return fmt.Errorf("%w: nonce of %d bytes", ErrCorrupt, len(k.Nonce))
	case len(k.Ciphertext) <= chacha20poly1305.Overhead || len(k.Ciphertext) > maxSealed:
		return fmt.Errorf("%w: sealed key of %d bytes", ErrCorrupt, len(k.Ciphertext))
	}
	return nil
}

// additionalData binds the sealed key to the format, to its own parameters and to every
// certificate of the file: changing any of them makes Unlock fail.
func additionalData(k *sealedKey, cert *x509.Certificate, chain []*x509.Certificate) []byte {
	var b bytes.Buffer
	b.WriteString(Format)
	b.WriteString("\nkdf=" + k.KDF)
	b.WriteString(" time=" + strconv.FormatUint(uint64(k.Time), 10))
	b.WriteString(" memory_kib=" + strconv.FormatUint(uint64(k.MemoryKiB), 10))
	b.WriteString(" threads=" + strconv.FormatUint(uint64(k.Threads), 10))
	b.WriteString(" salt=" + hex.EncodeToString(k.Salt))
	b.WriteString("\naead=" + k.AEAD)
	for i, c := range append([]*x509.Certificate{cert}, chain...) {
		sum := sha256.Sum256(c.Raw)
		fmt.Fprintf(&b, "\ncertificate %d sha256=%x", i, sum)
	}
	return b.Bytes()
}

// MarshalJSON encodes f in the layout of Format.
func (f *File) MarshalJSON() ([]byte, error) {
	if f == nil || f.cert == nil {
		return nil, fmt.Errorf("%w: empty identity file", ErrInvalid)
	}
	return json.Marshal(fileJSON{Format: Format, CreatedAt: f.createdAt, CertificatesPEM: f.certsPEM, Key: f.key})
}

// UnmarshalJSON decodes and checks a file in the layout of Format. Anything that does not
// parse or fit (unknown format, no certificate, PEM blocks of another kind, trailing data,
// out-of-bounds parameters) is ErrCorrupt. The passphrase is not needed.
func (f *File) UnmarshalJSON(data []byte) error {
	var j fileJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if j.Format != Format {
		return fmt.Errorf("%w: format %q, want %q", ErrCorrupt, j.Format, Format)
	}
	if err := j.Key.check(); err != nil {
		return err
	}
	var certs []*x509.Certificate
	rest := []byte(j.CertificatesPEM)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) > 0 {
			return fmt.Errorf("%w: unexpected PEM block %q", ErrCorrupt, block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return fmt.Errorf("%w: certificate %d: %v", ErrCorrupt, len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return fmt.Errorf("%w: unexpected data after the certificates", ErrCorrupt)
	}
	if len(certs) == 0 {
		return fmt.Errorf("%w: no certificate", ErrCorrupt)
	}
	switch certs[0].PublicKey.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return fmt.Errorf("%w: unsupported public key (%s) in the certificate", ErrCorrupt, certs[0].PublicKeyAlgorithm)
	}
	*f = File{createdAt: j.CreatedAt, certsPEM: j.CertificatesPEM, key: j.Key, cert: certs[0], chain: certs[1:]}
	return nil
}
