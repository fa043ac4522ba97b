package places

import (
	"fmt"
	"math"
)

// MaxExpresswayKm is the largest MinExpresswayKm Validate accepts.
const MaxExpresswayKm = 1000

// Validate checks the options a planner can set from a study or the command
// line: MinExpresswayKm must be a number in 0..MaxExpresswayKm (0 means the
// default). Callers validate at parse time and name the key in their error.
func (o Options) Validate() error {
	if v := o.MinExpresswayKm; math.IsNaN(v) || v < 0 || v > MaxExpresswayKm {
		return fmt.Errorf("min_expressway_km %v: want 0..%d km (0: the default, %g)", v, MaxExpresswayKm, DefaultOptions().MinExpresswayKm)
	}
	return nil
}

// MinExpresswayKmOrDefault is MinExpresswayKm, or the default when 0.
func (o Options) MinExpresswayKmOrDefault() float64 {
	if o.MinExpresswayKm > 0 {
		return o.MinExpresswayKm
	}
	return DefaultOptions().MinExpresswayKm
}
