package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evidentia/evidence"
)

// TestMediaSection: the video and audio of a capture are listed in both languages: the file
// kept with its type, size and what ffprobe read, and each source not kept with why; the
// player's duration is labelled as the page's value, and a control character from the page
// is written as its code point.
func TestMediaSection(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	media := []evidence.MediaItem{
		{Kind: "video", Element: "video#clip > source", URL: "https://example.kr/media/clip.mp4", Via: "page", Artifact: "media-01.mp4",
			MediaType: "video/mp4", HTTPStatus: 200, Bytes: 23817, PlayerDuration: 1,
			Probe: &evidence.MediaProbe{Tool: "ffprobe version 5.1.9", Format: "mov,mp4,m4a,3gp,3g2,mj2", DurationS: 1, Width: 64, Height: 48, VideoCodec: "h264"}},
		{Kind: "audio", Element: "audio#voice", URL: "https://example.kr/media/voice\u202e.mp3", Note: "not kept: the server answered HTTP 404"},
	}
	c := makeCapture(t, st, capSpec{id: "0190a1b2-0000-7000-8000-0000000media", status: evidence.StatusComplete,
		title: koTitle, reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1800, 3), media: media,
		tool: &evidence.MediaToolRun{Tool: "yt-dlp", Version: "2023.03.04", ExitCode: 0, Command: []string{"/usr/bin/yt-dlp", "--ignore-config", "--", "https://example.kr/post"},
			Note: "yt-dlp fetched the page again itself, outside the browser and without its cookies"}})
	for _, tc := range []struct {
		lang Lang
		want []string
	}{
		{Korean, []string{"영상·음성 (게시물이 재생하는 파일)", "영상 · video#clip > source", "media-01.mp4", "video/mp4, 23,817 B", "ffprobe: 1.0 s, 64×48, h264",
			"플레이어 표시 길이 1.0초 (페이지의 값)", "음성 · audio#voice", "보존하지 않음", "HTTP 404", "[U+202E]",
			"영상 수집 도구 yt-dlp 2023.03.04: yt-dlp fetched the page again itself", "/usr/bin/yt-dlp --ignore-config"}},
		{English, []string{"Video and audio (the files the posting plays)", "video · video#clip > source", "the player shows 1.0 s (the page's value)", "audio · audio#voice", "not kept", "Video downloader yt-dlp 2023.03.04"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			pdf := buildFile(t, baseInput(tc.lang, c), st)
			if dir := os.Getenv("EVIDENTIA_KEEP_REPORT"); dir != "" {
				b, _ := os.ReadFile(pdf)
				os.WriteFile(filepath.Join(dir, "media-"+string(tc.lang)+".pdf"), b, 0o644)
			}
			text := squash(run(t, "pdftotext", "-layout", pdf, "-"))
			for _, w := range tc.want {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("the report does not say %q", w)
				}
			}
		})
	}
}
