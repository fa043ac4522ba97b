package cli

import (
	"bufio"
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
	"github.com/fastroad/fastroad/osm"
)

// writeAtomic writes a file through a temporary file in the same directory
// and renames it into place, so a failed run never leaves a partial output.
func writeAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
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
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not an extract", path)
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
	g, err := graph.Decode(bufio.NewReaderSize(f, 1<<20))
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
	data, err := os.ReadFile(path)
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
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, k := range []string{"id", "lon", "lat"} {
		if _, ok := col[k]; !ok {
			return nil, fmt.Errorf("%s:1: header has no %q column (want at least id,lon,lat; got %s)", path, k, strings.Join(header, ","))
		}
	}
	nameCol, hasName := col["name"]
	var pts []point
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

// snapPoints snaps every point; the error names the file, line and id.
func snapPoints(g *graph.Graph, path string, pts []point, opt graph.SnapOptions) ([]graph.Snap, error) {
	out := make([]graph.Snap, len(pts))
	for i, p := range pts {
		s, err := g.SnapPoint(p.P, opt)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: id %s: %w", path, p.Line, p.ID, err)
		}
		out[i] = s
	}
	return out, nil
}
