package views

import (
	"context"
	"fmt"
	"time"

	"latch.dev/latch/internal/cli/output"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// RoleBinding prints role bindings, naming the identity, role and group.
func RoleBinding() output.View[*iamv1.RoleBindingList_Binding] {
	type b = iamv1.RoleBindingList_Binding
	return output.View[*b]{
		ID: (*b).GetId,
		Columns: []output.Column[*b]{
			{Header: "ID", Text: (*b).GetId},
			{Header: "IDENTITY", Text: BindingIdentity},
			{Header: "ROLE", Text: func(x *b) string { return x.GetRole().GetName() }},
			{Header: "GROUP", Text: bindingGroup},
			{Header: "IDENTITY ID", Wide: true, Text: (*b).GetIdentity},
			{Header: "ROLE ID", Wide: true, Text: func(x *b) string { return x.GetRole().GetId() }},
			{Header: "GROUP ID", Wide: true, Text: func(x *b) string { return iam.ParentID(x.GetId()) }},
			{Header: "CREATED", Wide: true, Time: func(x *b) time.Time { return asTime(x.GetCreatedAt()) }},
		},
	}
}

// BindingIdentity names a binding's identity: its name, else its email,
// else its ID.
func BindingIdentity(x *iamv1.RoleBindingList_Binding) string {
	switch {
	case x.GetIdentityName() != "":
		return x.GetIdentityName()
	case x.GetEmail() != "":
		return x.GetEmail()
	}
	return x.GetIdentity()
}

func bindingGroup(x *iamv1.RoleBindingList_Binding) string {
	if n := x.GetGroup().GetName(); n != "" {
		return n
	}
	if g := iam.ParentID(x.GetId()); g != iam.RootScope {
		return g
	}
	return "/"
}

// RoleBindingTree shows the bindings under the groups they apply to. The
// groups come from the bindings themselves and from groups (which may be
// nil), so that folders without bindings still show where they sit.
func RoleBindingTree(groups []*iamv1.Group, bindings []*iamv1.RoleBindingList_Binding) []*output.Node {
	byID := make(map[string]*iamv1.Group)
	for _, g := range groups {
		byID[g.GetId()] = g
	}
	extra := make(map[string][]*output.Node)
	var server []*output.Node
	for _, x := range bindings {
		n := &output.Node{Label: BindingIdentity(x) + ": " + x.GetRole().GetName() + " [" + x.GetId() + "]"}
		gid := iam.ParentID(x.GetId())
		if gid == iam.RootScope {
			server = append(server, n)
			continue
		}
		if _, ok := byID[gid]; !ok {
			g := x.GetGroup()
			if g == nil || g.GetId() != gid {
				g = &iamv1.Group{Id: gid}
			}
			byID[gid] = g
		}
		extra[gid] = append(extra[gid], n)
	}
	all := make([]*iamv1.Group, 0, len(byID))
	for _, g := range byID {
		all = append(all, g)
	}
	roots := buildTree(all, func(g *iamv1.Group) (string, string) {
		return g.GetId(), label(g.GetName(), g.GetId())
	}, extra)
	if len(server) > 0 {
		roots = append([]*output.Node{{Label: "/ (every organization)", Children: server}}, roots...)
	}
	return roots
}

// PrintRoleBinding prints a binding that create or update returned. JSON
// and -o id print it as the server answered; the other formats show
// names, which the answer lacks, so the binding is read back with lookup
// (the IDs are shown if that fails).
func PrintRoleBinding(ctx context.Context, p *output.Printer, b *iamv1.RoleBinding,
	lookup func(context.Context, string) (*iamv1.RoleBindingList_Binding, error)) error {
	switch p.Format() {
	case output.JSON:
		return p.JSON(b)
	case output.ID:
		_, err := fmt.Fprintln(p.Out(), b.GetId())
		return err
	}
	full, err := lookup(ctx, b.GetId())
	if err != nil {
		full = &iamv1.RoleBindingList_Binding{
			Id:        b.GetId(),
			Identity:  b.GetIdentity(),
			Role:      &iamv1.Role{Id: b.GetRole()},
			CreatedAt: b.GetCreatedAt(),
		}
	}
	return output.Object(p, RoleBinding(), full)
}
