// Package server is `fastroad serve`: one page (Leaflet 1.9.4, vendored
// with its BSD-2-Clause licence, and the page's own script, both embedded
// in the binary) and a JSON API over a prepared study (study.Query). It is a
// thin caller of the study package: the networks are built once by
// study.Prepare and shared read-only; each query takes a search workspace
// from the network's pool.
//
// # API (GET only)
//
//	/api/meta                     study name, bounds, networks, default minutes, limits
//	/api/alternatives             the alternatives with their edits
//	/api/places?alternative&lang  towns, stations, entrances (GeoJSON points)
//	/api/roads?zoom&bbox          the basemap: roads of the base graph by class
//	/api/edits?alternative        the roads an alternative builds or changes
//	/api/controls                 the planner's control lines
//	/api/isochrone?lon&lat|points&minutes&direction&alternative&lang
//	                              GeoJSON as `fastroad isochrone` writes it, one
//	                              feature a band, with residents per band
//	/api/diff?lon&lat&minutes&direction&alternative
//	                              base and alternative bands on one grid, and the
//	                              gains and losses (DiffSteps minutes)
//	/api/population?lon&lat|points&minutes&direction&alternative
//	                              residents within each band, per county
//	/api/access?alternative&format=json|csv&table=towns|areas&lang
//	                              access per town and per area (county)
//
// Units: minutes in parameters and tables, WGS-84 degrees lon first,
// residents as counts.
//
// # Errors and limits
//
// Every error is JSON {"error": ..., "parameter": ...}. A malformed or
// unknown parameter, a point off the network or an unknown alternative is
// 400; a request over a cap (minutes, bands, sources, grid cells, query
// bytes, a body) is 413; more queries than Workers+MaxQueue at once get
// 429 with Retry-After; a query over its time 503. A panic is recovered
// into a 500 and logged (no input is known to cause one). Answers are
// computed into memory and the worker released before the client reads,
// and HTTPServer sets read, write and idle timeouts, so a slow client
// holds no worker.
//
// Nothing on the page asks another host: no tiles, fonts or scripts from a
// CDN; the basemap is the graph's own roads.
package server
