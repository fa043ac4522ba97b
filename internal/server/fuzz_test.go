package server

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzQuery sends arbitrary query strings to every query endpoint: no
// answer is a 500, and every error is a JSON error.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"lon=116&lat=36", "lon=116&lat=36&minutes=5,10", "lon=116&lat=36&minutes=5,10&direction=to&alternative=faster",
		"points=116,36,116.1,36&minutes=5", "lon=1e308&lat=-0", "minutes=,,&lon=&lat=", "zoom=3&bbox=115,35,117,37",
		"alternative=faster&format=csv&table=areas", "lang=zh-CN", "lon=116&lat=36&minutes=0x10",
	} {
		f.Add(seed)
	}
	s := testServer(f, Limits{MaxMinutes: 30, Workers: 2})
	paths := []string{"/api/isochrone", "/api/diff", "/api/population", "/api/access", "/api/roads", "/api/places", "/api/meta"}
	f.Fuzz(func(t *testing.T, q string) {
		for _, p := range paths {
			u := &url.URL{Path: p, RawQuery: q}
			req := httptest.NewRequest("GET", "/", nil)
			req.URL = u
			req.RequestURI = u.RequestURI()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code >= 500 && rec.Code != 503 {
				t.Fatalf("%s?%s: %d %s", p, q, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var e apiError
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
					t.Fatalf("%s?%s: %d, body %q is not a JSON error", p, q, rec.Code, rec.Body)
				}
			}
		}
	})
}
