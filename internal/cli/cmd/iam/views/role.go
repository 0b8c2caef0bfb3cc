package views

import (
	"strings"
	"time"

	"latch.dev/latch/internal/cli/output"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Role prints roles.
func Role() output.View[*iamv1.Role] {
	return output.View[*iamv1.Role]{
		ID: (*iamv1.Role).GetId,
		Columns: []output.Column[*iamv1.Role]{
			{Header: "ID", Text: (*iamv1.Role).GetId},
			{Header: "NAME", Text: (*iamv1.Role).GetName},
			{Header: "TYPE", Text: func(r *iamv1.Role) string {
				if r.GetBuiltIn() {
					return "built-in"
				}
				return "custom"
			}},
			{Header: "DESCRIPTION", Text: (*iamv1.Role).GetDescription, Max: 50},
			{Header: "CAPABILITIES", Wide: true, Text: func(r *iamv1.Role) string { return strings.Join(r.GetCapabilities(), ",") }},
			{Header: "CREATED", Wide: true, Time: func(r *iamv1.Role) time.Time { return asTime(r.GetCreatedAt()) }},
		},
	}
}

// Capability prints capabilities.
func Capability() output.View[*iamv1.Capability] {
	return output.View[*iamv1.Capability]{
		ID: (*iamv1.Capability).GetName,
		Columns: []output.Column[*iamv1.Capability]{
			{Header: "CAPABILITY", Text: (*iamv1.Capability).GetName},
			{Header: "RESOURCE", Text: (*iamv1.Capability).GetResource},
			{Header: "ACTION", Text: (*iamv1.Capability).GetAction},
		},
	}
}
