package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/places"
)

func init() { register(accessCmd) }

func accessCmd(e *env) *cobra.Command {
	var pf placeFlags
	var out, jsonOut string
	c := &cobra.Command{
		Use:   "access --graph G [--extract EXTRACT | --no-extract] [--places PLANNER_FILE] [-o access.csv] [--json access.json]",
		Short: "Access table: each town's time to the HSR station, the expressway and a trunk/primary road",
		Long: `For every town (see 'fastroad places'), compute:
  hsr_station          the HSR station nearest by driving time from the town
  minutes_to_hsr       town -> that station
  minutes_from_hsr     that station -> town (a search on the forward graph; one-way
                       streets make the two differ)
  entrance             the expressway entrance nearest by driving time
  minutes_to_entrance  town -> that entrance (getting onto the on-ramp)
  trunk_primary_road, minutes_to_trunk_primary
                       the nearest ordinary (not controlled-access) trunk or
                       primary road and the time to reach it
  km_to_hsr, km_<class>
                       the length of the route to the HSR station and the km of
                       each road class on it (one column per class in the graph)
Times to a place come from one search on the reverse graph from all places of
that kind at once. Towns and stations are placed on the nearest ordinary road
(never onto an expressway they cannot enter); max_snap_m of the profile
applies. Minutes have one decimal; an unreachable place leaves the cell
empty and the notes column says why (never 0).

CSV columns: town,hsr_station,minutes_to_hsr,minutes_from_hsr,entrance,
minutes_to_entrance, then town_id,population,hsr_station_id,entrance_id,
trunk_primary_road,minutes_to_trunk_primary,snap_m,km_to_hsr,km_<class>...,
notes. --json writes the same rows as JSON (null for unreachable). Without -o
and --json the CSV goes to standard output; with only --json, no CSV is
written.

Places come from the same detection and planner's file as 'fastroad places'
(flags --extract, --no-extract, --places, --admin-level, --villages).

Map data © OpenStreetMap contributors (ODbL).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			for _, o := range []string{out, jsonOut} {
				if o != "" && o != "-" {
					if err := checkNotInput(o, pf.inputs()...); err != nil {
						return err
					}
				}
			}
			ps, err := loadPlaces(e, "access", &pf)
			if err != nil {
				return err
			}
			if err := checkRegion(ps); err != nil {
				return err
			}
			if len(places.OfKind(ps.places, places.KindTown)) == 0 {
				return usagef("access: no town among the places: the extract has no place=city/town node or admin centre; add towns with --places")
			}
			if err := e.checkpoint("access"); err != nil {
				return err
			}
			rows, notes := places.Access(ps.g, ps.places, places.AccessOptions{Snap: ps.prof.SnapOptions()})
			if err := e.ctx.Err(); err != nil {
				return err
			}
			if err := allUnplaced(rows, ps.prof.MaxSnapMetres); err != nil {
				return err
			}
			classes := graphClasses(ps.g)
			if jsonOut != "" {
				if err := writeOutput(e, jsonOut, pf.inputs(), func(w io.Writer) error { return writeAccessJSON(w, rows, classes, append(ps.notes, notes...)) }); err != nil {
					return err
				}
			}
			if out != "" || jsonOut == "" {
				if err := writeOut(e, out, pf.inputs(), func(w io.Writer) error { return writeAccessCSV(w, rows, classes) }); err != nil {
					return err
				}
			}
			reportPlaces(e, ps)
			for _, n := range notes {
				fmt.Fprintf(e.stderr, "  note: %s\n", n)
			}
			fmt.Fprintf(e.stderr, "access: %d towns\n", len(rows))
			return nil
		},
	}
	pf.add(c.Flags())
	c.Flags().StringVarP(&out, "output", "o", "", "output CSV (default: standard output unless --json is given)")
	c.Flags().StringVar(&jsonOut, "json", "", "also write the table as JSON to this file")
	return c
}

// allUnplaced refuses an access table where no town could be placed on the
// network: every column would be empty, which says nothing.
func allUnplaced(rows []places.Row, maxSnap float64) error {
	for _, r := range rows {
		if r.SnapDist >= 0 {
			return nil
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return fmt.Errorf("none of the %d towns could be placed on the road network (no routable road within max_snap_m %g m of any): is the extract of the same region as the graph?", len(rows), maxSnap)
}

// graphClasses lists the road classes present in g, in hierarchy order.
func graphClasses(g *graph.Graph) []graph.Class {
	var seen [graph.NumClasses]bool
	for i := range g.Segments {
		seen[g.Segments[i].Class] = true
	}
	var out []graph.Class
	for c := graph.Class(1); int(c) < graph.NumClasses; c++ {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}

func minutes(ms uint32) string {
	if ms == graph.Inf {
		return ""
	}
	return strconv.FormatFloat(float64(ms)/60000, 'f', 1, 64)
}

func km(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func label(p *places.Place) string {
	if p == nil {
		return ""
	}
	return p.Label()
}

func placeID(p *places.Place) string {
	if p == nil {
		return ""
	}
	return p.ID
}

func writeAccessCSV(w io.Writer, rows []places.Row, classes []graph.Class) error {
	cw := csv.NewWriter(w)
	head := []string{"town", "hsr_station", "minutes_to_hsr", "minutes_from_hsr", "entrance", "minutes_to_entrance",
		"town_id", "population", "hsr_station_id", "entrance_id", "trunk_primary_road", "minutes_to_trunk_primary", "snap_m", "km_to_hsr"}
	for _, c := range classes {
		head = append(head, "km_"+c.String())
	}
	head = append(head, "notes")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rows {
		snap, route := "", ""
		if r.SnapDist >= 0 {
			snap = strconv.FormatFloat(r.SnapDist, 'f', 0, 64)
		}
		if r.HSR != nil {
			route = km(r.RouteKm())
		}
		rec := []string{r.Town.Label(), label(r.HSR), minutes(r.ToHSR), minutes(r.FromHSR), label(r.Entrance), minutes(r.ToEntrance),
			r.Town.ID, strconv.Itoa(r.Town.Population), placeID(r.HSR), placeID(r.Entrance), r.Ordinary, minutes(r.ToOrdinary), snap, route}
		for _, c := range classes {
			v := ""
			if r.HSR != nil {
				v = km(r.KmByClass[c])
			}
			rec = append(rec, v)
		}
		rec = append(rec, strings.Join(r.Notes, "; "))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// accessJSON is one row of the JSON table; nil pointers are JSON null
// (unreachable or none).
type accessJSON struct {
	Town                  string             `json:"town"`
	TownID                string             `json:"town_id"`
	Population            int                `json:"population"`
	Lon                   float64            `json:"lon"`
	Lat                   float64            `json:"lat"`
	HSRStation            *placeRef          `json:"hsr_station"`
	MinutesToHSR          *float64           `json:"minutes_to_hsr"`
	MinutesFromHSR        *float64           `json:"minutes_from_hsr"`
	Entrance              *placeRef          `json:"entrance"`
	MinutesToEntrance     *float64           `json:"minutes_to_entrance"`
	TrunkPrimaryRoad      string             `json:"trunk_primary_road"`
	MinutesToTrunkPrimary *float64           `json:"minutes_to_trunk_primary"`
	SnapMetres            *float64           `json:"snap_m"`
	KmToHSR               *float64           `json:"km_to_hsr"`
	KmByClass             map[string]float64 `json:"km_by_class,omitempty"`
	Notes                 []string           `json:"notes"`
}

type placeRef struct {
	ID   string  `json:"id"`
	Name string  `json:"name"`
	Lon  float64 `json:"lon"`
	Lat  float64 `json:"lat"`
}

func ref(p *places.Place) *placeRef {
	if p == nil {
		return nil
	}
	return &placeRef{ID: p.ID, Name: p.Label(), Lon: round7(p.Lon), Lat: round7(p.Lat)}
}

// round7 rounds a coordinate to 1e-7 degrees, as the CSV prints it.
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// jsonMinutes rounds like the CSV (one decimal); nil when unreachable.
func jsonMinutes(ms uint32) *float64 {
	if ms == graph.Inf {
		return nil
	}
	v, _ := strconv.ParseFloat(minutes(ms), 64)
	return &v
}

func round2(v float64) *float64 {
	r, _ := strconv.ParseFloat(km(v), 64)
	return &r
}

func writeAccessJSON(w io.Writer, rows []places.Row, classes []graph.Class, notes []string) error {
	doc := struct {
		Attribution string       `json:"attribution"`
		Towns       []accessJSON `json:"towns"`
		Notes       []string     `json:"notes"`
	}{Attribution: "Map data © OpenStreetMap contributors (ODbL)", Towns: []accessJSON{}, Notes: notes}
	if doc.Notes == nil {
		doc.Notes = []string{}
	}
	for _, r := range rows {
		j := accessJSON{Town: r.Town.Label(), TownID: r.Town.ID, Population: r.Town.Population, Lon: round7(r.Town.Lon), Lat: round7(r.Town.Lat),
			HSRStation: ref(r.HSR), MinutesToHSR: jsonMinutes(r.ToHSR), MinutesFromHSR: jsonMinutes(r.FromHSR),
			Entrance: ref(r.Entrance), MinutesToEntrance: jsonMinutes(r.ToEntrance),
			TrunkPrimaryRoad: r.Ordinary, MinutesToTrunkPrimary: jsonMinutes(r.ToOrdinary), Notes: r.Notes}
		if j.Notes == nil {
			j.Notes = []string{}
		}
		if r.SnapDist >= 0 {
			v := float64(int(r.SnapDist + 0.5))
			j.SnapMetres = &v
		}
		if r.HSR != nil {
			j.KmToHSR = round2(r.RouteKm())
			j.KmByClass = map[string]float64{}
			for _, c := range classes {
				j.KmByClass[c.String()] = *round2(r.KmByClass[c])
			}
		}
		doc.Towns = append(doc.Towns, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
