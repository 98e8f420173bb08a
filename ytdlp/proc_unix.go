//go:build !windows

package ytdlp

import (
	"os/exec"
	"syscall"
	"time"
)

// killGroup makes cmd's cancellation end its whole process group: yt-dlp starts ffmpeg to
// merge and convert, which must not outlive it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second
}
