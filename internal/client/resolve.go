package client

import (
	"context"
	"strings"

	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// maxCandidates bounds how many IDs an ambiguity error lists.
const maxCandidates = 5

// GroupKind says which groups a lookup considers.
type GroupKind int

// The kinds of group lookups.
const (
	AnyGroup     GroupKind = iota // organizations and folders
	Organization                  // root groups only
	Folder                        // groups below an organization only
)

func (k GroupKind) String() string {
	switch k {
	case Organization:
		return "organization"
	case Folder:
		return "folder"
	}
	return "organization or folder"
}

// lister is the command that lists the groups of kind k.
func (k GroupKind) lister() string {
	switch k {
	case Organization:
		return "latch iam organizations ls"
	case Folder:
		return "latch iam folders ls"
	}
	return "latch iam organizations ls -o tree"
}

// Group finds one group by ID or name. within, if set (a name or ID),
// limits a search by name to that group and below.
func (a *API) Group(ctx context.Context, ref string, kind GroupKind, within string) (*iamv1.Group, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, errs.New(errs.Invalid, "an %s name or ID is required", kind)
	}
	f := &iamv1.GroupFilter{}
	if iam.ValidID(ref) {
		f.Id = ref
	} else {
		f.Name = ref
		switch {
		case kind == Organization:
			f.Uidp = &iamv1.UIDPFilter{ChildrenOf: iam.RootScope}
		case within != "":
			scope, err := a.GroupID(ctx, within)
			if err != nil {
				return nil, err
			}
			f.Uidp = &iamv1.UIDPFilter{DescendantsOf: scope}
		}
	}
	list, err := a.ListGroups(ctx, f)
	if err != nil {
		return nil, err
	}
	switch kind {
	case Organization:
		list = keep(list, func(g *iamv1.Group) bool { return iam.Depth(g.GetId()) == 1 })
	case Folder:
		list = keep(list, func(g *iamv1.Group) bool { return iam.Depth(g.GetId()) > 1 })
	}
	return one(list, ref, kind.String(), kind.lister(), (*iamv1.Group).GetId)
}

// GroupID returns the ID of the group ref names; an ID is returned as it
// is, without a call.
func (a *API) GroupID(ctx context.Context, ref string) (string, error) {
	if iam.ValidID(ref) || ref == iam.RootScope {
		return ref, nil
	}
	g, err := a.Group(ctx, ref, AnyGroup, "")
	if err != nil {
		return "", err
	}
	return g.GetId(), nil
}

// Identity finds one identity by ID or name. within, if set (a group name
// or ID), limits a search by name to that group and below.
func (a *API) Identity(ctx context.Context, ref, within string) (*iamv1.Identity, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, errs.New(errs.Invalid, "an identity name or ID is required")
	}
	f := &iamv1.IdentityFilter{}
	if iam.ValidID(ref) {
		f.Id = ref
	} else {
		f.Name = ref
		if within != "" {
			scope, err := a.GroupID(ctx, within)
			if err != nil {
				return nil, err
			}
			f.Uidp = &iamv1.UIDPFilter{DescendantsOf: scope}
		}
	}
	list, err := a.ListIdentities(ctx, f)
	if err != nil {
		return nil, err
	}
	return one(list, ref, "identity", "latch iam identities ls", (*iamv1.Identity).GetId)
}

// Role finds one role by ID or name. parent, if set, is where a role name
// is looked up (the server includes the built-in roles).
func (a *API) Role(ctx context.Context, ref, parent string) (*iamv1.Role, error) {
	f := &iamv1.RoleFilter{}
	if iam.ValidID(ref) {
		f.Id = ref
	} else {
		f.Name = ref
		f.Parent = parent
	}
	list, err := a.ListRoles(ctx, f)
	if err != nil {
		return nil, err
	}
	return one(list, ref, "role", "latch iam roles ls", (*iamv1.Role).GetId)
}

// RoleBinding finds a role binding by ID.
func (a *API) RoleBinding(ctx context.Context, id string) (*iamv1.RoleBindingList_Binding, error) {
	if !iam.ValidID(id) {
		return nil, errs.New(errs.Invalid, "%q is not a role binding ID; `latch iam role-bindings ls` lists them", id)
	}
	list, err := a.ListRoleBindings(ctx, &iamv1.RoleBindingFilter{Id: id})
	if err != nil {
		return nil, err
	}
	return one(list, id, "role binding", "latch iam role-bindings ls", (*iamv1.RoleBindingList_Binding).GetId)
}

// one returns the single element of list, or a NotFound or ambiguity error.
// lister is the command that lists what the caller can see, for the
// NotFound error's next step.
func one[T any](list []T, ref, what, lister string, id func(T) string) (T, error) {
	var zero T
	switch len(list) {
	case 0:
		by := "named"
		if iam.ValidID(ref) {
			by = "with ID"
		}
		return zero, errs.New(errs.NotFound, "no %s %s %q is visible to you; check the spelling, or see what you can with `%s`", what, by, ref, lister)
	case 1:
		return list[0], nil
	}
	ids := make([]string, 0, maxCandidates)
	for i, x := range list {
		if i == maxCandidates {
			ids = append(ids, "…")
			break
		}
		ids = append(ids, id(x))
	}
	return zero, errs.New(errs.Invalid, "the %s name %q is ambiguous (%d match); use one of these IDs instead: %s", what, ref, len(list), strings.Join(ids, ", "))
}

func keep[T any](list []T, ok func(T) bool) []T {
	out := list[:0:0]
	for _, x := range list {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}
