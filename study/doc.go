// Package study runs a study end to end: the base network and every
// alternative applied to it (Prepare), each edit checked against the
// control lines, every network evaluated (places, access table, travel-time
// grids, isochrone bands, coverage) and compared with the base (Compare),
// and every output rendered into memory as named files for the caller to
// write.
//
// It knows no flags and no files: the caller (the CLI, a server, a test)
// loads the study's inputs into an Inputs value. The CLI is a thin layer
// over Prepare and Compare; `fastroad serve` uses the same Study.
//
// Units: times in milliseconds inside graphs and access rows, seconds in
// isochrone grids, minutes in bands, tables and reports. Grids of all
// networks share one box (the base network's bounds) and cell size, so they
// align cell for cell, and are filled up to Options.LimitMinutes (default
// 180) whatever bands are drawn.
//
// Memory: the base's grids are kept for the differences; alternatives are
// evaluated at most Options.Workers at a time and drop their grids as soon
// as their maps and GeoJSON are rendered.
package study
