// Package authz decides whether a caller may do something in a group.
//
// It is pure: it takes the caller's grants (role bindings with their roles'
// capabilities, read fresh from the store on every call so that a changed
// binding takes effect on the next request) and the narrowing the caller's
// token carries, and answers questions. A grant at a group applies to that
// group and every group below it; a grant at iam.RootScope applies
// everywhere.
package authz
