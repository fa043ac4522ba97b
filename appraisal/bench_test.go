package appraisal

import (
	"fmt"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// delawareStudy: the base and five speed-upgrade alternatives (the demo
// has base + 5), ~300 zones, every purpose, illustrative costs.
func delawareStudy(tb testing.TB, nx, ny int) (Network, []Network, []Zone, Config) {
	g := loadDelaware(tb)
	ps := delawarePlaces(g)
	base := Network{Name: "base", Graph: g, Places: ps}
	type up struct {
		name string
		fn   func(s int32, seg *graph.Segment, lat float64) bool
		kmh  float32
	}
	ups := []up{
		{"primary-plus", func(_ int32, seg *graph.Segment, _ float64) bool { return seg.Class == graph.Primary }, 1.2},
		{"sussex-secondary", func(_ int32, seg *graph.Segment, lat float64) bool {
			return seg.Class == graph.Secondary && lat < 38.85
		}, 1.4},
		{"trunk-plus", func(_ int32, seg *graph.Segment, _ float64) bool { return seg.Class == graph.Trunk }, 1.15},
		{"kent-tertiary", func(_ int32, seg *graph.Segment, lat float64) bool {
			return seg.Class == graph.Tertiary && lat > 38.85 && lat < 39.45
		}, 1.3},
		{"all-rural", func(_ int32, seg *graph.Segment, lat float64) bool {
			return (seg.Class == graph.Secondary || seg.Class == graph.Tertiary) && lat < 39.45
		}, 1.25},
	}
	cfg := DefaultConfig()
	cfg.Accident = map[string]float64{"default": 0.15, "motorway": 0.05}
	cfg.Costs = map[string]AltCosts{}
	var alts []Network
	for k, u := range ups {
		var segs []int32
		ag := g.WithEdits(func(s int32, seg *graph.Segment) {
			lat := g.Node(seg.From).Lat
			if u.fn(s, seg, lat) {
				seg.SpeedFwd *= u.kmh
				seg.SpeedBwd *= u.kmh
				if len(segs) < 50 {
					segs = append(segs, s)
				}
			}
		})
		alts = append(alts, Network{Name: u.name, Graph: ag, Places: ps, NewRoads: segs})
		cfg.Costs[u.name] = AltCosts{Items: []CostItem{{Name: u.name, Total: float64(k+1) * 4e8, Km: 20}},
			ConstructionYears: []int{2026, 2027}, Shares: []float64{0.4, 0.6}, MaintenancePerKmYear: 5e4}
	}
	return base, alts, delawareZones(g, nx, ny), cfg
}

// BenchmarkRunDelaware: the whole appraisal (demand with a gravity model,
// six assignments of every purpose, indicators, sensitivity) on Delaware,
// at two zone sizes, and with a contraction hierarchy on the base graph
// (as the demo's graph file carries one) for the gravity model's times.
func BenchmarkRunDelaware(b *testing.B) {
	for _, c := range []struct {
		name   string
		nx, ny int
		ch     bool
	}{
		{"grid=12x20", 12, 20, false},
		{"grid=17x27", 17, 27, false},
		{"grid=17x27/ch", 17, 27, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			base, alts, zones, cfg := delawareStudy(b, c.nx, c.ny)
			if c.ch {
				gc := *base.Graph
				gc.CH = graph.BuildCH(&gc)
				base.Graph = &gc
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			var r *Result
			for i := 0; i < b.N; i++ {
				var err error
				r, err = Run(base, alts, zones, cfg)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			t := r.Timing
			b.ReportMetric(float64(len(zones)), "zones")
			b.ReportMetric(t.Demand.Seconds(), "demand-s")
			b.ReportMetric(t.Assign.Seconds(), "assign-wall-s")
			b.ReportMetric(t.Search.Seconds(), "search-s")
			b.ReportMetric(t.Accumulate.Seconds(), "accumulate-s")
			b.ReportMetric(float64(r.Base.Searches), "searches/network")
			if testing.Verbose() {
				fmt.Printf("%s: zones %d, searches per network %d, workers %d\n", c.name, len(zones), r.Base.Searches, r.Base.Workers)
				for _, p := range r.Demand {
					fmt.Printf("  %-12s %-16s persons/day %9.0f vehicles/day %9.0f param %.4f mean %.1f min\n", p.Name, p.Model, p.PersonTrips, p.Vehicles, p.Param, p.MeanMinutes)
				}
				for _, a := range r.Alternatives {
					fmt.Printf("  %-18s veh-h/day %8.1f person-h/day %8.1f veh-km/day %9.1f benefits/day %10.0f ENPV %14.0f EBCR %6.3f\n",
						a.Name, a.Savings[0].VehHours, a.Savings[0].PersonHours, a.Savings[0].VehKm,
						a.Savings[0].TimeCNY+a.Savings[0].VOCCNY+a.Savings[0].AccidentCNY, a.Indicators.ENPV, a.Indicators.EBCR)
				}
			}
		})
	}
}

// BenchmarkAssignDelaware: one network's assignment alone.
func BenchmarkAssignDelaware(b *testing.B) {
	base, _, zones, cfg := delawareStudy(b, 17, 27)
	d, err := BuildDemand(&base, zones, cfg)
	if err != nil {
		b.Fatal(err)
	}
	opt := AssignOptions{VOC: classCosts(cfg.VOC)}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var f *Flows
	for i := 0; i < b.N; i++ {
		f, err = Assign(&base, d, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(f.Stats.Search.Seconds()*1000, "search-ms")
	b.ReportMetric(f.Stats.Accumulate.Seconds()*1000, "accumulate-ms")
	b.ReportMetric(float64(f.Stats.Searches), "searches")
}
