package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/internal/outfile"
	"github.com/fastroad/fastroad/osm"
)

// writeAtomic writes a file through a temporary file in the same directory
// and renames it into place, so a failed run never leaves a partial output
// (see outfile.WriteFile; it refuses nothing here: use writeOutput to name
// the inputs it must not replace).
func writeAtomic(path string, write func(w io.Writer) error) error {
	return outfile.WriteFile(path, nil, write)
}

// writeOutput writes an output file atomically, refusing to replace any of
// inputs (by device and inode), and stops when the run is interrupted: the
// temporary file is then removed and the old output, if any, stays.
func writeOutput(e *env, path string, inputs []string, write func(w io.Writer) error) error {
	err := outfile.WriteFile(path, inputs, func(w io.Writer) error {
		if err := e.checkpoint("write"); err != nil {
			return err
		}
		if err := write(w); err != nil {
			return err
		}
		return e.ctx.Err()
	})
	var se *outfile.SameFileError
	if errors.As(err, &se) {
		return usageError{err}
	}
	return err
}

// isGraphFile reports whether path starts with the graph file magic.
func isGraphFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(graph.Magic))
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == graph.Magic, nil
}

// readExtract builds a graph from an extract file, with a progress bar on a
// terminal, and records the file's checksum and the profile hash.
// extractSource opens an extract for a reader that makes several passes,
// with a progress bar on a terminal; the first pass also computes the
// file's SHA-256, which sum returns afterwards.
type extractSource struct {
	path string
	bar  *progress
	hash hash.Hash
	pass int
}

func newExtractSource(e *env, path string) (*extractSource, error) {
	st, err := checkInput(path, kindExtract)
	if err != nil {
		return nil, err
	}
	return &extractSource{path: path, bar: newProgress(e.stderr, st.Size())}, nil
}

// opener returns the osm.Opener; label names the job on the progress bar.
func (x *extractSource) opener(label string, passes int) osm.Opener {
	return func() (io.ReadCloser, error) {
		f, err := os.Open(x.path)
		if err != nil {
			return nil, err
		}
		x.pass++
		x.bar.start(fmt.Sprintf("%s %s (pass %d/%d)", label, filepath.Base(x.path), x.pass, passes))
		var r io.Reader = f
		if x.pass == 1 {
			x.hash = sha256.New()
			r = io.TeeReader(f, x.hash)
		}
		return readCloser{x.bar.reader(r), f}, nil
	}
}

func (x *extractSource) sum() []byte { x.bar.done(); return x.hash.Sum(nil) }

func readExtract(e *env, path string, prof osm.Profile) (*graph.Graph, error) {
	src, err := newExtractSource(e, path)
	if err != nil {
		return nil, err
	}
	g, err := osm.Read(e.ctx, src.opener("reading", 2), osm.Options{Profile: prof})
	src.bar.done()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	g.Meta.SourceName = filepath.Base(path)
	copy(g.Meta.SourceSHA256[:], src.sum())
	g.Meta.ProfileHash = prof.Hash()
	return g, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// loadGraph reads a graph file, or builds a graph in memory when path is an
// extract. profileSet says whether the user passed --profile: a graph file
// built with another profile is then refused.
func loadGraph(e *env, path string, prof osm.Profile, profileSet bool) (*graph.Graph, error) {
	if _, err := checkInput(path, kindGraph); err != nil {
		return nil, err
	}
	isG, err := isGraphFile(path)
	if err != nil {
		return nil, err
	}
	if !isG {
		return readExtract(e, path, prof)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := graph.DecodeFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if profileSet && g.Meta.ProfileHash != prof.Hash() {
		return nil, usagef("%s was built with another speed profile than the one given; rebuild it with 'fastroad build --profile ...' or drop --profile", path)
	}
	return g, nil
}

// point is one row of a points CSV.
type point struct {
	ID   string
	Name string
	P    graph.Point
	Line int
}

// readPoints reads a CSV with a header holding at least id, lon and lat
// (other columns are ignored; name is kept when present).
func readPoints(path string) ([]point, error) {
	data, err := readInput(path, kindPoints)
	if err != nil {
		return nil, err
	}
	return parsePoints(path, data)
}

func parsePoints(path string, data []byte) ([]point, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, want a header with id,lon,lat", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if j, dup := col[k]; dup && k != "" {
			return nil, fmt.Errorf("%s:1: column %q appears twice (columns %d and %d); which one is meant is ambiguous", path, k, j+1, i+1)
		}
		col[k] = i
	}
	for _, k := range []string{"id", "lon", "lat"} {
		if _, ok := col[k]; !ok {
			return nil, fmt.Errorf("%s:1: header has no %q column (want at least id,lon,lat; got %s)", path, k, strings.Join(header, ","))
		}
	}
	nameCol, hasName := col["name"]
	var pts []point
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(k string) (string, error) {
			i := col[k]
			if i >= len(rec) {
				return "", fmt.Errorf("%s:%d: missing %s value", path, line, k)
			}
			return strings.TrimSpace(rec[i]), nil
		}
		id, err := get("id")
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, fmt.Errorf("%s:%d: empty id", path, line)
		}
		if first, dup := seen[id]; dup {
			return nil, fmt.Errorf("%s:%d: id %q already used on line %d; ids must be unique (the matrix names rows and columns by id)", path, line, id, first)
		}
		seen[id] = line
		var ll [2]float64
		for j, k := range []string{"lon", "lat"} {
			s, err := get(k)
			if err != nil {
				return nil, err
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: %s %q is not a number", path, line, k, s)
			}
			ll[j] = v
		}
		if ll[0] < -180 || ll[0] > 180 || ll[1] < -90 || ll[1] > 90 {
			return nil, fmt.Errorf("%s:%d: lon,lat %v,%v out of range (lon first, WGS-84 degrees)", path, line, ll[0], ll[1])
		}
		pt := point{ID: id, P: graph.Point{Lon: ll[0], Lat: ll[1]}, Line: line}
		if hasName && nameCol < len(rec) {
			pt.Name = rec[nameCol]
		}
		pts = append(pts, pt)
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("%s: no points after the header", path)
	}
	return pts, nil
}

// snapPoints snaps every point on all cores, in input order; the error
// names the file, line and id of the first point that cannot be placed.
func snapPoints(e *env, g *graph.Graph, path string, pts []point, opt graph.SnapOptions) ([]graph.Snap, error) {
	ps := make([]graph.Point, len(pts))
	for i, p := range pts {
		ps[i] = p.P
	}
	out, err := g.SnapPoints(e.ctx, ps, opt, 0)
	var se *graph.SnapPointError
	if errors.As(err, &se) {
		p := pts[se.Index]
		return nil, fmt.Errorf("%s:%d: id %s: %w", path, p.Line, p.ID, se.Err)
	}
	return out, err
}

// checkNotInput refuses an output path that is one of the inputs (exit 2),
// before any work starts.
func checkNotInput(out string, inputs ...string) error {
	if err := outfile.CheckNotInput(out, inputs...); err != nil {
		return usageError{err}
	}
	return nil
}
