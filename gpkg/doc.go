// Package gpkg writes OGC GeoPackage 1.3 files of vector layers for GIS hand-off
// (QGIS, ArcGIS, GDAL), with modernc.org/sqlite: pure Go, no cgo.
//
// A file holds any number of feature tables ("layers"), each with one geometry
// column of one type (Point, LineString, MultiLineString, Polygon or
// MultiPolygon) in EPSG:4326 (WGS-84 longitude/latitude, degrees) and typed
// attribute columns (TEXT, INTEGER, REAL), with a spatial index. Nothing
// else: no tiles, no raster.
//
// # What is written
//
//   - PRAGMA application_id = 0x47504B47 ("GPKG") and user_version = 10300;
//   - gpkg_spatial_ref_sys with the three required rows (-1 undefined
//     Cartesian, 0 undefined geographic, 4326 WGS 84);
//   - gpkg_contents: one row per layer, data_type "features", with the layer's
//     extent (min/max of every inserted coordinate) and last_change;
//   - gpkg_geometry_columns: one row per layer (z = 0, m = 0);
//   - one table per layer: fid INTEGER PRIMARY KEY AUTOINCREMENT, geom, then
//     the attribute columns in the order given;
//   - per layer a spatial index rtree_<layer>_geom (the gpkg_rtree_index
//     extension, declared in gpkg_extensions), bulk-loaded by Close from the
//     features' envelopes (sort-tile-recursive packing written straight into
//     the R*Tree module's shadow tables, as GDAL does; rtree.go), with the
//     spec's triggers that keep it right when QGIS or GDAL edit the layer
//     (the triggers call ST_* functions those readers provide, so they are
//     created by Close, after the writer's own inserts).
//
// Geometries are stored as GeoPackage binary: the "GP" header (version 0,
// little-endian, an XY envelope) then ISO WKB, little-endian.
//
// # Invariants
//
// Coordinates must be finite, longitude in [-180, 180] and latitude in
// [-90, 90]; rings and lines need enough points (2 for a line, 4 for a closed
// ring); an empty geometry is refused. Layer and column names are plain
// identifiers (letters, digits, underscore, not starting with a digit, at most
// 63 bytes, not "gpkg_..." or "rtree_..."). All writes happen in one
// transaction committed by Close; the file is written to PATH.tmp and renamed,
// so a failed run leaves no partial GeoPackage. Given the same inputs and
// Writer.Modified the bytes are the same on every run.
package gpkg
