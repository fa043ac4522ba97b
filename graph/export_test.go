package graph

// EncodeV2 writes format version 2, as fastroad did before version 3
// (for the external tests that compare both).
var EncodeV2 = encodeV2

// EncodeV3 writes format version 3, as fastroad did before version 4.
var EncodeV3 = encodeV3
