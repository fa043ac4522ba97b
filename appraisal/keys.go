package appraisal

import (
	"reflect"
	"strings"
)

// DefaultKeys flattens DefaultConfig into dotted snake_case keys under no
// prefix ("discount_rate", "purposes.hsr.car_share",
// "vehicle_operating_cost.motorway", ...), for a caller that sets viper
// defaults key by key: a study that gives only purposes.hsr.rate then keeps
// the other hsr defaults, where decoding a purpose map straight onto
// Config.Purposes would zero them. Empty maps and slices are left out.
func DefaultKeys() map[string]any {
	out := map[string]any{}
	flatten(out, "", reflect.ValueOf(DefaultConfig()))
	return out
}

func flatten(out map[string]any, prefix string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			tag := t.Field(i).Tag.Get("mapstructure")
			if tag == "" || tag == "-" {
				continue
			}
			flatten(out, join(prefix, tag), v.Field(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			flatten(out, join(prefix, k.String()), v.MapIndex(k))
		}
	case reflect.Slice:
		if v.Len() > 0 {
			out[prefix] = v.Interface()
		}
	default:
		out[prefix] = v.Interface()
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return strings.Join([]string{prefix, k}, ".")
}
