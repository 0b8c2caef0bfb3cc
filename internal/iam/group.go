package iam

import (
	"time"

	"latch.dev/latch/internal/errs"
)

// Group is a node of the organization tree. A root group is an
// organization (its name is usually a domain, like "example.dev"); every
// group below one is a folder. Names are unique among siblings.
type Group struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// IsOrganization reports whether g is a root group.
func (g Group) IsOrganization() bool { return ParentID(g.ID) == RootScope }

// Parent returns the containing group's ID, or RootScope for an organization.
func (g Group) Parent() string { return ParentID(g.ID) }

// MaxGroupDepth bounds the tree so that ancestor lists stay short and IDs
// stay well under any column or header limit.
const MaxGroupDepth = 16

// Validate checks the fields a caller can set.
func (g Group) Validate() error {
	var list []error
	if !ValidID(g.ID) {
		list = append(list, errs.Invalidf("id", "%q is not a valid ID", g.ID))
	} else if Depth(g.ID) > MaxGroupDepth {
		list = append(list, errs.Invalidf("parent", "folders may be nested at most %d deep", MaxGroupDepth))
	}
	list = append(list, ValidateName("name", g.Name), ValidateDescription("description", g.Description))
	return errs.Join(list)
}
