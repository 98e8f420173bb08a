package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"evidentia/internal/testpki"
	"evidentia/signature"
)

// slowPDF is a PDF that keeps verify busy for seconds with little memory: 64 signature fields
// sharing one signature dictionary whose byte range covers the whole file, which is padded to
// 48 MiB, so that verify copies and hashes 48 MiB 64 times (each then fails: the CMS, a real
// one over other data, does not match).
func slowPDF(t *testing.T) []byte {
	t.Helper()
	pki := testpki.New(t)
	cms, err := signature.SignDetached([]byte("other data"), signature.Signer{Certificate: pki.Signer, Key: pki.SignerKey})
	if err != nil {
		t.Fatal(err)
	}
	const fields = 64
	var kids []string
	objs := []string{"", "<< /Type /Pages /Kids [] /Count 0 >>"}
	for i := range fields {
		objs = append(objs, fmt.Sprintf("<< /FT /Sig /T (s%d) /V %d 0 R >>", i, 3+fields))
		kids = append(kids, fmt.Sprintf("%d 0 R", 3+i))
	}
	objs[0] = "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + strings.Join(kids, " ") + "] /SigFlags 3 >> >>"
	const placeholder = "/ByteRange [0 0000000000 0000000000 0000000000]"
	objs = append(objs, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "+placeholder+
		" /Contents <"+hex.EncodeToString(cms)+"> >>")
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	b.WriteString("%")
	b.Write(bytes.Repeat([]byte("x"), 48<<20))
	b.WriteString("\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	doc := b.Bytes()
	lt := bytes.Index(doc, []byte("/Contents <")) + len("/Contents ")
	gt := bytes.IndexByte(doc[lt:], '>') + lt + 1
	br := fmt.Sprintf("/ByteRange [0 %010d %010d %010d]", lt, gt, len(doc)-gt)
	copy(doc[bytes.Index(doc, []byte(placeholder)):], br)
	return doc
}

// TestVerifyStopsOnSignals builds the command and runs `evidentia verify` on a file that keeps
// it busy; SIGTERM, and separately SIGINT (Ctrl+C), must end it within a second.
func TestVerifyStopsOnSignals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	if testing.Short() {
		t.Skip("builds the command")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "evidentia")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	doc := filepath.Join(dir, "hostile.pdf")
	if err := os.WriteFile(doc, slowPDF(t), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "--data", filepath.Join(dir, "no-store"), "verify", doc)
			cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				t.Fatalf("verify ended before the signal (%v): the file must keep it busy\n%s", err, out.String())
			case <-time.After(700 * time.Millisecond):
			}
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				t.Logf("%s: exited %v after %v: %s", sig, err, time.Since(sent), bytes.TrimSpace(out.Bytes()))
				if cmd.ProcessState.Success() {
					t.Errorf("an interrupted verify exited 0")
				}
			case <-time.After(time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running 1 s after %s", sig)
			}
		})
	}
}
