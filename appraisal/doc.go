// Package appraisal turns a base network and its alternatives into the
// figures an investment approval asks for: demand by trip purpose, an
// all-or-nothing assignment of car trips (vehicles per day on every segment),
// time, vehicle-operating-cost and accident savings against the base, costs,
// and the indicators of China's project appraisal rules (ENPV, EBCR, EIRR,
// payback year, first-year rate of return) with sensitivity tests.
//
// Units: times in integer milliseconds inside searches, hours in results;
// lengths in metres inside, km in results; trips and flows in vehicles (or
// persons where named) per day of the base year; money in CNY at the prices
// of the base year (Config.BaseYear), discounted to the base year.
//
// Invariants:
//   - Demand is built once, on the base network, and is fixed for every
//     alternative unless Config.Elastic is enabled (then T1 = T0 (C1/C0)^e
//     per origin-destination pair, new trips valued by the rule of a half).
//   - Flows are summed in fixed point (micro-vehicles, int64), so a run gives
//     the same figures to the last bit whatever the worker count or schedule.
//   - Trips are assigned on the road from their origin towards their
//     destination; the per-direction split of a segment's flow is that of the
//     outbound leg, AADT is the sum of both directions.
//   - No congestion: times do not depend on flows, so benefits grow with the
//     trips (Config.Growth) and times stay those of the network.
//
// The package takes typed values and returns values: no files, flags or
// viper. Run is the entry point; Assign, BuildDemand and the indicator
// functions are usable on their own. Writers take an io.Writer.
package appraisal
