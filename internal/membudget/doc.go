// Package membudget decides how much memory a fastroad run may plan to use
// and refuses work whose estimate exceeds it, before anything big is
// allocated.
//
// Units are bytes. Default() is DefaultShare (50%) of the machine's RAM as
// /proc/meminfo reports it (MemTotal), or FallbackBytes (4 GiB) when that
// cannot be read. Estimates are deliberately rough (the largest slices of a
// job); the budget is a guard against requests that cannot fit, not an
// accountant. ParseSize reads the sizes users type ("8GB", "512MiB", "2e9").
package membudget
