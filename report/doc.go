// Package report turns fastroad's results into what planners read: maps
// (isochrone bands over the road network, difference maps between
// alternatives) and tables. It draws with package render and takes typed
// values; it reads and writes no files.
package report
