package cmdutil

import "strings"

// OptionalString is a string flag that remembers whether it was given.
// Update commands change only the fields the user named, and an explicit
// empty value (--description "") clears a field, which a plain string
// flag cannot tell apart from an absent one.
type OptionalString struct {
	Value string
	Given bool
}

// Given returns an OptionalString holding v, as if v had been passed on
// the command line; tests use it to state the options they expect.
func Given(v string) OptionalString { return OptionalString{Value: v, Given: true} }

// String returns the value.
func (o *OptionalString) String() string { return o.Value }

// Set records the value and that it was given.
func (o *OptionalString) Set(s string) error {
	o.Value, o.Given = s, true
	return nil
}

// Type names the value in the usage text.
func (o *OptionalString) Type() string { return "string" }

// OptionalList is a repeatable flag that remembers whether it was given.
// It keeps each use as written; the command splits items where its
// syntax says (a claim pattern may itself contain a comma). An empty use
// still counts as given, so that --claim-pattern "" clears a list on
// update.
type OptionalList struct {
	Values []string
	Given  bool
}

// String returns the uses joined by commas.
func (o *OptionalList) String() string { return strings.Join(o.Values, ",") }

// Set records one use of the flag.
func (o *OptionalList) Set(s string) error {
	o.Given = true
	if s != "" {
		o.Values = append(o.Values, s)
	}
	return nil
}

// Type names the value in the usage text.
func (o *OptionalList) Type() string { return "strings" }

// Ptr returns the value's address when it was given, else nil: the form
// the client's update helpers take.
func (o *OptionalString) Ptr() *string {
	if !o.Given {
		return nil
	}
	return &o.Value
}
