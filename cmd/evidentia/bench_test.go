package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"evidentia/capture"
)

// benchPages serves n simple pages on 127.0.0.1.
func benchPages(n int) (*httptest.Server, []string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>게시물 %s</title><meta name="author" content="작성자"></head>
<body><h1>게시물 %s</h1><p>선거 관련 허위사실 게시물의 예시 본문입니다. Simple local page for the benchmark.</p></body></html>`, r.URL.Path, r.URL.Path)
	}))
	var urls []string
	for i := 1; i <= n; i++ {
		urls = append(urls, srv.URL+"/post/"+strconv.Itoa(i))
	}
	return srv, urls
}

// koreanLeads and koreanTails are the first and second sentences of the paragraphs of
// koreanPosting: realistic sentences of a Korean posting, combined so that no two of its 60
// paragraphs are the same.
var koreanLeads = []string{
	"지난 주말 시청 앞 광장에서 열린 주민 설명회에는 예상보다 훨씬 많은 인원이 모여 재개발 사업의 보상 기준과 일정에 대해 날카로운 질문을 쏟아냈다.",
	"구청 관계자는 이번 사업이 주민들의 충분한 동의를 거쳐 추진되고 있다고 설명했지만, 일부 참석자들은 설문 조사 방식 자체가 공정하지 않았다고 반박했다.",
	"온라인 커뮤니티에 올라온 게시물에는 후보자가 과거에 특정 업체로부터 금품을 받았다는 주장이 담겨 있었으나, 이를 뒷받침할 자료는 전혀 제시되지 않았다.",
	"해당 글은 하루 만에 조회 수 십만 건을 넘기며 빠르게 퍼졌고, 여러 메신저 단체방에서도 출처를 알 수 없는 캡처 이미지와 함께 공유되었다.",
	"선거관리위원회는 사실관계를 확인하는 대로 필요한 조치를 취하겠다고 밝혔으며, 유권자들에게 확인되지 않은 정보를 퍼뜨리지 말아 달라고 당부했다.",
	"전문가들은 선거를 앞두고 이런 식의 허위 정보가 반복적으로 등장하는 만큼, 플랫폼 사업자들이 신고 절차를 더 간단하게 만들어야 한다고 지적했다.",
	"작성자는 처음에는 단순한 의견을 올렸을 뿐이라고 주장했지만, 게시물 곳곳에 구체적인 날짜와 금액이 적혀 있어 읽는 사람 대부분이 사실로 받아들였다.",
	"지역 상인회는 이번 논란으로 상권 전체의 이미지가 나빠졌다며 유감을 표했고, 근거 없는 소문이 생계에 직접적인 피해를 주고 있다고 호소했다.",
	"경찰은 게시물이 처음 올라온 계정의 접속 기록을 확보하기 위해 관련 사이트 운영사에 자료 보존을 요청했으며 수사에 속도를 내고 있다고 전했다.",
	"한 시민은 댓글을 통해 자신도 같은 내용을 여러 차례 전달받았다며, 처음에는 믿었지만 공식 발표를 보고 나서야 사실이 아니라는 것을 알게 되었다고 적었다.",
	"이날 오후 열린 기자회견에서 후보 측 대변인은 게시물의 내용이 명백한 허위라고 강조하면서 작성자와 유포자에 대해 법적 대응을 하겠다고 말했다.",
	"시민단체들은 표현의 자유도 중요하지만 선거 과정의 공정성을 해치는 조직적인 여론 조작은 엄정하게 다뤄야 한다는 공동 성명을 발표했다.",
}

var koreanTails = []string{
	"관련 기관은 다음 달까지 조사 결과를 정리해 공개할 예정이며, 필요하면 추가 조사도 진행하겠다고 밝혔다.",
	"이 문제를 두고 온라인에서는 찬반 의견이 팽팽하게 맞서고 있으며, 당분간 논란은 이어질 것으로 보인다.",
	"주민들은 추가 설명회를 열어 달라고 요구하며 서명 운동을 시작했고, 벌써 수백 명이 이름을 올렸다.",
	"게시물은 현재 삭제된 상태지만 복사본이 여러 곳에 남아 있어, 피해가 쉽게 사라지지 않을 전망이다.",
	"당국은 비슷한 사례가 다시 생기지 않도록 감시를 강화하겠다고 밝혔고, 신고 창구도 늘리기로 했다.",
	"전문가들은 출처가 불분명한 정보는 반드시 교차 확인할 것을 권했으며, 공유하기 전에 한 번 더 생각해 달라고 했다.",
	"이에 대해 해당 업체는 어떠한 금품도 오간 적이 없다고 해명했고, 관련 장부를 공개할 수 있다고 덧붙였다.",
	"일부 언론은 이 게시물을 그대로 인용했다가 뒤늦게 정정 보도를 내보냈으며, 독자들에게 사과문을 실었다.",
	"투표일까지 남은 기간 동안 비슷한 논란은 계속될 것으로 보이며, 유권자들의 냉정한 판단이 요구된다.",
	"피해를 입은 당사자들은 명예 회복을 위해 소송을 검토하고 있으며, 변호인단도 이미 꾸린 것으로 알려졌다.",
	"선관위는 신고 센터를 통해 제보를 계속 받고 있다고 덧붙였으며, 제보자의 신원은 철저히 보호된다고 강조했다.",
	"많은 시민들이 이번 일을 계기로 정보를 더 신중하게 살피게 되었다며, 작은 변화가 시작되었다고 평가했다.",
}

// koreanPosting is the body of a posting of 60 paragraphs of Korean text (each a sentence or
// two, about 150 characters): a page several viewports tall, scrolled in steps.
func koreanPosting() string {
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "<p>%s %s</p>\n", koreanLeads[i%len(koreanLeads)], koreanTails[(i+i/len(koreanLeads))%len(koreanTails)])
	}
	return b.String()
}

// benchKoreanPages serves n postings of 60 paragraphs of Korean text on 127.0.0.1.
func benchKoreanPages(n int) (*httptest.Server, []string) {
	body := koreanPosting()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ko"><head><title>게시물 %s: 허위사실 유포 논란</title><meta name="author" content="작성자"></head>
<body><article><h1>게시물 %s: 허위사실 유포 논란</h1>
%s</article></body></html>`, r.URL.Path, r.URL.Path, body)
	}))
	var urls []string
	for i := 1; i <= n; i++ {
		urls = append(urls, srv.URL+"/post/"+strconv.Itoa(i))
	}
	return srv, urls
}

// treeRSS returns the summed resident memory (bytes) of every process whose command line
// contains marker, read from /proc (Linux only; 0 elsewhere).
func treeRSS(marker string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmd, []byte(marker)) {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				f := strings.Fields(line)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					total += kb * 1024
				}
			}
		}
	}
	return total
}

// peakWhile samples f every 50 ms while run runs, and returns the highest value seen.
func peakWhile(f func() int64, run func()) int64 { return peakWhileInterval(f, run, 50) }

// peakWhileInterval samples f every ms milliseconds while run runs, and returns the highest
// value seen.
func peakWhileInterval(f func() int64, run func(), ms int) int64 {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		for {
			if v := f(); v > 0 {
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	run()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return peak
}

func selfHWM() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkCapture8VsChromiumScreenshot measures, side by side in one run, one `evidentia
// capture` of 8 local pages (browser start, every artifact, WARC, sealing into a fresh store)
// against 8 cold `chromium --headless --screenshot` runs on the same pages. It reports both
// times per round (evidentia-s/op, chromium8-s/op), their ratio (target: at most 0.8 on both
// kinds of page), and peak memory of Chromium and of this process. Its sub-benchmarks are the
// kinds of page:
//
//	simple    a short posting (a heading and one paragraph) that fits in the viewport
//	korean60  a posting of 60 paragraphs of Korean text (about 150 characters each),
//	          several viewports tall, so that the capture scrolls it
func BenchmarkCapture8VsChromiumScreenshot(b *testing.B) {
	chrome, err := capture.FindBrowser("")
	if err != nil {
		b.Skip(err)
	}
	for _, kind := range []struct {
		name  string
		pages func(int) (*httptest.Server, []string)
	}{
		{"simple", benchPages},
		{"korean60", benchKoreanPages},
	} {
		b.Run(kind.name, func(b *testing.B) {
			srv, urls := kind.pages(8)
			defer srv.Close()
			benchCaptureVsChromium(b, chrome, urls)
		})
	}
}

// benchCaptureVsChromium runs the rounds of BenchmarkCapture8VsChromiumScreenshot on urls with
// the browser chrome, and reports its metrics.
func benchCaptureVsChromium(b *testing.B, chrome string, urls []string) {
	home := b.TempDir()
	b.Setenv("HOME", home)
	b.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))

	var evTotal, crTotal time.Duration
	var chromePeak int64
	for i := 0; b.Loop(); i++ {
		data := b.TempDir()
		args := append([]string{"--data", data, "--chrome", chrome, "capture", "--json", "--case", "bench"}, urls...)
		start := time.Now()
		var out bytes.Buffer
		var code int
		peak := peakWhile(func() int64 { return treeRSS("--remote-debugging-pipe") }, func() {
			code = run(context.Background(), args, &out, io.Discard)
		})
		evTotal += time.Since(start)
		chromePeak = max(chromePeak, peak)
		if code != 0 || strings.Count(out.String(), `"status":"complete"`) != len(urls) {
			b.Fatalf("capture exit %d:\n%s", code, out.String())
		}

		start = time.Now()
		for j, u := range urls {
			shot := filepath.Join(data, fmt.Sprintf("cold-%d.png", j))
			cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir="+filepath.Join(data, fmt.Sprintf("profile-%d", j)),
				"--window-size=1280,900", "--screenshot="+shot, u)
			if outp, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("chromium --screenshot: %v\n%s", err, outp)
			}
			if _, err := os.Stat(shot); err != nil {
				b.Fatalf("chromium wrote no screenshot: %v", err)
			}
		}
		crTotal += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(evTotal.Seconds()/n, "evidentia-s/op")
	b.ReportMetric(crTotal.Seconds()/n, "chromium8-s/op")
	b.ReportMetric(evTotal.Seconds()/crTotal.Seconds(), "ratio")
	b.ReportMetric(float64(chromePeak)/(1<<20), "chromium-peak-MiB")
	b.ReportMetric(float64(selfHWM())/(1<<20), "evidentia-peak-MiB")
}
