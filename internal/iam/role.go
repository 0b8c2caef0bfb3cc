package iam

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"time"

	"latch.dev/latch/internal/errs"
)

// Role is a named set of capabilities. Built-in roles live at the root and
// cannot change through the API; custom roles belong to a group and can be
// bound in that group and below.
type Role struct {
	ID           string
	Name         string
	Description  string
	Capabilities []Capability // sorted, unique
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// BuiltIn reports whether the role is one of latch's own.
func (r Role) BuiltIn() bool { return ParentID(r.ID) == RootScope }

// Group returns the group that owns a custom role, or RootScope.
func (r Role) Group() string { return ParentID(r.ID) }

// Validate checks a custom role before it is written.
func (r *Role) Validate() error {
	var list []error
	list = append(list, ValidateName("name", r.Name), ValidateDescription("description", r.Description))
	if len(r.Capabilities) == 0 {
		list = append(list, errs.Invalidf("capabilities", "a role needs at least one capability"))
	} else {
		caps, err := NormalizeCapabilities("capabilities", r.Capabilities)
		list = append(list, err)
		if err == nil {
			r.Capabilities = caps
		}
	}
	return errs.Join(list)
}

// builtInRoleID derives a stable root UID from the role's name, so that
// every replica and every release agree on the built-in roles' IDs.
func builtInRoleID(name string) string {
	sum := sha1.Sum([]byte("latch built-in role " + name))
	return hex.EncodeToString(sum[:])
}

// Capability bundles, built the way Chainguard builds its roles: viewers
// read everything and pull, editors also change content, owners also manage
// access.
var (
	registryPull = []Capability{CapGroupsList, CapRepoBlobsGet, CapRepoList, CapManifestList, CapManifestMeta, CapTagList, CapReferrersList, CapSBOMsList, CapSignaturesList, CapVulnReports}
	registryPush = []Capability{CapRepoCreate, CapRepoUpdate, CapRepoDelete, CapManifestCreate, CapManifestUpdate, CapManifestDelete, CapTagCreate, CapTagUpdate, CapTagDelete, CapGroupsCreate}
	apkPull      = []Capability{CapGroupsList, CapAPKBlobsGet, CapAPKList}
	apkPush      = []Capability{CapAPKCreate, CapAPKDelete}
	viewerCaps   = []Capability{CapGroupsList, CapIdentityList, CapRolesList, CapRoleBindingsList}
	editorCaps   = []Capability{CapRepoCreate, CapRepoUpdate, CapRepoDelete}
	ownerCaps    = []Capability{
		CapGroupsCreate, CapGroupsUpdate, CapGroupsDelete,
		CapIdentityCreate, CapIdentityUpdate, CapIdentityDelete,
		CapRolesCreate, CapRolesUpdate, CapRolesDelete,
		CapRoleBindingsCreate, CapRoleBindingsUpdate, CapRoleBindingsDelete,
		CapAuditEventsList,
	}
	pullTokenCreator = []Capability{CapRoleBindingsCreate, CapIdentityCreate, CapRolesList}
)

func union(sets ...[]Capability) []Capability {
	var out []Capability
	for _, s := range sets {
		out = append(out, s...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// BuiltInRoles returns latch's own roles, sorted by name.
func BuiltInRoles() []Role {
	viewer := union(viewerCaps, registryPull, apkPull)
	editor := union(viewer, editorCaps)
	owner := union(editor, ownerCaps, registryPush, apkPush)
	defs := []struct {
		name, desc string
		caps       []Capability
	}{
		{"apk.pull", "Pull packages (built-in)", union(apkPull)},
		{"editor", "Editor role (built-in): read everything, change content, not access", editor},
		{"owner", "Owner role (built-in): every capability, including managing access", owner},
		{"registry.pull", "Pull images (built-in)", union(registryPull)},
		{"registry.pull_token_creator", "Create pull tokens (built-in)", union(pullTokenCreator, registryPull, apkPull)},
		{"registry.push", "Push and pull images (built-in)", union(registryPush, registryPull)},
		{"viewer", "Viewer role (built-in): read-only", viewer},
	}
	out := make([]Role, len(defs))
	for i, d := range defs {
		out[i] = Role{ID: builtInRoleID(d.name), Name: d.name, Description: d.desc, Capabilities: d.caps}
	}
	return out
}

// BuiltInRole returns the built-in role with that name.
func BuiltInRole(name string) (Role, bool) {
	for _, r := range BuiltInRoles() {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}
