package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sync"
	"testing"
	"time"

	"evidentia/evidence"
)

// store is an Opener over a map, checking digests as store.OpenArtifact does.
type store struct {
	mu    sync.Mutex
	blobs map[evidence.Digest][]byte
	opens int
}

func newStore() *store { return &store{blobs: make(map[evidence.Digest][]byte)} }

func (s *store) put(b []byte) evidence.Digest {
	d := evidence.SumBytes(b)
	s.mu.Lock()
	s.blobs[d] = b
	s.mu.Unlock()
	return d
}

func (s *store) open(_ context.Context, d evidence.Digest) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opens++
	b, ok := s.blobs[d]
	if !ok {
		return nil, fmt.Errorf("store: no artifact %s", d)
	}
	if evidence.SumBytes(b) != d {
		return nil, fmt.Errorf("store: digest mismatch for %s", d)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

var (
	t0       = time.Date(2024, 3, 5, 0, 12, 7, 0, time.UTC) // 09:12:07 KST
	longURL  = "https://n.news.naver.com/mnews/article/001/0014567890?sid=100&query=%ED%9B%84%EB%B3%B4%20A%EC%94%A8%20%ED%97%88%EC%9C%84%EC%82%AC%EC%8B%A4%20%EC%9C%A0%ED%8F%AC&utm_source=twitter&utm_medium=social&utm_campaign=election2024_share_button_long_campaign_name"
	finalURL = "https://n.news.naver.com/mnews/article/001/0014567890?sid=100&lfrom=twitter&spi_ref=m_news_x&query=%ED%9B%84%EB%B3%B4%20A%EC%94%A8%20%ED%97%88%EC%9C%84%EC%82%AC%EC%8B%A4%20%EC%9C%A0%ED%8F%AC&fbclid=IwAR3xYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyz"
	koTitle  = "[단독] 후보 A씨 허위사실 유포 의혹"
	koAuthor = "김철수 기자"
)

// capSpec describes a synthetic capture.
type capSpec struct {
	id      string
	status  evidence.Status
	reason  string
	title   string
	reqURL  string
	finURL  string
	shot    []byte   // full-page screenshot, or nil
	tiles   [][]byte // tiles instead of shot, each tileH CSS px high
	tileH   int
	started time.Time
	posting []byte // posting.json, or nil
	site    *evidence.SiteRecord
	media   []evidence.MediaItem
	tool    *evidence.MediaToolRun
}

// synthPNG is synthScreenshot as a PNG, made once per process for each size and seed.
func synthPNG(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	key := fmt.Sprint(w, h, seed)
	if b, ok := pngCache.Load(key); ok {
		return b.([]byte)
	}
	b := pngBytes(t, synthScreenshot(w, h, seed))
	pngCache.Store(key, b)
	return b
}

var pngCache sync.Map

func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// makeCapture builds a sealed capture with all the facts a report shows, storing its
// artifacts in st.
func makeCapture(t testing.TB, st *store, s capSpec) Capture {
	t.Helper()
	var arts []evidence.Artifact
	add := func(name, role, mt string, b []byte) {
		arts = append(arts, evidence.Artifact{Name: name, MediaType: mt, Size: int64(len(b)), SHA256: st.put(b), Role: role})
	}
	started := s.started
	if started.IsZero() {
		started = t0
	}
	method := evidence.Method{
		Timeout: "90s", WaitStrategy: "load+network-quiet(500ms)", LoadEventFired: true, NetworkQuiet: s.status == evidence.StatusComplete,
		ScrollSteps: 12, ScrollHeight: 9600, ReachedBottom: true, PageHeight: 9600, ScreenshotMode: "full-page",
		Events: []evidence.Event{
			{At: started.Add(2 * time.Second), Kind: evidence.EventDialog, Detail: "alert(\"로그인이 필요합니다\") dismissed", URL: s.finURL},
			{At: started.Add(5 * time.Second), Kind: evidence.EventDownload, Detail: "blocked: 보도자료.hwp", URL: "https://n.news.naver.com/download/%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C.hwp"},
			{At: started.Add(9 * time.Second), Kind: evidence.EventTimeout, Detail: "network did not go quiet within 10s"},
		},
		Site: s.site,
		Reconstructed: []string{
			"response bodies are decoded by the browser (Content-Encoding removed)",
			"HTTP/2 response headers come from the browser's parsed view, not the wire",
		},
		Options: map[string]string{"block_downloads": "true", "viewport": "1280x900"},
	}
	if s.shot != nil {
		add("screenshot.png", evidence.RoleScreenshot, "image/png", s.shot)
	}
	for i, b := range s.tiles {
		name := fmt.Sprintf("screenshot-%02d.png", i+1)
		add(name, evidence.RoleTile, "image/png", b)
		method.Tiles = append(method.Tiles, evidence.Tile{Name: name, Y: i * s.tileH, Height: s.tileH})
		method.ScreenshotMode = "tiled"
	}
	if s.status != evidence.StatusFailed {
		add("document.html", evidence.RoleDocument, "text/html", []byte("<html><title>"+s.title+"</title></html>"))
		add("network.warc.gz", evidence.RoleWARC, "application/warc", []byte("WARC/1.1 "+s.id))
		add("text.txt", evidence.RoleText, "text/plain", []byte(s.title+" 본문"))
	}
	if s.posting != nil {
		add("posting.json", evidence.RolePosting, "application/json", s.posting)
	}
	add("facts.json", evidence.RoleFacts, "application/json", []byte(`{"id":"`+s.id+`"}`))
	m := &evidence.Manifest{
		Format: evidence.ManifestFormat, CaptureID: s.id, Status: s.status, Reason: s.reason, Artifacts: arts,
		Facts: evidence.Facts{
			RequestedURL: s.reqURL, FinalURL: s.finURL, Media: s.media, MediaTool: s.tool,
			Redirects: []evidence.RedirectHop{
				{URL: s.reqURL, Status: 301, StatusText: "Moved Permanently", Location: "https://n.news.naver.com/article/001/0014567890?sid=100", RemoteIP: "223.130.195.200"},
				{URL: "https://n.news.naver.com/article/001/0014567890?sid=100", Status: 302, StatusText: "Found", Location: s.finURL},
			},
			Metadata: evidence.Metadata{
				Title: s.title, Author: koAuthor, SiteName: "네이버 뉴스", Lang: "ko",
				PublishedTime: "2024-03-05T09:12:00+09:00", PublishedKST: "2024-03-05 09:12:00 KST",
				ModifiedTime: "2024.03.05. 오전 10:40",
				Description:  "선거관리위원회는 후보 A씨가 SNS에 허위사실을 유포했다는 의혹에 대해 조사에 착수했다.",
				CanonicalURL: "https://n.news.naver.com/mnews/article/001/0014567890",
				PostIDs:      map[string]string{"oid": "001", "aid": "0014567890"},
			},
			Network: evidence.Network{
				HTTPStatus: 200, StatusText: "OK", MIMEType: "text/html", Charset: "UTF-8",
				RemoteIP: "223.130.195.200", RemotePort: 443, Protocol: "h2", Resources: 143, FailedResources: 2,
				TLS: &evidence.TLS{
					Protocol: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", KeyExchange: "X25519",
					Subject:   "CN=*.news.naver.com,O=NAVER Corp.,L=Seongnam-si,ST=Gyeonggi-do,C=KR",
					Issuer:    "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1,O=DigiCert Inc,C=US",
					SANs:      []string{"*.news.naver.com", "news.naver.com"},
					ValidFrom: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2025, 1, 20, 23, 59, 59, 0, time.UTC),
				},
			},
			Browser: evidence.Browser{
				Product: "Chrome/131.0.6778.139", Revision: "@c35bbcbd7c2775a12a3f320e05ac0022939b1a8a", ProtocolVersion: "1.3",
				UserAgent:     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
				ExecPath:      "/usr/lib/chromium/chromium",
				ViewportWidth: 1280, ViewportHeight: 900, DeviceScale: 1,
			},
			Collection: evidence.Collection{
				Operator: "이수사", Unit: "서울특별시선거관리위원회 조사과", Case: "2024-선거-0042",
				Hostname: "evid-ws-07", OS: "linux", Arch: "amd64", TimeZone: "Asia/Seoul", LocalIPs: []string{"10.20.30.40"},
				AppVersion: "0.9.0", AppSHA256: evidence.SumBytes([]byte("evidentia 0.9.0")),
				StartedAt: started, FinishedAt: started.Add(14*time.Second + 250*time.Millisecond),
			},
			Method: method,
		},
	}
	js, sum, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return Capture{
		ID: s.id, Manifest: m, ManifestJSON: js, ManifestSHA256: sum,
		Custody: []CustodyEvent{
			// The actions as the store records them (store.ActionCaptureSealed, ...).
			{Seq: 1, At: started.Add(15 * time.Second), Actor: "이수사", Action: "capture sealed", Details: map[string]string{"manifest": string(sum)[:16]}},
			{Seq: 2, At: started.Add(time.Hour), Actor: "이수사", Action: "viewed", Details: map[string]string{"screen": "상세 보기"}},
			{Seq: 3, At: started.Add(2 * time.Hour), Actor: "박검토", Action: "annotated", Details: map[string]string{"note": "원문 게시물 삭제 전 채증"}},
		},
	}
}

// baseInput is a report input around caps.
func baseInput(lang Lang, caps ...Capture) Input {
	return Input{
		Lang: lang, ReportID: "RPT-20240305-0001", GeneratedAt: time.Date(2024, 3, 6, 5, 30, 0, 0, time.UTC),
		Case: Case{
			Name: "제22대 국회의원 선거 허위사실공표 사건", Number: "2024-선거-0042",
			Description: "후보자 A씨에 관한 허위사실이 포털 뉴스 댓글과 블로그에 게시·유포된 사건",
			LawArticle:  "공직선거법 제250조 제2항",
		},
		Operator: "이수사", Unit: "서울특별시선거관리위원회 조사과",
		AppVersion: "0.9.0", AppSHA256: evidence.SumBytes([]byte("evidentia 0.9.0")),
		Signer:   "서울특별시선거관리위원회 조사과 이수사",
		Captures: caps,
	}
}

// palette gives band colours far apart in RGB, so that JPEG and scaling cannot confuse them.
func palette(i int) color.RGBA {
	levels := []uint8{20, 120, 235}
	return color.RGBA{levels[i%3], levels[(i/3)%3], levels[(i/9)%3], 255}
}

// bandImage is w x h with horizontal bands of band px, band k coloured palette(first+k).
func bandImage(w, h, band, first int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += band {
		draw.Draw(img, image.Rect(0, y, w, min(y+band, h)), image.NewUniform(palette(first+y/band)), image.Point{}, draw.Src)
	}
	return img
}
