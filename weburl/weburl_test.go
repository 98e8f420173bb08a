package weburl

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		// Accepted, with an explicit scheme.
		{in: "https://example.com/", want: "https://example.com/"},
		{in: "http://example.com", want: "http://example.com/"},
		{in: "HTTPS://EXAMPLE.COM", want: "https://example.com/"},
		{in: "HtTp://Example.Com/Path/Keeps/Case?Q=Keeps", want: "http://example.com/Path/Keeps/Case?Q=Keeps"},
		{in: "  https://example.com/a  \n", want: "https://example.com/a"},
		{in: "https://example.com:443/x", want: "https://example.com/x"},
		{in: "http://example.com:80/x", want: "http://example.com/x"},
		{in: "http://example.com:443/x", want: "http://example.com:443/x"},
		{in: "https://example.com:08443", want: "https://example.com:8443/"},
		{in: "https://example.com?q=1", want: "https://example.com/?q=1"},
		{in: "https://example.com#top", want: "https://example.com/#top"},
		{in: "https://example.com/a?", want: "https://example.com/a?"},
		{in: "https://example.com/a#", want: "https://example.com/a#"},
		{in: "https://example.com./a", want: "https://example.com./a"},
		{in: "https://my_blog.example.com/", want: "https://my_blog.example.com/"},
		{in: "https://[::1]:8080/x", want: "https://[::1]:8080/x"},
		{in: "http://[2001:DB8::1]/", want: "http://[2001:db8::1]/"},
		{in: "http://127.0.0.1:3000/", want: "http://127.0.0.1:3000/"},
		{in: "//example.com/x", want: "https://example.com/x"},
		// Internationalised names and non-ASCII paths.
		{in: "https://한국.kr/경로?q=값", want: "https://xn--3e0b707e.kr/%EA%B2%BD%EB%A1%9C?q=%EA%B0%92"},
		{in: "https://한국.kr/경로?q=값#부분", want: "https://xn--3e0b707e.kr/%EA%B2%BD%EB%A1%9C?q=%EA%B0%92#%EB%B6%80%EB%B6%84"},
		{in: "https://XN--3E0B707E.KR/", want: "https://xn--3e0b707e.kr/"},
		{in: "https://ＥＸＡＭＰＬＥ.com/", want: "https://example.com/"},
		{in: "https://ko.wikipedia.org/wiki/대한민국", want: "https://ko.wikipedia.org/wiki/%EB%8C%80%ED%95%9C%EB%AF%BC%EA%B5%AD"},
		{in: "https://search.naver.com/search.naver?query=날씨 서울", want: "https://search.naver.com/search.naver?query=%EB%82%A0%EC%94%A8%20%EC%84%9C%EC%9A%B8"},
		{in: "https://example.com/%EB%8C%80%ED%95%9C", want: "https://example.com/%EB%8C%80%ED%95%9C"},
		{in: "https://example.com/%eb%8c%80", want: "https://example.com/%eb%8c%80"},
		{in: "https://example.com/100%", want: "https://example.com/100%25"},
		{in: "https://example.com/a b/<c>", want: "https://example.com/a%20b/%3Cc%3E"},
		{in: `https://example.com/?q="x"&r={1}|^`, want: "https://example.com/?q=%22x%22&r=%7B1%7D%7C%5E"},
		{in: `https://example.com/?path=C:\dir`, want: "https://example.com/?path=C:%5Cdir"},
		{in: "https://example.com/#a#b", want: "https://example.com/#a%23b"},
		{in: "https://medium.com/@someone/post", want: "https://medium.com/@someone/post"},
		{in: "https://example.com/?next=http://other.example/", want: "https://example.com/?next=http://other.example/"},
		// Accepted without a scheme: https is put in front.
		{in: "example.com", want: "https://example.com/"},
		{in: "example.com/a", want: "https://example.com/a"},
		{in: "www.Example.com/a?b=c", want: "https://www.example.com/a?b=c"},
		{in: "네이버.com", want: "https://xn--950bt9s8xi.com/"},
		{in: "localhost:8080/x", want: "https://localhost:8080/x"},
		{in: "localhost", want: "https://localhost/"},
		{in: "127.0.0.1:3000", want: "https://127.0.0.1:3000/"},
		{in: "[::1]:8080", want: "https://[::1]:8080/"},
		{in: "example.com:8443?x=1", want: "https://example.com:8443/?x=1"},

		// Refused.
		{in: "", wantErr: ErrEmpty},
		{in: "  ", wantErr: ErrEmpty},
		{in: "\t\n", wantErr: ErrEmpty},
		{in: "javascript:alert(1)", wantErr: ErrScheme},
		{in: "JavaScript:alert(1)", wantErr: ErrScheme},
		{in: "data:text/html,x", wantErr: ErrScheme},
		{in: "file:///etc/passwd", wantErr: ErrScheme},
		{in: "chrome://settings", wantErr: ErrScheme},
		{in: "about:blank", wantErr: ErrScheme},
		{in: "blob:https://example.com/1234", wantErr: ErrScheme},
		{in: "view-source:https://example.com/", wantErr: ErrScheme},
		{in: "ftp://example.com/file", wantErr: ErrScheme},
		{in: "mailto:someone@example.com", wantErr: ErrScheme},
		{in: "ws://example.com/", wantErr: ErrScheme},
		{in: "tel:112", wantErr: ErrScheme},
		{in: "http:8080", wantErr: ErrMalformed},
		{in: "http://", wantErr: ErrHost},
		{in: "https:///path", wantErr: ErrHost},
		{in: "http://?q", wantErr: ErrHost},
		{in: "http:example.com", wantErr: ErrMalformed},
		{in: "https:/example.com", wantErr: ErrMalformed},
		{in: "http://exa mple.com", wantErr: ErrHost},
		{in: "exa mple.com", wantErr: ErrHost},
		{in: "http://example..com/", wantErr: ErrHost},
		{in: "http://.example.com/", wantErr: ErrHost},
		{in: "http://exa%6Dple.com/", wantErr: ErrHost},
		{in: "http://exa$mple.com/", wantErr: ErrHost},
		{in: "http://999.1.1.1/", wantErr: ErrHost},
		{in: "http://1.2.3/", wantErr: ErrHost},
		{in: "http://::1/", wantErr: ErrHost},
		{in: "http://[::1/", wantErr: ErrHost},
		{in: "http://[fe80::1%25eth0]/", wantErr: ErrHost},
		{in: "http://[1.2.3.4]/", wantErr: ErrHost},
		{in: "http://" + strings.Repeat("a", 64) + ".com/", wantErr: ErrHost},
		{in: "http://example.com:/", wantErr: ErrPort},
		{in: "http://example.com:0/", wantErr: ErrPort},
		{in: "http://example.com:65536/", wantErr: ErrPort},
		{in: "http://example.com:99999999999999999999/", wantErr: ErrPort},
		{in: "http://example.com:8o/", wantErr: ErrPort},
		{in: "example.com:abc", wantErr: ErrPort},
		{in: "http://user:pass@example.com/", wantErr: ErrUserinfo},
		{in: "https://www.bank.example@evil.example/", wantErr: ErrUserinfo},
		{in: "user@example.com", wantErr: ErrUserinfo},
		{in: "http://example.com/a\nb", wantErr: ErrControl},
		{in: "http://exam\x00ple.com/", wantErr: ErrControl},
		{in: "http://example.com/a\u0085b", wantErr: ErrControl},
		{in: "http://example.com\\evil.com/", wantErr: ErrMalformed},
		{in: "http://example.com/a\\b", wantErr: ErrMalformed},
		{in: "http://example.com/\xff", wantErr: ErrMalformed},
		{in: "/just/a/path", wantErr: ErrHost},
		{in: "?q=1", wantErr: ErrHost},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Normalize(%q) = %q, %v; want error %v", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		if again, err := Normalize(got); err != nil || again != got {
			t.Errorf("Normalize(%q) = %q, %v; not idempotent", got, again, err)
		}
	}
}

func TestNormalizeErrorMessages(t *testing.T) {
	_, err := Normalize("javascript:alert(1)")
	if err == nil || !strings.Contains(err.Error(), `"javascript:"`) ||
		!strings.Contains(err.Error(), "only http and https") || !strings.HasPrefix(err.Error(), "weburl: ") {
		t.Errorf("scheme error = %v; want it to name the scheme and say only http and https", err)
	}
	_, err = Normalize(strings.Repeat("x", MaxLength+1))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("overlong address: err = %v; want ErrMalformed", err)
	}
	_, err = Normalize("http://" + strings.Repeat("가", 300) + "/")
	if err == nil || len(err.Error()) > 1000 {
		t.Errorf("long host: error %v should be short", err)
	}
}

func TestDisplay(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://xn--3e0b707e.kr/%EA%B2%BD%EB%A1%9C?q=%EA%B0%92#%EB%B6%80", "https://한국.kr/경로?q=값#부"},
		{"https://xn--950bt9s8xi.com:8443/", "https://네이버.com:8443/"},
		{"https://example.com/a%20b%2Fc", "https://example.com/a%20b%2Fc"},
		{"https://example.com/%E2%80%AEevil", "https://example.com/%E2%80%AEevil"},
		{"https://example.com/%EB%8C%80%FF", "https://example.com/대%FF"},
		{"https://[::1]:8080/x", "https://[::1]:8080/x"},
		{"https://example.com/?", "https://example.com/?"},
		{"not a url at all", "not a url at all"},
		{"javascript:alert(1)", "javascript:alert(1)"},
		{"%zz", "%zz"},
	}
	for _, tt := range tests {
		if got := Display(tt.in); got != tt.want {
			t.Errorf("Display(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestDisplayRoundTrip(t *testing.T) {
	for _, in := range []string{
		"https://한국.kr/경로?q=값#부분",
		"https://ko.wikipedia.org/wiki/대한민국",
		"네이버.com/검색?q=뉴스",
	} {
		n, err := Normalize(in)
		if err != nil {
			t.Fatalf("Normalize(%q): %v", in, err)
		}
		back, err := Normalize(Display(n))
		if err != nil || back != n {
			t.Errorf("Normalize(Display(%q)) = %q, %v", n, back, err)
		}
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"no urls", "안녕하세요. 내일 봬요.", nil},
		{"plain", "see https://example.com/a for details", []string{"https://example.com/a"}},
		{"sentence end", "Look at https://example.com/a.", []string{"https://example.com/a"}},
		{"comma list", "https://a.example.com, https://b.example.com; http://c.example.com!", []string{
			"https://a.example.com/", "https://b.example.com/", "http://c.example.com/"}},
		{"parens", "(see https://example.com/x) and [https://example.com/y]", []string{
			"https://example.com/x", "https://example.com/y"}},
		{"balanced parens kept", "https://en.wikipedia.org/wiki/Go_(game).", []string{
			"https://en.wikipedia.org/wiki/Go_(game)"}},
		{"markdown", "[링크](https://example.com/x)", []string{"https://example.com/x"}},
		{"quotes", `"https://example.com/q" 'https://example.com/s'`, []string{
			"https://example.com/q", "https://example.com/s"}},
		{"angle brackets", "<https://example.com/mail>", []string{"https://example.com/mail"}},
		{"korean brackets", "「https://example.com/a」『https://example.com/b』", []string{
			"https://example.com/a", "https://example.com/b"}},
		{"fullwidth parens", "（https://example.com/a）", []string{"https://example.com/a"}},
		{"ideographic full stop", "주소는 https://example.com/a。", []string{"https://example.com/a"}},
		{"particle after host", "https://naver.com에서 확인했습니다", []string{"https://naver.com/"}},
		{"particle after path", "https://blog.naver.com/abc/123을 보세요", []string{"https://blog.naver.com/abc/123"}},
		{"particle after IDN", "https://한국.kr에서", []string{"https://xn--3e0b707e.kr/"}},
		{"korean path kept", "https://ko.wikipedia.org/wiki/대한민국 문서", []string{
			"https://ko.wikipedia.org/wiki/%EB%8C%80%ED%95%9C%EB%AF%BC%EA%B5%AD"}},
		{"korean query kept", "검색: https://search.naver.com/search.naver?query=날씨.", []string{
			"https://search.naver.com/search.naver?query=%EB%82%A0%EC%94%A8"}},
		{"hangul before url", "주소는https://example.com/x입니다", []string{"https://example.com/x"}},
		{"www", "go to www.example.com/page, then www.naver.com.", []string{
			"https://www.example.com/page", "https://www.naver.com/"}},
		{"www uppercase", "WWW.EXAMPLE.CO.KR", []string{"https://www.example.co.kr/"}},
		{"www needs a domain", "www. and www.example and www.x.1", nil},
		{"www in email not taken", "write to admin@www.example.com", nil},
		{"uppercase scheme", "HTTPS://EXAMPLE.COM/A", []string{"https://example.com/A"}},
		{"dedupe keeps order", "https://b.example.com https://a.example.com HTTPS://B.EXAMPLE.COM/ https://b.example.com:443", []string{
			"https://b.example.com/", "https://a.example.com/"}},
		{"refused candidates dropped", "http://user:pw@evil.example/ http:// https://ok.example.com", []string{
			"https://ok.example.com/"}},
		{"other schemes ignored", "javascript:alert(1) ftp://x.example.com file:///etc/passwd", nil},
		{"not inside a word", "xhttp://example.com", nil},
		{"csv quoted", `1,"https://example.com/a?x=1,2","김철수"`, []string{"https://example.com/a?x=1,2"}},
		{"csv unquoted", "1,https://a.example.com/x,https://b.example.com/y,끝", []string{
			"https://a.example.com/x", "https://b.example.com/y"}},
		{"redirect param kept", "https://example.com/r?u=https://other.example/", []string{
			"https://example.com/r?u=https://other.example/"}},
		{"email text", "From: kim@example.com\nSubject: 증거\n\n원문: https://n.news.naver.com/article/001/0014567890?sid=102\n", []string{
			"https://n.news.naver.com/article/001/0014567890?sid=102"}},
		{"emoji stops", "https://example.com/x🙂", []string{"https://example.com/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Extract(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Extract(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"https://example.com/", "HTTPS://EXAMPLE.COM", "[::1]:8080", "https://한국.kr/경로?q=값#부",
		"javascript:alert(1)", "  ", "http://", "http://exa mple.com", "data:text/html,x",
		"example.com:8080/x?y#z", "http://a/%zz%", "//x.y", "http://[::ffff:1.2.3.4]/",
		"https://xn--3e0b707e.kr./a#b#c", "http://a.b/?q=\\", "http://1.2.3.4:0065535/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		if err != nil {
			if out != "" {
				t.Fatalf("Normalize(%q) returned %q with error %v", in, out, err)
			}
			return
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, which net/url refuses: %v", in, out, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("Normalize(%q) = %q: scheme %q", in, out, u.Scheme)
		}
		if u.Host == "" || u.Hostname() == "" {
			t.Fatalf("Normalize(%q) = %q: no host", in, out)
		}
		if u.User != nil {
			t.Fatalf("Normalize(%q) = %q: has user info", in, out)
		}
		for i := 0; i < len(out); i++ {
			if out[i] <= ' ' || out[i] >= 0x7f {
				t.Fatalf("Normalize(%q) = %q: byte %#x is not printable ASCII", in, out, out[i])
			}
		}
		again, err := Normalize(out)
		if err != nil || again != out {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
		_ = Display(out)
	})
}

func FuzzExtract(f *testing.F) {
	f.Add("see https://example.com/a) and www.naver.com에서, 「https://한국.kr/경로」")
	f.Fuzz(func(t *testing.T, text string) {
		seen := map[string]bool{}
		for _, u := range Extract(text) {
			if seen[u] {
				t.Fatalf("Extract(%q) returned %q twice", text, u)
			}
			seen[u] = true
			if n, err := Normalize(u); err != nil || n != u {
				t.Fatalf("Extract(%q) returned %q, not a normalised address (%q, %v)", text, u, n, err)
			}
		}
	})
}
