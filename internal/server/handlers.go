package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/study"
)

// Attribution is the map data credit the page and the API carry.
const Attribution = "© OpenStreetMap contributors (ODbL)"

func (s *Server) meta(w http.ResponseWriter, r *http.Request) {
	if err := params(r); err != nil {
		s.fail(w, err)
		return
	}
	st := s.q.Study()
	lo, hi := st.Base.Graph.Bounds()
	var nets []string
	for _, n := range s.q.Networks() {
		nets = append(nets, n.Name)
	}
	def, _ := s.minutes(r)
	writeJSON(w, map[string]any{
		"name":        st.Spec.Name,
		"description": strings.TrimSpace(st.Spec.Description),
		"bounds":      []float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat},
		"networks":    nets,
		"minutes":     def,
		"max_minutes": s.lim.MaxMinutes,
		"max_bands":   s.lim.MaxBands,
		"max_sources": s.lim.MaxSources,
		"has_people":  s.q.HasPeople(),
		"counties":    s.q.Counties(),
		"cell_m":      s.q.Options().Fill.CellMetres,
		"diff_steps":  study.DiffSteps,
		"attribution": Attribution,
		"source":      st.Base.Graph.Meta.SourceName,
	})
}

func (s *Server) alternatives(w http.ResponseWriter, r *http.Request) {
	if err := params(r); err != nil {
		s.fail(w, err)
		return
	}
	st := s.q.Study()
	type alt struct {
		Name        string   `json:"name"`
		Description string   `json:"description,omitempty"`
		Valid       bool     `json:"valid"`
		Rebuilt     bool     `json:"rebuilt"`
		Km          float64  `json:"km"`
		Edits       []string `json:"edits"`
	}
	out := []alt{}
	for i, a := range st.Spec.Alternatives {
		x := alt{Name: a.Name, Description: strings.TrimSpace(a.Description), Edits: []string{}}
		if res := st.Results[i]; res != nil {
			x.Valid, x.Rebuilt = true, res.Rebuilt
			for _, rep := range res.Reports {
				x.Edits = append(x.Edits, rep.Kind+": "+rep.Summary)
				x.Km += rep.Km
			}
			x.Km = math.Round(x.Km*10) / 10
		}
		out = append(out, x)
	}
	writeJSON(w, out)
}

func (s *Server) placesGeoJSON(w http.ResponseWriter, r *http.Request) {
	if err := params(r, "alternative", "lang"); err != nil {
		s.fail(w, err)
		return
	}
	name, err := s.network(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	l, err := lang(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	var ps []places.Place
	if err := s.work(r, func(ctx context.Context) error {
		var err error
		ps, err = s.q.Places(name)
		return err
	}); err != nil {
		s.fail(w, err)
		return
	}
	fc := featureCollection{Type: "FeatureCollection", Features: []feature{}}
	for _, p := range ps {
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry: geometry{Type: "Point", Coordinates: []float64{round6(p.Lon), round6(p.Lat)}},
			Properties: map[string]any{"kind": p.Kind, "id": p.ID, "name": i18n.Name(l, p.Name, p.NameZh, p.NameEn),
				"population": p.Population}})
	}
	writeJSON(w, fc)
}

type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string         `json:"type"`
	Geometry   geometry       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func line(pts []graph.Point) [][2]float64 {
	out := make([][2]float64, len(pts))
	for i, p := range pts {
		out[i] = [2]float64{round6(p.Lon), round6(p.Lat)}
	}
	return out
}

func (s *Server) editsGeoJSON(w http.ResponseWriter, r *http.Request) {
	if err := params(r, "alternative"); err != nil {
		s.fail(w, err)
		return
	}
	name, err := s.network(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	fc := featureCollection{Type: "FeatureCollection", Features: []feature{}}
	st := s.q.Study()
	for i, a := range st.Spec.Alternatives {
		if a.Name != name || st.Results[i] == nil {
			continue
		}
		for _, rep := range st.Results[i].Reports {
			var lines [][][2]float64
			for _, l := range rep.Lines {
				if len(l) >= 2 {
					lines = append(lines, line(l))
				}
			}
			if len(lines) == 0 {
				continue
			}
			fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: geometry{Type: "MultiLineString", Coordinates: lines},
				Properties: map[string]any{"edit": rep.Index + 1, "kind": rep.Kind, "summary": rep.Summary, "km": math.Round(rep.Km*10) / 10}})
		}
	}
	writeJSON(w, fc)
}

func (s *Server) controlsGeoJSON(w http.ResponseWriter, r *http.Request) {
	if err := params(r); err != nil {
		s.fail(w, err)
		return
	}
	fc := featureCollection{Type: "FeatureCollection", Features: []feature{}}
	for _, l := range s.q.Study().Inputs.Controls.Given {
		for _, p := range l.Polygons {
			var rings [][][2]float64
			for _, ring := range p.Rings {
				rings = append(rings, line(ring))
			}
			fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: geometry{Type: "Polygon", Coordinates: rings},
				Properties: map[string]any{"kind": l.Kind.String(), "id": p.ID, "name": p.Name, "source": l.Source}})
		}
		for _, ln := range l.Lines {
			fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: geometry{Type: "LineString", Coordinates: line(ln.Points)},
				Properties: map[string]any{"kind": l.Kind.String(), "id": ln.ID, "name": ln.Name, "source": l.Source}})
		}
	}
	writeJSON(w, fc)
}

// isoProps are the properties of band i of an isochrone: residents (when
// the study has a population surface), towns inside, the network.
func (s *Server) isoProps(res *study.IsochroneResult, towns []places.Place, l i18n.Lang) func(i int) map[string]any {
	return func(i int) map[string]any {
		p := map[string]any{"network": res.Network, "direction": dirName(res.Direction)}
		if res.CellMetres > 0 {
			p["cell_m"] = res.CellMetres // the level of detail it was computed at
		}
		if res.Residents != nil {
			p["residents"] = math.Round(res.Residents[i])
			p["residents_text"] = i18n.People(l, res.Residents[i])
			p["estimate"] = res.Estimate
			if cs := s.q.Counties(); len(cs) > 0 {
				by := map[string]float64{}
				for c, name := range cs {
					by[name] = math.Round(res.ByCounty[c][i])
				}
				p["residents_by_county"] = by
			}
		}
		loc := isochrone.NewLocator(res.Bands[i])
		var names []string
		for _, t := range towns {
			if loc.Contains(t.Lon, t.Lat) {
				names = append(names, i18n.Name(l, t.Name, t.NameZh, t.NameEn))
			}
		}
		if len(names) > 0 {
			p["towns"] = names
		}
		return p
	}
}

func dirName(d graph.Direction) string {
	if d == graph.Inbound {
		return "to"
	}
	return "from"
}

// query is what isochrone, diff and population read.
type query struct {
	pts     []graph.Point
	minutes []float64
	dir     graph.Direction
	network string
	lang    i18n.Lang
}

func (s *Server) readQuery(r *http.Request, multi bool, allowed ...string) (query, error) {
	var q query
	keys := append([]string{"lon", "lat", "minutes", "direction", "alternative", "lang"}, allowed...)
	if multi {
		keys = append(keys, "points")
	}
	if err := params(r, keys...); err != nil {
		return q, err
	}
	var err error
	if multi {
		q.pts, err = s.points(r)
	} else {
		var p graph.Point
		p, err = point(r)
		q.pts = []graph.Point{p}
	}
	if err != nil {
		return q, err
	}
	if q.minutes, err = s.minutes(r); err != nil {
		return q, err
	}
	if q.dir, err = direction(r); err != nil {
		return q, err
	}
	if q.network, err = s.network(r); err != nil {
		return q, err
	}
	q.lang, err = lang(r)
	return q, err
}

func (s *Server) isochrone(w http.ResponseWriter, r *http.Request) {
	q, err := s.readQuery(r, true)
	if err != nil {
		s.fail(w, err)
		return
	}
	key := r.URL.Path + "?" + r.URL.Query().Encode()
	if b, ct, ok := s.cache.get(key); ok {
		writeBody(w, ct, b)
		return
	}
	var body bytes.Buffer
	err = s.work(r, func(ctx context.Context) error {
		res, err := s.q.IsochroneMulti(ctx, q.network, q.pts, q.dir, q.minutes)
		if errors.Is(err, isochrone.ErrNothingReached) {
			res, err = &study.IsochroneResult{Network: q.network, Direction: q.dir, Minutes: q.minutes, Bands: emptyBands(q.minutes)}, nil
		}
		if err != nil {
			return err
		}
		ps, err := s.q.Places(q.network)
		if err != nil {
			return err
		}
		return isochrone.WriteGeoJSON(&body, res.Bands, s.isoProps(res, places.OfKind(ps, places.KindTown), q.lang))
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	s.cache.put(key, body.Bytes(), "application/geo+json")
	writeBody(w, "application/geo+json", body.Bytes())
}

func emptyBands(minutes []float64) []isochrone.Band {
	out := make([]isochrone.Band, len(minutes))
	for i, m := range minutes {
		out[i].Minutes = m
	}
	return out
}

// diff answers the base's and an alternative's isochrones from one point
// and where the alternative saves or costs time, as one GeoJSON
// FeatureCollection: features with layer "base" and "alternative" (the
// bands) and "gain", "loss", "newly", "lost" (the difference).
func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	q, err := s.readQuery(r, false)
	if err != nil {
		s.fail(w, err)
		return
	}
	if q.network == "base" {
		s.fail(w, bad("alternative", "missing: name the alternative to compare with the base"))
		return
	}
	key := r.URL.Path + "?" + r.URL.Query().Encode()
	if b, ct, ok := s.cache.get(key); ok {
		writeBody(w, ct, b)
		return
	}
	var body bytes.Buffer
	err = s.work(r, func(ctx context.Context) error {
		d, err := s.q.Difference(ctx, q.network, q.pts[0], q.dir, q.minutes)
		if err != nil {
			return err
		}
		var bands []isochrone.Band
		var props []map[string]any
		common := map[string]any{"network": q.network, "direction": dirName(q.dir)}
		if d.Gainers != nil {
			common["gainers"] = math.Round(*d.Gainers)
			common["losers"] = math.Round(*d.Losers)
		}
		add := func(b isochrone.Band, p map[string]any) {
			for k, v := range common {
				p[k] = v
			}
			bands = append(bands, b)
			props = append(props, p)
		}
		for k, b := range d.Gains {
			add(isochrone.Band{Minutes: q.minutes[len(q.minutes)-1], Polygons: b.Polygons}, map[string]any{"layer": "gain", "saved_min": d.Steps[k]})
		}
		for k, b := range d.Losses {
			add(isochrone.Band{Minutes: q.minutes[len(q.minutes)-1], Polygons: b.Polygons}, map[string]any{"layer": "loss", "lost_min": d.Steps[k]})
		}
		add(isochrone.Band{Minutes: q.minutes[len(q.minutes)-1], Polygons: d.Newly}, map[string]any{"layer": "newly"})
		add(isochrone.Band{Minutes: q.minutes[len(q.minutes)-1], Polygons: d.Lost}, map[string]any{"layer": "lost"})
		for i, res := range []*study.IsochroneResult{d.Base, d.Alt} {
			layer := []string{"base", "alternative"}[i]
			f := s.isoProps(res, nil, q.lang)
			for k, b := range res.Bands {
				p := f(k)
				p["layer"] = layer
				add(b, p)
			}
		}
		return isochrone.WriteGeoJSON(&body, bands, func(i int) map[string]any { return props[i] })
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	s.cache.put(key, body.Bytes(), "application/geo+json")
	writeBody(w, "application/geo+json", body.Bytes())
}

func (s *Server) population(w http.ResponseWriter, r *http.Request) {
	q, err := s.readQuery(r, true)
	if err != nil {
		s.fail(w, err)
		return
	}
	var out map[string]any
	err = s.work(r, func(ctx context.Context) error {
		res, err := s.q.IsochroneMulti(ctx, q.network, q.pts, q.dir, q.minutes)
		if errors.Is(err, isochrone.ErrNothingReached) {
			res, err = &study.IsochroneResult{Network: q.network, Minutes: q.minutes, Residents: make([]float64, len(q.minutes))}, nil
		}
		if err != nil {
			return err
		}
		out = map[string]any{"network": q.network, "direction": dirName(q.dir), "minutes": q.minutes, "has_people": s.q.HasPeople(),
			"snapped": []float64{round6(res.Snapped.Lon), round6(res.Snapped.Lat)}, "snap_m": math.Round(res.SnapM)}
		if res.Residents != nil {
			rs := make([]float64, len(res.Residents))
			for i, v := range res.Residents {
				rs[i] = math.Round(v)
			}
			out["residents"], out["estimate"] = rs, res.Estimate
			if cs := s.q.Counties(); len(cs) > 0 && res.ByCounty != nil {
				by := map[string][]float64{}
				for c, name := range cs {
					v := make([]float64, len(q.minutes))
					for i := range v {
						v[i] = math.Round(res.ByCounty[c][i])
					}
					by[name] = v
				}
				out["by_county"] = by
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, out)
}

// access sends a network's access table: JSON (towns and areas), or one of
// them as CSV (format=csv&table=towns|areas).
func (s *Server) access(w http.ResponseWriter, r *http.Request) {
	if err := params(r, "alternative", "format", "table", "lang"); err != nil {
		s.fail(w, err)
		return
	}
	name, err := s.network(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	l, err := lang(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	format, table := r.URL.Query().Get("format"), r.URL.Query().Get("table")
	if format != "" && format != "json" && format != "csv" {
		s.fail(w, bad("format", "%q: want json or csv", format))
		return
	}
	if table != "" && table != "towns" && table != "areas" {
		s.fail(w, bad("table", "%q: want towns or areas", table))
		return
	}
	if format == "csv" && table == "" {
		table = "towns"
	}
	// The first request for a network waits for its evaluation (seconds);
	// it does not take a query worker, so isochrones go on meanwhile.
	ctx, cancel := context.WithTimeout(r.Context(), 5*s.lim.RequestTimeout)
	defer cancel()
	tab, err := s.q.Access(ctx, name)
	if err != nil {
		s.fail(w, err)
		return
	}
	towns := make([]map[string]any, 0, len(tab.Towns))
	for _, t := range tab.Towns {
		towns = append(towns, map[string]any{"id": t.ID, "name": i18n.Name(l, t.Name, t.NameZh, t.NameEn), "population": t.Population,
			"lon": round6(t.Lon), "lat": round6(t.Lat),
			"hsr_min": finite(t.HSR), "hsr_station": t.HSRName, "entrance_min": finite(t.Entrance), "entrance": t.EntranceName,
			"trunk_min": finite(t.Trunk), "centre_min": finite(t.Centre)})
	}
	areas := make([]map[string]any, 0, len(tab.Areas))
	for _, a := range tab.Areas {
		m := map[string]any{"area": a.Area, "residents": a.Residents, "hsr_mean_min": finite(math.Round(a.HSRMean*10) / 10),
			"entrance_mean_min": finite(math.Round(a.EntranceMean*10) / 10)}
		for i, min := range tab.Minutes {
			m["hsr_within_"+ftoa(min)] = a.HSRWithin[i]
			m["entrance_within_"+ftoa(min)] = a.EntranceWithin[i]
		}
		areas = append(areas, m)
	}
	if format != "csv" {
		out := map[string]any{"network": name, "minutes": tab.Minutes, "towns": towns, "areas": areas, "notes": tab.Notes}
		switch table {
		case "towns":
			delete(out, "areas")
		case "areas":
			delete(out, "towns")
		}
		writeJSON(w, out)
		return
	}
	var cols []string
	rows := towns
	if table == "towns" {
		cols = []string{"id", "name", "population", "lon", "lat", "hsr_min", "hsr_station", "entrance_min", "entrance", "trunk_min", "centre_min"}
	} else {
		cols = []string{"area", "residents", "hsr_mean_min", "entrance_mean_min"}
		for _, min := range tab.Minutes {
			cols = append(cols, "hsr_within_"+ftoa(min))
		}
		for _, min := range tab.Minutes {
			cols = append(cols, "entrance_within_"+ftoa(min))
		}
		rows = areas
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(cols)
	for _, row := range rows {
		rec := make([]string, len(cols))
		for i, c := range cols {
			if v := row[c]; v != nil {
				rec[i] = fmt.Sprint(v)
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+"-"+table+".csv"))
	writeBody(w, "text/csv; charset=utf-8", buf.Bytes())
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
