//go:build !windows

package app

import (
	"errors"
	"syscall"
)

// isDiskFull tells whether err says the disk (or the user's quota) is full.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
