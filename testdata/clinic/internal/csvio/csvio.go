// Package csvio reads the clinic's CSV files: a header line naming the
// columns, then one record per line. Rows that do not parse are collected
// with their line numbers instead of stopping the import, because a
// receptionist fixing a spreadsheet wants every mistake at once.
package csvio

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"example.com/clinic/internal/clock"
)

// ErrMissingColumn is returned when the header lacks a required column.
var ErrMissingColumn = errors.New("missing column")

// Row is one record, read by column name.
type Row struct {
	line   int
	header map[string]int
	rec    []string
}

// Line is the row's 1-based line number in the file.
func (r Row) Line() int { return r.line }

// Str returns the trimmed value of col, "" when the column is absent.
func (r Row) Str(col string) string {
	i, ok := r.header[col]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// Int parses col as an integer; an empty cell is def.
func (r Row) Int(col string, def int) (int, error) {
	s := r.Str(col)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number", col, s)
	}
	return n, nil
}

// Date parses col as YYYY-MM-DD; an empty cell is the zero time.
func (r Row) Date(col string) (time.Time, error) {
	s := r.Str(col)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := clock.ParseDate(s)
	if err != nil {
		return t, fmt.Errorf("%s: %w", col, err)
	}
	return t, nil
}

// Minute parses col as "YYYY-MM-DD HH:MM".
func (r Row) Minute(col string) (time.Time, error) {
	t, err := clock.ParseMinute(r.Str(col))
	if err != nil {
		return t, fmt.Errorf("%s: %w", col, err)
	}
	return t, nil
}

// RowError is a row that was rejected.
type RowError struct {
	Line int
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e RowError) Unwrap() error { return e.Err }

// Decode reads every row of r with parse. It returns the rows that parsed,
// the rows that did not, and an error only when the file as a whole cannot
// be read (bad CSV, a required column missing).
func Decode[T any](r io.Reader, required []string, parse func(Row) (T, error)) ([]T, []RowError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("read header: %w", err)
	}
	header := make(map[string]int, len(head))
	for i, h := range head {
		header[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, col := range required {
		if _, ok := header[col]; !ok {
			return nil, nil, fmt.Errorf("%w %q", ErrMissingColumn, col)
		}
	}
	var (
		out      []T
		rejected []RowError
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, rejected, err
		}
		line, _ := cr.FieldPos(0)
		v, err := parse(Row{line: line, header: header, rec: rec})
		if err != nil {
			rejected = append(rejected, RowError{Line: line, Err: err})
			continue
		}
		out = append(out, v)
	}
	return out, rejected, nil
}

// ReadFile is Decode on the named file.
func ReadFile[T any](path string, required []string, parse func(Row) (T, error)) ([]T, []RowError, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, rejected, err := Decode(f, required, parse)
	if err != nil {
		return rows, rejected, fmt.Errorf("%s: %w", path, err)
	}
	return rows, rejected, nil
}
