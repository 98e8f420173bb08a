// Package media reads what a video or audio file is, with ffprobe (FFmpeg's prober) where it
// is installed: its container, duration, picture size and codecs.
package media

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"evidentia/evidence"
	"evidentia/textsafe"
)

// ErrNoFFprobe is returned when no ffprobe executable is found.
var ErrNoFFprobe = errors.New("media: ffprobe is not installed (FFmpeg's ffprobe reads a file's duration and picture size)")

// probeTimeout bounds one run of ffprobe; probeOutputMax bounds what is read of its output.
const (
	probeTimeout   = 30 * time.Second
	probeOutputMax = 1 << 20
)

// FindFFprobe returns the path of ffprobe: path when it is given and executable, else the
// one on PATH; ErrNoFFprobe when there is none.
func FindFFprobe(path string) (string, error) {
	if path == "" {
		path = "ffprobe"
	}
	p, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoFFprobe, err)
	}
	return p, nil
}

// Version returns the first line of "ffprobe -version" ("ffprobe version 5.1.9-0+deb12u1
// Copyright ..."), capped.
func Version(ctx context.Context, ffprobe string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, ffprobe, "-version").Output()
	if err != nil {
		return "", fmt.Errorf("media: ffprobe -version: %w", err)
	}
	line, _, _ := bufio.NewReader(bytes.NewReader(out)).ReadLine()
	return textsafe.Line(string(line), 200), nil
}

// probeOut is the part of ffprobe's JSON that Probe reads.
type probeOut struct {
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
	} `json:"format"`
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Duration  string `json:"duration"`
	} `json:"streams"`
}

// Probe runs ffprobe on file and returns its container, duration (the container's, else its
// longest stream's), the first video stream's size and codec and the first audio stream's
// codec. A file ffprobe cannot read is an error that says what ffprobe said.
func Probe(ctx context.Context, ffprobe, file string) (*evidence.MediaProbe, error) {
	version, err := Version(ctx, ffprobe)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", file)
	var stdout, stderr capBuffer
	stdout.max, stderr.max = probeOutputMax, 4096
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := textsafe.Line(stderr.String(), 300); msg != "" {
			return nil, fmt.Errorf("media: ffprobe could not read the file: %s", msg)
		}
		return nil, fmt.Errorf("media: ffprobe: %w", err)
	}
	var po probeOut
	if err := json.Unmarshal(stdout.Bytes(), &po); err != nil {
		return nil, fmt.Errorf("media: ffprobe's output is not JSON: %w", err)
	}
	p := &evidence.MediaProbe{Tool: version, Format: textsafe.Line(po.Format.FormatName, 100)}
	p.DurationS = seconds(po.Format.Duration)
	for _, s := range po.Streams {
		if d := seconds(s.Duration); d > p.DurationS && po.Format.Duration == "" {
			p.DurationS = d
		}
		switch s.CodecType {
		case "video":
			if p.VideoCodec == "" {
				p.VideoCodec, p.Width, p.Height = textsafe.Line(s.CodecName, 40), s.Width, s.Height
			}
		case "audio":
			if p.AudioCodec == "" {
				p.AudioCodec = textsafe.Line(s.CodecName, 40)
			}
		}
	}
	if p.Format == "" && p.VideoCodec == "" && p.AudioCodec == "" {
		return nil, errors.New("media: ffprobe found no audio or video in the file")
	}
	return p, nil
}

// seconds parses ffprobe's decimal seconds ("1.000000"), 0 for none or nonsense.
func seconds(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e9 {
		return 0
	}
	return f
}

// Ext is the file extension for a media type as served ("video/mp4" -> ".mp4"); ".bin" for
// one it does not know.
func Ext(mediaType string) string {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		return ".bin"
	}
	switch mt {
	case "video/mp4":
		return ".mp4"
	case "video/webm":
		return ".webm"
	case "video/ogg":
		return ".ogv"
	case "video/quicktime":
		return ".mov"
	case "video/x-matroska":
		return ".mkv"
	case "video/mp2t":
		return ".ts"
	case "audio/mpeg":
		return ".mp3"
	case "audio/mp4", "audio/x-m4a", "audio/aac":
		return ".m4a"
	case "audio/ogg":
		return ".ogg"
	case "audio/webm":
		return ".weba"
	case "audio/wav", "audio/x-wav", "audio/wave":
		return ".wav"
	case "audio/flac":
		return ".flac"
	}
	return ".bin"
}

// capBuffer keeps the first max bytes written to it and drops the rest.
type capBuffer struct {
	bytes.Buffer
	max int
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
