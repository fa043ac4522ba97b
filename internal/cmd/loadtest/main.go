// Command loadtest drives a running `fastroad serve` with concurrent
// clients, each asking isochrones of random points on the served roads
// under random networks (base or alternatives) back to back, and prints
// latency percentiles, throughput, errors and the server's peak memory.
// It refuses any address but loopback.
//
//	go run ./internal/cmd/loadtest -url http://127.0.0.1:8080 -clients 50 -duration 30s -minutes 60 -pid PID
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server (loopback only)")
	clients := flag.Int("clients", 50, "concurrent clients (1 to 2000)")
	duration := flag.Duration("duration", 30*time.Second, "how long to run (at most 10m)")
	minutes := flag.String("minutes", "60", "bands asked for")
	pid := flag.Int("pid", 0, "server process id, for its peak memory (VmHWM); 0: not reported")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*base, *clients, *duration, *minutes, *pid, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(base string, clients int, duration time.Duration, minutes string, pid int, seed uint64) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-url %s: only loopback addresses", base)
	}
	if clients < 1 || clients > 2000 || duration <= 0 || duration > 10*time.Minute {
		return fmt.Errorf("-clients 1 to 2000 and -duration up to 10m")
	}
	var meta struct {
		Networks []string  `json:"networks"`
		Bounds   []float64 `json:"bounds"`
	}
	if err := getJSON(base+"/api/meta", &meta); err != nil {
		return err
	}
	// points: vertices of the served roads of the main classes
	var roads struct {
		Features []struct {
			Properties struct{ Class string }
			Geometry   struct{ Coordinates [][][2]float64 }
		}
	}
	b := meta.Bounds
	if err := getJSON(fmt.Sprintf("%s/api/roads?zoom=12&bbox=%g,%g,%g,%g", base, b[0], b[1], b[2], b[3]), &roads); err != nil {
		return err
	}
	var pts [][2]float64
	for _, f := range roads.Features {
		if strings.HasPrefix(f.Properties.Class, "motorway") {
			continue // no access from the mainline: a click there snaps farther
		}
		for _, l := range f.Geometry.Coordinates {
			pts = append(pts, l...)
		}
	}
	if len(pts) == 0 {
		return fmt.Errorf("no road points from %s", base)
	}
	// Keep 300 random points the server can place (a 1-minute population
	// query each): a road vertex on a small island of the network is a
	// fair 400, not a load figure.
	rng := rand.New(rand.NewPCG(seed, 0))
	var good [][2]float64
	for tries := 0; len(good) < 300 && tries < 3000; tries++ {
		p := pts[rng.IntN(len(pts))]
		resp, err := http.Get(fmt.Sprintf("%s/api/population?lon=%.6f&lat=%.6f&minutes=1", base, p[0], p[1]))
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			good = append(good, p)
		}
	}
	if len(good) == 0 {
		return fmt.Errorf("no road point of %s could be placed", base)
	}
	pts = good
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	type sample struct {
		d    time.Duration
		code int
	}
	results := make([][]sample, clients)
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	t0 := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			for time.Now().Before(stop) {
				p := pts[rng.IntN(len(pts))]
				net := meta.Networks[rng.IntN(len(meta.Networks))]
				q := fmt.Sprintf("%s/api/isochrone?lon=%.6f&lat=%.6f&minutes=%s&alternative=%s", base, p[0], p[1], minutes, url.QueryEscape(net))
				s := time.Now()
				resp, err := hc.Get(q)
				code := 0
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				results[c] = append(results[c], sample{time.Since(s), code})
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(t0)
	var lat []time.Duration
	codes := map[int]int{}
	for _, rs := range results {
		for _, r := range rs {
			lat = append(lat, r.d)
			codes[r.code]++
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	errs := len(lat) - codes[200]
	fmt.Printf("clients %d, %v, minutes %s, %d networks, %d random road points\n", clients, duration, minutes, len(meta.Networks), len(pts))
	fmt.Printf("requests %d, throughput %.1f/s, errors %d (status counts %v)\n", len(lat), float64(len(lat))/elapsed.Seconds(), errs, codes)
	fmt.Printf("latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.50).Round(time.Millisecond), pct(0.90).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	if pid > 0 {
		if hwm, err := peakKB(pid); err == nil {
			fmt.Printf("server peak memory (VmHWM) %.0f MiB\n", float64(hwm)/1024)
		} else {
			fmt.Printf("server peak memory: %v\n", err)
		}
	}
	return nil
}

func getJSON(u string, v any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: %d %s", u, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// peakKB reads VmHWM of a process (Linux).
func peakKB(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
