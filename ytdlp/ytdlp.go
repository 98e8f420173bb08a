// Package ytdlp runs yt-dlp, the downloader that knows how video sites serve their videos
// (YouTube, X, Facebook, Instagram and many others, and any page with an HTML5 video through
// its generic extractor), to collect a posting's video as files: with the user's and the
// system's yt-dlp configuration ignored, no plugins, bounded in time and size, cancellable.
package ytdlp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"evidentia/textsafe"
)

// ErrNotFound is returned when no yt-dlp executable is found.
var ErrNotFound = errors.New("ytdlp: yt-dlp is not installed")

// FilePrefix begins the name of every file Run writes.
const FilePrefix = "ytdlp-"

// logMax bounds the part of yt-dlp's messages kept.
const logMax = 16 << 10

// Find returns the path of yt-dlp: path when it is given and executable, else the one on
// PATH (yt-dlp, or yt-dlp.exe on Windows); ErrNotFound when there is none.
func Find(path string) (string, error) {
	if path == "" {
		path = "yt-dlp"
		if runtime.GOOS == "windows" {
			path = "yt-dlp.exe"
		}
	}
	p, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("%w (%s)", ErrNotFound, textsafe.Line(err.Error(), 200))
	}
	return p, nil
}

// Options bound and describe one run.
type Options struct {
	MaxBytes  int64         // the largest file yt-dlp may download (its --max-filesize)
	Timeout   time.Duration // the whole run
	UserAgent string        // the browser's, so that the site sees the same client ("" for yt-dlp's own)
	// Progress, if not nil, is called with the download's progress, 0 to 1, as yt-dlp
	// reports it (from the goroutine reading its output).
	Progress func(float64)
	// Environ is the environment yt-dlp runs with (os.Environ() when nil); HOME and the XDG
	// folders are pointed at an empty folder whatever it says, so that no configuration,
	// plugin or cache of the user's is read.
	Environ []string
}

// Result is what one run did.
type Result struct {
	Version  string    // yt-dlp --version
	Command  []string  // the command line, the executable's path first
	Started  time.Time // UTC
	Finished time.Time
	ExitCode int      // -1 when it was killed or could not start
	Files    []string // the media files written, full paths, sorted
	InfoJSON []string // the .info.json files written
	Log      string   // its messages (stderr and the lines of stdout that are not progress), capped
}

// progressRE matches yt-dlp's progress lines ("[download]  42.0% of ...").
var progressRE = regexp.MustCompile(`^\[download\]\s+(\d{1,3}(?:\.\d+)?)%`)

// Version returns "yt-dlp --version" (its release, "2023.03.04").
func Version(ctx context.Context, bin string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--ignore-config", "--version")
	cmd.Env = isolated(nil, os.TempDir())
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("ytdlp: %s --version: %w", bin, err)
	}
	return textsafe.Line(strings.TrimSpace(string(out)), 100), nil
}

// Run runs yt-dlp on pageURL, writing into dir the media file(s) of the posting and their
// .info.json, named FilePrefix+ID.EXT. It returns what it did even when yt-dlp failed (the
// error says how), and an error wrapping ctx's when it was cancelled or timed out.
func Run(ctx context.Context, bin, pageURL, dir string, o Options) (*Result, error) {
	res := &Result{ExitCode: -1}
	v, err := Version(ctx, bin)
	if err != nil {
		return res, err
	}
	res.Version = v
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	home, err := os.MkdirTemp("", "evidentia-ytdlp-")
	if err != nil {
		return res, fmt.Errorf("ytdlp: %w", err)
	}
	defer os.RemoveAll(home)
	args := []string{"--ignore-config", "--no-playlist", "--newline", "--no-colors", "--no-mtime", "--no-cache-dir",
		"--no-part", "--restrict-filenames", "--write-info-json", "--socket-timeout", "30",
		"-o", filepath.Join(dir, FilePrefix+"%(id).60s.%(ext)s")}
	if o.MaxBytes > 0 {
		args = append(args, "--max-filesize", strconv.FormatInt(o.MaxBytes, 10))
	}
	if o.UserAgent != "" {
		args = append(args, "--user-agent", o.UserAgent)
	}
	args = append(args, "--", pageURL)
	res.Command = append([]string{bin}, args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = isolated(o.Environ, home)
	cmd.Dir = home
	killGroup(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return res, fmt.Errorf("ytdlp: %w", err)
	}
	var log logBuffer
	cmd.Stderr = &log
	res.Started = time.Now().UTC()
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("ytdlp: start %s: %w", bin, err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := progressRE.FindStringSubmatch(line); m != nil {
			if f, err := strconv.ParseFloat(m[1], 64); err == nil && o.Progress != nil {
				o.Progress(min(max(f/100, 0), 1))
			}
			continue
		}
		log.Write([]byte(line + "\n"))
	}
	_, _ = io.Copy(io.Discard, stdout)
	werr := cmd.Wait()
	res.Finished = time.Now().UTC()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	res.Log = textsafe.Cap(log.String(), logMax)
	res.Files, res.InfoJSON = written(dir)
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("ytdlp: stopped: %w", ctx.Err())
	case werr != nil:
		return res, fmt.Errorf("ytdlp: yt-dlp failed (exit %d): %s", res.ExitCode, lastError(res.Log))
	}
	return res, nil
}

// written lists the finished files of a run in dir: media files and .info.json files.
func written(dir string) (media, info []string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, FilePrefix) {
			continue
		}
		switch {
		case strings.HasSuffix(n, ".info.json"):
			info = append(info, filepath.Join(dir, n))
		case strings.HasSuffix(n, ".part"), strings.HasSuffix(n, ".ytdl"), strings.HasSuffix(n, ".temp"), strings.Contains(n, ".part-Frag"):
			os.Remove(filepath.Join(dir, n)) // an unfinished download is not evidence
		default:
			media = append(media, filepath.Join(dir, n))
		}
	}
	slices.Sort(media)
	slices.Sort(info)
	return media, info
}

// lastError is the last "ERROR:" line of yt-dlp's messages, else its last line, capped.
func lastError(log string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "ERROR:") {
			return textsafe.Line(lines[i], 300)
		}
	}
	if len(lines) > 0 {
		return textsafe.Line(lines[len(lines)-1], 300)
	}
	return "no message"
}

// isolated is environ (os.Environ() when nil) with HOME, the XDG folders and APPDATA pointed
// at home, and no PYTHON* variable: yt-dlp then reads no configuration, plugin or cache of
// the user's.
func isolated(environ []string, home string) []string {
	if environ == nil {
		environ = os.Environ()
	}
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch ku := strings.ToUpper(k); {
		case ku == "HOME", ku == "USERPROFILE", ku == "APPDATA", ku == "LOCALAPPDATA", strings.HasPrefix(ku, "XDG_"), strings.HasPrefix(ku, "PYTHON"):
			continue
		}
		out = append(out, kv)
	}
	return append(out, "HOME="+home, "USERPROFILE="+home, "APPDATA="+home, "LOCALAPPDATA="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
}

// logBuffer keeps the first logMax bytes written to it; safe for the two writers.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := logMax - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
