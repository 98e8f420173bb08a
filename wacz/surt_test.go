package wacz

import "testing"

// The expected keys are what warcio.js 2.4.11 getSurt returns (TestWarcioIndependent checks
// the same table against it when node is installed).
var surtTable = []struct{ in, want string }{
	{"http://example.com", "com,example)/"},
	{"http://example.com/", "com,example)/"},
	{"https://www.Example.com:443/a/b?z=1&a=2#top", "com,example)/a/b?a=2&z=1"},
	{"http://www2.example.com/", "com,example)/"},
	{"http://wwwx.example.com/", "com,example,wwwx)/"},
	{"http://example.com:8080/Path", "com,example:8080)/path"},
	{"http://example.com:80/", "com,example)/"},
	{"https://example.com:80/", "com,example:80)/"},
	{"http://user:pw@example.com/x", "com,example)/x"},
	{"http://example.com/a/./b/../c", "com,example)/a/c"},
	{"http://example.com/?b=&a", "com,example)/?a&b="},
	{"http://example.com/?", "com,example)/"},
	{"https://www.example.com/%ED%9B%84%EB%B3%B4%EC%9E%90?b=2&a=1", "com,example)/%ed%9b%84%eb%b3%b4%ec%9e%90?a=1&b=2"},
	{"https://선거.한국/공보?id=7", "xn--3e0b707e,xn--v69a850b)/%EA%B3%B5%EB%B3%B4?id=7"},
	{"https://선거.한국/search?__wb_method=POST&q=후보&page=1", "xn--3e0b707e,xn--v69a850b)/search?__wb_method=post&page=1&q=%ED%9B%84%EB%B3%B4"},
	{"http://example.com/a b", "com,example)/a%20b"},
	{"http://example.com/?q=a b&x='", "com,example)/?q=a%20b&x=%27"},
	{"http://[::1]:8080/x", "[::1]:8080)/x"},
	{"http://192.168.0.1/", "1,0,168,192)/"},
	{"ftp://example.com/", "ftp://example.com/"},
	{"urn:pageinfo:https://example.com/", "urn:pageinfo:https://example.com/"},
	{"dns:example.com", "dns:example.com"},
}

func TestSURT(t *testing.T) {
	for _, tt := range surtTable {
		if got := SURT(tt.in); got != tt.want {
			t.Errorf("SURT(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeURI(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"q=%ED%9B%84%EB%B3%B4&page=1", "q=후보&page=1"},
		{"a=%26%3D%2B", "a=%26%3D%2B"}, // reserved: kept escaped
		{"a=%41", "a=A"},
		{"a=%E0%A4%A", ""}, // malformed
		{"a=%FF", ""},
		{"%", ""},
		{"plain", "plain"},
	} {
		if got := decodeURI(tt.in); got != tt.want {
			t.Errorf("decodeURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
