//go:build linux || darwin || freebsd || netbsd || openbsd

package graph

import (
	"errors"
	"math"
	"os"
	"syscall"
)

// mapFile maps n bytes of f from offset off: private, copy-on-write
// pages (the Graph's slices are read-only; a stray write copies a page
// instead of faulting or changing the file). The mapping is never
// unmapped: slices of it may be shared by any number of graphs.
func mapFile(f *os.File, off, n int64) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	page := int64(os.Getpagesize())
	start := off &^ (page - 1)
	if n+off-start > math.MaxInt {
		return nil, errors.New("file too large to map on this platform")
	}
	b, err := syscall.Mmap(int(f.Fd()), start, int(n+off-start), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, err
	}
	return b[off-start:], nil
}
