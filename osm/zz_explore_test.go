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
