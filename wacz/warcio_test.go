package wacz

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const warcioVersion = "2.4.11"

// warcioScript reads every record of the WARCs named on the command line with warcio.js's
// WARCParser (HTTP not parsed, so the block is the raw bytes), recomputes the block digest and
// the payload digest (the bytes after the HTTP head), runs warcio.js's own CDXJ indexer over
// the same files, and computes getSurt for the URLs in the JSON file given first.
const warcioScript = `
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { pathToFileURL } from "node:url";
const [,, warcioMain, surtFile, ...files] = process.argv;
const { WARCParser, CDXIndexer, getSurt } = await import(pathToFileURL(warcioMain).href);
const sha = (b) => "sha256:" + crypto.createHash("sha256").update(b).digest("hex");
const out = { records: [], cdx: [], surt: {} };
for (const f of files) {
  const parser = new WARCParser(fs.createReadStream(f), { keepHeadersCase: true, parseHttp: false });
  for await (const rec of parser) {
    const block = Buffer.from(await rec.readFully(false));
    const ct = (rec.warcContentType || "").toLowerCase();
    let payload = block;
    if (ct.startsWith("application/http")) {
      const i = block.indexOf("\r\n\r\n");
      payload = i < 0 ? Buffer.alloc(0) : block.subarray(i + 4);
    }
    out.records.push({
      file: path.basename(f), offset: parser.offset, length: parser.recordLength,
      type: rec.warcType, uri: rec.warcTargetURI || "",
      blockHeader: rec.warcBlockDigest || "", payloadHeader: rec.warcPayloadDigest || "",
      block: sha(block), payload: sha(payload),
    });
  }
}
const indexer = new CDXIndexer({ format: "cdxj" });
const inputs = files.map((f) => ({ filename: path.basename(f), reader: fs.createReadStream(f) }));
for await (const cdx of indexer.iterIndex(inputs)) out.cdx.push(indexer.serializeCDXJ(cdx).trim());
for (const u of JSON.parse(fs.readFileSync(surtFile, "utf8"))) out.surt[u] = getSurt(u);
process.stdout.write(JSON.stringify(out));
`

// warcioMain installs warcio.js (once, into the user cache) and returns its ES module entry.
// Without node or npm the test is skipped, unless CI is set: then it fails.
func warcioMain(t *testing.T) string {
	t.Helper()
	_, errNode := exec.LookPath("node")
	_, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") == "" {
			t.Skip("node and npm are needed for the warcio.js cross-check (set CI to make this a failure)")
		}
		t.Fatalf("CI is set but node/npm are missing (node: %v, npm: %v): install Node.js 20 to run the warcio.js cross-check", errNode, errNpm)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "evidentia-test", "npm")
	main := filepath.Join(dir, "node_modules", "warcio", "dist", "index.js")
	pkg, err := os.ReadFile(filepath.Join(dir, "node_modules", "warcio", "package.json"))
	if err != nil || !bytes.Contains(pkg, []byte(`"version": "`+warcioVersion+`"`)) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, "warcio@"+warcioVersion)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install warcio@%s: %v\n%s", warcioVersion, err, out)
		}
	}
	return main
}

type warcioOut struct {
	Records []struct {
		File, Type, URI, BlockHeader, PayloadHeader, Block, Payload string
		Offset, Length                                              int64
	}
	CDX  []string
	Surt map[string]string
}

// TestWarcioIndependent extracts the WARCs from a WACZ and has webrecorder's warcio.js read
// them: every record's digests recomputed by warcio.js must equal the WARC headers, its record
// offsets and lengths must equal the scanner's, warcio.js's own CDXJ index must agree with ours,
// and its getSurt with SURT.
func TestWarcioIndependent(t *testing.T) {
	main := warcioMain(t)
	f := buildFixture(t)
	var out bytes.Buffer
	if _, err := Write(context.Background(), &out, f.warcs(), Options{Created: fixtureTime}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	var ourIndex []byte
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasPrefix(zf.Name, "archive/") {
			files = append(files, writeFile(t, dir, filepath.Base(zf.Name), b))
		}
		if zf.Name == indexPath {
			ourIndex = b
		}
	}
	var urls []string
	for _, s := range surtTable {
		urls = append(urls, s.in)
	}
	uj, _ := json.Marshal(urls)
	script := writeFile(t, dir, "check.mjs", []byte(warcioScript))
	args := append([]string{script, main, writeFile(t, dir, "urls.json", uj)}, files...)
	cmd := exec.Command("node", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got warcioOut
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("node output: %v\n%s", err, raw)
	}

	// Records: same framing, and warcio.js's digests equal the headers.
	ours := map[string]*record{}
	for _, p := range files {
		data, _ := os.ReadFile(p)
		if _, err := scanWARC(context.Background(), bytes.NewReader(data), func(r *record) error {
			ours[filepath.Base(p)+"@"+itoa(r.Offset)] = r
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got.Records) != len(ours) || len(ours) != 18 {
		t.Errorf("warcio.js read %d records, the scanner %d", len(got.Records), len(ours))
	}
	for _, wr := range got.Records {
		r := ours[wr.File+"@"+itoa(wr.Offset)]
		if r == nil {
			t.Errorf("%s: warcio.js has a record at %d, the scanner does not", wr.File, wr.Offset)
			continue
		}
		if r.Length != wr.Length || r.Type != wr.Type || r.TargetURI != wr.URI {
			t.Errorf("%s@%d: warcio.js %s %s len %d; scanner %s %s len %d", wr.File, wr.Offset, wr.Type, wr.URI, wr.Length, r.Type, r.TargetURI, r.Length)
		}
		if wr.Block != wr.BlockHeader {
			t.Errorf("%s@%d: warcio.js block digest %s, header %s", wr.File, wr.Offset, wr.Block, wr.BlockHeader)
		}
		if wr.PayloadHeader != "" && wr.Type != "revisit" && wr.Payload != wr.PayloadHeader {
			t.Errorf("%s@%d: warcio.js payload digest %s, header %s", wr.File, wr.Offset, wr.Payload, wr.PayloadHeader)
		}
	}

	// Index: warcio.js writes the digest without its "sha256:" prefix; otherwise equal.
	var mine []string
	for _, l := range strings.Split(strings.TrimSpace(string(ourIndex)), "\n") {
		mine = append(mine, strings.Replace(l, `"digest":"sha256:`, `"digest":"`, 1))
	}
	theirs := append([]string(nil), got.CDX...)
	sort.Strings(mine)
	sort.Strings(theirs)
	if strings.Join(mine, "\n") != strings.Join(theirs, "\n") {
		t.Errorf("CDXJ differs from warcio.js's:\n ours:\n%s\n warcio.js:\n%s", strings.Join(mine, "\n"), strings.Join(theirs, "\n"))
	}
	for in, want := range got.Surt {
		if g := SURT(in); g != want {
			t.Errorf("SURT(%q) = %q, warcio.js getSurt %q", in, g, want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
