package study

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/scenarios"
)

// handDrawn builds the inputs of testdata/study in memory: the hand-drawn
// network, its HSR station and two alternatives.
func handDrawn(t *testing.T) Inputs {
	t.Helper()
	open := func() (io.ReadCloser, error) { return os.Open("../testdata/study/net.osm") }
	prof := osm.DefaultProfile()
	g, err := osm.Read(context.Background(), open, osm.Options{Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	feats, err := osm.ReadFeatures(context.Background(), open, osm.FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatal(err)
	}
	lon, lat := 116.1, 36.0003
	plan := places.Plan{DropDetected: []string{places.KindHSRStation}, Edits: []places.Edit{
		{Op: places.OpSet, Kind: places.KindHSRStation, ID: "node/102", Name: "Test Central", Lon: lon, Lat: lat, HasPoint: true, Population: -1, Where: "test"},
	}}
	spec := scenarios.Study{
		Name:       "in memory",
		Targets:    scenarios.DefaultTargets(),
		Rank:       "mean_minutes_to_hsr",
		Isochrones: scenarios.Isochrones{Minutes: []float64{5, 10}, CellMetres: 200},
		Alternatives: []scenarios.Alternative{
			{Name: "faster", Edits: []scenarios.Edit{{Upgrade: &scenarios.Upgrade{Selector: scenarios.Selector{WayIDs: []int64{1, 2}}, SpeedKmh: 110}}}},
			{Name: "closed", Edits: []scenarios.Edit{{Close: &scenarios.Selector{WayIDs: []int64{1}}}}},
		},
	}
	return Inputs{Path: "memory", Spec: spec, Base: scenarios.Network{Graph: g, Speeds: prof.Speeds}, Profile: prof, Features: feats, Plan: &plan}
}

// TestCompareInMemory runs the whole comparison without files: the faster
// road saves time, the closed one cuts Testville off, and two runs render
// byte-identical outputs.
func TestCompareInMemory(t *testing.T) {
	render := func() map[string][]byte {
		s, err := Prepare(handDrawn(t))
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Compare(context.Background(), Options{NoMaps: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Ranks["faster"] != 1 || c.Ranks["closed"] != 2 {
			t.Errorf("ranks %v: want faster 1, closed 2", c.Ranks)
		}
		out := map[string][]byte{}
		for _, f := range c.Files {
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			out[f.Name] = buf.Bytes()
		}
		return out
	}
	a, b := render(), render()
	for _, name := range []string{"report.md", "summary.csv", "towns.csv", "base-to-hsr.geojson", "base-to-hsr-minutes.tif", "diff-faster-hsr.geojson"} {
		if _, ok := a[name]; !ok {
			t.Errorf("no %s among the outputs", name)
		}
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if !strings.Contains(string(a["towns.csv"]), "faster,node/100,Testville,50000,Test Central,4.9,-4.9,") {
		t.Errorf("towns.csv:\n%s", a["towns.csv"])
	}
}

// TestCompareCancelled: a cancelled context stops the comparison.
func TestCompareCancelled(t *testing.T) {
	s, err := Prepare(handDrawn(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Compare(ctx, Options{NoMaps: true}); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestNetworkByName: alternatives are found by name; an unknown name is a
// configuration error listing the names.
func TestNetworkByName(t *testing.T) {
	s, err := Prepare(handDrawn(t))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Network("closed"); err != nil || n.Name != "closed" || n.Graph == s.Base.Graph {
		t.Errorf("Network(closed) = %v, %v", n.Name, err)
	}
	_, err = s.Network("nope")
	var ce ConfigError
	if err == nil || !strings.Contains(err.Error(), "faster") || !asConfig(err, &ce) {
		t.Errorf("Network(nope): %v", err)
	}
}

func asConfig(err error, ce *ConfigError) bool {
	c, ok := err.(ConfigError)
	if ok {
		*ce = c
	}
	return ok
}
