package stats

// Target is one of the performance targets and how a run did
// against it.
type Target struct {
	Target   string  `json:"target"`
	Measured float64 `json:"measured"`
	Unit     string  `json:"unit"`
	Pass     bool    `json:"pass"`
}

// AtLeast is a target that measured must reach.
func AtLeast(what string, measured, want float64, unit string) Target {
	return Target{Target: what, Measured: measured, Unit: unit, Pass: measured >= want}
}

// Below is a target that measured must stay under.
func Below(what string, measured, limit float64, unit string) Target {
	return Target{Target: what, Measured: measured, Unit: unit, Pass: measured < limit}
}
