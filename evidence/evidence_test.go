package evidence

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"sorted keys, no spaces", map[string]any{"b": 1, "a": []any{true, nil, "x"}}, `{"a":[true,null,"x"],"b":1}`},
		{"no HTML escaping", map[string]string{"u": "https://a.kr/?x=1&y=<2>"}, `{"u":"https://a.kr/?x=1&y=<2>"}`},
		{"Korean kept as UTF-8", map[string]string{"t": "허위사실"}, `{"t":"허위사실"}`},
		{"control characters escaped", map[string]string{"c": "a\nb\t\x01"}, `{"c":"a\nb\t\u0001"}`},
		{"numbers as written", map[string]any{"n": 1.5, "i": int64(9007199254740993)}, `{"i":9007199254740993,"n":1.5}`},
		{"struct tags and nesting", Artifact{Name: "a.png", MediaType: "image/png", Size: 3, SHA256: "ab", Role: RoleScreenshot},
			`{"media_type":"image/png","name":"a.png","role":"screenshot","sha256":"ab","size":3}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			var back any
			if err := json.Unmarshal(got, &back); err != nil {
				t.Errorf("not valid JSON: %v", err)
			}
		})
	}
}

func TestManifestEncodeIsStable(t *testing.T) {
	m := &Manifest{
		Format: ManifestFormat, CaptureID: "id-1", Status: StatusComplete,
		Artifacts: []Artifact{{Name: "text.txt", MediaType: "text/plain", Size: 2, SHA256: SumBytes([]byte("hi")), Role: RoleText}},
		Facts: Facts{RequestedURL: "https://example.com/", Metadata: Metadata{Title: "제목"},
			Collection: Collection{StartedAt: time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)}},
	}
	b1, d1, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var back Manifest
	if err := json.Unmarshal(b1, &back); err != nil {
		t.Fatal(err)
	}
	b2, d2, _ := back.Encode()
	if d1 != d2 || string(b1) != string(b2) {
		t.Errorf("decode and re-encode changed the manifest:\n%s\n%s", b1, b2)
	}
	if d1 != SumBytes(b1) {
		t.Errorf("digest is not the SHA-256 of the encoding")
	}
	back.Facts.Metadata.Title = "제목!"
	if _, d3, _ := back.Encode(); d3 == d1 {
		t.Errorf("a changed fact did not change the digest")
	}
	if a, ok := m.Artifact("text.txt"); !ok || a.Size != 2 {
		t.Errorf("Artifact lookup: %+v %v", a, ok)
	}
}

func TestDigests(t *testing.T) {
	if got := SumBytes([]byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("SumBytes(abc) = %s", got)
	}
	d, n, err := SumReader(strings.NewReader("abc"))
	if err != nil || n != 3 || d != SumBytes([]byte("abc")) {
		t.Errorf("SumReader = %s %d %v", d, n, err)
	}
	for _, s := range []string{"", "xyz", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
		if _, err := ParseDigest(s); !errors.Is(err, ErrBadDigest) {
			t.Errorf("ParseDigest(%q) = %v", s, err)
		}
	}
	if _, err := ParseDigest(strings.Repeat("a", 64)); err != nil {
		t.Error(err)
	}
	if !StatusComplete.Sealed() || !StatusFailed.Sealed() || StatusInterrupted.Sealed() || StatusCapturing.Sealed() {
		t.Error("Sealed() wrong")
	}
}
