package gpkg

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// A layer's spatial index (rtree_<layer>_geom, SQLite's R*Tree module) is
// bulk-loaded once the layer is written, as GDAL does: the envelopes are
// packed into nodes by sort-tile-recursive order and the module's three
// shadow tables (_node, _parent, _rowid) are written directly. Inserting
// them one by one through the virtual table cost more than the features
// themselves (58% of a point layer's insert time: every insert chooses a
// leaf and may split nodes). The result is an index SQLite reads and
// maintains like its own (rtreecheck passes, and the triggers keep it up
// to date on later edits); TestBulkRTree holds its queries to a brute-force
// scan.

// rtEntry is one cell of a node: a feature's fid (in a leaf) or a child
// node (above), and its box as the module stores it: float32 min x, max x,
// min y, max y, rounded outwards.
type rtEntry struct {
	id  int64
	box [4]float32
}

// rtreeBox is a feature envelope rounded outwards to float32 as the R*Tree
// module rounds the doubles an INSERT gives it (its rtreeValueDown for
// minima, rtreeValueUp for maxima): the nearest float32 when that lies on
// the right side, else the next one outwards. TestBulkRTree holds the
// loaded rows to those of row-by-row inserts, bit for bit.
func rtreeBox(e Envelope) [4]float32 {
	return [4]float32{valueDown(e.MinX), valueUp(e.MaxX), valueDown(e.MinY), valueUp(e.MaxY)}
}

func valueDown(d float64) float32 {
	f := float32(d)
	if float64(f) > d {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func valueUp(d float64) float32 {
	f := float32(d)
	if float64(f) < d {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// rtNode is a node being built: its cells and their union.
type rtNode struct {
	cells []rtEntry
	box   [4]float32
}

// strPack groups es into nodes of at most m cells by sort-tile-recursive
// order: vertical slabs by the cells' x centres, each cut by y centres.
// es is reordered.
func strPack(es []rtEntry, m int) []rtNode {
	n := len(es)
	nodes := (n + m - 1) / m
	slabs := int(math.Ceil(math.Sqrt(float64(nodes))))
	per := slabs * m // cells a slab
	centre := func(e rtEntry, d int) float64 { return float64(e.box[2*d]) + float64(e.box[2*d+1]) }
	by := func(d int) func(a, b rtEntry) int {
		return func(a, b rtEntry) int {
			return cmp.Or(cmp.Compare(centre(a, d), centre(b, d)), cmp.Compare(a.id, b.id))
		}
	}
	slices.SortFunc(es, by(0))
	out := make([]rtNode, 0, nodes)
	for s := 0; s < n; s += per {
		slab := es[s:min(s+per, n)]
		slices.SortFunc(slab, by(1))
		for c := 0; c < len(slab); c += m {
			cells := slab[c:min(c+m, len(slab))]
			box := cells[0].box
			for _, e := range cells[1:] {
				box = [4]float32{min(box[0], e.box[0]), max(box[1], e.box[1]), min(box[2], e.box[2]), max(box[3], e.box[3])}
			}
			out = append(out, rtNode{cells: cells, box: box})
		}
	}
	return out
}

// bulkRTree fills the layer's rtree from its features' envelopes. The
// virtual table was created empty (one empty root node, 1): the root is
// replaced and every other node, parent link and feature-to-leaf link is
// inserted.
func (w *Writer) bulkRTree(l *Layer) error {
	if len(l.boxes) == 0 {
		return nil
	}
	r := `"rtree_` + l.spec.Name + `_geom`
	var size int
	if err := w.tx.QueryRow(`SELECT length(data) FROM ` + r + `_node" WHERE nodeno = 1`).Scan(&size); err != nil {
		return err
	}
	const cellBytes = 8 + 4*4
	m := (size - 4) / cellBytes
	if m < 2 {
		return fmt.Errorf("rtree node of %d bytes holds %d cells: want 2 or more", size, m)
	}
	// Levels bottom-up: levels[0] the leaves; a node's cells above the
	// leaves name their child by its index in the level below until the
	// nodes are numbered.
	levels := [][]rtNode{strPack(l.boxes, m)}
	for len(levels[len(levels)-1]) > 1 {
		below := levels[len(levels)-1]
		up := make([]rtEntry, len(below))
		for i, nd := range below {
			up[i] = rtEntry{id: int64(i), box: nd.box}
		}
		levels = append(levels, strPack(up, m))
	}
	// Numbers top-down: the root is node 1, as the module requires.
	nodeno := make([][]int64, len(levels))
	next := int64(1)
	for k := len(levels) - 1; k >= 0; k-- {
		nodeno[k] = make([]int64, len(levels[k]))
		for i := range levels[k] {
			nodeno[k][i] = next
			next++
		}
	}
	if _, err := w.tx.Exec(`DELETE FROM ` + r + `_node" WHERE nodeno = 1`); err != nil {
		return err
	}
	insNode, err := w.tx.Prepare(`INSERT INTO ` + r + `_node" (nodeno, data) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer insNode.Close()
	insParent, err := w.tx.Prepare(`INSERT INTO ` + r + `_parent" (nodeno, parentnode) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer insParent.Close()
	depth := len(levels) - 1
	type link struct{ fid, leaf int64 }
	leafOf := make([]link, 0, len(l.boxes))
	blob := make([]byte, size)
	for k := len(levels) - 1; k >= 0; k-- {
		for i, nd := range levels[k] {
			clear(blob)
			if k == depth {
				binary.BigEndian.PutUint16(blob, uint16(depth)) // the root holds the tree's depth
			}
			binary.BigEndian.PutUint16(blob[2:], uint16(len(nd.cells)))
			for j, e := range nd.cells {
				id := e.id
				if k > 0 {
					id = nodeno[k-1][id]
					if _, err := insParent.Exec(id, nodeno[k][i]); err != nil {
						return err
					}
				} else {
					leafOf = append(leafOf, link{id, nodeno[k][i]})
				}
				c := blob[4+j*cellBytes:]
				binary.BigEndian.PutUint64(c, uint64(id))
				for q, v := range e.box {
					binary.BigEndian.PutUint32(c[8+4*q:], math.Float32bits(v))
				}
			}
			if _, err := insNode.Exec(nodeno[k][i], blob); err != nil {
				return err
			}
		}
	}
	// Feature to leaf, in fid order, a hundred rows a statement.
	slices.SortFunc(leafOf, func(a, b link) int { return cmp.Compare(a.fid, b.fid) })
	const batch = 100
	rowids := func(n int) string {
		return `INSERT INTO ` + r + `_rowid" (rowid, nodeno) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", ")
	}
	full, err := w.tx.Prepare(rowids(batch))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 2*batch)
	for len(leafOf) > 0 {
		n := min(batch, len(leafOf))
		args = args[:0]
		for _, lk := range leafOf[:n] {
			args = append(args, lk.fid, lk.leaf)
		}
		if n == batch {
			_, err = full.Exec(args...)
		} else {
			_, err = w.tx.Exec(rowids(n), args...)
		}
		if err != nil {
			return err
		}
		leafOf = leafOf[n:]
	}
	return nil
}
