package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/scenarios"
	"github.com/fastroad/fastroad/study"
)

// testQuery is the hand-drawn study of testdata/study (Testville at
// 116.0,36.0 on a primary road east to Test Central at 116.1,36.0) with
// 1000 residents at Testville and 500 near the station end.
func testQuery(t testing.TB) *study.Query {
	t.Helper()
	open := func() (io.ReadCloser, error) { return os.Open("../../testdata/study/net.osm") }
	prof := osm.DefaultProfile()
	g, err := osm.Read(context.Background(), open, osm.Options{Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	feats, err := osm.ReadFeatures(context.Background(), open, osm.FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatal(err)
	}
	plan := places.Plan{DropDetected: []string{places.KindHSRStation}, Edits: []places.Edit{
		{Op: places.OpSet, Kind: places.KindHSRStation, ID: "node/102", Name: "Test Central", Lon: 116.1, Lat: 36.0003, HasPoint: true, Population: -1, Where: "test"},
	}}
	spec := scenarios.Study{
		Name:       "handler test",
		Targets:    scenarios.DefaultTargets(),
		Rank:       "mean_minutes_to_hsr",
		Isochrones: scenarios.Isochrones{Minutes: []float64{5, 10}, CellMetres: 200},
		Alternatives: []scenarios.Alternative{
			{Name: "faster", Description: "the primary road at 110 km/h", Edits: []scenarios.Edit{{Upgrade: &scenarios.Upgrade{Selector: scenarios.Selector{WayIDs: []int64{1, 2}}, SpeedKmh: 110}}}},
		},
	}
	in := study.Inputs{Path: "memory", Spec: spec, Base: scenarios.Network{Graph: g, Speeds: prof.Speeds}, Profile: prof, Features: feats, Plan: &plan,
		Population: []population.Source{{Name: "test", Points: []population.Point{{Lon: 116.0, Lat: 36.0, Pop: 1000}, {Lon: 116.09, Lat: 36.0, Pop: 500}}}}}
	s, err := study.Prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	q, err := study.NewQuery(s, study.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func testServer(t testing.TB, lim Limits) *Server {
	t.Helper()
	s, err := New(testQuery(t), lim, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t testing.TB, h http.Handler, url string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	return rec.Code, rec.Body.String(), rec.Header()
}

// TestBadParams: every bad or over-limit parameter gets its status and a
// JSON error naming the parameter; none gets a 500.
func TestBadParams(t *testing.T) {
	s := testServer(t, Limits{MaxMinutes: 60, MaxBands: 3, MaxSources: 2})
	ok := "lon=116.0&lat=36.0"
	for _, c := range []struct {
		url   string
		code  int
		param string
	}{
		{"/api/isochrone?lat=36", 400, "lon"},
		{"/api/isochrone?lon=116", 400, "lat"},
		{"/api/isochrone?lon=abc&lat=36", 400, "lon"},
		{"/api/isochrone?lon=NaN&lat=36", 400, "lon"},
		{"/api/isochrone?lon=Inf&lat=36", 400, "lon"},
		{"/api/isochrone?lon=181&lat=36", 400, "lon"},
		{"/api/isochrone?lon=116&lat=-91", 400, "lat"},
		{"/api/isochrone?lon=10&lat=10", 400, "lon,lat"}, // off the network
		{"/api/isochrone?" + ok + "&minutes=", 200, ""},  // empty: the study's bands
		{"/api/isochrone?" + ok + "&minutes=x", 400, "minutes"},
		{"/api/isochrone?" + ok + "&minutes=0", 400, "minutes"},
		{"/api/isochrone?" + ok + "&minutes=-5", 400, "minutes"},
		{"/api/isochrone?" + ok + "&minutes=10,5", 400, "minutes"},
		{"/api/isochrone?" + ok + "&minutes=NaN", 400, "minutes"},
		{"/api/isochrone?" + ok + "&minutes=61", 413, "minutes"},
		{"/api/isochrone?" + ok + "&minutes=1,2,3,4", 413, "minutes"},
		{"/api/isochrone?" + ok + "&direction=up", 400, "direction"},
		{"/api/isochrone?" + ok + "&alternative=nope", 400, "alternative"},
		{"/api/isochrone?" + ok + "&lang=fr", 400, "lang"},
		{"/api/isochrone?" + ok + "&colour=red", 400, "colour"},
		{"/api/isochrone?" + ok + "&lon=116.01", 400, "lon"},
		{"/api/isochrone?points=116,36,116.05,36,116.1,36", 413, "points"},
		{"/api/isochrone?points=116,36,x", 400, "points"},
		{"/api/isochrone?points=116,36&lon=116", 400, "points"},
		{"/api/diff?" + ok, 400, "alternative"},
		{"/api/diff?" + ok + "&alternative=base", 400, "alternative"},
		{"/api/population?" + ok + "&minutes=5,5", 400, "minutes"},
		{"/api/access?format=xml", 400, "format"},
		{"/api/access?table=people", 400, "table"},
		{"/api/roads?zoom=30&bbox=0,0,1,1", 400, "zoom"},
		{"/api/roads?zoom=10&bbox=0,0,1", 400, "bbox"},
		{"/api/roads?zoom=10&bbox=1,0,0,1", 400, "bbox"},
		{"/api/places?alternative=x", 400, "alternative"},
		{"/api/meta?x=1", 400, "x"},
		{"/api/isochrone?" + ok + "&q=" + strings.Repeat("a", 5000), 413, ""},
	} {
		code, body, hdr := get(t, s, c.url)
		if code != c.code {
			t.Errorf("%.80s: got %d want %d (%s)", c.url, code, c.code, body)
			continue
		}
		if code == 200 {
			continue
		}
		var e apiError
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
			t.Errorf("%.80s: body %q is not a JSON error", c.url, body)
		}
		if e.Parameter != c.param {
			t.Errorf("%.80s: got parameter %q want %q (%s)", c.url, e.Parameter, c.param, e.Error)
		}
		if ct := hdr.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%.80s: content type %q", c.url, ct)
		}
	}
	// a body or another method
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/isochrone?"+ok, strings.NewReader("x")))
	if rec.Code != 405 {
		t.Errorf("POST: got %d want 405", rec.Code)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/api/isochrone?"+ok, strings.NewReader("x")))
	if rec.Code != 413 {
		t.Errorf("GET with a body: got %d want 413", rec.Code)
	}
}

// TestAnswers: the isochrone is the GeoJSON the isochrone command writes
// with residents per band (hand-worked in study.TestQueryIsochrone: 1000
// within 7 min, 1500 within 12), the difference has both networks' bands
// and the gains, the tables come as JSON and CSV.
func TestAnswers(t *testing.T) {
	s := testServer(t, Limits{})
	code, body, hdr := get(t, s, "/api/isochrone?lon=116.0&lat=36.0&minutes=7,12")
	if code != 200 || hdr.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("isochrone: %d %s", code, body)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 2 {
		t.Fatalf("got %d features want 2", len(fc.Features))
	}
	for i, want := range []float64{1000, 1500} {
		if got := fc.Features[i].Properties["residents"]; got != want {
			t.Errorf("band %d residents: got %v want %v", i, got, want)
		}
	}
	if towns := fc.Features[0].Properties["towns"]; towns == nil {
		t.Errorf("band 0: no towns (Testville lies inside)")
	}

	code, body, _ = get(t, s, "/api/diff?lon=116.0&lat=36.0&minutes=7,12&alternative=faster")
	if code != 200 {
		t.Fatalf("diff: %d %s", code, body)
	}
	layers := map[string]int{}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		layers[f.Properties["layer"].(string)]++
		if g := f.Properties["gainers"]; g != 500.0 {
			t.Errorf("gainers: got %v want 500", g)
		}
	}
	if layers["base"] != 2 || layers["alternative"] != 2 || layers["gain"] != 3 {
		t.Errorf("diff layers %v: want 2 base, 2 alternative, 3 gain", layers)
	}

	code, body, _ = get(t, s, "/api/population?lon=116.0&lat=36.0&minutes=7,12&alternative=faster")
	if code != 200 || !strings.Contains(body, `"residents":[1500,1500]`) {
		t.Errorf("population: %d %s: want residents [1500,1500]", code, body)
	}
	code, body, _ = get(t, s, "/api/access?alternative=faster")
	if code != 200 || !strings.Contains(body, `"name":"Testville"`) || !strings.Contains(body, `"area":"all"`) {
		t.Errorf("access: %d %s", code, body)
	}
	code, body, hdr = get(t, s, "/api/access?format=csv&table=towns")
	if code != 200 || !strings.HasPrefix(body, "id,name,population,") || !strings.Contains(hdr.Get("Content-Disposition"), "base-towns.csv") {
		t.Errorf("access csv: %d %s %v", code, body, hdr)
	}
	for _, u := range []string{"/", "/app.js", "/leaflet/leaflet.js", "/leaflet/LICENSE", "/api/meta", "/api/alternatives", "/api/ui?lang=zh",
		"/api/places?lang=zh", "/api/edits?alternative=faster", "/api/controls", "/api/roads?zoom=12&bbox=115,35,117,37",
		"/api/isochrone?points=116,36,116.1,36&direction=to"} {
		if code, body, _ := get(t, s, u); code != 200 {
			t.Errorf("%s: %d %s", u, code, body)
		}
	}
	if _, body, _ := get(t, s, "/api/ui?lang=zh"); !strings.Contains(body, "方案") {
		t.Errorf("ui zh: %s", body)
	}
}

// TestBusy: with every worker and queue place taken, a query gets 429 at
// once with Retry-After; a panic becomes a JSON 500.
func TestBusy(t *testing.T) {
	s := testServer(t, Limits{Workers: 1, MaxQueue: 1})
	s.queue <- struct{}{}
	s.queue <- struct{}{}
	code, body, hdr := get(t, s, "/api/isochrone?lon=116&lat=36")
	if code != 429 || hdr.Get("Retry-After") == "" {
		t.Errorf("busy: got %d %s want 429 with Retry-After", code, body)
	}
	<-s.queue
	<-s.queue
	s.mux.HandleFunc("GET /test-panic", func(http.ResponseWriter, *http.Request) { panic("test") })
	if code, body, _ := get(t, s, "/test-panic"); code != 500 || !strings.Contains(body, "internal error") {
		t.Errorf("panic: got %d %s want 500", code, body)
	}
}

// TestTimeout: a query that waits past RequestTimeout for a worker gets
// 429 (overloaded).
func TestTimeout(t *testing.T) {
	s := testServer(t, Limits{Workers: 1, RequestTimeout: 100_000_000})
	s.slots <- struct{}{} // the only worker is busy
	code, body, _ := get(t, s, "/api/isochrone?lon=116&lat=36")
	<-s.slots
	if code != 429 {
		t.Errorf("got %d %s want 429", code, body)
	}
}

// TestConcurrent: many queries at once over all networks (run with -race).
func TestConcurrent(t *testing.T) {
	s := testServer(t, Limits{Workers: 2})
	srv := httptest.NewServer(s)
	defer srv.Close()
	var wg sync.WaitGroup
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			u := srv.URL + []string{"/api/isochrone?lon=116&lat=36", "/api/diff?lon=116&lat=36&alternative=faster",
				"/api/population?lon=116.05&lat=36&direction=to&alternative=faster", "/api/access?alternative=faster"}[i%4]
			resp, err := http.Get(u)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d %s", u, resp.StatusCode, b)
			}
		}(i)
	}
	wg.Wait()
}

func TestLimitsValidate(t *testing.T) {
	for _, l := range []Limits{{MaxMinutes: 241}, {MaxMinutes: -1}, {MaxBands: 33}, {Workers: -1}, {MaxCells: 10}, {MaxQueue: -1}, {RequestTimeout: 1}} {
		if err := l.Validate(); err == nil {
			t.Errorf("%+v: got no error", l)
		}
	}
	l := Limits{}
	if err := l.Validate(); err != nil || l.MaxMinutes != 120 {
		t.Errorf("defaults: %+v %v", l, err)
	}
}

// TestCache: a repeated question is answered from the cache, byte for
// byte, without a worker; the cache forgets the least recently used
// answer first once over its bytes.
func TestCache(t *testing.T) {
	s := testServer(t, Limits{Workers: 1})
	u := "/api/isochrone?lon=116.0&lat=36.0&minutes=5,10"
	code, first, _ := get(t, s, u)
	if code != 200 {
		t.Fatalf("%d %s", code, first)
	}
	s.slots <- struct{}{} // no worker free: only the cache can answer
	code, again, _ := get(t, s, "/api/isochrone?minutes=5,10&lat=36.0&lon=116.0")
	<-s.slots
	if code != 200 || again != first {
		t.Errorf("cached answer: %d, same bytes %v", code, again == first)
	}

	c := newCache(100)
	c.put("a", make([]byte, 20), "x")
	c.put("b", make([]byte, 20), "x")
	c.get("a") // a is now the most recent
	for _, k := range []string{"c", "d", "e", "f"} {
		c.put(k, make([]byte, 20), "x")
	}
	if _, _, ok := c.get("b"); ok {
		t.Error("b (least recently used) still cached")
	}
	if _, _, ok := c.get("a"); !ok {
		t.Error("a (recently used) evicted")
	}
	if c.size > 100 {
		t.Errorf("size %d over 100", c.size)
	}
	c.put("big", make([]byte, 26), "x") // over a quarter of the cache: not kept
	if _, _, ok := c.get("big"); ok {
		t.Error("an answer over a quarter of the cache was kept")
	}
}
