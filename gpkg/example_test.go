package gpkg_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fastroad/fastroad/gpkg"
)

func Example() {
	dir, _ := os.MkdirTemp("", "gpkg-example")
	defer os.RemoveAll(dir)
	w, err := gpkg.Create(filepath.Join(dir, "study.gpkg"))
	if err != nil {
		fmt.Println(err)
		return
	}
	w.Modified = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	towns, _ := w.AddLayer(gpkg.LayerSpec{Name: "towns", Type: gpkg.TypePoint,
		Columns: []gpkg.Column{{Name: "name", Type: gpkg.Text}, {Name: "population", Type: gpkg.Integer}}})
	fmt.Println(towns.Insert(gpkg.Point{-75.5467, 39.7447}, "Wilmington", 72826))
	fmt.Println(towns.Insert(gpkg.Point{-75.5244, 39.1582}, "Dover", nil))
	fmt.Println(towns.Insert(gpkg.Point{-200, 0}, "nowhere", 0))
	fmt.Println(towns.Count(), w.Close())
	// Output:
	// <nil>
	// <nil>
	// layer "towns" feature 3: coordinate [-200 0] outside lon [-180, 180], lat [-90, 90]
	// 2 <nil>
}
