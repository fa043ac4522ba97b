package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progress draws a one-line progress bar on stderr when it is a terminal and
// the file is large enough to be worth it; otherwise it does nothing.
type progress struct {
	w     io.Writer
	total int64
	on    bool
	label string
	done_ atomic.Int64
	last  time.Time
}

func newProgress(w io.Writer, total int64) *progress {
	on := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && total > 32<<20 {
		on = true
	}
	return &progress{w: w, total: total, on: on}
}

func (p *progress) start(label string) {
	if !p.on {
		return
	}
	p.label = label
	p.done_.Store(0)
	p.draw(true)
}

func (p *progress) reader(r io.Reader) io.Reader {
	if !p.on {
		return r
	}
	return &countingReader{r: r, p: p}
}

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.done_.Add(int64(n))
	c.p.draw(false)
	return n, err
}

func (p *progress) draw(force bool) {
	if !force && time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	frac := float64(p.done_.Load()) / float64(max(p.total, 1))
	frac = min(frac, 1)
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%%", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", len(p.label)+40))
	}
}
