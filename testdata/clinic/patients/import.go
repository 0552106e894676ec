package patients

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/csvio"
)

// Columns of a patients file; the first ones are required.
var columns = []string{"id", "name", "species", "owner_id", "owner_name"}

// ParseRow reads one line of a patients file:
//
//	id,name,species,breed,born,microchip,owner_id,owner_name,owner_email,owner_phone,last_vaccination,deceased
func ParseRow(row csvio.Row) (Patient, error) {
	p := Patient{
		ID:        row.Str("id"),
		Name:      row.Str("name"),
		Species:   strings.ToLower(row.Str("species")),
		Breed:     row.Str("breed"),
		Microchip: row.Str("microchip"),
		Owner: Owner{
			ID:    row.Str("owner_id"),
			Name:  row.Str("owner_name"),
			Email: row.Str("owner_email"),
			Phone: row.Str("owner_phone"),
		},
	}
	var err error
	if p.Born, err = row.Date("born"); err != nil {
		return p, err
	}
	if p.LastVaccination, err = row.Date("last_vaccination"); err != nil {
		return p, err
	}
	if p.Deceased, err = row.Date("deceased"); err != nil {
		return p, err
	}
	return p, p.Validate()
}

// Import adds the patients of a CSV file to r. It returns how many it
// added and, for every row it did not, why, in line order; err is set only
// when the file as a whole is unreadable.
func (r *Registry) Import(in io.Reader, by string) (added int, rejected []csvio.RowError, err error) {
	type numbered struct {
		line int
		p    Patient
	}
	rows, rejected, err := csvio.Decode(in, columns, func(row csvio.Row) (numbered, error) {
		p, err := ParseRow(row)
		return numbered{row.Line(), p}, err
	})
	if err != nil {
		return 0, rejected, fmt.Errorf("import patients: %w", err)
	}
	for _, n := range rows {
		if err := r.Add(n.p); err != nil {
			rejected = append(rejected, csvio.RowError{Line: n.line, Err: err})
			continue
		}
		added++
	}
	slices.SortFunc(rejected, func(a, b csvio.RowError) int { return a.Line - b.Line })
	audit.Record(by, "patients.import", "added", added, "rejected", len(rejected))
	return added, rejected, nil
}

// Import adds the patients of a CSV file to Default.
func Import(in io.Reader, by string) (added int, rejected []csvio.RowError, err error) {
	return Default.Import(in, by)
}
