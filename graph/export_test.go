package graph

import "io"

// EncodeV2 writes format version 2, as fastroad did before version 3
// (for the external tests that compare both).
var EncodeV2 = encodeV2

// EncodeV3 writes format version 3, as fastroad did before version 4.
var EncodeV3 = encodeV3

// EncodeV4CHV1 writes format version 4 with a version 1 hierarchy
// section, as fastroad did before the hierarchy was mapped.
func EncodeV4CHV1(w io.Writer, g *Graph) error { return encode(w, g, 4, 1) }
