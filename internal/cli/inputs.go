package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/fastroad/fastroad/internal/membudget"
)

// inputKind is a kind of file fastroad reads, with its size cap.
type inputKind struct {
	name string // for messages: "speed profile"
	max  int64  // bytes; 0: no cap (read in streaming passes)
}

// The caps are far above any real file of the kind and far below what
// would exhaust memory; each is documented in docs/hardening.md.
var (
	kindProfile  = inputKind{"speed profile", 1 << 20}         // 1 MiB: the shipped profile is 1.3 KB
	kindStudy    = inputKind{"study file", 16 << 20}           // 16 MiB: a study with thousands of edits is < 1 MB
	kindPoints   = inputKind{"points CSV", 1 << 30}            // 1 GiB: 10 million points at ~60 bytes a line
	kindPlanner  = inputKind{"planner's file", 64 << 20}       // 64 MiB: every village of a province is < 10 MB
	kindControls = inputKind{"control lines GeoJSON", 1 << 30} // 1 GiB: a detailed red-line plan is tens of MB
	kindFont     = inputKind{"font", 64 << 20}                 // 64 MiB: CJK TTC fonts are 5-30 MB
	// 4 GiB: WorldPop's 100 m China raster (float32, deflate) is about 1 GB;
	// a province's crop is tens of MB
	kindPopulation = inputKind{"population source", 4 << 30}
	kindExtract    = inputKind{"OSM extract", 0}           // read in passes, never whole
	kindGraph      = inputKind{"graph file or extract", 0} // header checked before allocation
)

// checkInput refuses what cannot be a kind's file: a folder, a FIFO, a
// device (/dev/urandom), a socket, or a file over the kind's cap. An
// extract is read in several passes, so a FIFO could not be read twice:
// it is refused too, never waited on.
func checkInput(path string, kind inputKind) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind.name, path, err)
	}
	if !st.Mode().IsRegular() {
		what := "not a regular file"
		switch m := st.Mode(); {
		case m.IsDir():
			what = "a folder"
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe (FIFO)"
		case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
			what = "a device"
		case m&fs.ModeSocket != 0:
			what = "a socket"
		}
		return nil, usagef("%s %s is %s; fastroad reads a %s from a regular file (save it to a file first)", kind.name, path, what, kind.name)
	}
	if kind.max > 0 && st.Size() > kind.max {
		return nil, usagef("%s %s is %s, more than the %s a %s may have; is it the right file?", kind.name, path,
			membudget.Format(st.Size()), membudget.Format(kind.max), kind.name)
	}
	return st, nil
}

// readInput reads a whole text input after checkInput, never more than the
// kind's cap even if the file grows while it is read.
func readInput(path string, kind inputKind) ([]byte, error) {
	if _, err := checkInput(path, kind); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s %s: %w", kind.name, path, err)}
	}
	defer f.Close()
	r := io.Reader(f)
	if kind.max > 0 {
		r = io.LimitReader(f, kind.max+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind.name, path, err)
	}
	if kind.max > 0 && int64(len(data)) > kind.max {
		return nil, usagef("%s %s grew past the %s a %s may have while it was read", kind.name, path, membudget.Format(kind.max), kind.name)
	}
	return data, nil
}
