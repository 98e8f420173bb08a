package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/media"
	"evidentia/textsafe"
	"evidentia/ytdlp"
)

// StageMedia is the stage in which a posting's video is downloaded with yt-dlp.
const StageMedia Stage = "media"

// DefaultYTDLPTimeout bounds one run of yt-dlp.
const DefaultYTDLPTimeout = 5 * time.Minute

// ytdlpSites are the site profiles whose postings are videos, whether or not the page had
// made its player yet (on X, Facebook and Instagram a posting with a video shows a video
// element).
var ytdlpSites = map[string]bool{"youtube": true}

// WithYTDLP names the yt-dlp executable ("" looks for it on PATH) and bounds its run (0 for
// DefaultYTDLPTimeout). yt-dlp is used when it is found, unless WithoutYTDLP.
func WithYTDLP(path string, timeout time.Duration) Option {
	return func(c *config) {
		c.ytdlp = path
		if timeout > 0 {
			c.ytdlpTimeout = timeout
		}
	}
}

// WithoutYTDLP turns yt-dlp off: captures say that the video was not collected with it.
func WithoutYTDLP() Option { return func(c *config) { c.ytdlpOff = true } }

// UseYTDLP turns yt-dlp on or off for one capture, in place of the engine's setting.
func UseYTDLP(on bool) CaptureOption { return func(r *run) { r.ytdlpOn = &on } }

// wantsYTDLP reports whether the page gives a reason to run yt-dlp: it shows a video, or it
// is a posting of a video site (ytdlpSites).
func (c *run) wantsYTDLP() bool {
	if c.site != nil && ytdlpSites[c.site.Name] {
		return true
	}
	if c.videos > 0 {
		return true
	}
	for _, it := range c.facts.Media {
		if it.Kind == "video" {
			return true
		}
	}
	return false
}

// runYTDLP collects the posting's video with yt-dlp when the page gives a reason to
// (wantsYTDLP): its media files (RoleMedia, each a MediaItem via "yt-dlp", probed with
// ffprobe) and their .info.json (RoleMediaInfo), and its run in Facts.MediaTool: version,
// command line, times, exit code, messages. yt-dlp fetches the page again itself, outside the
// browser and without its cookies; the record says so. When yt-dlp is off, missing or fails,
// MediaTool says so in plain words.
func (c *run) runYTDLP() {
	if !c.wantsYTDLP() {
		return
	}
	run := &evidence.MediaToolRun{Tool: "yt-dlp", ExitCode: -1}
	c.facts.MediaTool = run
	on := !c.e.cfg.ytdlpOff
	if c.ytdlpOn != nil {
		on = *c.ytdlpOn
	}
	if !on {
		run.Note = "yt-dlp is turned off: the video was not collected with it"
		return
	}
	bin, err := ytdlp.Find(c.e.cfg.ytdlp)
	if err != nil {
		run.Note = "yt-dlp is not installed, so the video was not collected with it (Debian: apt install yt-dlp; Windows and macOS: its own executable, its path in Settings)"
		return
	}
	c.progress(StageMedia)
	res, err := ytdlp.Run(c.parent, bin, c.finalURL(), c.dir, ytdlp.Options{MaxBytes: c.mediaMaxBytes(), Timeout: c.e.cfg.ytdlpTimeout,
		UserAgent: c.e.userAgent, Environ: BrowserEnviron(os.Environ())})
	run.Version, run.Started, run.Finished, run.ExitCode = res.Version, res.Started, res.Finished, res.ExitCode
	for _, a := range res.Command {
		run.Command = append(run.Command, textsafe.Cap(a, 2000))
	}
	run.Log = textsafe.Cap(res.Log, 4000)
	when := res.Started.Format(time.RFC3339)
	switch {
	case err != nil && c.parent.Err() != nil:
		run.Note = "yt-dlp was stopped: the capture was cancelled"
	case err != nil:
		run.Note = "yt-dlp did not collect the video: " + textsafe.Line(strings.TrimPrefix(err.Error(), "ytdlp: "), 300)
	case len(res.Files) == 0:
		run.Note = "yt-dlp ran but kept no file (a file over the size limit of " + fmt.Sprint(c.mediaMaxBytes()) + " bytes is not downloaded): " + textsafe.Line(lastLine(res.Log), 200)
	default:
		run.Note = "yt-dlp fetched the page again itself at " + when + ", outside the browser and without its cookies: what it downloaded is what the site gave it then"
	}
	ffprobe, ffErr := media.FindFFprobe(c.e.cfg.ffprobe)
	for _, p := range res.InfoJSON {
		name := filepath.Base(p)
		c.files = append(c.files, File{Name: name, Path: p, MediaType: "application/json", Role: evidence.RoleMediaInfo})
		run.Files = append(run.Files, name)
	}
	for _, p := range res.Files {
		name := filepath.Base(p)
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		mt := mediaTypeOf(name)
		c.files = append(c.files, File{Name: name, Path: p, MediaType: mt, Role: evidence.RoleMedia})
		run.Files = append(run.Files, name)
		it := evidence.MediaItem{Kind: "video", Element: "(yt-dlp)", URL: textsafe.Cap(c.finalURL(), 4000), Via: "yt-dlp",
			Artifact: name, MediaType: mt, Bytes: st.Size()}
		if strings.HasPrefix(mt, "audio/") {
			it.Kind = "audio"
		}
		if ffErr != nil {
			it.Note = "ffprobe is not installed: the file's duration and picture size were not read from it"
		} else if pr, err := media.Probe(c.parent, ffprobe, p); err != nil {
			it.Note = "kept, but " + textsafe.Line(strings.TrimPrefix(err.Error(), "media: "), 300)
		} else {
			it.Probe = pr
			if pr.VideoCodec == "" && pr.AudioCodec != "" {
				it.Kind = "audio"
			}
		}
		c.facts.Media = append(c.facts.Media, it)
	}
}

// mediaTypeOf is the media type of a file yt-dlp wrote, from its extension.
func mediaTypeOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mp4", ".m4v":
		return "video/mp4"
	case ".webm":
		return "video/webm"
	case ".mkv":
		return "video/x-matroska"
	case ".mov":
		return "video/quicktime"
	case ".m4a":
		return "audio/mp4"
	case ".mp3":
		return "audio/mpeg"
	case ".opus", ".ogg":
		return "audio/ogg"
	}
	return "application/octet-stream"
}

// lastLine is the last line of s.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
