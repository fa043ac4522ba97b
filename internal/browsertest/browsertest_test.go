package browsertest

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func pngBytes(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 64 {
		img.Set(i%8, i/8, c)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const shapeSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>`

func server(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	pic := pngBytes(t, color.RGBA{200, 30, 30, 255})
	mux := http.NewServeMux()
	mux.HandleFunc("/pic.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pic)
	})
	mux.HandleFunc("/shape.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write([]byte(shapeSVG))
	})
	for path, body := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(body))
		})
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestBrowser(t *testing.T) {
	b := StartT(t)
	t.Run("good page", func(t *testing.T) { testGoodPage(t, b) })
	t.Run("problems", func(t *testing.T) { testProblems(t, b) })
}

func testGoodPage(t *testing.T, b *Browser) {
	inline := base64.StdEncoding.EncodeToString(pngBytes(t, color.RGBA{30, 30, 200, 255}))
	ts := server(t, map[string]string{"/": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ok</title></head><body>
<h1>Good page 好</h1>
<img alt="inline" src="data:image/png;base64,` + inline + `" width="80">
<img alt="served" src="/pic.png" width="80">
<img alt="svg file" src="/shape.svg">
<svg width="60" height="30"><circle cx="15" cy="15" r="12" fill="orange"/></svg>
<script>console.log("fine"); console.warn("warnings are not errors")</script>
</body></html>`})
	res := b.Open(t, ts.URL+"/", "good.png")
	if res.Images != 3 {
		t.Errorf("images: got %d want 3", res.Images)
	}
	if img, err := png.Decode(bytes.NewReader(res.Screenshot)); err != nil {
		t.Errorf("screenshot: %v", err)
	} else if w := img.Bounds().Dx(); w != 1280 {
		t.Errorf("screenshot width: got %d want 1280", w)
	}
}

func testProblems(t *testing.T, b *Browser) {
	ts := server(t, map[string]string{
		"/outside": `<!doctype html><html><head><meta charset="utf-8"><title>outside</title>
<link rel="stylesheet" href="https://cdn.example.org/style.css"></head><body>
<img src="http://tiles.example.com/1/2/3.png"><img src="/pic.png"></body></html>`,
		"/errors": `<!doctype html><html><head><meta charset="utf-8"><title>errors</title></head><body>
<img src="/missing.png">
<script>console.error("something broke"); null.nothing;</script></body></html>`,
	})
	res, err := b.Load(context.Background(), ts.URL+"/outside", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://cdn.example.org/style.css", "http://tiles.example.com/1/2/3.png"} {
		found := false
		for _, b := range res.Blocked {
			found = found || b == want
		}
		if !found {
			t.Errorf("outside page: blocked %q, want %s among them", res.Blocked, want)
		}
	}
	if len(res.Problems()) == 0 {
		t.Error("outside page: got no problems")
	}
	if len(res.BrokenImages) != 1 {
		t.Errorf("outside page: broken images %q, want the blocked tile only", res.BrokenImages)
	}

	res, err = b.Load(context.Background(), ts.URL+"/errors", Options{})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(res.ConsoleErrors, "\n")
	if !strings.Contains(joined, "something broke") || !strings.Contains(joined, "TypeError") {
		t.Errorf("console errors: got %q want console.error and the TypeError", res.ConsoleErrors)
	}
	if len(res.FailedLoads) != 1 || !strings.Contains(res.FailedLoads[0], "/missing.png: HTTP 404") {
		t.Errorf("failed loads: got %q want /missing.png: HTTP 404", res.FailedLoads)
	}
	if len(res.BrokenImages) != 1 || !strings.HasSuffix(res.BrokenImages[0], "/missing.png") {
		t.Errorf("broken images: got %q want /missing.png", res.BrokenImages)
	}
	if len(res.Blocked) != 0 {
		t.Errorf("blocked: got %q want none", res.Blocked)
	}
}

func TestLocal(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:8080/x", true},
		{"http://localhost/x", true},
		{"https://[::1]:99/", true},
		{"http://127.1.2.3/", true},
		{"file:///tmp/report.html", true},
		{"data:image/png;base64,AAAA", true},
		{"blob:http://127.0.0.1/uuid", true},
		{"about:blank", true},
		{"https://example.com/", false},
		{"http://localhost.example.com/", false},
		{"http://10.0.0.1/", false},
		{"http://192.168.1.1/", false},
		{"ftp://127.0.0.1/", false},
		{"javascript:alert(1)", false},
		{"://bad", false},
	} {
		if got := Local(tc.url); got != tc.want {
			t.Errorf("Local(%q): got %v want %v", tc.url, got, tc.want)
		}
	}
}
