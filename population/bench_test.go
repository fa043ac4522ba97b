package population

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/fastroad/fastroad/crs"
)

// Delaware's box (the demo region) and the default cell.
var delaware = Box{-75.79, 38.45, -75.05, 39.84}

const (
	benchCell   = 250.0
	worldPopDeg = 1.0 / 1200 // WorldPop / GHS-POP 3 arc-second cells (~90 m)
)

// benchGrid is a WorldPop-like grid over Delaware: 3 arc-second cells,
// about 1.5 million, sea (the eastern fifth) as nodata.
func benchGrid() (vals []float64, w, h int) {
	w = int(math.Ceil((delaware[2] - delaware[0]) / worldPopDeg))
	h = int(math.Ceil((delaware[3] - delaware[1]) / worldPopDeg))
	vals = make([]float64, w*h)
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range vals {
		if k%w > w*4/5 {
			vals[k] = -99999
		} else {
			vals[k] = float64(float32(rng.ExpFloat64() * 0.7))
		}
	}
	return vals, w, h
}

// loop runs op b.N times and reports its CPU milliseconds per op as well.
func loop(b *testing.B, op func()) {
	b.ReportAllocs()
	c0, n := cpuSeconds(), 0
	for b.Loop() {
		op()
		n++
	}
	if c := cpuSeconds(); c > 0 {
		b.ReportMetric((c-c0)/float64(n)*1e3, "cpu-ms/op")
	}
}

func benchSurface(b *testing.B) *Surface {
	s, err := NewSurface(delaware[0], delaware[1], delaware[2], delaware[3], benchCell)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkSurfaceGeoTIFF(b *testing.B) {
	vals, w, h := benchGrid()
	data := writeTIFF(tiffSpec{bo: binary.LittleEndian, w: w, h: h, bits: 32, format: 3, compression: 8, predictor: 3,
		tileW: 256, tileH: 256, x0: delaware[0], y0: delaware[1] + float64(h)*worldPopDeg, dx: worldPopDeg, dy: worldPopDeg, vals: vals, nodata: "-99999"})
	b.Logf("%dx%d cells, %d bytes", w, h, len(data))
	loop(b, func() {
		r, err := ReadGeoTIFF(data, delaware)
		if err != nil {
			b.Fatal(err)
		}
		s := benchSurface(b)
		if err := Build(s, []Source{{Name: "grid", Grid: r}}, Options{}); err != nil {
			b.Fatal(err)
		}
		if rep := s.Sources[0]; !near(rep.Placed+rep.Outside, rep.Total, 1e-4) {
			b.Fatalf("got %+v", rep)
		}
	})
}

func BenchmarkSurfaceASC(b *testing.B) {
	vals, w, h := benchGrid()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "ncols %d\nnrows %d\nxllcorner %v\nyllcorner %v\ncellsize %v\nNODATA_value -99999\n", w, h, delaware[0], delaware[1], worldPopDeg)
	var line []byte
	for y := 0; y < h; y++ {
		line = line[:0]
		for x := 0; x < w; x++ {
			line = strconv.AppendFloat(line, vals[y*w+x], 'g', 6, 32)
			line = append(line, ' ')
		}
		line[len(line)-1] = '\n'
		buf.Write(line)
	}
	data := buf.Bytes()
	b.Logf("%dx%d cells, %d bytes", w, h, len(data))
	loop(b, func() {
		r, err := ReadASC(data, delaware)
		if err != nil {
			b.Fatal(err)
		}
		s := benchSurface(b)
		if err := Build(s, []Source{{Name: "grid", Grid: r}}, Options{}); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkSurfacePoints(b *testing.B) {
	// 5000 census points (villages and townships)
	rng := rand.New(rand.NewPCG(3, 4))
	var buf bytes.Buffer
	buf.WriteString("lon,lat,population,name\n")
	for i := range 5000 {
		fmt.Fprintf(&buf, "%.6f,%.6f,%d,p%d\n", delaware[0]+rng.Float64()*(delaware[2]-delaware[0]), delaware[1]+rng.Float64()*(delaware[3]-delaware[1]), rng.IntN(5000), i)
	}
	data := buf.Bytes()
	loop(b, func() {
		pts, _, err := ParsePoints("p.csv", data, crs.WGS84)
		if err != nil {
			b.Fatal(err)
		}
		s := benchSurface(b)
		if err := Build(s, []Source{{Name: "points", Points: pts}}, Options{}); err != nil {
			b.Fatal(err)
		}
	})
}

// wobbly is a closed ring of n vertices around (lon, lat), radius r degrees.
func wobbly(rng *rand.Rand, lon, lat, r float64, n int) Ring {
	ring := make(Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (0.8 + 0.2*rng.Float64())
		ring = append(ring, [2]float64{lon + rr*math.Cos(a)*1.3, lat + rr*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// benchSettlements is a Delaware-sized extract's settlements: 3 counties
// of 3000 vertices, 800 places, 20000 residential areas, 300000
// buildings, and 60000 residential street pieces.
func benchSettlements() (*Settlements, []RoadPiece) {
	rng := rand.New(rand.NewPCG(5, 6))
	set := &Settlements{}
	h := (delaware[3] - delaware[1]) / 3
	for c := range 3 {
		lat := delaware[1] + (float64(c)+0.5)*h
		set.Boundaries = append(set.Boundaries, Boundary{Name: fmt.Sprintf("County %d", c), AdminLevel: 6,
			Area: MultiPolygon{{wobbly(rng, -75.42, lat, h/2, 3000)}}})
	}
	rnd := func() (float64, float64) {
		return delaware[0] + rng.Float64()*(delaware[2]-delaware[0]), delaware[1] + rng.Float64()*(delaware[3]-delaware[1])
	}
	kinds := []string{"city", "town", "town", "village", "village", "village", "hamlet", "hamlet", "isolated_dwelling"}
	for i := range 800 {
		lon, lat := rnd()
		p := SettlementPlace{Kind: kinds[i%len(kinds)], Name: fmt.Sprintf("place %d", i), Lon: lon, Lat: lat}
		if i%10 == 0 {
			p.Area = MultiPolygon{{wobbly(rng, lon, lat, 0.01, 60)}}
		}
		set.Places = append(set.Places, p)
	}
	for range 20000 {
		lon, lat := rnd()
		set.Residential = append(set.Residential, MultiPolygon{{wobbly(rng, lon, lat, 0.002, 8)}})
	}
	for range 300000 {
		lon, lat := rnd()
		set.Buildings = append(set.Buildings, BuildingPoint{Lon: float32(lon), Lat: float32(lat), AreaM2: float32(rng.Float64() * 300)})
	}
	var roads []RoadPiece
	for range 60000 {
		lon, lat := rnd()
		line := [][2]float64{{lon, lat}}
		for range 4 {
			lon += (rng.Float64() - 0.5) * 0.002
			lat += (rng.Float64() - 0.5) * 0.002
			line = append(line, [2]float64{lon, lat})
		}
		roads = append(roads, RoadPiece{Class: "residential", Line: line})
	}
	return set, roads
}

func BenchmarkSurfacePolygons(b *testing.B) {
	// 60 townships of 500 vertices with their totals, over Delaware's
	// settlement weights
	rng := rand.New(rand.NewPCG(7, 8))
	type feature struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   map[string]any `json:"geometry"`
	}
	var fs []feature
	for i := range 60 {
		lon := delaware[0] + 0.05 + float64(i%6)*0.11
		lat := delaware[1] + 0.05 + float64(i/6)*0.13
		fs = append(fs, feature{"Feature", map[string]any{"name": fmt.Sprintf("t%d", i), "population": 1000 + rng.IntN(20000)},
			map[string]any{"type": "Polygon", "coordinates": [][][2]float64{wobbly(rng, lon, lat, 0.05, 500)}}})
	}
	data, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	set, roads := benchSettlements()
	loop(b, func() {
		as, err := ReadPolygons("t.geojson", data, "", crs.WGS84)
		if err != nil {
			b.Fatal(err)
		}
		s := benchSurface(b)
		if err := Build(s, []Source{{Name: "townships", Polygons: as}}, Options{Settlements: set, Roads: roads, NoDefault: true}); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkSurfaceDefault(b *testing.B) {
	set, roads := benchSettlements()
	totals := map[string]float64{"County 0": 570719, "County 1": 181851, "County 2": 237378}
	loop(b, func() {
		s := benchSurface(b)
		if err := Build(s, nil, Options{Settlements: set, Roads: roads, Totals: totals}); err != nil {
			b.Fatal(err)
		}
		counted := 0.0
		for _, a := range s.Sources[0].Areas[:3] {
			counted += a.Placed
		}
		if !near(counted, 989948, 1e-6) {
			b.Fatalf("got %v want 989948 in the counties", counted)
		}
	})
}

func BenchmarkAccessBy(b *testing.B) {
	s := benchSurface(b)
	rng := rand.New(rand.NewPCG(9, 10))
	secs := make([]float32, len(s.Pop))
	class := make([]uint8, len(s.Pop))
	for k := range s.Pop {
		s.Pop[k] = float32(rng.ExpFloat64() * 5)
		secs[k] = float32(rng.Float64() * 200 * 60)
		class[k] = uint8(k % 2)
	}
	loop(b, func() {
		if _, err := AccessBy(s.Pop, secs, class, 2, []float64{15, 30, 45, 60}, 0); err != nil {
			b.Fatal(err)
		}
	})
}
