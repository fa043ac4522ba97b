package gpkg

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ColumnType is the SQL type of an attribute column.
type ColumnType string

// Attribute column types.
const (
	Text    ColumnType = "TEXT"
	Integer ColumnType = "INTEGER"
	Real    ColumnType = "REAL"
)

// Column is an attribute column of a layer.
type Column struct {
	Name string
	Type ColumnType
}

// LayerSpec describes a feature table.
type LayerSpec struct {
	Name        string // table name and identifier shown in QGIS
	Description string
	Type        GeomType
	Columns     []Column
}

// SRSWGS84 is the srs_id of EPSG:4326, the only SRS layers use.
const SRSWGS84 = 4326

// Writer writes one GeoPackage file. It is not safe for concurrent use.
type Writer struct {
	// Modified is stored as every layer's last_change; the zero value means
	// the time of Close. Set it for byte-identical output.
	Modified time.Time

	path, tmp string
	db        *sql.DB
	tx        *sql.Tx
	layers    []*Layer
	closed    bool
}

// Layer is a feature table being written.
type Layer struct {
	w     *Writer
	spec  LayerSpec
	stmt  *sql.Stmt // insert a feature
	boxes []rtEntry // each feature's envelope, for the rtree built at Close (bulkRTree)
	env   Envelope
	count int
}

// Create starts a GeoPackage at path (written to path + ".tmp" and renamed by
// Close; an existing file at path is replaced then).
func Create(path string) (*Writer, error) {
	tmp := path + ".tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("create geopackage %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", tmp)
	if err != nil {
		return nil, fmt.Errorf("create geopackage %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	w := &Writer{path: path, tmp: tmp, db: db}
	if err := w.init(); err != nil {
		db.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("create geopackage %s: %w", path, err)
	}
	return w, nil
}

// schema: the file is a temporary one renamed into place only after a
// successful Close, so no rollback journal and no fsync are needed.
const schema = `
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326,
   'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
`

func (w *Writer) init() error {
	if _, err := w.db.Exec(schema); err != nil {
		return err
	}
	tx, err := w.db.Begin()
	if err != nil {
		return err
	}
	w.tx = tx
	return nil
}

// checkName refuses names that are not plain SQL identifiers.
func checkName(what, s string) error {
	if s == "" || len(s) > 63 {
		return fmt.Errorf("%s %q: want 1 to 63 characters", what, s)
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("%s %q: want letters, digits and underscores, not starting with a digit", what, s)
		}
	}
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "gpkg_") || strings.HasPrefix(l, "rtree_") || strings.HasPrefix(l, "sqlite_") {
		return fmt.Errorf("%s %q: names starting with gpkg_, rtree_ or sqlite_ are reserved", what, s)
	}
	return nil
}

// AddLayer creates a feature table. Layer names are unique in a file; column
// names are unique in a layer and may not be fid or geom.
func (w *Writer) AddLayer(spec LayerSpec) (*Layer, error) {
	if w.closed {
		return nil, fmt.Errorf("add layer %q: writer is closed", spec.Name)
	}
	if err := checkName("layer name", spec.Name); err != nil {
		return nil, fmt.Errorf("add layer: %w", err)
	}
	for _, l := range w.layers {
		if strings.EqualFold(l.spec.Name, spec.Name) {
			return nil, fmt.Errorf("add layer %q: a layer of that name exists", spec.Name)
		}
	}
	switch spec.Type {
	case TypePoint, TypeLineString, TypePolygon, TypeMultiLineString, TypeMultiPolygon:
	default:
		return nil, fmt.Errorf("add layer %q: geometry type %v: want point, linestring, polygon, multilinestring or multipolygon", spec.Name, spec.Type)
	}
	cols := []string{`"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL`, `"geom" ` + spec.Type.String()}
	marks := []string{"?"}
	names := []string{`"geom"`}
	seen := map[string]bool{"fid": true, "geom": true}
	for _, c := range spec.Columns {
		if err := checkName("column name", c.Name); err != nil {
			return nil, fmt.Errorf("add layer %q: %w", spec.Name, err)
		}
		if seen[strings.ToLower(c.Name)] {
			return nil, fmt.Errorf("add layer %q: column %q is used twice or reserved (fid, geom)", spec.Name, c.Name)
		}
		seen[strings.ToLower(c.Name)] = true
		switch c.Type {
		case Text, Integer, Real:
		default:
			return nil, fmt.Errorf("add layer %q: column %q has type %q: want TEXT, INTEGER or REAL", spec.Name, c.Name, c.Type)
		}
		cols = append(cols, `"`+c.Name+`" `+string(c.Type))
		names = append(names, `"`+c.Name+`"`)
		marks = append(marks, "?")
	}
	rtree := `"rtree_` + spec.Name + `_geom"`
	for _, q := range []string{
		`CREATE TABLE "` + spec.Name + `" (` + strings.Join(cols, ", ") + `)`,
		`CREATE VIRTUAL TABLE ` + rtree + ` USING rtree(id, minx, maxx, miny, maxy)`,
	} {
		if _, err := w.tx.Exec(q); err != nil {
			return nil, fmt.Errorf("add layer %q: %w", spec.Name, err)
		}
	}
	l := &Layer{w: w, spec: spec, env: emptyEnvelope()}
	var err error
	if l.stmt, err = w.tx.Prepare(`INSERT INTO "` + spec.Name + `" (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`); err != nil {
		return nil, fmt.Errorf("add layer %q: %w", spec.Name, err)
	}
	w.layers = append(w.layers, l)
	return l, nil
}

// Insert adds a feature: g must be of the layer's type, attrs one value per
// column in order: string for TEXT, int/int64/int32 for INTEGER, float64 for
// REAL (NaN is stored as NULL), or nil (NULL) for any.
func (l *Layer) Insert(g Geometry, attrs ...any) error {
	n := l.count + 1
	if l.w.closed {
		return fmt.Errorf("layer %q feature %d: writer is closed", l.spec.Name, n)
	}
	if g == nil || g.geomType() != l.spec.Type {
		return fmt.Errorf("layer %q feature %d: geometry %T, want %v", l.spec.Name, n, g, l.spec.Type)
	}
	if len(attrs) != len(l.spec.Columns) {
		return fmt.Errorf("layer %q feature %d: %d attributes, want %d", l.spec.Name, n, len(attrs), len(l.spec.Columns))
	}
	blob, env, err := Encode(g, SRSWGS84)
	if err != nil {
		return fmt.Errorf("layer %q feature %d: %w", l.spec.Name, n, err)
	}
	args := make([]any, 1, len(attrs)+1)
	args[0] = blob
	for i, a := range attrs {
		c := l.spec.Columns[i]
		v, err := sqlValue(c.Type, a)
		if err != nil {
			return fmt.Errorf("layer %q feature %d column %q: %w", l.spec.Name, n, c.Name, err)
		}
		args = append(args, v)
	}
	res, err := l.stmt.Exec(args...)
	if err != nil {
		return fmt.Errorf("layer %q feature %d: %w", l.spec.Name, n, err)
	}
	fid, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("layer %q feature %d: %w", l.spec.Name, n, err)
	}
	l.boxes = append(l.boxes, rtEntry{id: fid, box: rtreeBox(env)})
	l.env.union(env)
	l.count++
	return nil
}

func sqlValue(t ColumnType, a any) (any, error) {
	if a == nil {
		return nil, nil
	}
	switch t {
	case Text:
		if s, ok := a.(string); ok {
			return s, nil
		}
	case Integer:
		switch v := a.(type) {
		case int:
			return int64(v), nil
		case int64:
			return v, nil
		case int32:
			return int64(v), nil
		case bool:
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case Real:
		switch v := a.(type) {
		case float64:
			if math.IsNaN(v) {
				return nil, nil
			}
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("value %v is not finite", v)
			}
			return v, nil
		case float32:
			return sqlValue(t, float64(v))
		case int:
			return float64(v), nil
		}
	}
	return nil, fmt.Errorf("value %v of type %T does not fit a %s column", a, a, t)
}

// Count is the number of features inserted so far.
func (l *Layer) Count() int { return l.count }

// Close writes gpkg_contents and gpkg_geometry_columns, commits and renames
// the file into place. After an error the temporary file is removed.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.finish()
	if cerr := w.db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.tmp, w.path)
	}
	if err != nil {
		os.Remove(w.tmp)
		return fmt.Errorf("write geopackage %s: %w", w.path, err)
	}
	return nil
}

// Abort discards the file.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	if w.tx != nil {
		w.tx.Rollback()
	}
	w.db.Close()
	os.Remove(w.tmp)
}

func (w *Writer) finish() error {
	mod := w.Modified
	if mod.IsZero() {
		mod = time.Now()
	}
	stamp := mod.UTC().Format("2006-01-02T15:04:05.000Z")
	for _, l := range w.layers {
		l.stmt.Close()
		if err := w.bulkRTree(l); err != nil {
			return fmt.Errorf("layer %q: spatial index: %w", l.spec.Name, err)
		}
		l.boxes = nil
		if err := w.rtreeTriggers(l.spec.Name); err != nil {
			return fmt.Errorf("layer %q: spatial index: %w", l.spec.Name, err)
		}
		var ext [4]any // NULL extents for an empty layer
		if !l.env.empty() {
			ext = [4]any{l.env.MinX, l.env.MinY, l.env.MaxX, l.env.MaxY}
		}
		if _, err := w.tx.Exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
			VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.spec.Name, l.spec.Name, l.spec.Description, stamp, ext[0], ext[1], ext[2], ext[3], SRSWGS84); err != nil {
			return fmt.Errorf("layer %q: contents: %w", l.spec.Name, err)
		}
		if _, err := w.tx.Exec(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`,
			l.spec.Name, l.spec.Type.String(), SRSWGS84); err != nil {
			return fmt.Errorf("layer %q: geometry columns: %w", l.spec.Name, err)
		}
	}
	return w.tx.Commit()
}

// rtreeTriggers declares the layer's spatial index (the GeoPackage
// gpkg_rtree_index extension) and adds the triggers that keep it up to date
// when QGIS or GDAL edit the layer. They call ST_* functions that those
// readers provide; the writer fills the index itself, so they are created
// last, after the inserts.
func (w *Writer) rtreeTriggers(t string) error {
	r := "rtree_" + t + "_geom"
	upsert := `INSERT OR REPLACE INTO "` + r + `" VALUES (NEW."fid", ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"), ST_MinY(NEW."geom"), ST_MaxY(NEW."geom"));`
	for _, q := range []string{
		`INSERT INTO gpkg_extensions VALUES ('` + t + `', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`,
		`CREATE TRIGGER "` + r + `_insert" AFTER INSERT ON "` + t + `" WHEN (NEW."geom" NOT NULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN ` + upsert + ` END`,
		`CREATE TRIGGER "` + r + `_update1" AFTER UPDATE OF "geom" ON "` + t + `" WHEN OLD."fid" = NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN ` + upsert + ` END`,
		`CREATE TRIGGER "` + r + `_update2" AFTER UPDATE OF "geom" ON "` + t + `" WHEN OLD."fid" = NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM "` + r + `" WHERE id = OLD."fid"; END`,
		`CREATE TRIGGER "` + r + `_update3" AFTER UPDATE ON "` + t + `" WHEN OLD."fid" != NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM "` + r + `" WHERE id = OLD."fid"; ` + upsert + ` END`,
		`CREATE TRIGGER "` + r + `_update4" AFTER UPDATE ON "` + t + `" WHEN OLD."fid" != NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM "` + r + `" WHERE id IN (OLD."fid", NEW."fid"); END`,
		`CREATE TRIGGER "` + r + `_delete" AFTER DELETE ON "` + t + `" WHEN OLD."geom" NOT NULL BEGIN DELETE FROM "` + r + `" WHERE id = OLD."fid"; END`,
	} {
		if _, err := w.tx.Exec(q); err != nil {
			return err
		}
	}
	return nil
}
