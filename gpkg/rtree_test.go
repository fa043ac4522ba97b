package gpkg

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestBulkRTree writes layers of 1, 51, 52 and 5,000 features (one leaf,
// a full leaf, two leaves, three levels) and checks each bulk-loaded index
// against the module itself: rtreecheck passes, every row holds the bits a
// row-by-row INSERT into a fresh rtree stores, random window queries give
// the features a brute-force scan of those boxes gives, and the index
// still takes an insert and a delete through the virtual table.
func TestBulkRTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	path := filepath.Join(t.TempDir(), "rtree.gpkg")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Modified = time.Unix(0, 0)
	sizes := []int{1, 51, 52, 5000}
	envs := map[string][]Envelope{}
	for _, n := range sizes {
		name := fmt.Sprintf("l%d", n)
		typ := TypePoint
		if n == 5000 {
			typ = TypePolygon
		}
		l, err := w.AddLayer(LayerSpec{Name: name, Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			x, y := -75.8+rng.Float64()*0.9, 38.4+rng.Float64()*1.6
			var g Geometry = Point{x, y}
			e := Envelope{x, y, x, y}
			if typ == TypePolygon {
				dx, dy := rng.Float64()*0.02, rng.Float64()*0.02
				g = Polygon{{{x, y}, {x + dx, y}, {x + dx, y + dy}, {x, y + dy}, {x, y}}}
				e = Envelope{x, y, x + dx, y + dy}
			}
			if err := l.Insert(g); err != nil {
				t.Fatal(err)
			}
			envs[name] = append(envs[name], e)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The reference: the same envelopes inserted row by row into an rtree.
	ref, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	type row struct {
		id                     int64
		minx, maxx, miny, maxy float64
	}
	rows := func(db *sql.DB, table string) []row {
		rs, err := db.Query(`SELECT id, minx, maxx, miny, maxy FROM "` + table + `" ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var out []row
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.id, &r.minx, &r.maxx, &r.miny, &r.maxy); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	for _, n := range sizes {
		name := fmt.Sprintf("l%d", n)
		rt := "rtree_" + name + "_geom"
		var check string
		if err := db.QueryRow(`SELECT rtreecheck(?)`, rt).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("%s: rtreecheck: %q, %v", rt, check, err)
		}
		if _, err := ref.Exec(`CREATE VIRTUAL TABLE "` + rt + `" USING rtree(id, minx, maxx, miny, maxy)`); err != nil {
			t.Fatal(err)
		}
		for i, e := range envs[name] {
			if _, err := ref.Exec(`INSERT INTO "`+rt+`" VALUES (?, ?, ?, ?, ?)`, i+1, e.MinX, e.MaxX, e.MinY, e.MaxY); err != nil {
				t.Fatal(err)
			}
		}
		got, want := rows(db, rt), rows(ref, rt)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: %d rows, want %d as inserted row by row (first %v, want %v)", rt, len(got), len(want), got[:1], want[:1])
		}
		for q := range 200 {
			x0, y0 := -75.9+rng.Float64()*1.0, 38.3+rng.Float64()*1.8
			x1, y1 := x0+rng.Float64()*0.3, y0+rng.Float64()*0.3
			var wantIDs []int64
			for _, r := range want {
				if r.maxx >= x0 && r.minx <= x1 && r.maxy >= y0 && r.miny <= y1 {
					wantIDs = append(wantIDs, r.id)
				}
			}
			rs, err := db.Query(`SELECT id FROM "`+rt+`" WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? ORDER BY id`, x0, x1, y0, y1)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []int64
			for rs.Next() {
				var id int64
				rs.Scan(&id)
				gotIDs = append(gotIDs, id)
			}
			rs.Close()
			if !slices.Equal(gotIDs, wantIDs) {
				t.Fatalf("%s query %d: %d features, want %d", rt, q, len(gotIDs), len(wantIDs))
			}
		}
		// SQLite maintains the loaded index like its own.
		if _, err := db.Exec(`INSERT INTO "`+rt+`" VALUES (?, -75, -74.9, 39, 39.1)`, n+1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`DELETE FROM "` + rt + `" WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT rtreecheck(?)`, rt).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("%s after an insert and a delete: rtreecheck: %q, %v", rt, check, err)
		}
	}
}

// TestRTreeRounding: boxes are rounded outwards to float32 as the module
// rounds them, on both sides of zero.
func TestRTreeRounding(t *testing.T) {
	for _, d := range []float64{0, 1, -1, 0.1, -0.1, 38.123456789, -75.987654321, 1e-40, math.MaxFloat32} {
		lo, hi := valueDown(d), valueUp(d)
		if float64(lo) > d || float64(hi) < d || lo > hi {
			t.Errorf("%v: rounded to [%v, %v], want around it", d, lo, hi)
		}
	}
}
