package population

import "github.com/fastroad/fastroad/osm"

// The settlement types are the osm package's (osm.ReadExtract reads them);
// aliases keep this package's signatures short.
type (
	// Ring is a closed ring of lon,lat points (first == last).
	Ring = osm.Ring
	// MultiPolygon is a list of polygons; each is its outer ring first, then its holes.
	MultiPolygon = osm.MultiPolygon
	// Boundary is an administrative boundary.
	Boundary = osm.Boundary
	// SettlementPlace is a place=* node or area.
	SettlementPlace = osm.SettlementPlace
	// BuildingPoint is a building's centroid and footprint.
	BuildingPoint = osm.BuildingPoint
	// Settlements are what the built-in default spreads residents over.
	Settlements = osm.Settlements
)
