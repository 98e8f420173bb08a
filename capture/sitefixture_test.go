package capture

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"evidentia/capture/sites"
	"evidentia/evidence"
)

// The site fixtures: pages served on 127.0.0.1 under the sites' own host names (the browser
// maps every host of every profile to 127.0.0.1, resolverRules), reproducing the markup,
// scripts and API shapes the public sources show (see each fixture's comments and
// capture/sites).

//go:embed testdata/sites
var siteFiles embed.FS

// resolverRules maps the test hosts and every host of every site profile to 127.0.0.1: the
// tests never reach the real sites.
func resolverRules() string {
	rules := []string{"MAP *.test 127.0.0.1"}
	seen := map[string]bool{}
	for _, h := range fixtureHosts {
		if !seen[h] {
			seen[h] = true
			rules = append(rules, "MAP "+h+" 127.0.0.1")
		}
	}
	for _, p := range sites.All() {
		for _, h := range p.Hosts {
			if !seen[h] {
				seen[h] = true
				rules = append(rules, "MAP "+h+" 127.0.0.1")
			}
		}
	}
	return strings.Join(rules, ", ")
}

func siteFile(name string) []byte {
	b, err := siteFiles.ReadFile("testdata/sites/" + name)
	if err != nil {
		panic(err)
	}
	return b
}

var (
	siteSrvOnce sync.Once
	siteSrv     *httptest.Server
	// siteRoutes are the fixtures' handlers; each site's test file adds its own in init
	// (patterns name the host: "gall.dcinside.com/board/view/").
	siteRoutes []func(*http.ServeMux)
	// fixtureHosts are the hosts the sites' pages call besides the profiles' own (Naver's
	// comment API on apis.naver.com); each site's test file adds its own in init.
	fixtureHosts []string
)

// siteServer is the one server of every site fixture, over HTTPS; handlers tell the sites
// apart by host.
func siteServer() *httptest.Server {
	siteSrvOnce.Do(func() {
		mux := http.NewServeMux()
		for _, r := range siteRoutes {
			r(mux)
		}
		// HTTPS, as the sites are: every httptest TLS server has the certificate whose key
		// the tests' browser trusts (TestMain), whatever the host name.
		siteSrv = httptest.NewUnstartedServer(challengeOr(mux))
		siteSrv.EnableHTTP2 = true
		siteSrv.StartTLS()
	})
	return siteSrv
}

// siteURL is the address of path on host at the fixture server.
func siteURL(host, path string) string {
	return "https://" + host + port(siteServer()) + path
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

// writeJSONP answers v as JSONP calling callback, as Naver's comment API does.
func writeJSONP(w http.ResponseWriter, callback string, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	fmt.Fprintf(w, "%s(%s);", callback, b)
}

// sitePosting reads the posting record of a capture.
func sitePosting(t *testing.T, files map[string][]byte) evidence.Posting {
	t.Helper()
	var p evidence.Posting
	if err := json.Unmarshal(files["posting.json"], &p); err != nil {
		t.Fatalf("posting.json: %v", err)
	}
	return p
}

// commentByID indexes a record's comments.
func commentByID(p evidence.Posting) map[string]evidence.Comment {
	m := map[string]evidence.Comment{}
	for _, c := range p.Comments {
		m[c.ID] = c
	}
	return m
}

// keepSiteCapture keeps the artifacts of a site capture under $EVIDENTIA_KEEP/name, to look at.
func keepSiteCapture(t *testing.T, name string, files map[string][]byte) {
	dir := os.Getenv("EVIDENTIA_KEEP")
	if dir == "" {
		return
	}
	d := filepath.Join(dir, name)
	os.MkdirAll(d, 0o755)
	for n, b := range files {
		os.WriteFile(filepath.Join(d, n), b, 0o644)
	}
}
