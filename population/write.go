package population

import (
	"io"

	"github.com/fastroad/fastroad/internal/geotiff"
	"github.com/fastroad/fastroad/isochrone"
)

// PRJ is the ESRI .prj text for EPSG:4326, written beside every grid (the
// isochrone package's, so every grid fastroad writes carries the same).
const PRJ = isochrone.PRJ

// WriteGeoTIFF writes the surface as a single-band float32 GeoTIFF of
// residents per cell in EPSG:4326 (PixelIsArea), deflate-compressed with
// the floating-point predictor; every cell has data (0 where nobody lives).
// ReadGeoTIFF reads it back exactly.
func WriteGeoTIFF(w io.Writer, s *Surface) error {
	g := geotiff.Grid{MinLon: s.MinLon, MinLat: s.MinLat, DLon: s.DLon, DLat: s.DLat, W: s.W, H: s.H}
	return geotiff.Write(w, g, geotiff.Options{}, func(j int, dst []float32) { copy(dst, s.Pop[j*s.W:(j+1)*s.W]) })
}
