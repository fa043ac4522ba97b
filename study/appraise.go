package study

// The benefit appraisal of a study (issue 8): zones from the population
// surface (or the planner's polygons), destinations from each network's
// places, new roads and construction items from each alternative's edits,
// then appraisal.RunWith and every output rendered into memory.

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
)

// DefaultZoneKm is the zone grid's default cell size. On Delaware (about
// 155 x 55 km, 54,000 nodes) 5 km cells give about 200 zones holding
// residents: one gravity search per zone and network keeps the demo's six
// networks within the 10 s goal on two cores (docs/appraisal.md: ~300 zones
// take ~6 s of CPU per core pair), while 5 km is still finer than the
// spacing of Sussex County's towns (docs/appraise-wire.md shows how results
// move with zone size).
const DefaultZoneKm = 5

// DefaultFlowsMinAADT: segments carrying fewer opening-year vehicles per
// day are left out of flows-<network>.geojson and the flow maps (they are
// noise from a zone's centroid and make the file large).
const DefaultFlowsMinAADT = 5

// AppraisalSpec is the study's appraisal: key: the appraisal library's
// Config plus the keys that say how the study feeds it. The caller decodes
// it (the CLI with viper over AppraisalDefaultKeys) and reads the zone
// polygons and OD files it names.
type AppraisalSpec struct {
	appraisal.Config `mapstructure:",squash"`
	// ZoneKm is the size of the zone grid's cells, km (0.5..100; default
	// DefaultZoneKm). Ignored when Zones is given.
	ZoneKm float64 `mapstructure:"zone_km"`
	// Zones names the planner's zone polygons (GeoJSON with residents in
	// ZonesProperty, default population; crs ZonesCRS, default wgs84);
	// the caller reads them into ZoneAreas.
	Zones         string            `mapstructure:"zones"`
	ZonesProperty string            `mapstructure:"zones_property"`
	ZonesCRS      string            `mapstructure:"zones_crs"`
	ZoneAreas     []population.Area `mapstructure:"-"`
	// DefaultCosts complete every costs.<alt> entry (and stand for a
	// missing one) whose construction years, shares, maintenance or
	// design life are not given.
	DefaultCosts DefaultCosts `mapstructure:"default_costs"`
	// FlowsMinAADT: see DefaultFlowsMinAADT (0..1e6).
	FlowsMinAADT float64 `mapstructure:"flows_min_aadt"`
}

// DefaultCosts are the construction schedule and maintenance used for an
// alternative whose costs entry does not give them.
type DefaultCosts struct {
	ConstructionYears    []int     `mapstructure:"construction_years"`
	Shares               []float64 `mapstructure:"shares"`
	MaintenancePerKmYear float64   `mapstructure:"maintenance_per_km_year"`
	DesignLife           int       `mapstructure:"design_life"`
}

// AppraisalDefaultKeys are the appraisal: key's defaults as dotted keys
// (appraisal.DefaultKeys plus zone_km and flows_min_aadt), for viper's
// SetDefault so that a study giving part of a purpose keeps the rest.
func AppraisalDefaultKeys() map[string]any {
	m := appraisal.DefaultKeys()
	m["zone_km"] = float64(DefaultZoneKm)
	m["flows_min_aadt"] = float64(DefaultFlowsMinAADT)
	return m
}

// Check validates what can be checked before the study is run: the zone
// keys and the library's Config (cost entries that still lack items, which
// come from the alternatives' edits, are checked by Appraise). Errors name
// the key under appraisal.
func (a *AppraisalSpec) Check() error {
	if a.Zones == "" && !(a.ZoneKm >= 0.5 && a.ZoneKm <= 100) {
		return fmt.Errorf("appraisal.zone_km: %v: want 0.5..100 km", a.ZoneKm)
	}
	if math.IsNaN(a.FlowsMinAADT) || a.FlowsMinAADT < 0 || a.FlowsMinAADT > 1e6 {
		return fmt.Errorf("appraisal.flows_min_aadt: %v: want 0..1e6 vehicles per day", a.FlowsMinAADT)
	}
	cfg := a.Config
	cfg.Costs = map[string]appraisal.AltCosts{}
	for k, c := range a.Costs {
		if len(c.Items) > 0 && len(c.ConstructionYears) > 0 {
			cfg.Costs[k] = c
		}
	}
	return cfg.Validate()
}

// AppraiseOptions set how the appraisal runs.
type AppraiseOptions struct {
	Workers int          // parallel searches (0: GOMAXPROCS)
	NoMaps  bool         // skip the flow maps
	Font    *render.Font // map labels (nil: render.SystemFont())
	Log     func(format string, args ...any)
}

// Appraisal is an appraisal's result and its files.
type Appraisal struct {
	Result *appraisal.Result
	Config appraisal.Config // as run: costs completed from the edits
	Zones  []appraisal.Zone
	Files  []File
}

// HasAppraisal reports whether the study has an appraisal: key.
func (s *Study) HasAppraisal() bool { return s.Inputs.Appraisal != nil }

// Appraise runs the benefit appraisal of every alternative against the base
// and renders its files (appraisal.csv/.json, cashflow.csv,
// sensitivity.csv, incremental.csv, assumptions.csv, new-roads.csv,
// appraisal-savings.csv, traffic-totals.csv, flows-<network>.geojson and
// flows-<alt>.png). A study without an appraisal: key is a ConfigError.
// Configuration errors (keys, costs, OD ids) are ConfigErrors and come
// before any output.
func (s *Study) Appraise(ctx context.Context, opt AppraiseOptions) (*Appraisal, error) {
	spec := s.Inputs.Appraisal
	if spec == nil {
		return nil, configf("study %s: no appraisal: key", s.Path)
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	if opt.Font == nil && !opt.NoMaps {
		opt.Font = render.SystemFont()
	}
	for i, r := range s.Results {
		if r == nil {
			return nil, configf("study %s: alternative %q is not valid (run fastroad check)", s.Path, s.Spec.Alternatives[i].Name)
		}
	}
	cfg, err := s.appraisalConfig(spec)
	if err != nil {
		return nil, err
	}
	cz, err := s.countyIndex()
	if err != nil {
		return nil, err
	}
	zones, err := s.appraisalZones(spec, cz)
	if err != nil {
		return nil, err
	}
	anchorZones(s.Base.Graph, zones, cfg.SnapMaxM)
	opt.Log("appraisal: %d zones, %.0f residents", len(zones), sumResidents(zones))
	nets := s.Networks()
	ans := make([]appraisal.Network, len(nets))
	for i, n := range nets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ps, err := s.Places(n)
		if err != nil {
			return nil, err
		}
		ans[i] = appraisal.Network{Name: n.Name, Graph: n.Graph, Places: appraisalPlaces(ps, cz)}
		if i > 0 {
			ans[i].NewRoads = changedSegments(s.Base.Graph, n.Graph)
		}
	}
	cfg.Purposes = boardingsByID(cfg.Purposes, ans[0].Places.HSR)
	out := newOutputs()
	factor := cfg.GrowthFactor(cfg.OpeningYear)
	roads := map[string][]appraisal.RoadAADT{}
	minAADT := spec.FlowsMinAADT
	byName := map[string]int{}
	for i, n := range nets {
		byName[n.Name] = i
	}
	onFlows := func(n *appraisal.Network, d *appraisal.Demand, f *appraisal.Flows) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := renderBytes(func(w io.Writer) error {
			return appraisal.WriteFlowsGeoJSON(w, n.Graph, f, appraisal.FlowsGeoJSONOptions{MinAADT: minAADT, Factor: factor})
		})
		if err != nil {
			return err
		}
		out.addBytes("flows-"+n.Name+".geojson", data)
		tot, err := renderBytes(func(w io.Writer) error { return appraisal.WriteTotalsCSV(w, n.Name, d, f) })
		if err != nil {
			return err
		}
		out.addBytes("traffic-totals-"+n.Name+".csv", tot)
		i := byName[n.Name]
		if i == 0 {
			return nil
		}
		roads[n.Name] = RoadGroups(n.Graph, n.NewRoads, f, factor)
		if opt.NoMaps {
			return nil
		}
		r := s.Results[nets[i].Index-1]
		img, fi, err := FlowMap(n.Graph, f, factor, minAADT, scenarioLines(r, s.Checks[nets[i].Index-1]), ans[i].Places, report.MapOptions{
			Title: fmt.Sprintf("%s: opening-year traffic (%d), vehicles per day", n.Name, cfg.OpeningYear), LegendTitle: "AADT", Font: opt.Font})
		return out.addPNG("flows-"+n.Name+".png", img, fi, err)
	}
	opt.Log("appraisal: demand and assignment on %d networks", len(ans))
	res, err := appraisal.RunWith(ans[0], ans[1:], zones, cfg, appraisal.RunOptions{Workers: opt.Workers, OnFlows: onFlows})
	if err != nil {
		if strings.HasPrefix(err.Error(), "appraisal.") {
			return nil, ConfigError{fmt.Errorf("study %s: %w", s.Path, err)}
		}
		return nil, fmt.Errorf("appraisal: %w", err)
	}
	for i := range res.Alternatives {
		res.Alternatives[i].NewRoads = roads[res.Alternatives[i].Name]
	}
	opt.Log("appraisal: %.1f s (demand %.1f s, assignment %.1f s: searches %.1f s and flow accumulation %.1f s summed over workers)",
		res.Timing.Total.Seconds(), res.Timing.Demand.Seconds(), res.Timing.Assign.Seconds(), res.Timing.Search.Seconds(), res.Timing.Accumulate.Seconds())
	out.add("appraisal.csv", func(w io.Writer) error { return appraisal.WriteAppraisalCSV(w, res) })
	out.add("appraisal.json", func(w io.Writer) error { return appraisal.WriteAppraisalJSON(w, res) })
	out.add("cashflow.csv", func(w io.Writer) error { return appraisal.WriteCashflowCSV(w, res) })
	out.add("sensitivity.csv", func(w io.Writer) error { return appraisal.WriteSensitivityCSV(w, res) })
	out.add("incremental.csv", func(w io.Writer) error { return appraisal.WriteIncrementalCSV(w, res) })
	out.add("assumptions.csv", func(w io.Writer) error { return appraisal.WriteAssumptionsCSV(w, res.Assumptions) })
	out.add("new-roads.csv", func(w io.Writer) error { return appraisal.WriteNewRoadsCSV(w, res) })
	out.add("appraisal-savings.csv", func(w io.Writer) error { return appraisal.WriteSavingsCSV(w, res, cfg) })
	out.add("zones.csv", func(w io.Writer) error { return writeZonesCSV(w, zones) })
	out.add("appraisal.md", func(w io.Writer) error {
		return report.WriteAppraisalMarkdown(w, s.Spec.Name+": benefit appraisal", res)
	})
	return &Appraisal{Result: res, Config: cfg, Zones: zones, Files: out.sorted()}, nil
}

func sumResidents(zs []appraisal.Zone) float64 {
	t := 0.0
	for _, z := range zs {
		t += z.Residents
	}
	return t
}

// appraisalConfig completes the library's Config from the study: costs
// keyed by the alternatives' names (viper lowercases keys, so a key
// matches a name ignoring case), items derived from the edits where the
// entry gives none, DefaultCosts where it lacks the schedule.
func (s *Study) appraisalConfig(spec *AppraisalSpec) (appraisal.Config, error) {
	cfg := spec.Config
	costs := map[string]appraisal.AltCosts{}
	used := map[string]bool{}
	for i, a := range s.Spec.Alternatives {
		var c appraisal.AltCosts
		found := false
		for k, v := range spec.Costs {
			if strings.EqualFold(k, a.Name) {
				c, found, used[k] = v, true, true
			}
		}
		if len(c.Items) == 0 {
			c.Items = CostItems(a, s.Results[i])
			if len(c.Items) == 0 {
				return cfg, configf("study %s: appraisal.costs.%s: missing: alternative %q has no edit priced from unit costs (add_road, upgrade, add_entrance): give its items (a total, or km with unit_costs)", s.Path, a.Name, a.Name)
			}
		}
		def := spec.DefaultCosts
		if len(c.ConstructionYears) == 0 {
			if len(def.ConstructionYears) == 0 {
				what := "missing"
				if found {
					what = "no construction_years"
				}
				return cfg, configf("study %s: appraisal.costs.%s: %s: want construction_years and shares for alternative %q (or appraisal.default_costs.construction_years and shares)", s.Path, a.Name, what, a.Name)
			}
			c.ConstructionYears, c.Shares = def.ConstructionYears, def.Shares
		}
		if c.MaintenancePerKmYear == 0 {
			c.MaintenancePerKmYear = def.MaintenancePerKmYear
		}
		if c.DesignLife == 0 {
			c.DesignLife = def.DesignLife
		}
		for j := range c.Items {
			it := &c.Items[j]
			if it.Total > 0 || it.Km <= 0 {
				continue
			}
			// unit_costs.<edit>.default prices every class not listed.
			if _, ok := cfg.UnitCosts[it.Edit][it.Class]; !ok {
				if _, ok := cfg.UnitCosts[it.Edit]["default"]; ok {
					it.Class = "default"
				}
			}
		}
		costs[a.Name] = c
	}
	for _, k := range sortedKeys(spec.Costs) {
		if !used[k] {
			var names []string
			for _, a := range s.Spec.Alternatives {
				names = append(names, a.Name)
			}
			return cfg, configf("study %s: appraisal.costs.%s: no alternative of that name (the study has %v)", s.Path, k, names)
		}
	}
	cfg.Costs = costs
	if err := cfg.Validate(); err != nil {
		return cfg, ConfigError{fmt.Errorf("study %s: %w", s.Path, err)}
	}
	return cfg, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// CostItems prices an alternative's edits from unit costs: add_road is
// edit new_road at its class (default trunk) over the km built, with one
// interchange per listed interchange; upgrade is edit upgrade at its new
// class ("default" when it keeps the class) over the km touched, with one
// interchange per entrance; add_entrance is one interchange;
// osm_construction is new_road at class "default" over the km opened.
// Closures and station edits cost nothing here (give a total item).
func CostItems(a scenarios.Alternative, r *scenarios.Result) []appraisal.CostItem {
	var out []appraisal.CostItem
	for j, e := range a.Edits {
		km := 0.0
		if r != nil && j < len(r.Reports) {
			km = math.Round(r.Reports[j].Km*1000) / 1000
		}
		name := fmt.Sprintf("edit %d %s", j+1, e.Kind())
		switch {
		case e.AddRoad != nil:
			cls := e.AddRoad.Class
			if cls == "" {
				cls = "trunk"
			}
			if e.AddRoad.Name != "" {
				name += ": " + e.AddRoad.Name
			}
			out = append(out, appraisal.CostItem{Name: name, Edit: "new_road", Class: cls, Km: km, Interchanges: len(e.AddRoad.Interchanges)})
		case e.Upgrade != nil:
			cls := e.Upgrade.Class
			if cls == "" {
				cls = "default"
			}
			if e.Upgrade.Ref != "" {
				name += ": " + e.Upgrade.Ref
			} else if e.Upgrade.Name != "" {
				name += ": " + e.Upgrade.Name
			}
			out = append(out, appraisal.CostItem{Name: name, Edit: "upgrade", Class: cls, Km: km, Interchanges: len(e.Upgrade.Entrances)})
		case e.AddEntrance != nil:
			if e.AddEntrance.Name != "" {
				name += ": " + e.AddEntrance.Name
			}
			out = append(out, appraisal.CostItem{Name: name, Interchanges: 1})
		case e.OSMConstruction:
			if km > 0 {
				out = append(out, appraisal.CostItem{Name: name, Edit: "new_road", Class: "default", Km: km})
			}
		}
	}
	return out
}

// countyOf places points in the study's counties (the extract's boundaries
// at the study's admin level) through the population surface's cells.
type countyOf struct {
	surf  *population.Surface
	zone  []int16
	names []string
}

func (c *countyOf) at(lon, lat float64) string {
	if c == nil || c.zone == nil {
		return ""
	}
	i, j, ok := c.surf.Cell(lon, lat)
	if !ok {
		return ""
	}
	if z := c.zone[j*c.surf.W+i]; z >= 0 {
		return c.names[z]
	}
	return ""
}

func (s *Study) countyIndex() (*countyOf, error) {
	surf, err := s.Surface()
	if err != nil {
		return nil, err
	}
	c := &countyOf{surf: surf}
	if s.Settlements == nil {
		return c, nil
	}
	level := s.Spec.PopulationAdminLevel
	if level == 0 {
		level = population.DefaultAdminLevel
	}
	zone, counties, err := population.ZonesOf(surf, s.Settlements.Boundaries, level)
	if err != nil {
		return nil, err
	}
	if len(counties) > 0 {
		c.zone = zone
		for _, b := range counties {
			c.names = append(c.names, b.Name)
		}
	}
	return c, nil
}

// zoneAcc accumulates a zone's residents from surface cells.
type zoneAcc struct {
	id, name          string
	pop, lon, lat     float64
	urban             float64
	county            map[int16]float64
	cells             float64 // cells counted, for a centre where no one lives
	cellLon, cellLat  float64
	givenPop          float64 // the planner's figure (polygons)
	hasGiven, touched bool
}

func (z *zoneAcc) add(lon, lat, v float64, urban bool, county int16) {
	z.touched = true
	z.cells++
	z.cellLon += lon
	z.cellLat += lat
	if v <= 0 {
		return
	}
	z.pop += v
	z.lon += lon * v
	z.lat += lat * v
	if urban {
		z.urban += v
	}
	if county >= 0 {
		if z.county == nil {
			z.county = map[int16]float64{}
		}
		z.county[county] += v
	}
}

func (z *zoneAcc) zone(names []string) (appraisal.Zone, bool) {
	res := z.pop
	if z.hasGiven {
		res = z.givenPop
	}
	if res <= 0 || z.cells == 0 {
		return appraisal.Zone{}, false
	}
	out := appraisal.Zone{ID: z.id, Name: z.name, Residents: res, Urban: z.urban > z.pop/2 && z.pop > 0}
	if z.pop > 0 {
		out.Lon, out.Lat = z.lon/z.pop, z.lat/z.pop
	} else {
		out.Lon, out.Lat = z.cellLon/z.cells, z.cellLat/z.cells
	}
	best, bestV := int16(-1), 0.0
	for c, v := range z.county {
		if v > bestV || (v == bestV && c < best) {
			best, bestV = c, v
		}
	}
	if best >= 0 && int(best) < len(names) {
		out.County = names[best]
	}
	out.Lon, out.Lat = math.Round(out.Lon*1e6)/1e6, math.Round(out.Lat*1e6)/1e6
	return out, true
}

// appraisalZones aggregates the population surface to the zone grid (or to
// the planner's polygons): residents, the residents-weighted centre (the
// library snaps it to the nearest road), the county holding most of its
// residents and the urban flag (most residents in urban cells).
func (s *Study) appraisalZones(spec *AppraisalSpec, cz *countyOf) ([]appraisal.Zone, error) {
	surf := cz.surf
	if len(spec.ZoneAreas) == 0 && surf.Total() == 0 {
		return nil, configf("study %s: appraisal: no residents: the population surface is empty (give population sources, population_totals, or appraisal.zones)", s.Path)
	}
	class := population.Classify(surf, s.Settlements)
	county := func(k int) int16 {
		if cz.zone == nil {
			return -1
		}
		return cz.zone[k]
	}
	var accs []zoneAcc
	if len(spec.ZoneAreas) > 0 {
		bs := make([]population.Boundary, len(spec.ZoneAreas))
		accs = make([]zoneAcc, len(spec.ZoneAreas))
		for i, a := range spec.ZoneAreas {
			bs[i] = population.Boundary{Name: a.Name, Area: a.Shape}
			accs[i] = zoneAcc{id: fmt.Sprintf("p%d", a.Feature+1), name: a.Name, givenPop: a.Pop, hasGiven: true}
		}
		zone, _, err := population.ZonesOf(surf, bs, 0)
		if err != nil {
			return nil, err
		}
		for k, z := range zone {
			if z < 0 {
				continue
			}
			lon, lat := surf.Centre(k%surf.W, k/surf.W)
			accs[z].add(lon, lat, float64(surf.Pop[k]), class[k] == population.Urban, county(k))
		}
		for i := range accs {
			if !accs[i].touched {
				return nil, configf("study %s: appraisal.zones: %s: feature %d (%s) covers no cell of the study area's %g m population grid", s.Path, spec.Zones, spec.ZoneAreas[i].Feature+1, spec.ZoneAreas[i].Name, s.cellM())
			}
		}
	} else {
		b := surf.Bounds()
		midLat := (b[1] + b[3]) / 2 * math.Pi / 180
		dLon := spec.ZoneKm * 1000 / (111320 * math.Cos(midLat))
		dLat := spec.ZoneKm * 1000 / 110574
		w := int(math.Ceil((b[2]-b[0])/dLon)) + 1
		h := int(math.Ceil((b[3]-b[1])/dLat)) + 1
		if w*h > 1<<20 {
			return nil, configf("study %s: appraisal.zone_km: %g: %d x %d zones is too many; want larger zones", s.Path, spec.ZoneKm, w, h)
		}
		accs = make([]zoneAcc, w*h)
		for k, v := range surf.Pop {
			if v <= 0 {
				continue
			}
			lon, lat := surf.Centre(k%surf.W, k/surf.W)
			i := min(w-1, max(0, int((lon-b[0])/dLon)))
			j := min(h-1, max(0, int((lat-b[1])/dLat)))
			a := &accs[j*w+i]
			if a.id == "" {
				a.id = fmt.Sprintf("z%d-%d", j, i)
			}
			a.add(lon, lat, float64(v), class[k] == population.Urban, county(k))
		}
	}
	var out []appraisal.Zone
	for i := range accs {
		if z, ok := accs[i].zone(cz.names); ok {
			out = append(out, z)
		}
	}
	if len(out) == 0 {
		return nil, configf("study %s: appraisal: no zone holds residents", s.Path)
	}
	return out, nil
}

func (s *Study) cellM() float64 {
	if s.Spec.PopulationCellM > 0 {
		return s.Spec.PopulationCellM
	}
	return DefaultPopulationCellM
}

// appraisalPlaces are a network's destinations: HSR stations, expressway
// entrances (searches start at their on-ramp entries), towns as county
// seats (each serving the county it lies in) and the central city.
func appraisalPlaces(ps []places.Place, cz *countyOf) appraisal.Places {
	var out appraisal.Places
	conv := func(p *places.Place) appraisal.Place {
		return appraisal.Place{ID: p.ID, Name: p.Label(), Points: slices.Clone(p.Points())}
	}
	for i := range ps {
		p := &ps[i]
		switch p.Kind {
		case places.KindHSRStation:
			out.HSR = append(out.HSR, conv(p))
		case places.KindEntrance:
			out.Entrances = append(out.Entrances, conv(p))
		case places.KindTown:
			ap := conv(p)
			ap.County = cz.at(p.Lon, p.Lat)
			out.CountySeats = append(out.CountySeats, ap)
		}
	}
	if c, ok := report.Centre(ps); ok {
		for i := range c {
			out.Centre = append(out.Centre, conv(&c[i]))
		}
	}
	return out
}

// segKey is what an upgrade changes on a segment.
type segKey struct {
	way      int64
	class    graph.Class
	fwd, bwd float32
	flags    uint8
}

// changedSegments lists the alternative's new segments (added by a
// scenario) and those of existing ways whose class, speeds or flags differ
// from every segment of the same way on the base (robust to a rebuilt
// graph splitting a way where a new road joins it). Never nil.
func changedSegments(base, alt *graph.Graph) []int32 {
	keys := make(map[segKey]bool, len(base.Segments))
	for i := range base.Segments {
		sg := &base.Segments[i]
		keys[segKey{sg.WayID, sg.Class, sg.SpeedFwd, sg.SpeedBwd, sg.Flags &^ graph.Added}] = true
	}
	out := []int32{}
	for i := range alt.Segments {
		sg := &alt.Segments[i]
		if sg.Flags&graph.Closed != 0 {
			continue
		}
		if sg.Flags&graph.Added != 0 || sg.WayID < 0 || !keys[segKey{sg.WayID, sg.Class, sg.SpeedFwd, sg.SpeedBwd, sg.Flags &^ graph.Added}] {
			out = append(out, int32(i))
		}
	}
	return out
}

// RoadGroups sums new or changed segments into roads a planner names: by
// name, else ref, else "unnamed <class>" (ramps and connectors), each with
// its km, the class of most of its length and the opening-year AADT
// (base-year flows x factor) of its busiest segment and its length-weighted
// mean. WayID is the smallest way id of the group (negative for scenario
// roads). Sorted by km, longest first, then name.
func RoadGroups(g *graph.Graph, segs []int32, f *appraisal.Flows, factor float64) []appraisal.RoadAADT {
	type acc struct {
		r      appraisal.RoadAADT
		byCls  map[string]float64
		hasWay bool
	}
	idx := map[string]int{}
	var accs []acc
	for _, s := range segs {
		sg := &g.Segments[s]
		name, ref := g.String(sg.Name), g.String(sg.Ref)
		key := name
		if key == "" {
			key = ref
		}
		if key == "" {
			cls := sg.Class.String()
			if strings.HasSuffix(cls, "_link") {
				cls = "ramp"
			}
			key = "unnamed " + cls
		}
		i, ok := idx[key]
		if !ok {
			i = len(accs)
			idx[key] = i
			accs = append(accs, acc{r: appraisal.RoadAADT{Name: key, Ref: ref}, byCls: map[string]float64{}})
			if name == "" && ref != "" {
				accs[i].r.Name = ref
			}
		}
		a := &accs[i]
		km := sg.Length / 1000
		aadt := f.AADT(s) * factor
		if !a.hasWay || sg.WayID < a.r.WayID {
			a.r.WayID, a.hasWay = sg.WayID, true
		}
		a.r.Km += km
		a.r.AADTMax = max(a.r.AADTMax, aadt)
		a.r.AADTMean += aadt * km
		a.byCls[sg.Class.String()] += km
	}
	out := make([]appraisal.RoadAADT, len(accs))
	for i := range accs {
		r := accs[i].r
		if r.Km > 0 {
			r.AADTMean /= r.Km
		}
		best := 0.0
		for _, c := range sortedKeys(accs[i].byCls) {
			if v := accs[i].byCls[c]; v > best {
				r.Class, best = c, v
			}
		}
		r.Km = math.Round(r.Km*1000) / 1000
		out[i] = r
	}
	slices.SortStableFunc(out, func(a, b appraisal.RoadAADT) int {
		if c := cmp.Compare(b.Km, a.Km); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// FlowMap draws a network's opening-year flows by width (segments carrying
// at least minAADT), over its roads, with the alternative's new roads
// (extra) on top and its places labelled.
func FlowMap(g *graph.Graph, f *appraisal.Flows, factor, minAADT float64, extra []render.Line, ps appraisal.Places, opt report.MapOptions) (*image.RGBA, render.FontInfo, error) {
	lo, hi := g.Bounds()
	bounds := [4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}
	top := 0.0
	for s := range g.Segments {
		top = max(top, f.AADT(int32(s))*factor)
	}
	lines := report.RoadLines(g, bounds)
	for i := range lines {
		st := &lines[i].Style
		st.Color, st.Casing, st.Above = color.RGBA{0xc4, 0xc4, 0xc4, 0xff}, nil, false
		st.Width = math.Min(st.Width, 1.2)
	}
	flowCol := color.RGBA{0x1f, 0x5f, 0xbf, 0xff}
	var pts []graph.Point
	if top > 0 {
		for s := range g.Segments {
			v := f.AADT(int32(s)) * factor
			if v <= 0 || v < minAADT {
				continue
			}
			pts = g.Shape(pts[:0], int32(s))
			coords := make([][2]float64, len(pts))
			for i, p := range pts {
				coords[i] = [2]float64{p.Lon, p.Lat}
			}
			w := 1 + 11*math.Sqrt(v/top)
			lines = append(lines, render.Line{Coords: coords, Style: render.LineStyle{Color: flowCol, Width: w, Z: 200, Above: true}})
		}
	}
	for i := range extra {
		e := extra[i]
		e.Style.Width = math.Min(e.Style.Width, 2.5)
		e.Style.Casing = nil
		e.Style.Z += 200
		lines = append(lines, e)
	}
	legend := []render.LegendItem{
		{Color: flowCol, Text: fmt.Sprintf("AADT by width; widest %s veh/day", thousands(top))},
		{Color: editedRoadStyle.Color, Text: "new or upgraded road"},
	}
	var labels []render.Label
	for _, p := range ps.HSR {
		if len(p.Points) > 0 {
			labels = append(labels, render.Label{Lon: p.Points[0].Lon, Lat: p.Points[0].Lat, Text: p.Name, Kind: render.KindHSRStation})
		}
	}
	for _, p := range ps.CountySeats {
		if len(p.Points) > 0 {
			labels = append(labels, render.Label{Lon: p.Points[0].Lon, Lat: p.Points[0].Lat, Text: p.Name, Kind: render.KindTown})
		}
	}
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = 1600
	}
	if h <= 0 {
		h = 1200
	}
	m := render.Map{Width: w, Height: h, Bounds: bounds, Title: opt.Title, LegendTitle: opt.LegendTitle, Font: opt.Font}
	return m.Draw(nil, lines, labels, legend)
}

func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeZonesCSV lists the zones the appraisal used.
func writeZonesCSV(w io.Writer, zs []appraisal.Zone) error {
	var b bytes.Buffer
	b.WriteString("id,name,lon,lat,residents,county,urban\n")
	for _, z := range zs {
		fmt.Fprintf(&b, "%s,%s,%.6f,%.6f,%.0f,%s,%t\n", csvField(z.ID), csvField(z.Name), z.Lon, z.Lat, z.Residents, csvField(z.County), z.Urban)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// EstimateAppraisalMemory is the memory an appraisal needs at most, in
// bytes, and what it is made of: every network's graph (the base and each
// rebuilt alternative), two networks' segment flows at a time, and per
// worker its search workspace, five node arrays and one int64 per arc.
func (s *Study) EstimateAppraisalMemory(workers int) (int64, string) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g := s.Base.Graph
	graphs := graphBytes(g)
	n := 1
	for _, r := range s.Results {
		if r != nil {
			n++
			if r.Rebuilt {
				graphs += graphBytes(r.Graph)
			}
		}
	}
	flows := int64(len(g.Segments)) * 16 * 2
	perWorker := int64(g.NumNodes())*(5*8+16) + int64(g.NumArcs())*8
	need := graphs + flows + int64(workers)*perWorker
	return need, fmt.Sprintf("%d networks of %d nodes, %d workers", n, g.NumNodes(), workers)
}

// anchorZones moves each zone's centre onto its nearest ordinary road of
// the base network (within maxM; a zone farther stays, and the library
// notes it). Every network then starts the zone's trips from the same
// road: a new road passing nearer a zone's centre than today's roads would
// otherwise take the zone's trips from their first metre, and load them
// along itself to its ends, which a road without access along its length
// cannot do.
func anchorZones(g *graph.Graph, zones []appraisal.Zone, maxM float64) {
	opt := graph.SnapOptions{MaxDist: maxM, NoControlled: true}
	for i := range zones {
		sn, err := g.SnapPoint(graph.Point{Lon: zones[i].Lon, Lat: zones[i].Lat}, opt)
		if err != nil {
			continue
		}
		zones[i].Lon, zones[i].Lat = math.Round(sn.Point.Lon*1e7)/1e7, math.Round(sn.Point.Lat*1e7)/1e7
	}
}

// boardingsByID gives purposes.hsr.boardings keys the spelling of the base
// network's station ids: viper lowercases keys, so "Node/102" or a
// planner's "DoverStation" arrive lowercased. A key matching no station
// is kept for the library to report.
func boardingsByID(ps map[string]appraisal.Purpose, hsr []appraisal.Place) map[string]appraisal.Purpose {
	p, ok := ps[appraisal.PurposeHSR]
	if !ok || len(p.Boardings) == 0 {
		return ps
	}
	out := make(map[string]appraisal.Purpose, len(ps))
	for k, v := range ps {
		out[k] = v
	}
	b := make(map[string]float64, len(p.Boardings))
	for k, v := range p.Boardings {
		for _, st := range hsr {
			if strings.EqualFold(st.ID, k) {
				k = st.ID
				break
			}
		}
		b[k] += v
	}
	p.Boardings = b
	out[appraisal.PurposeHSR] = p
	return out
}
