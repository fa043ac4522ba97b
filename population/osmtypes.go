package population

// Local copies of the osm package's settlement types (branch osm-once). When
// that branch is merged this file becomes aliases (type Settlements =
// osm.Settlements, and so on); keep the names and fields identical.

// Ring is a closed ring of lon,lat points (first == last).
type Ring [][2]float64

// MultiPolygon is a list of polygons; each is its outer ring first, then its holes.
type MultiPolygon [][]Ring

// Boundary is an administrative boundary relation.
type Boundary struct {
	ID                   int64
	Type                 string
	Name, NameZH, NameEN string
	AdminLevel           int
	Population           int64
	Area                 MultiPolygon
}

// SettlementPlace is a place=* node or area; Kind is the place value
// (city, town, village, hamlet, isolated_dwelling, suburb, ...) and
// Population 0 means not tagged.
type SettlementPlace struct {
	Type                 string
	ID                   int64
	Kind                 string
	Name, NameZH, NameEN string
	Lon, Lat             float64
	Population           int64
	Area                 MultiPolygon
}

// BuildingPoint is a building's centre and footprint area (0 when unknown).
type BuildingPoint struct {
	Lon, Lat float32
	AreaM2   float32
}

// Settlements is what an extract says about where people live.
type Settlements struct {
	Boundaries  []Boundary
	Places      []SettlementPlace
	Residential []MultiPolygon
	Buildings   []BuildingPoint
}
