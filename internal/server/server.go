package server

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"math"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/study"
)

//go:embed web
var webFS embed.FS

// Limits cap what one request may ask and how many run at once. Zero
// values take the defaults (DefaultLimits).
type Limits struct {
	MaxMinutes     float64       // largest band, minutes (default 120; at most 240)
	MaxBands       int           // bands per request (default 8)
	MaxSources     int           // points of one multi-source isochrone (default 16)
	MaxCells       int           // grid cells of one isochrone (default 4,000,000)
	MaxQueryBytes  int           // length of a request's URL query (default 4096)
	Workers        int           // queries computed at once (default GOMAXPROCS)
	MaxQueue       int           // queries waiting for a worker; more get 429 (default 256)
	CacheBytes     int64         // answers kept for repeated questions (default 64 MiB; negative: none)
	RequestTimeout time.Duration // longest wait for a worker (then 429) and longest compute (then 503) of one query (default 20 s)
}

// DefaultLimits are the limits a zero Limits takes.
func DefaultLimits() Limits {
	return Limits{CacheBytes: 64 << 20, MaxMinutes: 120, MaxBands: 8, MaxSources: 16, MaxCells: 4_000_000, MaxQueryBytes: 4096,
		Workers: runtime.GOMAXPROCS(0), MaxQueue: 256, RequestTimeout: 20 * time.Second}
}

// Validate fills the defaults and refuses values out of range, naming the
// field and the range.
func (l *Limits) Validate() error {
	d := DefaultLimits()
	if l.MaxMinutes == 0 {
		l.MaxMinutes = d.MaxMinutes
	}
	if l.MaxBands == 0 {
		l.MaxBands = d.MaxBands
	}
	if l.MaxSources == 0 {
		l.MaxSources = d.MaxSources
	}
	if l.MaxCells == 0 {
		l.MaxCells = d.MaxCells
	}
	if l.MaxQueryBytes == 0 {
		l.MaxQueryBytes = d.MaxQueryBytes
	}
	if l.Workers == 0 {
		l.Workers = d.Workers
	}
	if l.MaxQueue == 0 {
		l.MaxQueue = d.MaxQueue
	}
	if l.RequestTimeout == 0 {
		l.RequestTimeout = d.RequestTimeout
	}
	if l.CacheBytes == 0 {
		l.CacheBytes = d.CacheBytes
	}
	switch {
	case !(l.MaxMinutes > 0 && l.MaxMinutes <= 240):
		return fmt.Errorf("max minutes %v: want 0 < minutes <= 240", l.MaxMinutes)
	case l.MaxBands < 1 || l.MaxBands > 32:
		return fmt.Errorf("max bands %d: want 1 to 32", l.MaxBands)
	case l.MaxSources < 1 || l.MaxSources > 10000:
		return fmt.Errorf("max sources %d: want 1 to 10000", l.MaxSources)
	case l.MaxCells < 1000 || l.MaxCells > isochrone.MaxCells:
		return fmt.Errorf("max cells %d: want 1000 to %d", l.MaxCells, isochrone.MaxCells)
	case l.MaxQueryBytes < 256 || l.MaxQueryBytes > 1<<20:
		return fmt.Errorf("max query bytes %d: want 256 to %d", l.MaxQueryBytes, 1<<20)
	case l.Workers < 1 || l.Workers > 1024:
		return fmt.Errorf("workers %d: want 1 to 1024", l.Workers)
	case l.MaxQueue < 0 || l.MaxQueue > 100000:
		return fmt.Errorf("max queue %d: want 0 to 100000", l.MaxQueue)
	case l.CacheBytes > 16<<30:
		return fmt.Errorf("cache bytes %d: want at most 16 GiB", l.CacheBytes)
	case l.RequestTimeout < 100*time.Millisecond || l.RequestTimeout > 10*time.Minute:
		return fmt.Errorf("request timeout %v: want 100ms to 10m", l.RequestTimeout)
	}
	return nil
}

// Server answers the page and the JSON API over one study.
type Server struct {
	q      *study.Query
	lim    Limits
	slots  chan struct{} // one token per worker
	queue  chan struct{} // one token per waiting or running query
	mux    *http.ServeMux
	roads  *roadIndex
	cache  *cache
	logf   func(format string, args ...any)
	static fs.FS
}

// New returns a server over q. logf receives one line per recovered panic
// (nil: the standard logger).
func New(q *study.Query, lim Limits, logf func(format string, args ...any)) (*Server, error) {
	if err := lim.Validate(); err != nil {
		return nil, err
	}
	if logf == nil {
		logf = log.Printf
	}
	sub, err := fs.Sub(webFS, "web")
	if err != nil {
		return nil, err
	}
	s := &Server{q: q, lim: lim, slots: make(chan struct{}, lim.Workers), queue: make(chan struct{}, lim.Workers+lim.MaxQueue),
		mux: http.NewServeMux(), logf: logf, static: sub}
	s.roads = newRoadIndex(q.Study().Base.Graph)
	s.cache = newCache(lim.CacheBytes)
	s.mux.Handle("GET /", http.FileServerFS(sub))
	s.mux.HandleFunc("GET /api/meta", s.meta)
	s.mux.HandleFunc("GET /api/ui", s.ui)
	s.mux.HandleFunc("GET /api/alternatives", s.alternatives)
	s.mux.HandleFunc("GET /api/places", s.placesGeoJSON)
	s.mux.HandleFunc("GET /api/roads", s.roadsGeoJSON)
	s.mux.HandleFunc("GET /api/edits", s.editsGeoJSON)
	s.mux.HandleFunc("GET /api/controls", s.controlsGeoJSON)
	s.mux.HandleFunc("GET /api/isochrone", s.isochrone)
	s.mux.HandleFunc("GET /api/diff", s.diff)
	s.mux.HandleFunc("GET /api/population", s.population)
	s.mux.HandleFunc("GET /api/access", s.access)
	return s, nil
}

// ServeHTTP applies the request-size cap and turns panics into a JSON
// error, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logf("serve: panic on %s: %v\n%s", r.URL.RequestURI(), v, debug.Stack())
			writeError(w, http.StatusInternalServerError, "", "internal error (logged)")
		}
	}()
	if len(r.URL.RawQuery) > s.lim.MaxQueryBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("query of %d bytes: at most %d", len(r.URL.RawQuery), s.lim.MaxQueryBytes))
		return
	}
	if r.ContentLength > 0 || r.Method != http.MethodGet && r.Method != http.MethodHead {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, http.StatusMethodNotAllowed, "", r.Method+": only GET")
			return
		}
		writeError(w, http.StatusRequestEntityTooLarge, "", "request body: none accepted")
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// Server timeouts for http.Server: a slow client cannot hold a connection
// (and queries never wait on the client: answers are computed into memory
// and the worker released before writing).
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 16 << 10
)

// HTTPServer wraps h in an http.Server with the timeouts above.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: MaxHeaderBytes}
}

// apiError is the JSON body of every error.
type apiError struct {
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
}

func writeError(w http.ResponseWriter, code int, param, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(apiError{Error: msg, Parameter: param})
}

// paramError is a bad or over-limit parameter.
type paramError struct {
	code  int
	param string
	msg   string
}

func (e *paramError) Error() string { return e.param + ": " + e.msg }

func bad(param, format string, args ...any) error {
	return &paramError{http.StatusBadRequest, param, fmt.Sprintf(format, args...)}
}

func tooLarge(param, format string, args ...any) error {
	return &paramError{http.StatusRequestEntityTooLarge, param, fmt.Sprintf(format, args...)}
}

// fail writes err with its status: parameter errors as given, a point off
// the network 400 (lon/lat), an unknown alternative 400, a grid over the
// cap 413, a busy server 429, a query over its time 503.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var pe *paramError
	var bp study.BadPointError
	var ce study.ConfigError
	var tl *isochrone.GridTooLargeError
	switch {
	case errors.As(err, &pe):
		writeError(w, pe.code, pe.param, pe.msg)
	case errors.As(err, &bp):
		writeError(w, http.StatusBadRequest, "lon,lat", bp.Error())
	case errors.As(err, &ce):
		writeError(w, http.StatusBadRequest, "alternative", ce.Error())
	case errors.As(err, &tl):
		writeError(w, http.StatusRequestEntityTooLarge, "minutes", fmt.Sprintf("the grid would have %d x %d cells, over the cap of %d: ask for fewer minutes", tl.W, tl.H, s.lim.MaxCells))
	case errors.Is(err, errBusy):
		writeError(w, http.StatusTooManyRequests, "", "too many queries waiting: retry shortly")
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "", fmt.Sprintf("the query took longer than %v: retry or ask for fewer minutes", s.lim.RequestTimeout))
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "", "request cancelled")
	default:
		writeError(w, http.StatusUnprocessableEntity, "", err.Error())
	}
}

var errBusy = errors.New("server busy")

// work runs f on a worker slot. Over Workers+MaxQueue queries at once it
// fails at once with errBusy (429); a query that waits for a worker longer
// than RequestTimeout fails with errBusy too (the server is overloaded:
// 429); once it has a worker, f gets RequestTimeout of its own and one
// computing longer fails with context.DeadlineExceeded (503).
func (s *Server) work(r *http.Request, f func(ctx context.Context) error) error {
	select {
	case s.queue <- struct{}{}:
	default:
		return errBusy
	}
	defer func() { <-s.queue }()
	wait := time.NewTimer(s.lim.RequestTimeout)
	defer wait.Stop()
	select {
	case s.slots <- struct{}{}:
	case <-r.Context().Done():
		return r.Context().Err() // the client went away
	case <-wait.C:
		return fmt.Errorf("waited %v for a worker: %w", s.lim.RequestTimeout, errBusy)
	}
	defer func() { <-s.slots }()
	ctx, cancel := context.WithTimeout(r.Context(), s.lim.RequestTimeout)
	defer cancel()
	return f(ctx)
}

// params checks that r has only the allowed query keys, each once.
func params(r *http.Request, allowed ...string) error {
	for k, v := range r.URL.Query() {
		if !slices.Contains(allowed, k) {
			return bad(k, "unknown parameter (allowed: %s)", strings.Join(allowed, ", "))
		}
		if len(v) > 1 {
			return bad(k, "given %d times", len(v))
		}
	}
	return nil
}

// number parses a finite float parameter in [lo, hi].
func number(r *http.Request, key string, lo, hi float64) (float64, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return 0, bad(key, "missing")
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, bad(key, "%q is not a number", v)
	}
	if x < lo || x > hi {
		return 0, bad(key, "%v: want %v to %v", x, lo, hi)
	}
	return x, nil
}

// point reads lon and lat.
func point(r *http.Request) (graph.Point, error) {
	lon, err := number(r, "lon", -180, 180)
	if err != nil {
		return graph.Point{}, err
	}
	lat, err := number(r, "lat", -90, 90)
	if err != nil {
		return graph.Point{}, err
	}
	return graph.Point{Lon: lon, Lat: lat}, nil
}

// points reads lon and lat, or points=LON,LAT,LON,LAT,... (multi-source:
// the isochrone of the nearest of them).
func (s *Server) points(r *http.Request) ([]graph.Point, error) {
	raw := r.URL.Query().Get("points")
	if raw == "" {
		p, err := point(r)
		return []graph.Point{p}, err
	}
	if r.URL.Query().Has("lon") || r.URL.Query().Has("lat") {
		return nil, bad("points", "give lon and lat or points, not both")
	}
	parts := strings.Split(raw, ",")
	if len(parts)%2 != 0 {
		return nil, bad("points", "%d numbers: want LON,LAT pairs", len(parts))
	}
	if len(parts)/2 > s.lim.MaxSources {
		return nil, tooLarge("points", "%d points: at most %d", len(parts)/2, s.lim.MaxSources)
	}
	var out []graph.Point
	for k := 0; k < len(parts); k += 2 {
		lon, err1 := strconv.ParseFloat(strings.TrimSpace(parts[k]), 64)
		lat, err2 := strconv.ParseFloat(strings.TrimSpace(parts[k+1]), 64)
		if err1 != nil || err2 != nil || !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) {
			return nil, bad("points", "point %d %q,%q: want LON,LAT in WGS-84 degrees", k/2+1, parts[k], parts[k+1])
		}
		out = append(out, graph.Point{Lon: lon, Lat: lat})
	}
	return out, nil
}

// minutes reads minutes=15,30 (default: the study's bands up to MaxMinutes).
func (s *Server) minutes(r *http.Request) ([]float64, error) {
	v := r.URL.Query().Get("minutes")
	if v == "" {
		var out []float64
		for _, m := range s.q.Study().Spec.Isochrones.Minutes {
			if m <= s.lim.MaxMinutes {
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			out = []float64{s.lim.MaxMinutes}
		}
		return out, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) > s.lim.MaxBands {
		return nil, tooLarge("minutes", "%d bands: at most %d", len(parts), s.lim.MaxBands)
	}
	var out []float64
	for _, p := range parts {
		m, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(m) || math.IsInf(m, 0) {
			return nil, bad("minutes", "%q is not a number", p)
		}
		if !(m > 0) {
			return nil, bad("minutes", "%v: want more than 0", m)
		}
		if m > s.lim.MaxMinutes {
			return nil, tooLarge("minutes", "%v: at most %v (the server's --max-minutes)", m, s.lim.MaxMinutes)
		}
		if len(out) > 0 && m <= out[len(out)-1] {
			return nil, bad("minutes", "%v after %v: minutes must increase", m, out[len(out)-1])
		}
		out = append(out, m)
	}
	return out, nil
}

func direction(r *http.Request) (graph.Direction, error) {
	switch v := r.URL.Query().Get("direction"); v {
	case "", "from":
		return graph.Outbound, nil
	case "to":
		return graph.Inbound, nil
	default:
		return 0, bad("direction", "%q: want from or to", v)
	}
}

// network reads alternative= (default base) and checks the name.
func (s *Server) network(r *http.Request) (string, error) {
	name := r.URL.Query().Get("alternative")
	if name == "" {
		return "base", nil
	}
	for _, n := range s.q.Networks() {
		if n.Name == name {
			return name, nil
		}
	}
	var names []string
	for _, n := range s.q.Networks() {
		names = append(names, n.Name)
	}
	return "", bad("alternative", "%q: no such alternative (have: %s)", name, strings.Join(names, ", "))
}

func lang(r *http.Request) (i18n.Lang, error) {
	v := r.URL.Query().Get("lang")
	if v == "" {
		return i18n.EN, nil
	}
	l, err := i18n.ParseLang(v)
	if err != nil {
		return "", bad("lang", "%v", err)
	}
	return l, nil
}

// writeBody sends a body computed beforehand.
func writeBody(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "", "encode: "+err.Error())
		return
	}
	writeBody(w, "application/json", buf.Bytes())
}

// finite turns NaN and infinities into nil for JSON.
func finite(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}
