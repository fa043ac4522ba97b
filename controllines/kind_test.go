package controllines

import (
	"encoding/json"
	"testing"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
		ok   bool
	}{
		{"red", Red, true}, {" Blue ", Blue, true}, {"GREEN", Green, true}, {"purple", Purple, true},
		{"红线", Red, true}, {"道路红线", Red, true}, {"紫线", Purple, true}, {"蓝线", Blue, true}, {"绿线", Green, true},
		{"blue line", Blue, true}, {"", 0, false}, {"yellow", 0, false}, {"kind(9)", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseKind(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseKind(%q): got %v, %v want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for k := range Kind(NumKinds) {
		back, err := ParseKind(k.String())
		if err != nil || back != k {
			t.Errorf("round trip %v: got %v, %v", k, back, err)
		}
		if back, err := ParseKind(k.Chinese()); err != nil || back != k {
			t.Errorf("round trip %s: got %v, %v", k.Chinese(), back, err)
		}
	}
	if got := Kind(9).String(); got != "kind(9)" {
		t.Errorf("Kind(9): got %q want kind(9)", got)
	}
	if Red.Hard() || Green.Hard() || !Blue.Hard() || !Purple.Hard() {
		t.Error("Hard: want true for purple and blue only")
	}
}

func TestKindJSON(t *testing.T) {
	b, err := json.Marshal(map[string]Kind{"k": Blue})
	if err != nil || string(b) != `{"k":"blue"}` {
		t.Fatalf("marshal: got %s, %v want {\"k\":\"blue\"}", b, err)
	}
	var m map[string]Kind
	if err := json.Unmarshal([]byte(`{"k":"绿线"}`), &m); err != nil || m["k"] != Green {
		t.Errorf("unmarshal: got %v, %v want green", m, err)
	}
	if err := json.Unmarshal([]byte(`{"k":"pink"}`), &m); err == nil {
		t.Error("unmarshal pink: got no error want one")
	}
	if _, err := json.Marshal(Kind(5)); err == nil {
		t.Error("marshal Kind(5): got no error want one")
	}
}
