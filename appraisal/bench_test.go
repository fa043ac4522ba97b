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
// six assignments of every purpose, indicators, sensitivity) on Delaware.
func BenchmarkRunDelaware(b *testing.B) {
	base, alts, zones, cfg := delawareStudy(b, 17, 27)
	b.ReportAllocs()
	b.ResetTimer()
	var r *Result
	for i := 0; i < b.N; i++ {
		var err error
		r, err = Run(base, alts, zones, cfg)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	t := r.Timing
	b.ReportMetric(float64(len(zones)), "zones")
	b.ReportMetric(t.Demand.Seconds(), "demand-s")
	b.ReportMetric(t.Assign.Seconds(), "assign-wall-s")
	b.ReportMetric(t.Search.Seconds(), "search-cpu-s")
	b.ReportMetric(t.Accumulate.Seconds(), "accumulate-cpu-s")
	b.ReportMetric(float64(r.Base.Searches), "searches/network")
	if testing.Verbose() {
		fmt.Printf("zones %d, searches per network %d, workers %d\n", len(zones), r.Base.Searches, r.Base.Workers)
		for _, a := range r.Alternatives {
			fmt.Printf("%-18s enpv %14.0f ebcr %6.3f eirr %7.4f %v veh-h/day %8.1f\n", a.Name, a.Indicators.ENPV, a.Indicators.EBCR, a.Indicators.EIRR, a.Indicators.EIRROK, a.Savings[0].VehHours)
		}
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
	var f *Flows
	for i := 0; i < b.N; i++ {
		f, err = Assign(&base, d, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(f.Stats.Search.Seconds()*1000, "search-cpu-ms")
	b.ReportMetric(f.Stats.Accumulate.Seconds()*1000, "accumulate-cpu-ms")
	b.ReportMetric(float64(f.Stats.Searches), "searches")
}
