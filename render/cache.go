package render

import (
	"encoding/binary"
	"hash/maphash"
	"image"
	"image/color"
	"math"
	"sync"
)

// Cache keeps the rasterised coverage of line groups between maps, so that
// a series of maps of one frame over one road network (every map of a
// study: isochrones and differences for each network) rasterises each
// group of roads once and then only blends it; areas marked Shared (water,
// control lines) and texts (titles, labels, legends) are kept the same
// way. Set Map.Cache to use it.
//
// A cached coverage is keyed by everything it depends on: the image size,
// the map frame, the stroke width in pixels and a 128-bit hash of the
// group's projected points, in order. A map drawn with a Cache is pixel for
// pixel the map drawn without one. Safe for concurrent use by several Draw
// calls; when two ask for the same coverage at once, one rasterises it and
// the other waits.
type Cache struct {
	mu      sync.Mutex
	seeds   [2]maphash.Seed
	entries map[maskKey]*maskEntry
	bytes   int // held by entries
	max     int
	tick    uint64

	// texts: the coverage of titles, labels and legend texts, which repeat
	// from map to map; at most maxTextBytes, then no more are kept.
	texts     map[textKey]textMasks
	textBytes int
}

// maxTextBytes bounds the texts a Cache keeps: a study's labels and
// legends take a few hundred KB.
const maxTextBytes = 8 << 20

// text returns the coverage of a text drawn before.
func (ca *Cache) text(k textKey) (textMasks, bool) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	m, ok := ca.texts[k]
	return m, ok
}

// putText keeps a text's coverage while the texts' budget allows.
func (ca *Cache) putText(k textKey, m textMasks) {
	n := len(m.mask) + len(m.halo) + len(k.s) + 64
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if ca.textBytes+n > maxTextBytes {
		return
	}
	if ca.texts == nil {
		ca.texts = map[textKey]textMasks{}
	}
	if _, ok := ca.texts[k]; !ok {
		ca.texts[k] = m
		ca.textBytes += n
	}
}

// DefaultCacheBytes is the memory a Cache keeps coverages in unless told
// otherwise: a road network's groups at 1600×1200 take a few MB.
const DefaultCacheBytes = 64 << 20

// NewCache returns an empty Cache holding at most maxBytes of coverage
// (<= 0: DefaultCacheBytes); the least recently used coverage goes first.
func NewCache(maxBytes int) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &Cache{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, entries: map[maskKey]*maskEntry{}, max: maxBytes}
}

type maskKey struct {
	w, h   int
	frame  image.Rectangle
	width  float64 // stroke width, px
	h0, h1 uint64
}

type maskEntry struct {
	ready chan struct{} // closed once m is set
	m     *sparseMask
	used  uint64
}

// keyHash hashes a coverage's points into a key's two 64-bit halves,
// through a small buffer.
type keyHash struct {
	hs  [2]maphash.Hash
	buf [512]byte
	n   int
}

func (ca *Cache) newKeyHash() *keyHash {
	k := &keyHash{}
	for i := range k.hs {
		k.hs[i].SetSeed(ca.seeds[i])
	}
	return k
}

func (k *keyHash) flush() {
	for i := range k.hs {
		k.hs[i].Write(k.buf[:k.n])
	}
	k.n = 0
}

func (k *keyHash) u64(v uint64) {
	if k.n+8 > len(k.buf) {
		k.flush()
	}
	binary.LittleEndian.PutUint64(k.buf[k.n:], v)
	k.n += 8
}

func (k *keyHash) u32(v uint32) {
	if k.n+4 > len(k.buf) {
		k.flush()
	}
	binary.LittleEndian.PutUint32(k.buf[k.n:], v)
	k.n += 4
}

// key returns the key of the coverage hashed, at width px (-1 for fills)
// in frame on an image of size w×h.
func (k *keyHash) key(w, h int, frame image.Rectangle, width float64) maskKey {
	k.flush()
	return maskKey{w: w, h: h, frame: frame, width: width, h0: k.hs[0].Sum64(), h1: k.hs[1].Sum64()}
}

// hashGroup is the key of the coverage of lines (indices into offs) of the
// projected points xy stroked at width px on an image of size w×h.
func (ca *Cache) hashGroup(w, h int, frame image.Rectangle, width float64, xy []float64, offs []int, lines []int) maskKey {
	k := ca.newKeyHash()
	for _, i := range lines {
		pts := xy[offs[i]:offs[i+1]]
		k.u64(uint64(len(pts)))
		for _, v := range pts {
			k.u64(math.Float64bits(v))
		}
	}
	return k.key(w, h, frame, width)
}

// hashPath is the key of the fill coverage of path p inside clip on an
// image of size w×h (width -1 tells fills from strokes).
func (ca *Cache) hashPath(w, h int, clip image.Rectangle, p *path) maskKey {
	k := ca.newKeyHash()
	start := 0
	for _, end := range p.ends {
		k.u64(uint64(end - start))
		for _, v := range p.pts[2*start : 2*end] {
			k.u32(math.Float32bits(v))
		}
		start = end
	}
	return k.key(w, h, clip, -1)
}

// get returns the coverage of k, computing it with build when it is not
// cached (build may return nil: nothing covered).
func (ca *Cache) get(k maskKey, build func() *sparseMask) *sparseMask {
	ca.mu.Lock()
	ca.tick++
	if e, ok := ca.entries[k]; ok {
		e.used = ca.tick
		ca.mu.Unlock()
		<-e.ready
		return e.m
	}
	e := &maskEntry{ready: make(chan struct{}), used: ca.tick}
	ca.entries[k] = e
	ca.mu.Unlock()

	e.m = build()
	close(e.ready)

	ca.mu.Lock()
	ca.bytes += e.m.size()
	for ca.bytes > ca.max && ca.evictOldest(k) {
	}
	ca.mu.Unlock()
	return e.m
}

// evictOldest drops the least recently used finished entry other than
// keep; false when there is none.
func (ca *Cache) evictOldest(keep maskKey) bool {
	var oldest maskKey
	var found *maskEntry
	for k, e := range ca.entries {
		if k == keep {
			continue
		}
		select {
		case <-e.ready:
		default:
			continue // still being rasterised
		}
		if found == nil || e.used < found.used {
			oldest, found = k, e
		}
	}
	if found == nil {
		return false
	}
	ca.bytes -= found.m.size()
	delete(ca.entries, oldest)
	return true
}

// sparseMask is a coverage mask of the rectangle r kept as its runs of
// non-zero bytes: the roads of a state cover a few percent of the frame.
type sparseMask struct {
	r     image.Rectangle
	spans []maskSpan
	cov   []uint8 // the runs' coverage, one after the other
}

type maskSpan struct {
	off int32 // pixel offset in r: y*r.Dx() + x
	n   int32
}

func (m *sparseMask) size() int {
	if m == nil {
		return 0
	}
	return 8*len(m.spans) + len(m.cov) + 64
}

// sparseOf keeps the non-zero runs of mask (whose origin is r.Min).
func sparseOf(r image.Rectangle, mask *image.Alpha) *sparseMask {
	m := &sparseMask{r: r}
	w := r.Dx()
	for y := range r.Dy() {
		row := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		for x := 0; x < w; {
			if x+8 <= w && binary.LittleEndian.Uint64(row[x:]) == 0 {
				x += 8
				continue
			}
			if row[x] == 0 {
				x++
				continue
			}
			x0 := x
			for x < w && row[x] != 0 {
				x++
			}
			m.spans = append(m.spans, maskSpan{off: int32(y*w + x0), n: int32(x - x0)})
			m.cov = append(m.cov, row[x0:x]...)
		}
	}
	return m
}

// composite blends col over dst where m covers, as composite does with the
// dense mask m was made from.
func (m *sparseMask) composite(dst *image.RGBA, col color.RGBA) {
	if m == nil || col.A == 0 {
		return
	}
	w := m.r.Dx()
	k := 0
	for _, s := range m.spans {
		y, x := int(s.off)/w, int(s.off)%w
		pix := dst.Pix[dst.PixOffset(m.r.Min.X+x, m.r.Min.Y+y):]
		for i, c := range m.cov[k : k+int(s.n)] {
			blendPixel(pix[4*i:4*i+4:4*i+4], uint32(c), col)
		}
		k += int(s.n)
	}
}
