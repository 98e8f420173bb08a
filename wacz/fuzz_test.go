package wacz

import (
	"bytes"
	"context"
	"testing"
)

// FuzzVerify feeds Verify arbitrary bytes (seeded with a real WACZ and damaged copies): it
// must return a report or an error, never panic.
func FuzzVerify(f *testing.F) {
	fx := buildFixture(f)
	var out bytes.Buffer
	ws := fx.warcs()[:1]
	if _, err := Write(context.Background(), &out, ws, Options{Created: fixtureTime}); err != nil {
		f.Fatal(err)
	}
	good := out.Bytes()
	f.Add(good)
	for _, i := range []int{30, len(good) / 3, len(good) / 2, len(good) - 30} {
		b := bytes.Clone(good)
		b[i] ^= 0xff
		f.Add(b)
	}
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), VerifyOptions{})
		if err == nil && rep == nil {
			t.Fatal("no report and no error")
		}
	})
}

// FuzzScanWARC feeds the record scanner arbitrary bytes.
func FuzzScanWARC(f *testing.F) {
	fx := buildFixture(f)
	for _, n := range fx.Names {
		f.Add(fx.Data[n])
	}
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = scanWARC(context.Background(), bytes.NewReader(b), func(*record) error { return nil })
	})
}
