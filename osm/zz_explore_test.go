package osm

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
)

func TestZZExplore(t *testing.T) {
	path := os.Getenv("EXPLORE")
	if path == "" {
		t.Skip()
	}
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	f, err := ReadFeatures(context.Background(), open, FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Places {
		if p.Tags["place"] != "village" {
			fmt.Println("PLACE", p.Ref(), p.Lon, p.Lat, p.Tags)
		}
	}
	for _, p := range f.Stations {
		fmt.Println("STATION", p.Ref(), p.Lon, p.Lat, p.Tags)
	}
	hs := 0
	for _, r := range f.Rails {
		if r.HighSpeed {
			hs++
		}
	}
	fmt.Println("RAILS", len(f.Rails), "hs", hs)
	for _, p := range f.Junctions {
		fmt.Println("JUNCTION", p.Ref(), p.Lon, p.Lat, p.Tags)
	}
	for _, p := range f.TollBooths {
		fmt.Println("TOLL", p.Ref(), p.Lon, p.Lat, p.Tags)
	}
	for _, a := range f.Admins {
		c := "nil"
		if a.Centre != nil {
			c = fmt.Sprint(a.Centre.Ref(), a.Centre.Tags)
		}
		fmt.Println("ADMIN", a.ID, a.Name, a.CentreRole, c)
	}
	fmt.Printf("STATS %+v\n", f.Stats)
}

func TestZZRails(t *testing.T) {
	path := os.Getenv("EXPLORE")
	if path == "" {
		t.Skip()
	}
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	f, err := ReadFeatures(context.Background(), open, FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Stations {
		for _, r := range f.Rails {
			for _, part := range r.Parts {
				for _, p := range part {
					dx := (p.Lon - s.Lon) * 85000
					dy := (p.Lat - s.Lat) * 111000
					if dx*dx+dy*dy < 300*300 {
						fmt.Println(s.Tags["name"], r.ID, r.HighSpeed, r.Usage, r.Name)
						goto next
					}
				}
			}
		next:
		}
	}
}

func TestZZRel(t *testing.T) {
	path := os.Getenv("EXPLORE")
	if path == "" {
		t.Skip()
	}
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	var r reader
	fr := &featureReader{procs: 2, opt: FeatureOptions{}}
	r.pass(context.Background(), open, fr.scanRelations)
	for _, rel := range fr.stRels {
		fmt.Println(rel.ID, rel.Tags)
		for _, m := range rel.Members {
			fmt.Println("  ", m.Type, m.Ref, m.Role)
		}
	}
}
