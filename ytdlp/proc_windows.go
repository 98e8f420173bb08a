//go:build windows

package ytdlp

import (
	"os/exec"
	"time"
)

// killGroup bounds the wait for cmd's output after it was cancelled (Windows ends the
// process itself; yt-dlp's ffmpeg children end when their pipes close).
func killGroup(cmd *exec.Cmd) {
	cmd.WaitDelay = 5 * time.Second
}
