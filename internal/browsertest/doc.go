// Package browsertest loads a page in headless Chromium (Debian's chromium,
// driven with github.com/chromedp/chromedp) and reports what a person
// opening it would hit: console errors and uncaught exceptions, failed
// requests (network errors, HTTP 4xx/5xx), requests to any host other than
// this machine, and images that did not decode. It is for tests of the HTML
// fastroad writes (the report), which must work offline.
//
// # Offline by construction
//
// Every request the page makes is paused by the DevTools Fetch domain; one
// to a host other than 127.0.0.1, ::1 or localhost (or to a scheme other than
// http, https, ws, wss, file, data, blob and about) is failed and recorded as
// blocked. As a second fence the browser resolves no host names but
// localhost and the loopback addresses, so nothing leaves the machine even
// if a request escaped the interception.
//
// # Browser
//
// The browser is looked up as chromium, chromium-browser, google-chrome (on
// PATH) and /usr/bin/chromium, and started with --headless --no-sandbox
// --disable-gpu --disable-quic --no-first-run --disable-background-networking
// --disable-component-update --disable-sync and a fresh --user-data-dir. With
// no browser, Open and StartT skip the test with a message saying how to
// install one; Load and Start return ErrNoBrowser. Starting Chromium takes
// seconds: a test that opens several pages starts one Browser (StartT) and
// opens each page in a new tab of it.
//
// Ignored: a failed request for /favicon.ico (browsers ask for it on their
// own) and console messages below the error level.
package browsertest
