package identity_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"evidentia/identity"
)

// Example makes an identity, stores it sealed with a passphrase, and later unlocks it to sign.
func Example() {
	dir, err := os.MkdirTemp("", "identity-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := identity.DefaultPath(filepath.Join(dir, "data"))

	id, err := identity.Create(identity.CreateOptions{Name: "홍길동", Org: "경기도선거관리위원회", Email: "hong@example.kr"})
	if err != nil {
		log.Fatal(err)
	}
	f, err := identity.Seal(id, []byte("a long passphrase"))
	if err != nil {
		log.Fatal(err)
	}
	if err := identity.Save(path, f); err != nil {
		log.Fatal(err)
	}

	stored, err := identity.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signer:", stored.Certificate().Subject) // no passphrase needed
	if _, err := stored.Unlock([]byte("not the passphrase")); err != nil {
		fmt.Println(err)
	}
	unlocked, err := stored.Unlock([]byte("a long passphrase"))
	if err != nil {
		log.Fatal(err)
	}
	digest := sha256.Sum256([]byte("report"))
	if _, err := unlocked.Key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed")
	// Output:
	// signer: CN=홍길동,O=경기도선거관리위원회
	// identity: wrong passphrase
	// signed
}
