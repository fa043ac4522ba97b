// Package crs converts points between WGS-84 and the two obfuscated datums
// of Chinese web maps: GCJ-02 (Amap/Gaode, Tencent, Apple Maps and Google
// Maps inside China) and BD-09 (Baidu, which applies a second offset on top
// of GCJ-02). Planners often copy points from those maps; OSM data and GPS
// are WGS-84, so points are converted with ToWGS84 before they are snapped
// to the road graph.
//
// # Units and conventions
//
// Coordinates are decimal degrees, longitude first (x, y), as in GeoJSON and
// orb. Points for which OutOfChina is true are returned unchanged by every
// function: outside China the map providers publish WGS-84 (Baidu's
// international maps included), and the offset formulas are not defined
// there. OutOfChina is the rough bounding box used by the common open-source
// converters; it also contains Korea, Mongolia, Taiwan and much of South-East
// Asia, where the offsets are applied too, so callers with points outside
// mainland China should not ask for GCJ-02 or BD-09 conversions.
//
// # Accuracy
//
// GCJ-02 has no published specification. The forward transform here
// (FromWGS84) is the formula that circulates publicly and is shared by the
// well-known converters (eviltransform, coordtransform, gcoord): Krasovsky
// 1940 ellipsoid constants and trigonometric polynomials giving an offset of
// a few hundred metres. BD-09 is GCJ-02 followed by a small rotation and
// offset. There is no closed-form inverse, and the one-step approximation
// those libraries usually offer is off by up to a few metres; ToWGS84
// instead inverts the forward transform by fixed-point iteration until the
// residual is below 1e-10 degrees (about 0.01 mm), so
// FromWGS84(ToWGS84(p)) == p to that tolerance inside China.
//
// Publishing maps in China is regulated (Surveying and Mapping Law); this
// package converts points for analysis and takes no position on that.
package crs
