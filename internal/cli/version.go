package cli

import (
	"runtime/debug"
	"strings"
)

// version is set at link time (-ldflags "-X github.com/fastroad/fastroad/internal/cli.version=v1.2.3");
// otherwise it comes from the build's VCS stamp.
var version = ""

// Version is fastroad's version as `fastroad --version` prints it and the
// report's footer shows: the linked version, else "devel" with the VCS
// revision (12 digits) and "-dirty" for a modified tree.
func Version() string {
	if version != "" {
		return version
	}
	out := "devel"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		out = v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		out += "+" + rev + dirty
	}
	return strings.TrimSpace(out)
}
