package output

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
)

// Column is one column of a View.
type Column[T any] struct {
	// Header is the column's upper-case title.
	Header string
	// Wide columns appear only with -o wide and when describing one object.
	Wide bool
	// Detail columns appear only when describing one object: they spell
	// out what a listing's Summary column sums up.
	Detail bool
	// Summary columns appear only in listings; one described object shows
	// its Detail columns instead.
	Summary bool
	// Max cuts longer cells on a terminal in the table format.
	Max int
	// Text gives the cell, unless Time is set.
	Text func(T) string
	// Time gives a time, formatted by the Printer.
	Time func(T) time.Time
}

// View says how objects of one type print in every format.
type View[T proto.Message] struct {
	Columns []Column[T]
	// ID gives the object's ID for -o id.
	ID func(T) string
}

func (v View[T]) cell(p *Printer, c Column[T], x T) string {
	if c.Time != nil {
		return p.Time(c.Time(x))
	}
	return c.Text(x)
}

// columns returns the columns the format shows.
func (v View[T]) columns(f Format) []Column[T] {
	var out []Column[T]
	for _, c := range v.Columns {
		if !c.Detail && (!c.Wide || f == Wide) {
			out = append(out, c)
		}
	}
	return out
}

// List prints a listing.
func List[T proto.Message](p *Printer, v View[T], items []T) error {
	switch p.format {
	case JSON:
		msgs := make([]proto.Message, len(items))
		for i, x := range items {
			msgs[i] = x
		}
		return p.JSONList(msgs)
	case ID:
		for _, x := range items {
			if _, err := fmt.Fprintln(p.io.Out, v.ID(x)); err != nil {
				return err
			}
		}
		return nil
	case Tree:
		return fmt.Errorf("output: this listing cannot be printed as a tree")
	}
	cols := v.columns(p.format)
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.Header
	}
	rows := make([][]string, 0, len(items))
	for _, x := range items {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = v.cell(p, c, x)
			if p.format == Table && p.IsTTY() {
				row[i] = truncate(row[i], c.Max)
			}
		}
		rows = append(rows, row)
	}
	return p.Rows(headers, rows)
}

// Object prints one object: as JSON, as its ID, as one tab-separated row,
// or as labelled fields (every column, wide ones included, empty ones
// left out).
func Object[T proto.Message](p *Printer, v View[T], x T) error {
	switch p.format {
	case JSON:
		return p.JSON(x)
	case ID:
		_, err := fmt.Fprintln(p.io.Out, v.ID(x))
		return err
	case TSV:
		return List(p, v, []T{x})
	}
	labels := make([]string, 0, len(v.Columns))
	values := make([]string, 0, len(v.Columns))
	for _, c := range v.Columns {
		if c.Summary {
			continue
		}
		if s := v.cell(p, c, x); s != "" {
			labels = append(labels, c.Header)
			values = append(values, s)
		}
	}
	return p.Fields(labels, values)
}

// Join joins a list for a cell.
func Join(list []string) string { return strings.Join(list, ", ") }
