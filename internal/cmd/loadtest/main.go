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
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server (loopback only)")
	clients := flag.Int("clients", 50, "concurrent clients (1 to 2000)")
	duration := flag.Duration("duration", 30*time.Second, "how long to run (at most 10m)")
	minutes := flag.String("minutes", "60", "bands asked for")
	pid := flag.Int("pid", 0, "server process id, for its peak memory (VmHWM); 0: not reported")
	seed := flag.Uint64("seed", 1, "random seed")
	jitter := flag.Float64("jitter", 250, "each request's point moves up to this many metres from its road point, so that no two questions are alike (0 to 1000)")
	flag.Parse()
	if *jitter < 0 || *jitter > 1000 {
		fmt.Fprintln(os.Stderr, "loadtest: -jitter: want 0 to 1000 metres")
		os.Exit(2)
	}
	if err := run(*base, *clients, *duration, *minutes, *pid, *seed, *jitter); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(base string, clients int, duration time.Duration, minutes string, pid int, seed uint64, jitter float64) error {
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
	cpu0, _ := cpuSeconds(pid)
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
				// a random point within jitter metres of the road point
				r, a := jitter*math.Sqrt(rng.Float64()), 2*math.Pi*rng.Float64()
				p[0] += r * math.Cos(a) / (111320 * math.Cos(p[1]*math.Pi/180))
				p[1] += r * math.Sin(a) / 110574
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
	cpu1, cpuErr := cpuSeconds(pid)
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
	fmt.Printf("clients %d, %v, minutes %s, %d networks, %d random road points moved up to %g m\n", clients, duration, minutes, len(meta.Networks), len(pts), jitter)
	fmt.Printf("requests %d, throughput %.1f/s, errors %d (status counts %v)\n", len(lat), float64(len(lat))/elapsed.Seconds(), errs, codes)
	fmt.Printf("latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.50).Round(time.Millisecond), pct(0.90).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		self := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		fmt.Printf("load generator CPU %.1f s (%.2f ms a request)\n", self.Seconds(), self.Seconds()*1000/float64(len(lat)))
	}
	if pid > 0 {
		if cpuErr == nil {
			fmt.Printf("server CPU during the run %.1f s (%.2f ms a request)\n", cpu1-cpu0, (cpu1-cpu0)*1000/float64(len(lat)))
		}
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

// cpuSeconds reads a process's user and system CPU time (Linux, clock
// ticks of 1/100 s, the kernel's USER_HZ).
func cpuSeconds(pid int) (float64, error) {
	if pid <= 0 {
		return 0, fmt.Errorf("no pid")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// fields after the command name in parentheses: state is field 3,
	// utime 14 and stime 15
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	return (u + st) / 100, nil
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
