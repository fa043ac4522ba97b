package gpkg

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	square = []Point{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	hole   = []Point{{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.2}}
)

// writeSample writes one layer of every geometry type; towns has Chinese text.
func writeSample(t *testing.T, path string) {
	t.Helper()
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Modified = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	attrs := []Column{{"name", Text}, {"population", Integer}, {"minutes", Real}}
	towns, err := w.AddLayer(LayerSpec{Name: "towns", Description: "county seats", Type: TypePoint, Columns: attrs})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		p    Point
		name string
		pop  any
		min  any
	}{
		{Point{115.0292, 35.7619}, "濮阳市", 1200000, 12.5},
		{Point{-75.5467, 39.7447}, "Wilmington", 72826, 7.25},
		{Point{-75.5244, 39.1582}, "Dover", nil, math.NaN()},
	} {
		if err := towns.Insert(f.p, f.name, f.pop, f.min); err != nil {
			t.Fatal(err)
		}
	}
	roads, _ := w.AddLayer(LayerSpec{Name: "edited_roads", Type: TypeLineString, Columns: []Column{{"ref", Text}}})
	if err := roads.Insert(LineString{{-75.4, 38.9}, {-75.3, 38.8}, {-75.2, 38.75}}, "US 113"); err != nil {
		t.Fatal(err)
	}
	flows, _ := w.AddLayer(LayerSpec{Name: "flows", Type: TypeMultiLineString, Columns: []Column{{"vehicles", Integer}}})
	if err := flows.Insert(MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}}}, 1500); err != nil {
		t.Fatal(err)
	}
	areas, _ := w.AddLayer(LayerSpec{Name: "green_lines", Type: TypePolygon, Columns: []Column{{"kind", Text}}})
	if err := areas.Insert(Polygon{square, hole}, "绿线"); err != nil {
		t.Fatal(err)
	}
	bands, _ := w.AddLayer(LayerSpec{Name: "bands", Type: TypeMultiPolygon, Columns: []Column{{"minutes", Integer}, {"area_km2", Real}}})
	if err := bands.Insert(MultiPolygon{{square}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}, 15, 123.4); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddLayer(LayerSpec{Name: "empty_layer", Type: TypePoint}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.gpkg")
	writeSample(t, path)
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
	head, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// SQLite header: application_id at byte 68, user_version at 60, big-endian.
	if got := string(head[68:72]); got != "GPKG" {
		t.Errorf("application_id: got %q want GPKG", got)
	}
	if got := binary.BigEndian.Uint32(head[60:]); got != 10300 {
		t.Errorf("user_version: got %d want 10300", got)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var srs []int
	rows, err := db.Query("SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		rows.Scan(&id)
		srs = append(srs, id)
	}
	rows.Close()
	if len(srs) != 3 || srs[0] != -1 || srs[1] != 0 || srs[2] != 4326 {
		t.Errorf("srs ids: got %v want [-1 0 4326]", srs)
	}

	for _, tc := range []struct {
		table, geomType        string
		n                      int
		minX, minY, maxX, maxY float64
	}{
		{"towns", "POINT", 3, -75.5467, 35.7619, 115.0292, 39.7447},
		{"edited_roads", "LINESTRING", 1, -75.4, 38.75, -75.2, 38.9},
		{"flows", "MULTILINESTRING", 1, 0, 0, 3, 3},
		{"green_lines", "POLYGON", 1, 0, 0, 1, 1},
		{"bands", "MULTIPOLYGON", 1, 0, 0, 3, 3},
	} {
		var dataType, gt, stamp string
		var minX, minY, maxX, maxY float64
		var srsID int
		err := db.QueryRow(`SELECT c.data_type, g.geometry_type_name, c.last_change || '', c.min_x, c.min_y, c.max_x, c.max_y, c.srs_id
			FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) WHERE table_name = ?`, tc.table).
			Scan(&dataType, &gt, &stamp, &minX, &minY, &maxX, &maxY, &srsID)
		if err != nil {
			t.Fatalf("%s: %v", tc.table, err)
		}
		if dataType != "features" || gt != tc.geomType || srsID != 4326 || stamp != "2026-01-02T03:04:05.000Z" {
			t.Errorf("%s: got %s %s srs %d %s want features %s 4326 2026-01-02T03:04:05.000Z", tc.table, dataType, gt, srsID, stamp, tc.geomType)
		}
		if [4]float64{minX, minY, maxX, maxY} != [4]float64{tc.minX, tc.minY, tc.maxX, tc.maxY} {
			t.Errorf("%s extent: got %v want %v", tc.table, [4]float64{minX, minY, maxX, maxY}, [4]float64{tc.minX, tc.minY, tc.maxX, tc.maxY})
		}
		var n int
		db.QueryRow(`SELECT count(*) FROM "` + tc.table + `"`).Scan(&n)
		if n != tc.n {
			t.Errorf("%s: got %d features want %d", tc.table, n, tc.n)
		}
	}

	var name string
	var pop sql.NullInt64
	var minutes sql.NullFloat64
	var geom []byte
	if err := db.QueryRow(`SELECT name, population, minutes, geom FROM towns WHERE fid = 1`).Scan(&name, &pop, &minutes, &geom); err != nil {
		t.Fatal(err)
	}
	if name != "濮阳市" || pop.Int64 != 1200000 || minutes.Float64 != 12.5 {
		t.Errorf("town 1: got %q %v %v want 濮阳市 1200000 12.5", name, pop, minutes)
	}
	want, _, _ := Encode(Point{115.0292, 35.7619}, 4326)
	if !bytes.Equal(geom, want) {
		t.Errorf("town 1 geometry: got %x want %x", geom, want)
	}
	if err := db.QueryRow(`SELECT population, minutes FROM towns WHERE fid = 3`).Scan(&pop, &minutes); err != nil {
		t.Fatal(err)
	}
	if pop.Valid || minutes.Valid {
		t.Errorf("Dover: got %v %v want NULL NULL (nil and NaN)", pop, minutes)
	}
	var empty sql.NullFloat64
	db.QueryRow(`SELECT min_x FROM gpkg_contents WHERE table_name = 'empty_layer'`).Scan(&empty)
	if empty.Valid {
		t.Errorf("empty layer extent: got %v want NULL", empty)
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.gpkg"), filepath.Join(dir, "b.gpkg")
	writeSample(t, a)
	writeSample(t, b)
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) {
		t.Errorf("two runs differ: %d and %d bytes", len(x), len(y))
	}
}

// TestEncodePoint checks the binary against the spec by hand: "GP", version 0,
// flags 0b011 (little-endian, XY envelope), srs 4326 = 0x10E6, envelope
// minx maxx miny maxy, then WKB: 01, type 1, x, y.
func TestEncodePoint(t *testing.T) {
	got, env, err := Encode(Point{1, 2}, 4326)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	want := []byte{'G', 'P', 0, 3, 0xE6, 0x10, 0, 0}
	for _, v := range []float64{1, 1, 2, 2} {
		want = le.AppendUint64(want, math.Float64bits(v))
	}
	want = append(want, 1)
	want = le.AppendUint32(want, 1)
	want = le.AppendUint64(want, math.Float64bits(1))
	want = le.AppendUint64(want, math.Float64bits(2))
	if !bytes.Equal(got, want) {
		t.Errorf("got %x want %x", got, want)
	}
	if env != (Envelope{1, 2, 1, 2}) {
		t.Errorf("envelope: got %v want {1 2 1 2}", env)
	}
}

func TestErrors(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "bad.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, tc := range []struct {
		spec LayerSpec
		want string
	}{
		{LayerSpec{Name: "1abc", Type: TypePoint}, "not starting with a digit"},
		{LayerSpec{Name: `a"b`, Type: TypePoint}, "letters, digits"},
		{LayerSpec{Name: "gpkg_x", Type: TypePoint}, "reserved"},
		{LayerSpec{Name: "ok", Type: 4}, "geometry type"},
		{LayerSpec{Name: "ok", Type: TypePoint, Columns: []Column{{"geom", Text}}}, "reserved"},
		{LayerSpec{Name: "ok", Type: TypePoint, Columns: []Column{{"x", "BLOB"}}}, "want TEXT"},
	} {
		if _, err := w.AddLayer(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v want an error containing %q", tc.spec, err, tc.want)
		}
	}
	l, err := w.AddLayer(LayerSpec{Name: "pts", Type: TypePoint, Columns: []Column{{"n", Integer}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddLayer(LayerSpec{Name: "PTS", Type: TypePoint}); err == nil {
		t.Error("duplicate layer name: got no error")
	}
	for _, tc := range []struct {
		g    Geometry
		a    []any
		want string
	}{
		{Point{math.NaN(), 0}, []any{1}, "outside lon"},
		{Point{200, 0}, []any{1}, "outside lon"},
		{LineString{{0, 0}, {1, 1}}, []any{1}, "want POINT"},
		{Point{0, 0}, []any{"x"}, "does not fit"},
		{Point{0, 0}, nil, "0 attributes, want 1"},
	} {
		if err := l.Insert(tc.g, tc.a...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: got %v want an error containing %q", tc.g, tc.a, err, tc.want)
		}
	}
	for _, tc := range []struct {
		g    Geometry
		want string
	}{
		{LineString{{0, 0}}, "at least 2"},
		{Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, "not closed"},
		{Polygon{{{0, 0}, {1, 0}, {0, 0}}}, "at least 4"},
		{MultiPolygon{}, "empty"},
	} {
		if _, _, err := Encode(tc.g, 4326); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v want an error containing %q", tc.g, err, tc.want)
		}
	}
}

// TestGDALValidate runs GDAL's GeoPackage validator (python3-gdal, which
// Debian's gdal-bin pulls in) with its extra checks and warnings as errors.
func TestGDALValidate(t *testing.T) {
	const script = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	py, err := exec.LookPath("python3")
	if _, serr := os.Stat(script); err != nil || serr != nil {
		t.Skip("GDAL's validate_gpkg.py not found: apt-get install gdal-bin python3-gdal (or run scripts/install-deps.sh)")
	}
	path := filepath.Join(t.TempDir(), "study.gpkg")
	writeSample(t, path)
	out, err := exec.Command(py, script, "--extra", "--warning-as-error", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("validate_gpkg.py: %v\n%s", err, out)
	}
}

// TestOGRInfo checks the file with GDAL's ogrinfo when it is installed.
func TestOGRInfo(t *testing.T) {
	ogr, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo not found: apt-get install gdal-bin (or run scripts/install-deps.sh) to check GeoPackage validity with GDAL")
	}
	path := filepath.Join(t.TempDir(), "study.gpkg")
	writeSample(t, path)
	cmd := exec.Command(ogr, "-al", "-so", path)
	cmd.Env = append(os.Environ(), "CPL_DEBUG=OFF")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogrinfo: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if s := stderr.String(); strings.TrimSpace(s) != "" {
		t.Errorf("ogrinfo wrote to stderr:\n%s", s)
	}
	for _, bad := range []string{"ERROR", "Warning", "WARNING"} {
		if strings.Contains(out, bad) {
			t.Errorf("ogrinfo output contains %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{
		"Layer name: towns", "Geometry: Point", "Feature Count: 3",
		"Layer name: edited_roads", "Geometry: Line String",
		"Layer name: flows", "Geometry: Multi Line String",
		"Layer name: green_lines", "Geometry: Polygon",
		"Layer name: bands", "Geometry: Multi Polygon",
		"Layer name: empty_layer", "Feature Count: 0",
		"name: String", "population: Integer", "minutes: Real",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, out)
		}
	}
	// GDAL sees the spatial index.
	b, err := exec.Command(ogr, "-q", path, "-sql", "SELECT HasSpatialIndex('bands', 'geom')").CombinedOutput()
	if err != nil || !strings.Contains(string(b), "= 1") {
		t.Errorf("ogrinfo HasSpatialIndex: got %v\n%s\nwant 1", err, b)
	}
	// Chinese text comes back intact.
	cmd = exec.Command(ogr, "-al", "-q", "-where", "fid = 1", path, "towns")
	b, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "濮阳市") {
		t.Errorf("ogrinfo towns fid 1: got %v\n%s\nwant 濮阳市", err, b)
	}
}

// BenchmarkWrite writes 10,000 polygons of 100 points and 10,000 points.
func BenchmarkWrite(b *testing.B) {
	ring := make([]Point, 101)
	for i := range 100 {
		a := float64(i) / 100 * 2 * math.Pi
		ring[i] = Point{0.01 * math.Cos(a), 0.01 * math.Sin(a)}
	}
	ring[100] = ring[0]
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		w, err := Create(filepath.Join(dir, "bench.gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		w.Modified = time.Unix(0, 0)
		pl, _ := w.AddLayer(LayerSpec{Name: "cells", Type: TypePolygon, Columns: []Column{{"minutes", Real}}})
		pt, _ := w.AddLayer(LayerSpec{Name: "towns", Type: TypePoint, Columns: []Column{{"name", Text}, {"pop", Integer}}})
		for i := range 10000 {
			if err := pl.Insert(Polygon{ring}, float64(i)); err != nil {
				b.Fatal(err)
			}
			if err := pt.Insert(Point{float64(i%360) - 180, 0}, "镇", i); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSpatialIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.gpkg")
	writeSample(t, path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The rtree holds each feature's envelope: edited road 1 spans
	// lon -75.4 .. -75.2, lat 38.75 .. 38.9 (rtree stores 32-bit floats, so
	// compare loosely).
	var id int64
	var minx, maxx, miny, maxy float64
	if err := db.QueryRow(`SELECT id, minx, maxx, miny, maxy FROM rtree_edited_roads_geom`).Scan(&id, &minx, &maxx, &miny, &maxy); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want float64 }{{minx, -75.4}, {maxx, -75.2}, {miny, 38.75}, {maxy, 38.9}} {
		if math.Abs(c.got-c.want) > 1e-4 || id != 1 {
			t.Errorf("rtree row: got id %d %v want id 1 %v", id, c.got, c.want)
		}
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM rtree_towns_geom`).Scan(&n)
	if n != 3 {
		t.Errorf("towns rtree rows: got %d want 3", n)
	}
	db.QueryRow(`SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' AND scope = 'write-only'`).Scan(&n)
	if n != 6 {
		t.Errorf("rtree extension rows: got %d want 6 (one per layer)", n)
	}
	db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_bands_geom_%'`).Scan(&n)
	if n != 6 {
		t.Errorf("bands rtree triggers: got %d want 6 (insert, update1-4, delete)", n)
	}
}
