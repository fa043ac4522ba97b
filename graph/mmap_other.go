//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package graph

import (
	"errors"
	"os"
)

// mapFile is not available here: DecodeFile reads the sections instead.
func mapFile(f *os.File, off, n int64) ([]byte, error) {
	return nil, errors.New("memory mapping not supported on this platform")
}
