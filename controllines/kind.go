package controllines

import (
	"fmt"
	"strings"
)

// Kind is one of the four kinds of control line in a Chinese plan. The
// values index Report.Kinds.
type Kind uint8

// Kinds of control line.
const (
	// Red lines (道路红线) reserve land for roads: a new road should run
	// inside them.
	Red Kind = iota
	// Purple lines (紫线) protect heritage: historic areas and sites.
	Purple
	// Blue lines (蓝线) protect water bodies and waterways.
	Blue
	// Green lines (绿线) protect green space: parks, forests, reserves.
	Green
)

// NumKinds is the number of kinds; Kind values run from 0 to NumKinds-1.
const NumKinds = 4

var kindNames = [NumKinds]string{"red", "purple", "blue", "green"}

// kindWords are the extra spellings ParseKind accepts, per kind.
var kindWords = [NumKinds][]string{
	{"red line", "红线", "道路红线"},
	{"purple line", "紫线"},
	{"blue line", "蓝线"},
	{"green line", "绿线"},
}

// String returns "red", "purple", "blue" or "green".
func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Chinese returns the planners' name of the kind: 道路红线, 紫线, 蓝线 or 绿线.
func (k Kind) Chinese() string {
	if k < NumKinds {
		return kindWords[k][len(kindWords[k])-1]
	}
	return k.String()
}

// Hard reports whether a road touching this kind of line is a hard conflict
// that needs a bridge, a tunnel or a new alignment: true for purple and
// blue.
func (k Kind) Hard() bool { return k == Purple || k == Blue }

// ParseKind parses a kind name: "red", "purple", "blue" or "green" (any
// letter case, surrounding space ignored), "red line" etc., or the Chinese
// 红线/道路红线, 紫线, 蓝线, 绿线.
func ParseKind(s string) (Kind, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for k := range Kind(NumKinds) {
		if t == kindNames[k] {
			return k, nil
		}
		for _, w := range kindWords[k] {
			if t == w {
				return k, nil
			}
		}
	}
	return 0, fmt.Errorf("unknown control line kind %q (want red, purple, blue or green)", s)
}

// MarshalText returns the kind's name, so that JSON and YAML carry "blue".
func (k Kind) MarshalText() ([]byte, error) {
	if k >= NumKinds {
		return nil, fmt.Errorf("invalid control line kind %d", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText parses what ParseKind accepts.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
