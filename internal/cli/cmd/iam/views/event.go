package views

import (
	"time"

	"latch.dev/latch/internal/cli/output"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	"latch.dev/latch/internal/iam"
)

// Event prints audit events. names maps identity IDs to names for the
// IDENTITY column; an identity it does not name (deleted since, or not
// visible to the caller) shows its ID.
func Event(names map[string]string) output.View[*authv1.Event] {
	return output.View[*authv1.Event]{
		ID: (*authv1.Event).GetId,
		Columns: []output.Column[*authv1.Event]{
			{Header: "TIME", Time: func(e *authv1.Event) time.Time { return asTime(e.GetTime()) }},
			{Header: "TYPE", Text: (*authv1.Event).GetType},
			{Header: "OUTCOME", Text: (*authv1.Event).GetOutcome},
			{Header: "IDENTITY", Text: func(e *authv1.Event) string {
				if n := names[e.GetIdentity()]; n != "" {
					return n
				}
				return e.GetIdentity()
			}},
			{Header: "SUBJECT", Text: (*authv1.Event).GetSubject, Max: 60},
			{Header: "REASON", Text: (*authv1.Event).GetReason, Max: 60},
			{Header: "ID", Wide: true, Text: (*authv1.Event).GetId},
			{Header: "IDENTITY ID", Wide: true, Text: (*authv1.Event).GetIdentity},
			{Header: "GROUP", Wide: true, Text: func(e *authv1.Event) string {
				if g := e.GetGroup(); g != iam.RootScope {
					return g
				}
				return ""
			}},
			{Header: "SOURCE IP", Wide: true, Text: (*authv1.Event).GetSourceIp},
			{Header: "TOKEN ID", Wide: true, Text: (*authv1.Event).GetTokenId},
			{Header: "DETAIL", Wide: true, Text: func(e *authv1.Event) string { return pairs(e.GetDetail()) }},
		},
	}
}
