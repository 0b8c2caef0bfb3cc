package iam

import (
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// A UIDP ("UID path") names an object and its place in the tree at once: a
// root object has a 40-hex-character UID; each child appends "/" and 16 hex
// characters. Because the ancestry is in the ID, authorization and
// hierarchy queries need no joins: a binding at G applies to every ID that
// starts with G + "/".
var uidpRE = regexp.MustCompile(`^[0-9a-f]{40}(?:/[0-9a-f]{16})*$`)

// RootScope stands for the whole server when an operation targets no group
// (creating an organization, a binding that applies to every organization).
const RootScope = "/"

// ValidID reports whether s is a well-formed UIDP.
func ValidID(s string) bool { return uidpRE.MatchString(s) }

// NewRootID returns a fresh 40-hex-character root UID read from rand.
func NewRootID(rand io.Reader) (string, error) {
	b := make([]byte, 20)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("uidp: read random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// NewChildID returns a fresh ID for an object under parent. An empty parent
// or RootScope gives a root UID.
func NewChildID(parent string, rand io.Reader) (string, error) {
	if parent == "" || parent == RootScope {
		return NewRootID(rand)
	}
	b := make([]byte, 8)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("uidp: read random bytes: %w", err)
	}
	return parent + "/" + hex.EncodeToString(b), nil
}

// ParentID returns the ID of the object that contains id, or RootScope for
// a root object.
func ParentID(id string) string {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return RootScope
	}
	return id[:i]
}

// RootID returns the organization part of id.
func RootID(id string) string {
	if i := strings.IndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return id
}

// AncestorIDs returns the IDs of every object that contains id, nearest
// last, without id itself and without RootScope.
func AncestorIDs(id string) []string {
	var out []string
	for i := 0; i < len(id); i++ {
		if id[i] == '/' {
			out = append(out, id[:i])
		}
	}
	return out
}

// Depth is the number of segments in id: 1 for an organization.
func Depth(id string) int { return strings.Count(id, "/") + 1 }

// IsWithin reports whether id is scope itself or lies below it. Every ID
// is within RootScope.
func IsWithin(id, scope string) bool {
	if scope == RootScope {
		return true
	}
	return id == scope || strings.HasPrefix(id, scope+"/")
}
