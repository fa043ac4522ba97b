package population

import (
	"fmt"
	"strings"
	"testing"
)

// checkConserved checks Total = Placed + Outside + Covered for every source
// and that the surface holds the sum of Placed, within 0.1 %.
func checkConserved(t *testing.T, s *Surface) {
	t.Helper()
	placed := 0.0
	for _, r := range s.Sources {
		if !near(r.Placed+r.Outside+r.Covered, r.Total, 1e-3) {
			t.Errorf("%s: got placed %v + outside %v + covered %v want total %v", r.Name, r.Placed, r.Outside, r.Covered, r.Total)
		}
		placed += r.Placed
	}
	if !near(s.Total(), placed, 1e-3) {
		t.Errorf("got surface total %v want %v placed", s.Total(), placed)
	}
}

func checkCells(t *testing.T, s *Surface, want map[int]float64) {
	t.Helper()
	for k, v := range s.Pop {
		if !near(float64(v), want[k], 1e-5) {
			t.Errorf("cell %d (%d,%d) got %v want %v", k, k%s.W, k/s.W, v, want[k])
		}
	}
}

func TestBuildGrid(t *testing.T) {
	// Surface 4x4 cells of 1 degree over [0,4]². A 2x2 raster of 2-degree
	// cells over [0,4]² holds 4, 8 / nodata, 16 (south row first): each
	// raster cell falls on 4 surface cells, a quarter each.
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	r := &Raster{MinLon: 1, MinLat: 1, DLon: 2, DLat: 2, W: 2, H: 2,
		Val: []float32{4, 8, 0, 16}, Valid: []bool{true, true, false, true}}
	// a second raster sticking out east: 1-degree cells centred 3.5 and
	// 4.5 E hold 10 and 20; the second is outside; the first is covered by
	// the first raster (cell (3,0)).
	r2 := &Raster{MinLon: 3.5, MinLat: 0.5, DLon: 1, DLat: 1, W: 2, H: 1, Val: []float32{10, 20}, Valid: []bool{true, true}}
	if err := Build(s, []Source{{Name: "a.tif", Grid: r}, {Name: "b.asc", Grid: r2}}, Options{}); err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, map[int]float64{0: 1, 1: 1, 4: 1, 5: 1, 2: 2, 3: 2, 6: 2, 7: 2, 10: 4, 11: 4, 14: 4, 15: 4})
	a, b := s.Sources[0], s.Sources[1]
	if a.Total != 28 || a.NoData != 1 || a.Placed != 28 {
		t.Errorf("a: got total %v nodata %d placed %v want 28, 1, 28", a.Total, a.NoData, a.Placed)
	}
	if b.Total != 30 || b.Outside != 20 || b.OutsideCount != 1 || b.Covered != 10 || b.Placed != 0 {
		t.Errorf("b: got total %v outside %v (%d) covered %v placed %v want 30, 20 (1), 10, 0", b.Total, b.Outside, b.OutsideCount, b.Covered, b.Placed)
	}
	if s.Source[8] != -1 || s.Source[0] != 0 {
		t.Errorf("got sources %d, %d for cells 8 and 0 want -1 (nodata) and 0", s.Source[8], s.Source[0])
	}
	checkConserved(t, s)
}

func TestBuildPoints(t *testing.T) {
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	pts := []Point{
		{Lon: 0.2, Lat: 0.7, Pop: 100, Name: "a"},
		{Lon: 0.9, Lat: 0.1, Pop: 50, Name: "b"}, // same cell
		{Lon: 3.5, Lat: 3.5, Pop: 7, Name: "c"},
		{Lon: 9, Lat: 9, Pop: 1000, Name: "sea"}, // outside
	}
	if err := Build(s, []Source{{Name: "p.csv", Points: pts}}, Options{}); err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, map[int]float64{0: 150, 15: 7})
	r := s.Sources[0]
	if r.Total != 1157 || r.Outside != 1000 || r.OutsideCount != 1 || r.Placed != 157 {
		t.Errorf("got total %v outside %v (%d) placed %v want 1157, 1000 (1), 157", r.Total, r.Outside, r.OutsideCount, r.Placed)
	}
	checkConserved(t, s)
}

func TestBuildPolygons(t *testing.T) {
	// West square [0,2]² holds 1000 residents; a hamlet (50) at the centre
	// of cell (0,0) and an isolated dwelling (5) at the centre of (1,1)
	// weigh it: (0,0) gets 1000*50/55 = 909.0909, (1,1) 1000*5/55 =
	// 90.9091. East square [2,4]x[0,2] holds 300 and no settlement: 75 per
	// cell. A polygon half outside ([3,5]x[2,4], 2 of its 4 cells inside)
	// holds 80: 40 outside, 20 in each of cells (3,2) and (3,3).
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	set := &Settlements{Places: []SettlementPlace{
		{Kind: "hamlet", Name: "H", Lon: 0.5, Lat: 0.5},
		{Kind: "isolated_dwelling", Name: "D", Lon: 1.5, Lat: 1.5},
	}}
	areas := []Area{
		{Name: "West", Pop: 1000, Shape: square(0, 0, 2, 2)},
		{Name: "East", Pop: 300, Shape: square(2, 0, 4, 2)},
		{Name: "Edge", Pop: 80, Shape: square(3, 2, 5, 4)},
	}
	if err := Build(s, []Source{{Name: "t.geojson", Polygons: areas}}, Options{Settlements: set, NoDefault: true}); err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, map[int]float64{0: 1000.0 * 50 / 55, 5: 1000.0 * 5 / 55, 2: 75, 3: 75, 6: 75, 7: 75, 11: 20, 15: 20})
	r := s.Sources[0]
	if r.Outside != 40 || r.Placed != 1340 || len(r.Areas) != 3 || r.Areas[0].Even || !r.Areas[1].Even {
		t.Errorf("got outside %v placed %v areas %+v want 40, 1340, West weighted, East even", r.Outside, r.Placed, r.Areas)
	}
	checkConserved(t, s)
}

// counties are two counties of [0,4]²: West [0,2]x[0,4], East [2,4]x[0,4].
func counties() *Settlements {
	return &Settlements{
		Boundaries: []Boundary{
			{Name: "West", AdminLevel: 6, Area: square(0, 0, 2, 4)},
			{Name: "East", NameZH: "东县", AdminLevel: 6, Area: square(2, 0, 4, 4)},
			{Name: "State", AdminLevel: 4, Population: 99, Area: square(0, 0, 4, 4)},
		},
		Places: []SettlementPlace{
			{Kind: "town", Name: "Wtown", Lon: 0.5, Lat: 0.5},    // 10000
			{Kind: "village", Name: "Wvill", Lon: 1.5, Lat: 3.5}, // 500
			{Kind: "village", Name: "Evill", Lon: 2.5, Lat: 2.5}, // 500
			{Kind: "hamlet", Name: "Far", Lon: 9.5, Lat: 9.5},    // off the surface
			{Kind: "village", Name: "Tagged", Lon: 3.5, Lat: 0.5, Population: 1500},
		},
	}
}

func TestBuildDefault(t *testing.T) {
	// West has a study total of 1000 over the weights 10000 (Wtown) and
	// 500 (Wvill): 952.381 and 47.619. East has no total: its places are
	// estimates, Evill 500 and Tagged 1500 (its tag).
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	if err := Build(s, nil, Options{Settlements: counties(), Totals: map[string]float64{"west": 1000}}); err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, map[int]float64{0: 1000.0 * 10000 / 10500, 13: 1000.0 * 500 / 10500, 10: 500, 3: 1500})
	r := s.Sources[0]
	if r.Kind != KindDefault || !r.Estimate || !near(r.Total, 3000, 1e-9) || len(r.Areas) != 2 || r.Areas[0].Estimate || !r.Areas[1].Estimate {
		t.Errorf("got %+v want a default of 3000 with East estimated", r)
	}
	if s.Estimate[0] || !s.Estimate[10] || !s.Estimate[3] {
		t.Errorf("got estimate flags %v %v %v want false true true", s.Estimate[0], s.Estimate[10], s.Estimate[3])
	}
	checkConserved(t, s)

	// With East's total given by its Chinese name, nothing is an estimate:
	// 2000 over Evill 500 and Tagged 1500: 500 and 1500.
	s = GridOf(0.5, 0.5, 1, 1, 4, 4)
	if err := Build(s, nil, Options{Settlements: counties(), Totals: map[string]float64{"West": 1000, "东县": 2000}}); err != nil {
		t.Fatal(err)
	}
	if s.Sources[0].Estimate || !near(s.Total(), 3000, 1e-6) {
		t.Errorf("got estimate %v total %v want false, 3000", s.Sources[0].Estimate, s.Total())
	}
	checkConserved(t, s)

	s = GridOf(0.5, 0.5, 1, 1, 4, 4)
	err := Build(s, nil, Options{Settlements: counties(), Totals: map[string]float64{"Middle": 5}})
	if err == nil || !strings.Contains(err.Error(), `"Middle": no county`) {
		t.Errorf("got %v want an error naming Middle", err)
	}
}

func TestBuildFirstWins(t *testing.T) {
	// A planner's point in West covers the whole county (its boundary);
	// the default then fills East only and drops West's total as covered.
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	pts := []Point{{Lon: 1.2, Lat: 1.2, Pop: 700}}
	opt := Options{Settlements: counties(), Totals: map[string]float64{"West": 1000, "East": 2000}}
	if err := Build(s, []Source{{Name: "census.csv", Points: pts}}, opt); err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, map[int]float64{5: 700, 10: 500, 3: 1500})
	d := s.Sources[1]
	if d.Covered != 1000 || d.Placed != 2000 {
		t.Errorf("got covered %v placed %v want 1000, 2000", d.Covered, d.Placed)
	}
	if s.Source[0] != 0 || s.Source[15] != 1 {
		t.Errorf("got sources %d %d want 0 (points' county) and 1 (default)", s.Source[0], s.Source[15])
	}
	checkConserved(t, s)
}

func TestBuildEvenCounty(t *testing.T) {
	// A county with a total and no settlement: even over its 8 cells.
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	set := &Settlements{Boundaries: []Boundary{{Name: "Empty", AdminLevel: 6, Population: 800, Area: square(0, 0, 2, 4)}}}
	if err := Build(s, nil, Options{Settlements: set}); err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, map[int]float64{0: 100, 1: 100, 4: 100, 5: 100, 8: 100, 9: 100, 12: 100, 13: 100})
	if !s.Sources[0].Areas[0].Even || s.Sources[0].Areas[0].Note != "population tag of the boundary" {
		t.Errorf("got %+v want even, from the tag", s.Sources[0].Areas[0])
	}
}

func TestSettlementWeights(t *testing.T) {
	// 250 m cells near 39 N. A residential street of 400 m along a row
	// weighs 0.05/m: 20 residents in all. A building of 200 m² weighs 5,
	// one of 5000 m² is capped at 1000 m²: 25, one of unknown size 2.5.
	s, err := NewSurface(-75.6, 38.9, -75.5, 39.0, 250)
	if err != nil {
		t.Fatal(err)
	}
	lon0, lat0 := s.Centre(10, 10)
	dLon400 := 400 / (earthRadius * 3.141592653589793 / 180 * 0.7771459614569709) // cos(39°)
	roads := []RoadPiece{{Class: "residential", Line: [][2]float64{{lon0, lat0}, {lon0 + dLon400, lat0}}}, {Class: "motorway", Line: [][2]float64{{lon0, lat0}, {lon0, lat0 + 0.1}}}}
	set := &Settlements{Buildings: []BuildingPoint{{Lon: float32(lon0), Lat: float32(lat0), AreaM2: 200}, {Lon: float32(lon0), Lat: float32(lat0), AreaM2: 5000}, {Lon: float32(lon0), Lat: float32(lat0)}}}
	w := s.settlementWeights(set, roads)
	sum := 0.0
	for _, v := range w.other {
		sum += v
	}
	if !near(sum, 20+5+25+2.5, 1e-3) {
		t.Errorf("got %v want 52.5", sum)
	}
	// a town node's cone of 1500 m holds exactly its 10000
	set = &Settlements{Places: []SettlementPlace{{Kind: "town", Lon: lon0, Lat: lat0}}}
	w = s.settlementWeights(set, nil)
	sum, cells := 0.0, 0
	for _, v := range w.place {
		sum += v
		if v > 0 {
			cells++
		}
	}
	if !near(sum, 10000, 1e-9) || cells < 100 {
		t.Errorf("got %v over %d cells want 10000 over the ~110 cells within 1.5 km", sum, cells)
	}
}

// TestBuildGridConserves reads a grid whose cells do not line up with the
// surface's and that sticks out of it: what is placed plus what is outside
// is the grid's total within 0.1 %, and the outside share is the share of
// the grid's area outside (residents even inside the grid: 1 per cell).
func TestBuildGridConserves(t *testing.T) {
	s, err := NewSurface(-75.6, 38.9, -75.4, 39.1, 250)
	if err != nil {
		t.Fatal(err)
	}
	// 0.0037-degree cells from -75.65 to -75.35 E: the surface (with its
	// half cells) spans -75.60145..-75.39855 or so; the grid 0.3 degrees.
	n := 81
	text := fmt.Sprintf("ncols %d\nnrows %d\nxllcorner -75.65\nyllcorner 38.95\ncellsize 0.0037\n", n, 27)
	for range 27 {
		text += strings.Repeat("1 ", n) + "\n"
	}
	r, err := ReadASC([]byte(text), Box{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Build(s, []Source{{Name: "g.asc", Grid: r}}, Options{}); err != nil {
		t.Fatal(err)
	}
	rep := s.Sources[0]
	if rep.Total != float64(n*27) {
		t.Fatalf("got total %v want %d", rep.Total, n*27)
	}
	b := s.Bounds()
	gridW := 0.0037 * float64(n)
	inside := (min(b[2], -75.65+gridW) - max(b[0], -75.65)) / gridW // rows are all inside
	if !near(rep.Placed, rep.Total*inside, 1e-3) || !near(s.Total(), rep.Placed, 1e-3) {
		t.Errorf("got placed %v (surface %v) want %v", rep.Placed, s.Total(), rep.Total*inside)
	}
	checkConserved(t, s)
}
