package places

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the header of the places CSV that WriteCSV writes and the
// planner's file reader takes back.
var CSVHeader = []string{"kind", "id", "name", "lon", "lat", "population", "source", "name_zh", "name_en", "score"}

// WriteCSV writes places as CSV (coordinates with 7 decimals, about 1 cm:
// the graph's precision; score only for stations).
func WriteCSV(w io.Writer, ps []Place) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	coord := func(v float64) string { return strconv.FormatFloat(v, 'f', 7, 64) }
	for _, p := range ps {
		score := ""
		if p.Kind == KindHSRStation || p.Kind == KindRailStation {
			score = strconv.Itoa(p.Score)
		}
		rec := []string{p.Kind, p.ID, p.Name, coord(p.Lon), coord(p.Lat), strconv.Itoa(p.Population), p.Source, p.NameZh, p.NameEn, score}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
