package iam

import (
	"time"

	"latch.dev/latch/internal/errs"
)

// RoleBinding grants Role to Identity in the group that contains the
// binding and in every group below it. The group is not a field: it is the
// parent of the binding's ID, so a binding cannot disagree with its place.
type RoleBinding struct {
	ID        string
	Identity  string
	Role      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Group returns the group the binding applies to, or RootScope for a
// binding that applies to the whole server.
func (b RoleBinding) Group() string { return ParentID(b.ID) }

// Validate checks the references' form; their existence is checked by the
// service inside the transaction that writes the binding.
func (b RoleBinding) Validate() error {
	var list []error
	if !ValidID(b.ID) {
		list = append(list, errs.Invalidf("id", "%q is not a valid ID", b.ID))
	}
	if !ValidID(b.Identity) {
		list = append(list, errs.Invalidf("identity", "%q is not a valid identity ID", b.Identity))
	}
	if !ValidID(b.Role) {
		list = append(list, errs.Invalidf("role", "%q is not a valid role ID", b.Role))
	}
	return errs.Join(list)
}

// Grant is what a binding means for authorization: the role's capabilities
// at a group (and, by inheritance, below it).
type Grant struct {
	Binding      string
	Group        string // RootScope for the whole server
	Role         string
	RoleName     string
	Capabilities []Capability // sorted
}
