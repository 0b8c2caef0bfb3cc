package output

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"latch.dev/latch/internal/cli/iostreams"
)

// Printer writes results to standard output in one resolved format.
type Printer struct {
	io     *iostreams.IOStreams
	format Format
	now    func() time.Time
}

// NewPrinter resolves the format: flag when given, else configured when it
// is a standard format, else table on a terminal and tsv elsewhere. A nil
// now means time.Now.
func NewPrinter(ios *iostreams.IOStreams, flag Format, configured string, now func() time.Time) *Printer {
	f := flag
	if f == Auto && IsDefaultable(configured) {
		f = Format(configured)
	}
	if f == Auto {
		f = TSV
		if ios.IsStdoutTTY() {
			f = Table
		}
	}
	if now == nil {
		now = time.Now
	}
	return &Printer{io: ios, format: f, now: now}
}

// Format returns the resolved format.
func (p *Printer) Format() Format { return p.format }

// Tabular reports whether the format prints columns (table, wide, tsv),
// as opposed to an object's own fields (json) or bare IDs. Commands use
// it to skip the extra calls that only fill columns, such as names.
func (p *Printer) Tabular() bool {
	return p.format == Table || p.format == Wide || p.format == TSV
}

// Out returns standard output.
func (p *Printer) Out() io.Writer { return p.io.Out }

// IsTTY reports whether standard output is a terminal.
func (p *Printer) IsTTY() bool { return p.io.IsStdoutTTY() }

// Time formats t: relative on a terminal, RFC 3339 elsewhere, "" if zero.
func (p *Printer) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if !p.IsTTY() {
		return t.UTC().Format(time.RFC3339)
	}
	return Relative(t, p.now())
}

// Relative describes t from now's point of view: "in 59m", "3d ago".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	future := d >= 0
	if !future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh", int(d/time.Hour))
	default:
		s = fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// Rows prints rows under headers in the table or tsv style, whichever the
// format calls for. Wide and table print the same here; callers choose
// the columns.
func (p *Printer) Rows(headers []string, rows [][]string) error {
	if p.format == TSV {
		for _, r := range rows {
			for i := range r {
				r[i] = strings.Join(strings.Fields(Clean(r[i])), " ")
			}
			if _, err := fmt.Fprintln(p.io.Out, strings.Join(r, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, strings.Join(headers, "\t"))
	for _, r := range rows {
		for i := range r {
			r[i] = strings.Join(strings.Fields(Clean(r[i])), " ")
		}
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	text := b.String()
	// Bold is applied to the aligned header line as a whole: escape codes
	// inside cells would throw tabwriter's widths off.
	header, rest, _ := strings.Cut(text, "\n")
	_, err := fmt.Fprint(p.io.Out, p.io.Bold(strings.TrimRight(header, " "))+"\n"+trimLines(rest))
	return err
}

// Fields prints label/value pairs one a line, aligned, for describing a
// single object.
func (p *Printer) Fields(labels, values []string) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for i, l := range labels {
		fmt.Fprintf(tw, "%s:\t%s\n", l, Clean(values[i]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprint(p.io.Out, trimLines(b.String()))
	return err
}

// Clean removes control characters, so that text stored on the server
// (a description, say) cannot move the cursor or recolour the terminal.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// trimLines drops the padding tabwriter leaves at the end of lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// truncate cuts s to max runes, marking the cut with an ellipsis.
func truncate(s string, max int) string {
	r := []rune(s)
	if max <= 0 || len(r) <= max {
		return s
	}
	if max == 1 {
		return "…"
	}
	return string(r[:max-1]) + "…"
}
