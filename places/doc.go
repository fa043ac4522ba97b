// Package places finds the places fastroad measures access for (county
// towns, high-speed-rail stations, other rail stations and expressway
// entrances), applies a planner's edits to them, and computes each town's
// access table: time to and from the nearest HSR station, time to the
// nearest expressway entrance and to the nearest ordinary trunk or primary
// road, and the kilometres of each road class on the route to the station.
//
// Detection rules (see Towns, Stations and Entrances for the details):
//   - town: place=city and place=town nodes, and the admin centres of the
//     administrative boundaries osm.ReadFeatures kept (China: admin_level 6,
//     the county level). Population comes from the population tag; when it
//     is missing it stays 0 and Source says so, and a planner's file can set
//     it.
//   - hsr_station / rail_station: every railway station (node, way centroid
//     or relation centroid) is scored from track geometry (on highspeed=yes
//     or usage=main rail), its tags (operator, network or brand hints such
//     as Amtrak, ICE, TGV, 中国铁路; railway=halt counts against), its name
//     (Chinese 东站/西站/南站/北站 or 高铁; Hbf, Centrale) and the city it
//     serves. A score of at least Options.HSRScore makes it hsr_station. The
//     Source column spells the score out, so a planner can see why, and the
//     planner's file decides in the end.
//   - expressway_entrance: from the graph, the nodes where an arc of an
//     ordinary (not controlled-access) road is followed by an arc of a
//     controlled-access one: on-ramps, never off-ramps. Entry nodes on the
//     same crossing road and mainline within Options.EntranceMerge metres
//     along the ordinary network form one interchange. Names come from the
//     nearest motorway_junction (name, or a plausible ref: junk such as
//     "yes", "tiger" or free text is ignored) on the same mainline, else a
//     toll booth's name, else "<mainline ref> at <crossing road>". An
//     on-ramp into a piece of controlled road with less than
//     Options.MinExpresswayKm (default 5) km of mainline carriageway is no
//     entrance (a motorway-tagged bridge or bypass is not an expressway);
//     the notes list each such piece. No two entrances share a name: a
//     shared one gets the expressway entered, (north)/(south) or a number.
//
// Units: coordinates are WGS-84 degrees, longitude first; distances are
// metres; travel times are milliseconds as in package graph, graph.Inf
// meaning unreachable (never 0).
//
// The package reads no files and no flags: callers pass osm.Features, a
// graph and typed planner edits (Plan).
package places
