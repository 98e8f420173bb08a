package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestTakeSecretsUnsetsAndKeepsBehaviour is finding 9 on the command line's side: main takes
// EVIDENTIA_PASSPHRASE and EVIDENTIA_P12_PASSWORD out of the environment before anything runs,
// so that no child process inherits them, and the passphrase and the .p12 password are still
// what they gave.
func TestTakeSecretsUnsetsAndKeepsBehaviour(t *testing.T) {
	envPath, err := exec.LookPath("env")
	if err != nil {
		t.Skip("no env program")
	}
	const pass, p12pw = "the passphrase of 2026", "the p12 password"
	tests := []struct {
		name          string
		pass, p12     *string
		wantPass      string // "" when an error is expected
		wantPassErr   string
		wantP12       string
		wantP12Errstr string
	}{
		{name: "both set", pass: ptr(pass), p12: ptr(p12pw), wantPass: pass, wantP12: p12pw},
		{name: "passphrase set but empty", pass: ptr(""), p12: ptr(""), wantPassErr: passphraseEnv + " is set but empty", wantP12: ""},
		{name: "neither set", wantPassErr: "no passphrase", wantP12Errstr: p12PasswordEnv},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(passphraseEnv, "x") // restored after the test
			t.Setenv(p12PasswordEnv, "x")
			os.Unsetenv(passphraseEnv)
			os.Unsetenv(p12PasswordEnv)
			if tc.pass != nil {
				os.Setenv(passphraseEnv, *tc.pass)
			}
			if tc.p12 != nil {
				os.Setenv(p12PasswordEnv, *tc.p12)
			}
			startupSecrets = takeSecrets()
			defer func() { startupSecrets = nil }()

			for _, name := range []string{passphraseEnv, p12PasswordEnv} {
				if v, ok := os.LookupEnv(name); ok || os.Getenv(name) != "" {
					t.Errorf("%s is still in the environment after takeSecrets: %q", name, v)
				}
			}
			// A child process started now does not inherit them.
			out, err := exec.Command(envPath).Output()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("EVIDENTIA_PASSPHRASE")) || bytes.Contains(out, []byte("EVIDENTIA_P12_PASSWORD")) ||
				(pass != "" && bytes.Contains(out, []byte(pass))) {
				t.Errorf("a child process inherited a secret:\n%s", out)
			}

			c := &cli{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
			got, err := c.passphrase("Passphrase: ", false)
			switch {
			case tc.wantPassErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantPassErr) {
					t.Errorf("passphrase: %q, %v; want an error with %q", got, err, tc.wantPassErr)
				}
			case err != nil || string(got) != tc.wantPass:
				t.Errorf("passphrase: %q, %v; want %q", got, err, tc.wantPass)
			}
			pw, err := c.p12Password("signer.p12")
			switch {
			case tc.wantP12Errstr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantP12Errstr) {
					t.Errorf("p12Password: %q, %v; want an error with %q", pw, err, tc.wantP12Errstr)
				}
			case err != nil || pw != tc.wantP12:
				t.Errorf("p12Password: %q, %v; want %q", pw, err, tc.wantP12)
			}
			// Asking again gives the same: the value is kept, not used up.
			if again, err := c.passphrase("Passphrase: ", false); tc.wantPassErr == "" && (err != nil || string(again) != tc.wantPass) {
				t.Errorf("second passphrase: %q, %v", again, err)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestCLIRefusesUnsafeNames is finding 10 on the command line: a case name, an operator or a
// unit with an escape or U+202E is refused (exit 1, a diagnostic that shows it escaped), and
// nothing is created; a formula-like case name is plain text and accepted.
func TestCLIRefusesUnsafeNames(t *testing.T) {
	needChrome(t) // capture starts the browser, then the workflow refuses the names
	data := t.TempDir()
	for _, bad := range []string{"사건\x1b[2J", "사건\u202etxt.exe"} {
		for _, args := range [][]string{
			{"cases", "create", bad},
			{"cases", "create", "사건-ok", "--operator", bad},
			{"capture", "--case", bad, "http://127.0.0.1:9/"},
			{"capture", "--case", "사건-ok", "--operator", bad, "http://127.0.0.1:9/"},
			{"capture", "--case", "사건-ok", "--unit", bad, "http://127.0.0.1:9/"},
		} {
			full := append([]string{"--data", data, "--chrome", chromePath}, args...)
			code, out, stderr := evidentia(t, full...)
			if code != exitProblem || !strings.Contains(out+stderr, "control, bidirectional or invisible") {
				t.Errorf("%+q: exit %d\n%s%s", args, code, out, stderr)
			}
			if strings.ContainsAny(stderr+out, "\x1b\u202e") {
				t.Errorf("%+q: the name reached the terminal raw: %+q", args, stderr)
			}
		}
		if code, out, _ := evidentia(t, "--data", data, "cases", "--json"); code != exitOK || strings.Contains(out, "사건") {
			t.Errorf("cases were created: %s", out)
		}
	}
	if code, out, stderr := evidentia(t, "--data", data, "cases", "create", `=HYPERLINK("http://x","y")`, "--operator", "@SUM(1+1)"); code != exitOK {
		t.Errorf("formula-like names: exit %d\n%s%s", code, out, stderr)
	}
	// A rename to an unsafe name is refused too, and the case keeps its name.
	if code, out, stderr := evidentia(t, "--data", data, "cases", "edit", `=HYPERLINK("http://x","y")`, "--rename", "new\u202ename"); code != exitProblem ||
		!strings.Contains(out+stderr, "control, bidirectional or invisible") {
		t.Errorf("rename to an unsafe name: exit %d\n%s%s", code, out, stderr)
	}
	if _, out, _ := evidentia(t, "--data", data, "cases", "--json"); !strings.Contains(out, `HYPERLINK`) || strings.Contains(out, "new") {
		t.Errorf("after a refused rename: %s", out)
	}
}
