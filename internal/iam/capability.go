package iam

import (
	"slices"
	"strings"

	"latch.dev/latch/internal/errs"
)

// A Capability is one permitted action, named "resource.action" like
// Chainguard's (groups.list, identity.create, role_bindings.delete, …) so
// that services written against Chainguard's names understand latch's.
type Capability string

// Resource is the part before the last dot ("role_bindings", "repo.blobs").
func (c Capability) Resource() string {
	s := string(c)
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

// Action is the part after the last dot ("list", "get").
func (c Capability) Action() string {
	s := string(c)
	return s[strings.LastIndexByte(s, '.')+1:]
}

// The capabilities latch enforces itself.
const (
	CapGroupsCreate       Capability = "groups.create"
	CapGroupsUpdate       Capability = "groups.update"
	CapGroupsList         Capability = "groups.list"
	CapGroupsDelete       Capability = "groups.delete"
	CapIdentityCreate     Capability = "identity.create"
	CapIdentityUpdate     Capability = "identity.update"
	CapIdentityList       Capability = "identity.list"
	CapIdentityDelete     Capability = "identity.delete"
	CapRolesCreate        Capability = "roles.create"
	CapRolesUpdate        Capability = "roles.update"
	CapRolesList          Capability = "roles.list"
	CapRolesDelete        Capability = "roles.delete"
	CapRoleBindingsCreate Capability = "role_bindings.create"
	CapRoleBindingsUpdate Capability = "role_bindings.update"
	CapRoleBindingsList   Capability = "role_bindings.list"
	CapRoleBindingsDelete Capability = "role_bindings.delete"
	CapAuditEventsList    Capability = "audit_events.list"
)

// Capabilities that latch does not enforce but carries for the services
// that trust latch tokens (a registry, a package repository), with
// Chainguard's names.
const (
	CapRepoBlobsGet   Capability = "repo.blobs.get"
	CapRepoCreate     Capability = "repo.create"
	CapRepoUpdate     Capability = "repo.update"
	CapRepoList       Capability = "repo.list"
	CapRepoDelete     Capability = "repo.delete"
	CapManifestCreate Capability = "manifest.create"
	CapManifestUpdate Capability = "manifest.update"
	CapManifestList   Capability = "manifest.list"
	CapManifestDelete Capability = "manifest.delete"
	CapManifestMeta   Capability = "manifest.metadata.list"
	CapTagCreate      Capability = "tag.create"
	CapTagUpdate      Capability = "tag.update"
	CapTagList        Capability = "tag.list"
	CapTagDelete      Capability = "tag.delete"
	CapReferrersList  Capability = "referrers.list"
	CapSBOMsList      Capability = "sboms.list"
	CapSignaturesList Capability = "record_signatures.list"
	CapVulnReports    Capability = "vuln_reports.list"
	CapAPKBlobsGet    Capability = "apk.blobs.get"
	CapAPKCreate      Capability = "apk.create"
	CapAPKList        Capability = "apk.list"
	CapAPKDelete      Capability = "apk.delete"
)

// AllCapabilities lists every capability a role may hold, sorted by name.
func AllCapabilities() []Capability {
	all := []Capability{
		CapGroupsCreate, CapGroupsUpdate, CapGroupsList, CapGroupsDelete,
		CapIdentityCreate, CapIdentityUpdate, CapIdentityList, CapIdentityDelete,
		CapRolesCreate, CapRolesUpdate, CapRolesList, CapRolesDelete,
		CapRoleBindingsCreate, CapRoleBindingsUpdate, CapRoleBindingsList, CapRoleBindingsDelete,
		CapAuditEventsList,
		CapRepoBlobsGet, CapRepoCreate, CapRepoUpdate, CapRepoList, CapRepoDelete,
		CapManifestCreate, CapManifestUpdate, CapManifestList, CapManifestDelete, CapManifestMeta,
		CapTagCreate, CapTagUpdate, CapTagList, CapTagDelete,
		CapReferrersList, CapSBOMsList, CapSignaturesList, CapVulnReports,
		CapAPKBlobsGet, CapAPKCreate, CapAPKList, CapAPKDelete,
	}
	slices.Sort(all)
	return all
}

// ParseCapability checks that s names a known capability.
func ParseCapability(field, s string) (Capability, error) {
	c := Capability(strings.TrimSpace(s))
	if _, ok := slices.BinarySearch(AllCapabilities(), c); !ok {
		return "", errs.Invalidf(field, "unknown capability %q; `latch iam roles capabilities ls` lists them", s)
	}
	return c, nil
}

// NormalizeCapabilities validates, sorts and de-duplicates a list.
func NormalizeCapabilities(field string, in []Capability) ([]Capability, error) {
	out := make([]Capability, 0, len(in))
	for _, c := range in {
		pc, err := ParseCapability(field, string(c))
		if err != nil {
			return nil, err
		}
		out = append(out, pc)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Missing returns the capabilities of want that have does not contain.
// Both must be sorted.
func Missing(want, have []Capability) []Capability {
	var out []Capability
	for _, c := range want {
		if _, ok := slices.BinarySearch(have, c); !ok {
			out = append(out, c)
		}
	}
	return out
}
