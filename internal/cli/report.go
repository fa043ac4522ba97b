package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fastroad/fastroad/chart"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/report"
)

func init() { register(reportCmd) }

// handOffFlags are the report's language and the GCJ-02 copy.
type handOffFlags struct {
	langS string
	crsS  string
	gcj02 bool
}

func (h *handOffFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&h.langS, "lang", "", "language of report.html and the maps: zh or en (default: the study's lang key, else zh when its places have Chinese names, else en); the other language goes to report.en.html or report.zh.html")
	fs.StringVar(&h.crsS, "crs", "", "gcj02: also write every GeoJSON output as <name>.gcj02.geojson for Chinese web maps (the originals stay WGS-84)")
}

func (h *handOffFlags) lang() (i18n.Lang, error) {
	switch strings.ToLower(strings.TrimSpace(h.crsS)) {
	case "":
	case "gcj02", "gcj-02":
		h.gcj02 = true
	case "wgs84", "wgs-84":
	default:
		return "", usagef("--crs %q: want gcj02 (or wgs84, the default)", h.crsS)
	}
	if h.langS == "" {
		return "", nil
	}
	l, err := i18n.ParseLang(h.langS)
	if err != nil {
		return "", usagef("--lang: %v", err)
	}
	return l, nil
}

func reportCmd(e *env) *cobra.Command {
	var out string
	var iso isoFlags
	var ho handOffFlags
	c := &cobra.Command{
		Use:   "report STUDY.yaml -o DIR",
		Short: "Write the approval report of a study: report.html in Chinese and English, maps, GeoPackage and workbook",
		Long: `Run the study as compare does and write the hand-off set into DIR:

  report.html          the approval report in the study's language (--lang zh|en):
                       one HTML file that works offline (maps as PNG files beside it,
                       charts inline), prints on A4 and reads on a projector
  report.en.html       the same report in the other language (report.zh.html when
                       report.html is English)
  *.png                the maps the report shows (isochrones, differences, changes)
  results.gpkg         every layer for QGIS: bands, differences, places, entrances,
                       edited roads, control-line conflicts, residents
  results.xlsx         access, ranking, people, savings (and the appraisal, cash flow,
                       sensitivity when the study appraises), one sheet each

Chinese is the default language when the study says lang: zh or its places
carry Chinese names; place names follow the language (name:zh / name_zh in
Chinese, name:en in English). 'fastroad compare' writes the same files among
all its others. Map data © OpenStreetMap contributors (ODbL).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("report: -o DIR is required")
			}
			if err := iso.validate(); err != nil {
				return err
			}
			fl := c.Flags()
			if !fl.Changed("cell") {
				iso.cell = 0
			}
			accessSet := fl.Changed("access-m")
			if !fl.Changed("access-kmh") {
				iso.accessKmh = 0
			}
			return runCompare(e, args[0], out, iso, accessSet, false, ho, isHandOff)
		},
	}
	ho.add(c.Flags())
	c.Flags().StringVarP(&out, "output", "o", "", "folder to write")
	iso.add(c.Flags())
	return c
}

// isHandOff: the files of fastroad report.
func isHandOff(name string) bool {
	return strings.HasPrefix(name, "report.") && strings.HasSuffix(name, ".html") ||
		strings.HasSuffix(name, ".png") || strings.HasPrefix(name, "results.") || strings.HasSuffix(name, ".gcj02.geojson")
}

// commandLine is the command as run, for the report's footer.
func (e *env) commandLine() string {
	parts := []string{"fastroad"}
	for _, a := range e.args {
		if a == "" || strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// checksums are the SHA-256 of every input file (by base name); a file
// that cannot be read is listed with the reason.
func checksums(paths []string) []report.Checksum {
	var out []report.Checksum
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		sum := "(" + "not read" + ")"
		if f, err := os.Open(p); err == nil {
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				sum = hex.EncodeToString(h.Sum(nil))
			}
			f.Close()
		}
		out = append(out, report.Checksum{Name: filepath.Base(p), SHA256: sum})
	}
	return out
}

// chartOptions: the report's charts use the maps' font.
func chartOptions(f *render.Font) chart.Options {
	return chart.Options{Font: f}
}

// warnTitles warns once when a map title is Chinese and the font has no
// Chinese glyphs.
func warnTitles(e *env, fi render.FontInfo, titles []string) {
	if fi.CJK {
		return
	}
	for _, t := range titles {
		for _, r := range t {
			if unicode.Is(unicode.Han, r) {
				fmt.Fprintf(e.stderr, "warning: no CJK font found (using %s): the Chinese map titles and legends are drawn as boxes; install fonts-wqy-microhei or pass --font\n", fi.Name)
				return
			}
		}
	}
}
