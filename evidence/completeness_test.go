package evidence

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestVerdicts(t *testing.T) {
	want := map[Verdict]string{
		VerdictComplete: "complete", VerdictIncomplete: "incomplete", VerdictLoginWall: "login_wall",
		VerdictDeleted: "deleted", VerdictBlocked: "blocked", VerdictEmpty: "empty", VerdictErrorPage: "error_page",
	}
	if len(Verdicts()) != len(want) {
		t.Fatalf("Verdicts() = %v", Verdicts())
	}
	ko, en := map[string]Verdict{}, map[string]Verdict{}
	for _, v := range Verdicts() {
		if string(v) != want[v] || !v.Known() {
			t.Errorf("verdict %q", v)
		}
		if v.Key() != "completeness."+want[v] {
			t.Errorf("%q has key %q", v, v.Key())
		}
		k, e := v.Text("ko"), v.Text("en")
		if k == "" || e == "" || k == e {
			t.Errorf("%q texts %q %q", v, k, e)
		}
		if b, ok := ko[k]; ok {
			t.Errorf("%q and %q share %q", v, b, k)
		}
		if b, ok := en[e]; ok {
			t.Errorf("%q and %q share %q", v, b, e)
		}
		ko[k], en[e] = v, v
		if v.Text("") != e || v.Text("fr") != e {
			t.Errorf("%q: other languages are not English", v)
		}
	}
	if VerdictLoginWall.Text("ko") != "로그인해야 볼 수 있는 화면이 저장되었습니다. 게시물 자체는 저장되지 않았습니다." ||
		VerdictLoginWall.Text("en") != "A login screen was captured, not the posting itself." {
		t.Errorf("login wall texts %q %q", VerdictLoginWall.Text("ko"), VerdictLoginWall.Text("en"))
	}
	odd := Verdict("something else")
	if odd.Known() || odd.Key() != "" || odd.Text("ko") != "" || odd.Text("en") != "" {
		t.Errorf("unknown verdict: %v %q %q", odd.Known(), odd.Key(), odd.Text("en"))
	}
}

func TestReasonCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ReasonCodes() {
		if seen[c] {
			t.Errorf("%q twice", c)
		}
		seen[c] = true
		r := Reason{Code: c}
		if r.Key() != "completeness.reason."+c || ReasonKey(c) != r.Key() {
			t.Errorf("%q has key %q", c, r.Key())
		}
		if k, e := r.Text("ko"), r.Text("en"); k == "" || e == "" || k == e {
			t.Errorf("%q texts %q %q", c, k, e)
		}
	}
	for _, c := range []string{"comments_fewer_than_claimed", "expansion_limit", "lazy_content_not_loaded", "http_404",
		"deleted_notice", "login_notice", "captcha", "rate_limited", "age_gate", "no_content", "error_status"} {
		if !seen[c] {
			t.Errorf("code %q missing", c)
		}
	}
	if len(seen) != len(reasonTexts) {
		t.Errorf("%d codes, %d texts", len(seen), len(reasonTexts))
	}
	if r := (Reason{Code: "nope"}); r.Key() != "" || r.Text("ko") != "" {
		t.Errorf("unknown code: %q %q", r.Key(), r.Text("ko"))
	}
}

func TestKeyTexts(t *testing.T) {
	kt := KeyTexts()
	if len(kt) != len(Verdicts())+len(ReasonCodes()) {
		t.Errorf("%d keys", len(kt))
	}
	for k, v := range kt {
		if !strings.HasPrefix(k, "completeness.") || v[0] == "" || v[1] == "" {
			t.Errorf("%q: %q", k, v)
		}
	}
	if kt["completeness.reason.expansion_limit"] != [2]string{Reason{Code: ReasonExpansionLimit}.Text("ko"), Reason{Code: ReasonExpansionLimit}.Text("en")} {
		t.Errorf("expansion_limit: %q", kt["completeness.reason.expansion_limit"])
	}
}

func TestNewReason(t *testing.T) {
	r := NewReason(ReasonDeletedNotice, strings.Repeat("삭", 1000))
	if !strings.HasPrefix(r.Detail, strings.Repeat("삭", MaxReasonDetail)+"…") || utf8.RuneCountInString(r.Detail) > MaxReasonDetail+40 {
		t.Errorf("detail not capped: %d", utf8.RuneCountInString(r.Detail))
	}
	if r := NewReason(ReasonCaptcha, "short"); r.Detail != "short" || r.Code != ReasonCaptcha {
		t.Errorf("%+v", r)
	}
}

func TestCompletenessJSON(t *testing.T) {
	for _, tc := range []struct {
		c    Completeness
		want string
	}{
		{Completeness{Verdict: VerdictComplete, Reasons: []Reason{}}, `{"verdict":"complete","reasons":[]}`},
		{Completeness{Verdict: VerdictIncomplete, Reasons: []Reason{{ReasonCommentsFewer, "3 of 10"}},
			Comments: &CommentCount{Expected: 10, Captured: 3}},
			`{"verdict":"incomplete","reasons":[{"code":"comments_fewer_than_claimed","detail":"3 of 10"}],"comments":{"expected":10,"captured":3}}`},
		{Completeness{Verdict: VerdictComplete, Reasons: []Reason{}, Comments: &CommentCount{Expected: CommentsNotStated, Captured: 2}},
			`{"verdict":"complete","reasons":[],"comments":{"expected":-1,"captured":2}}`},
	} {
		b, err := json.Marshal(tc.c)
		if err != nil || string(b) != tc.want {
			t.Errorf("got %s %v, want %s", b, err, tc.want)
		}
		var back Completeness
		if err := json.Unmarshal(b, &back); err != nil || back.Verdict != tc.c.Verdict || len(back.Reasons) != len(tc.c.Reasons) {
			t.Errorf("round trip %s: %+v %v", b, back, err)
		}
	}
	// The canonical form (the manifest's) accepts it too.
	if _, err := Canonical(Completeness{Verdict: VerdictDeleted, Reasons: []Reason{{ReasonHTTP404, "HTTP 404"}}}); err != nil {
		t.Error(err)
	}
}

// TestVerdictNames: every verdict has a short name in both languages (the app's rows and the
// report's status cells use these, nothing else), and Whole agrees with the verdict.
func TestVerdictNames(t *testing.T) {
	for _, v := range Verdicts() {
		if v.Name("ko") == "" || v.Name("en") == "" || v.Name("ko") == v.Name("en") {
			t.Errorf("%s: names %q %q", v, v.Name("ko"), v.Name("en"))
		}
		c := &Completeness{Verdict: v}
		if c.Whole() != (v == VerdictComplete) {
			t.Errorf("%s: Whole() = %v", v, c.Whole())
		}
	}
	if Verdict("made_up").Name("ko") != "" {
		t.Error("an unknown verdict has a name")
	}
	var none *Completeness
	if !none.Whole() {
		t.Error("a capture made before verdicts is not taken at its status")
	}
}
