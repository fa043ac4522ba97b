package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ErrNoBrowser is returned by Load when no Chromium is installed.
var ErrNoBrowser = errors.New("chromium not found: apt-get install chromium, or run .ci/run which installs it")

// Options set how a page is loaded. The zero value is usable.
type Options struct {
	Width, Height int           // viewport, default 1280 × 900 CSS pixels
	Timeout       time.Duration // for the whole load, default 60 s
	Screenshot    bool          // take a full-page PNG screenshot
	// UserDataDir is the browser profile folder for the package-level Load;
	// default a new temporary folder, removed afterwards.
	UserDataDir string
	// Do, when set, runs in the page's tab once it has loaded, before the
	// checks and the screenshot: a test's clicks and waits (chromedp
	// actions on ctx). Its error fails Load.
	Do func(ctx context.Context) error
}

// Result is what loading a page found.
type Result struct {
	URL           string
	ConsoleErrors []string // console.error calls, uncaught exceptions, browser log errors
	FailedLoads   []string // requests that failed or got HTTP status >= 400
	Blocked       []string // requests to another host, refused
	BrokenImages  []string // <img> elements with naturalWidth 0 after load
	Images        int      // <img> elements on the page
	Screenshot    []byte   // PNG, when asked for
}

// Problems lists everything that should fail a test, one line each.
func (r *Result) Problems() []string {
	var out []string
	for _, s := range r.ConsoleErrors {
		out = append(out, "console error: "+s)
	}
	for _, s := range r.FailedLoads {
		out = append(out, "failed request: "+s)
	}
	for _, s := range r.Blocked {
		out = append(out, "request leaving the machine (blocked): "+s)
	}
	for _, s := range r.BrokenImages {
		out = append(out, "image not decoded: "+s)
	}
	return out
}

// FindBrowser returns the path of an installed Chromium or Chrome.
func FindBrowser() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return "", ErrNoBrowser
}

// Local reports whether a request URL stays on this machine: http(s) and
// ws(s) to localhost, 127.0.0.0/8 or ::1, or a file, data, blob or about URL.
func Local(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "file", "data", "blob", "about":
		return true
	case "http", "https", "ws", "wss":
	default:
		return false
	}
	h := strings.ToLower(u.Hostname())
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// brokenImagesJS lists the images that did not decode.
const brokenImagesJS = `(() => {
  const all = Array.from(document.images);
  return {n: all.length, broken: all.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.currentSrc || i.src || '<img without src>').slice(0, 200))};
})()`

type imageCheck struct {
	N      int      `json:"n"`
	Broken []string `json:"broken"`
}

// syncMark is logged once the checks ran; when the listener sees it, every
// earlier event has been seen too.
const syncMark = "browsertest: sync 5f1c"

// Browser is a running headless browser; each Load opens a new tab in it.
// It is safe for concurrent use.
type Browser struct {
	ctx    context.Context // the first tab's chromedp context
	cancel func()
	dir    string // profile folder to remove, if ours
}

// Start starts a headless browser. Close it when done. userDataDir is the
// profile folder; "" makes a temporary one, removed by Close.
func Start(userDataDir string) (*Browser, error) {
	exe, err := FindBrowser()
	if err != nil {
		return nil, err
	}
	b := &Browser{}
	dir := userDataDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "browsertest-profile-"); err != nil {
			return nil, fmt.Errorf("start browser: %w", err)
		}
		b.dir = dir
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("no-default-browser-check", true),
		// No name resolves but localhost: a request that escaped the
		// interception still cannot leave the machine.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(dir),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	b.ctx = ctx
	b.cancel = func() { cancelTab(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("start browser %s: %w", exe, err)
	}
	return b, nil
}

// Close stops the browser and removes its temporary profile.
func (b *Browser) Close() {
	b.cancel()
	if b.dir != "" {
		removeAll(b.dir)
	}
}

// Load opens url in a fresh headless browser and reports what it found; see
// Browser.Load.
func Load(ctx context.Context, rawURL string, o Options) (*Result, error) {
	b, err := Start(o.UserDataDir)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.Load(ctx, rawURL, o)
}

// Load opens url in a new tab and reports what it found. It returns an error
// only when the page could not be loaded or checked at all.
func (b *Browser) Load(ctx context.Context, rawURL string, o Options) (*Result, error) {
	if o.Width <= 0 {
		o.Width = 1280
	}
	if o.Height <= 0 {
		o.Height = 900
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	tctx, cancelTab := chromedp.NewContext(b.ctx)
	defer cancelTab()
	stop := context.AfterFunc(ctx, cancelTab)
	defer stop()
	timer := time.AfterFunc(o.Timeout, cancelTab)
	defer timer.Stop()
	ctx = tctx
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(int64(o.Width), int64(o.Height))); err != nil {
		return nil, fmt.Errorf("load %s: %w", rawURL, err)
	}
	var err error

	res := &Result{URL: rawURL}
	var mu sync.Mutex
	synced := make(chan struct{})
	var syncOnce sync.Once
	failedIDs := map[network.RequestID]string{}
	urls := map[network.RequestID]string{}
	paused := make(chan *fetch.EventRequestPaused, 256)
	done := make(chan struct{})

	record := func(list *[]string, s string) {
		mu.Lock()
		*list = append(*list, s)
		mu.Unlock()
	}
	err = chromedp.Listen(tctx, func(ev any) {
		switch ev := ev.(type) {
		case *fetch.EventRequestPaused:
			select {
			case paused <- ev:
			default:
				go func() { // the listener must not block
					select {
					case paused <- ev:
					case <-done:
					}
				}()
			}
		case *network.EventRequestWillBeSent:
			mu.Lock()
			urls[ev.RequestID] = ev.Request.URL
			mu.Unlock()
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 && !isFavicon(ev.Response.URL) {
				mu.Lock()
				failedIDs[ev.RequestID] = ev.Response.URL
				res.FailedLoads = append(res.FailedLoads, fmt.Sprintf("%s: HTTP %d", ev.Response.URL, ev.Response.Status))
				mu.Unlock()
			}
		case *network.EventLoadingFailed:
			mu.Lock()
			u := urls[ev.RequestID]
			_, dup := failedIDs[ev.RequestID]
			mu.Unlock()
			if dup || isFavicon(u) || ev.BlockedReason != "" || ev.ErrorText == "net::ERR_BLOCKED_BY_CLIENT" {
				return // blocked requests are in Blocked
			}
			if ev.Canceled {
				return
			}
			record(&res.FailedLoads, fmt.Sprintf("%s: %s", u, ev.ErrorText))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeDebug && len(ev.Args) == 1 && strings.Contains(string(ev.Args[0].Value), syncMark) {
				syncOnce.Do(func() { close(synced) })
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				record(&res.ConsoleErrors, consoleText(ev))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			record(&res.ConsoleErrors, fmt.Sprintf("%s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1))
		case *cdplog.EventEntryAdded:
			if e := ev.Entry; e.Level == cdplog.EntryLevelError {
				if isFavicon(e.URL) {
					return
				}
				// Blocked and failed requests are reported once, above.
				if e.Source == cdplog.EntrySourceNetwork {
					return
				}
				record(&res.ConsoleErrors, fmt.Sprintf("%s: %s (%s)", e.Source, e.Text, e.URL))
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: start browser: %w", rawURL, err)
	}
	// Answer paused requests: local ones go on, others fail.
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case ev := <-paused:
				if Local(ev.Request.URL) {
					_, _ = chromedp.Call(tctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
					continue
				}
				record(&res.Blocked, ev.Request.URL)
				_, _ = chromedp.Call(tctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
		}
	})
	defer func() { close(done); wg.Wait() }()

	if _, err := chromedp.Call(tctx, fetch.Enable, fetch.EnableParams{}); err != nil {
		return nil, fmt.Errorf("load %s: intercept requests: %w", rawURL, err)
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(rawURL)); err != nil {
		return nil, fmt.Errorf("load %s: %w", rawURL, err)
	}
	if o.Do != nil {
		if err := o.Do(tctx); err != nil {
			return nil, fmt.Errorf("load %s: %w", rawURL, err)
		}
	}
	img, err := chromedp.Run(tctx, chromedp.Evaluate[imageCheck](brokenImagesJS))
	if err != nil {
		return nil, fmt.Errorf("load %s: check images: %w", rawURL, err)
	}
	res.Images = img.N
	res.BrokenImages = img.Broken
	if o.Screenshot {
		png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			return nil, fmt.Errorf("load %s: screenshot: %w", rawURL, err)
		}
		res.Screenshot = png
	}
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[cdp.Empty](`console.debug(`+"`"+syncMark+"`"+`), ({})`)); err != nil {
		return nil, fmt.Errorf("load %s: %w", rawURL, err)
	}
	select {
	case <-synced:
	case <-ctx.Done():
		return nil, fmt.Errorf("load %s: waiting for the browser's events: %w", rawURL, ctx.Err())
	}
	mu.Lock()
	defer mu.Unlock()
	return res, nil
}

func isFavicon(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Path == "/favicon.ico"
}

func consoleText(ev *runtime.EventConsoleAPICalled) string {
	var parts []string
	for _, a := range ev.Args {
		switch {
		case len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	where := ""
	if ev.StackTrace != nil && len(ev.StackTrace.CallFrames) > 0 {
		f := ev.StackTrace.CallFrames[0]
		where = fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
	}
	return strings.Join(parts, " ") + where
}

// removeAll removes a browser profile; Chromium's helpers may still write
// into it for a moment after the browser stops.
func removeAll(dir string) {
	for range 20 {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Open loads url in a fresh browser and fails the test on every problem:
// console errors, failed requests, requests to other hosts, undecoded
// images. With no browser installed it skips the test. When screenshot is
// not empty a full-page PNG is written there (a relative path is taken under
// t.TempDir()). To open several pages, Start one browser and use its Open.
func Open(t testing.TB, url string, screenshot ...string) *Result {
	t.Helper()
	b := StartT(t)
	return b.Open(t, url, screenshot...)
}

// StartT starts a browser that is closed when the test ends, or skips the
// test when there is none.
func StartT(t testing.TB) *Browser {
	t.Helper()
	if _, err := FindBrowser(); err != nil {
		t.Skip(err.Error())
	}
	b, err := Start("")
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// Open is Open with this browser.
func (b *Browser) Open(t testing.TB, url string, screenshot ...string) *Result {
	t.Helper()
	o := Options{Screenshot: len(screenshot) > 0 && screenshot[0] != ""}
	res, err := b.Load(context.Background(), url, o)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	for _, p := range res.Problems() {
		t.Errorf("browser, %s: %s", url, p)
	}
	if o.Screenshot {
		path := screenshot[0]
		if !filepath.IsAbs(path) {
			path = filepath.Join(t.TempDir(), path)
		}
		if err := os.WriteFile(path, res.Screenshot, 0o644); err != nil {
			t.Fatalf("browser: save screenshot: %v", err)
		}
		t.Logf("screenshot of %s: %s", url, path)
	}
	return res
}
