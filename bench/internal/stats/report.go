package stats

import (
	"encoding/json"
	"os"
)

// Print writes a tool's result as indented JSON to standard output and,
// when out is not empty, to the file out as well, so that a run can be
// kept in bench/results/ exactly as it was printed.
func Print(result any, out string) error {
	b, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	_, err = os.Stdout.Write(b)
	return err
}
