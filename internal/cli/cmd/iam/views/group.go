package views

import (
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/output"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// Group prints organizations and folders.
func Group() output.View[*iamv1.Group] {
	return output.View[*iamv1.Group]{
		ID: (*iamv1.Group).GetId,
		Columns: []output.Column[*iamv1.Group]{
			{Header: "ID", Text: (*iamv1.Group).GetId},
			{Header: "NAME", Text: (*iamv1.Group).GetName},
			{Header: "DESCRIPTION", Text: (*iamv1.Group).GetDescription, Max: 60},
			{Header: "PARENT", Wide: true, Text: func(g *iamv1.Group) string {
				if p := iam.ParentID(g.GetId()); p != iam.RootScope {
					return p
				}
				return ""
			}},
			{Header: "CREATED", Wide: true, Time: func(g *iamv1.Group) time.Time { return asTime(g.GetCreatedAt()) }},
		},
	}
}

// asTime converts a timestamp that may be unset; unset is the zero time,
// which prints as nothing.
func asTime(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

// GroupTree arranges groups by their IDs' ancestry. A group whose parent
// is not in the list becomes a root of the tree.
func GroupTree(groups []*iamv1.Group) []*output.Node {
	return buildTree(groups, func(g *iamv1.Group) (string, string) {
		return g.GetId(), label(g.GetName(), g.GetId())
	}, nil)
}

// buildTree turns groups into tree nodes and attaches extra nodes (role
// bindings, say) under the group with the given ID.
func buildTree(groups []*iamv1.Group, describe func(*iamv1.Group) (id, label string), extra map[string][]*output.Node) []*output.Node {
	sorted := slices.Clone(groups)
	slices.SortFunc(sorted, func(a, b *iamv1.Group) int {
		if d := iam.Depth(a.GetId()) - iam.Depth(b.GetId()); d != 0 {
			return d
		}
		if a.GetName() != b.GetName() {
			if a.GetName() < b.GetName() {
				return -1
			}
			return 1
		}
		if a.GetId() < b.GetId() {
			return -1
		}
		return 1
	})
	nodes := make(map[string]*output.Node, len(sorted))
	var roots []*output.Node
	for _, g := range sorted {
		id, text := describe(g)
		n := &output.Node{Label: text}
		nodes[id] = n
		if parent := nearest(nodes, id); parent != nil {
			parent.Children = append(parent.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	// Extra nodes go first under their group, before the subgroups.
	for id, list := range extra {
		if n, ok := nodes[id]; ok {
			n.Children = append(slices.Clone(list), n.Children...)
		}
	}
	return roots
}

// nearest returns the node of id's closest ancestor in nodes, so that a
// folder whose parent is not listed still hangs under its organization.
func nearest(nodes map[string]*output.Node, id string) *output.Node {
	anc := iam.AncestorIDs(id)
	for i := len(anc) - 1; i >= 0; i-- {
		if n, ok := nodes[anc[i]]; ok {
			return n
		}
	}
	return nil
}

func label(name, id string) string {
	if name == "" {
		return id
	}
	return name + " [" + id + "]"
}
