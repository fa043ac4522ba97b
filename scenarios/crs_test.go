package scenarios

import "github.com/fastroad/fastroad/crs"

func gcjOf(lon, lat float64) (float64, float64) { return crs.FromWGS84(crs.GCJ02, lon, lat) }
