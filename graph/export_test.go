package graph

// EncodeV2 writes format version 2, as fastroad did before version 3
// (for the external tests that compare both).
var EncodeV2 = encodeV2
