package osm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func fileOpener(path string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func bytesOpener(b []byte) Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func readFeatures(t *testing.T, open Opener, level int) *Features {
	t.Helper()
	f, err := ReadFeatures(context.Background(), open, FeatureOptions{AdminLevel: level, Procs: 2})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func featureByRef(l []Feature, ref string) *Feature {
	for i := range l {
		if l[i].Ref() == ref {
			return &l[i]
		}
	}
	return nil
}

// A station as a closed way (a 100 x 100 m square whose extra vertex on
// one side would pull a vertex mean off-centre), a station relation with a
// node and a way member, an admin boundary whose centre is an unnamed
// node, and a relation member that the extract does not hold.
const featuresXML = `<?xml version="1.0"?>
<osm version="0.6">
 <node id="1" lat="0" lon="0"/>
 <node id="2" lat="0" lon="0.001"/>
 <node id="3" lat="0.001" lon="0.001"/>
 <node id="4" lat="0.001" lon="0"/>
 <node id="5" lat="0.0005" lon="0"/>
 <node id="6" lat="0.01" lon="0.01"><tag k="railway" v="stop_position"/></node>
 <node id="7" lat="0.02" lon="0.02"><tag k="place" v="village"/><tag k="name" v="Centreville"/><tag k="population" v="900"/></node>
 <node id="8" lat="0.03" lon="0.03"><tag k="place" v="hamlet"/><tag k="name" v="Tiny"/></node>
 <node id="9" lat="0.04" lon="0.04"><tag k="highway" v="motorway_junction"/><tag k="ref" v="tiger"/></node>
 <node id="10" lat="0.05" lon="0.05"><tag k="barrier" v="toll_booth"/><tag k="name" v="南收费站"/></node>
 <node id="11" lat="0.06" lon="0.06"><tag k="public_transport" v="station"/><tag k="train" v="yes"/><tag k="name" v="Trainstop"/></node>
 <node id="12" lat="0.07" lon="0.07"><tag k="public_transport" v="station"/><tag k="bus" v="yes"/><tag k="name" v="Bus station"/></node>
 <node id="20" lat="0.1" lon="0.1"/>
 <node id="21" lat="0.1" lon="0.2"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="1"/>
  <tag k="railway" v="station"/><tag k="name" v="Square"/></way>
 <way id="101"><nd ref="20"/><nd ref="21"/><nd ref="999"/><tag k="railway" v="rail"/><tag k="highspeed" v="yes"/></way>
 <way id="102"><nd ref="20"/><nd ref="21"/><tag k="railway" v="rail"/><tag k="usage" v="branch"/></way>
 <relation id="200"><member type="node" ref="6" role="stop"/><member type="way" ref="100" role=""/>
  <member type="way" ref="404" role=""/><tag k="railway" v="station"/><tag k="name" v="Site"/></relation>
 <relation id="201"><member type="node" ref="7" role="admin_centre"/><tag k="boundary" v="administrative"/>
  <tag k="admin_level" v="6"/><tag k="name" v="某县"/></relation>
 <relation id="203"><member type="node" ref="998" role="admin_centre"/><tag k="boundary" v="administrative"/>
  <tag k="admin_level" v="6"/><tag k="name" v="Beyond"/></relation>
 <relation id="202"><member type="node" ref="7" role="admin_centre"/><tag k="boundary" v="administrative"/>
  <tag k="admin_level" v="4"/><tag k="name" v="Province"/></relation>
</osm>`

func TestReadFeaturesXML(t *testing.T) {
	f := readFeatures(t, bytesOpener([]byte(featuresXML)), 6)
	sq := featureByRef(f.Stations, "way/100")
	if sq == nil || math.Abs(sq.Lon-0.0005) > 1e-9 || math.Abs(sq.Lat-0.0005) > 1e-9 {
		t.Errorf("got station way/100 %+v, want the area centroid 0.0005,0.0005", sq)
	}
	rel := featureByRef(f.Stations, "relation/200")
	// Mean of node 6 (0.01,0.01) and way 100's centroid; way 404 is missing.
	if rel == nil || math.Abs(rel.Lon-0.00525) > 1e-9 || math.Abs(rel.Lat-0.00525) > 1e-9 {
		t.Errorf("got station relation/200 %+v, want 0.00525,0.00525", rel)
	}
	if featureByRef(f.Stations, "node/11") == nil || featureByRef(f.Stations, "node/12") != nil {
		t.Errorf("got stations %v, want public_transport=station with train=yes only", f.Stations)
	}
	if len(f.Places) != 1 || f.Places[0].Tags["name"] != "Centreville" || f.Places[0].Tags["population"] != "900" {
		t.Errorf("got places %v, want Centreville (village) only", f.Places)
	}
	if len(f.Junctions) != 1 || len(f.TollBooths) != 1 || f.TollBooths[0].Tags["name"] != "南收费站" {
		t.Errorf("got junctions %v and toll booths %v, want one each", f.Junctions, f.TollBooths)
	}
	if len(f.Rails) != 1 || !f.Rails[0].HighSpeed || len(f.Rails[0].Parts) != 1 || len(f.Rails[0].Parts[0]) != 2 {
		t.Errorf("got rails %+v, want way 101 (highspeed) with one 2-point part", f.Rails)
	}
	if len(f.Admins) != 2 || f.Admins[1].Name != "Beyond" || f.Admins[1].Centre != nil {
		t.Errorf("got admins %+v, want Beyond without its centre", f.Admins)
	}
	if len(f.Admins) == 0 || f.Admins[0].Name != "某县" || f.Admins[0].Centre == nil || f.Admins[0].Centre.ID != 7 || f.Admins[0].CentreRole != "admin_centre" {
		t.Errorf("got admins %+v, want 某县 with centre node 7", f.Admins)
	}
	want := FeatureStats{MissingNodeRefs: 2, Incomplete: 2, MissingCentres: 1}
	if f.Stats != want {
		t.Errorf("got stats %+v, want %+v", f.Stats, want)
	}
	if f := readFeatures(t, bytesOpener([]byte(featuresXML)), 0); len(f.Admins) != 0 {
		t.Errorf("admin level 0: got %d admins, want none", len(f.Admins))
	}
}

func TestReadFeaturesNotOSM(t *testing.T) {
	_, err := ReadFeatures(context.Background(), bytesOpener([]byte("id,lon,lat\n")), FeatureOptions{})
	if !errors.Is(err, ErrNotOSM) {
		t.Errorf("got %v, want ErrNotOSM", err)
	}
}

func TestReadFeaturesDelaware(t *testing.T) {
	f := readFeatures(t, fileOpener(filepath.Join("..", "testdata", "delaware-latest.osm.pbf")), 6)
	wil := featureByRef(f.Stations, "node/366753362")
	if wil == nil || math.Abs(wil.Lat-39.73675) > 1e-5 || math.Abs(wil.Lon+75.55110) > 1e-5 {
		t.Errorf("got Wilmington station %+v, want node/366753362 at 39.73675,-75.55110", wil)
	}
	if featureByRef(f.Stations, "way/184690971") == nil {
		t.Error("got no Newark station (way/184690971)")
	}
	if len(f.Junctions) != 126 {
		t.Errorf("got %d motorway_junction nodes, want 126", len(f.Junctions))
	}
	hs := 0
	for _, r := range f.Rails {
		if r.HighSpeed {
			hs++
		}
	}
	if hs != 43 {
		t.Errorf("got %d highspeed=yes rail ways, want 43", hs)
	}
	centres := map[string]string{}
	for _, a := range f.Admins {
		if a.Centre != nil {
			centres[a.Name] = a.Centre.Tags["name"]
		}
	}
	for county, seat := range map[string]string{"New Castle County": "Wilmington", "Kent County": "Dover", "Sussex County": "Georgetown"} {
		if centres[county] != seat {
			t.Errorf("%s: got admin centre %q, want %s", county, centres[county], seat)
		}
	}
}

func TestReadFeaturesHeidelbergRelation(t *testing.T) {
	f := readFeatures(t, fileOpener(filepath.Join("..", "testdata", "heidelberg.test.osm.pbf")), 6)
	r := featureByRef(f.Stations, "relation/3088804")
	if r == nil || r.Tags["name"] != "Heidelberg Hbf" {
		t.Fatalf("got %+v, want Heidelberg Hbf as relation/3088804", r)
	}
	if math.Abs(r.Lat-49.40) > 0.02 || math.Abs(r.Lon-8.68) > 0.02 {
		t.Errorf("got Heidelberg Hbf at %.4f,%.4f, want near 49.40,8.68", r.Lat, r.Lon)
	}
}

func TestReadFeaturesClipped(t *testing.T) {
	f := readFeatures(t, fileOpener(filepath.Join("..", "testdata", "lauf-200115.osm.pbf")), 6)
	if f.Stats.MissingNodeRefs == 0 || f.Stats.Incomplete == 0 {
		t.Errorf("got stats %+v, want missing refs and incomplete features counted", f.Stats)
	}
	if len(f.Stations) == 0 || len(f.Places) == 0 {
		t.Errorf("got %d stations and %d places, want some", len(f.Stations), len(f.Places))
	}
}

func TestReadFeaturesGzipXML(t *testing.T) {
	f := readFeatures(t, fileOpener(filepath.Join("..", "testdata", "north-bayreuth.osm.gz")), 6)
	if len(f.Junctions) == 0 || len(f.Places) == 0 {
		t.Errorf("got %d junctions and %d places, want some (A9/A70 junctions, villages)", len(f.Junctions), len(f.Places))
	}
}

func FuzzReadFeaturesXML(f *testing.F) {
	f.Add([]byte(featuresXML))
	f.Add([]byte(`<osm><node id="1" lat="1" lon="1"><tag k="place" v="town"/></node><way id="2"><nd ref="1"/><nd ref="1"/><tag k="railway" v="station"/></way></osm>`))
	f.Add([]byte(`<osm><relation id="1"><member type="relation" ref="1" role=""/><tag k="railway" v="station"/></relation></osm>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := ReadFeatures(context.Background(), bytesOpener(data), FeatureOptions{AdminLevel: 6, Procs: 1})
		if err != nil {
			return
		}
		for _, l := range [][]Feature{fs.Places, fs.Stations, fs.Junctions, fs.TollBooths} {
			for _, x := range l {
				if math.IsNaN(x.Lon) || math.IsNaN(x.Lat) {
					t.Fatalf("got NaN position for %s", x.Ref())
				}
			}
		}
	})
}
