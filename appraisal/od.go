package appraisal

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ODRow is one row of a planner's OD matrix: person trips per day of the
// base year from a zone or place id to another.
type ODRow struct {
	Line        int // line in the file (header is line 1)
	From, To    string
	TripsPerDay float64
}

// ParseOD reads an OD CSV with a header holding at least from, to and
// trips_per_day (other columns are ignored). Trips must be 0..1e9. Errors
// name the line; ids are checked against zones and places by BuildDemand.
func ParseOD(r io.Reader) ([]ODRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("line 1: empty file: want a header from,to,trips_per_day")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, k := range []string{"from", "to", "trips_per_day"} {
		if _, ok := col[k]; !ok {
			return nil, fmt.Errorf("line 1: no %s column: want a header with from,to,trips_per_day", k)
		}
	}
	var rows []ODRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil { // FieldPos may only be called after a successful Read
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %w", pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		get := func(k string) string {
			if i := col[k]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := ODRow{Line: line, From: get("from"), To: get("to")}
		if row.From == "" || row.To == "" {
			return nil, fmt.Errorf("line %d: empty from or to: want zone or place ids", line)
		}
		v, err := strconv.ParseFloat(get("trips_per_day"), 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > 1e9 {
			return nil, fmt.Errorf("line %d: trips_per_day %q: want a number 0..1e9", line, get("trips_per_day"))
		}
		row.TripsPerDay = v
		rows = append(rows, row)
	}
	return rows, nil
}
