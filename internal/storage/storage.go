// Package storage defines the one interface through which latch keeps its
// state, and the types only storage deals in (signing keys, replay records,
// refresh tokens). Two implementations pass the same conformance suite
// (storagetest): SQLite, embedded and the default, and PostgreSQL, for
// several replicas.
//
// Errors carry errs kinds: NotFound, AlreadyExists (a name taken among
// siblings, a proof already used), Conflict (a group that is not empty, a
// role still bound). Every method takes the caller's context.
package storage

import (
	"context"
	"time"

	"latch.dev/latch/internal/iam"
)

// Store is latch's state.
type Store interface {
	Groups
	Identities
	Roles
	RoleBindings
	Keys
	Proofs
	RefreshTokens
	Events
	Bootstrap

	// Tx runs fn in one transaction: either every write fn makes lands or
	// none does. The Store given to fn must be used for all reads and writes
	// inside; a Tx inside a Tx joins the outer one. fn may run more than
	// once when the database asks for a retry (serialization failure), so it
	// must have no effects outside the store.
	Tx(ctx context.Context, fn func(tx Store) error) error

	// Ping checks that the database answers, for readiness probes.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Page is one page of a listing. Next is empty on the last page; passed
// back as Filter.PageToken it returns the following page.
type Page[T any] struct {
	Items []T
	Next  string
}

// Filter selects objects in listings. Zero fields do not filter. Results
// are ordered by ID, so pages are stable while objects are added.
type Filter struct {
	IDs  []string // exactly these objects
	Name string   // objects with this exact name
	// Parent keeps the direct children of a group (iam.RootScope: root
	// objects). For role bindings it is the group the binding is in.
	Parent string
	// Within keeps objects anywhere below a group, the group itself
	// included for groups.
	Within string
	// AncestorsOf keeps the groups that contain this ID (for groups), or
	// the objects whose parent contains or is this ID (for roles and
	// bindings: "what applies here").
	AncestorsOf string
	Identity    string // role bindings of this identity
	Role        string // role bindings of this role
	// Issuer keeps the identities that may accept an OIDC token from this
	// issuer: claim_match and static identities that name it exactly, and
	// claim_match identities with an issuer pattern, which the caller
	// must still test (identities only). It lets an exchange that names no
	// identity find its candidates with one index lookup.
	Issuer string

	PageSize  int    // 0 means DefaultPageSize; larger than MaxPageSize is capped
	PageToken string // from Page.Next
}

// Page size limits.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// Groups stores the organization tree.
type Groups interface {
	// CreateGroup fails with AlreadyExists when a sibling has the name, and
	// NotFound when the parent does not exist.
	CreateGroup(ctx context.Context, g iam.Group) error
	Group(ctx context.Context, id string) (iam.Group, error)
	// UpdateGroup reads the group, lets fn change it and writes it back in
	// one transaction. fn may run more than once.
	UpdateGroup(ctx context.Context, id string, fn func(*iam.Group) error) (iam.Group, error)
	// DeleteGroup fails with Conflict when the group still has folders,
	// identities, roles or role bindings.
	DeleteGroup(ctx context.Context, id string) error
	ListGroups(ctx context.Context, f Filter) (Page[iam.Group], error)
}

// Identities stores principals.
type Identities interface {
	// CreateIdentity fails with AlreadyExists when another identity in the
	// group has the name, or (for users) the issuer and subject.
	CreateIdentity(ctx context.Context, id iam.Identity) error
	Identity(ctx context.Context, id string) (iam.Identity, error)
	// UserIdentity finds a human user by upstream issuer and subject.
	UserIdentity(ctx context.Context, issuer, subject string) (iam.Identity, error)
	UpdateIdentity(ctx context.Context, id string, fn func(*iam.Identity) error) (iam.Identity, error)
	// TouchIdentity records that the identity was assumed at t; it is
	// cheap and never fails for a missing identity.
	TouchIdentity(ctx context.Context, id string, t time.Time) error
	// DeleteIdentity also deletes the identity's role bindings.
	DeleteIdentity(ctx context.Context, id string) error
	ListIdentities(ctx context.Context, f Filter) (Page[iam.Identity], error)
}

// Roles stores built-in and custom roles.
type Roles interface {
	// PutBuiltInRoles makes the stored built-in roles equal to roles. It is
	// idempotent and safe to run from several replicas at once.
	PutBuiltInRoles(ctx context.Context, roles []iam.Role) error
	CreateRole(ctx context.Context, r iam.Role) error
	Role(ctx context.Context, id string) (iam.Role, error)
	UpdateRole(ctx context.Context, id string, fn func(*iam.Role) error) (iam.Role, error)
	// DeleteRole fails with Conflict while a binding refers to the role.
	DeleteRole(ctx context.Context, id string) error
	ListRoles(ctx context.Context, f Filter) (Page[iam.Role], error)
}

// RoleBindings stores who holds which role where.
type RoleBindings interface {
	// CreateRoleBinding fails with NotFound when the identity or role does
	// not exist and AlreadyExists when the identity already holds the role
	// in that group.
	CreateRoleBinding(ctx context.Context, b iam.RoleBinding) error
	RoleBinding(ctx context.Context, id string) (iam.RoleBinding, error)
	UpdateRoleBinding(ctx context.Context, id string, fn func(*iam.RoleBinding) error) (iam.RoleBinding, error)
	DeleteRoleBinding(ctx context.Context, id string) error
	ListRoleBindings(ctx context.Context, f Filter) (Page[iam.RoleBinding], error)
	// Grants returns every binding of the identity with its role's
	// capabilities: everything authorization needs, in one query.
	Grants(ctx context.Context, identity string) ([]iam.Grant, error)
}

// SigningKey is one of the issuer's keys. Keys are generated and rotated by
// the signer and kept here so every replica signs and verifies with the
// same set.
type SigningKey struct {
	ID         string    // the JWK "kid"
	Algorithm  string    // "ES256" or "RS256"
	PrivateDER []byte    // PKCS #8
	CreatedAt  time.Time // when the key was generated
	// SignUntil is when the key stops being used for new tokens.
	SignUntil time.Time
	// PublishUntil is when the key leaves the JWKS: SignUntil plus the
	// longest token lifetime, so every token it signed still verifies.
	PublishUntil time.Time
}

// Keys stores the signing keys.
type Keys interface {
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	// UpdateSigningKeys replaces the key set with fn(old) in one
	// transaction that no other replica can interleave with. fn may return
	// ErrUnchanged to write nothing.
	UpdateSigningKeys(ctx context.Context, fn func(old []SigningKey) ([]SigningKey, error)) error
}

// Proofs remembers upstream proofs that were used, so each is accepted once
// across every replica.
type Proofs interface {
	// ClaimProof records key until expires. It fails with AlreadyExists
	// when the key was claimed before and has not expired. Expired records
	// are removed as a side effect, now and then.
	ClaimProof(ctx context.Context, key string, expires, now time.Time) error
}

// RefreshToken is a long-lived, single-use credential that a human login
// (or the bootstrap) gets with its access token. Only a hash of the secret
// is stored. Each use replaces the token with a new one in the same family;
// using a replaced token again revokes the whole family (RFC 6819 §5.2.2.3).
type RefreshToken struct {
	ID         string
	Family     string
	Identity   string
	SecretHash []byte // SHA-256 of the secret
	Audience   []string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time // zero until exchanged for a new pair
	RevokedAt  time.Time // zero unless revoked
}

// RefreshTokens stores refresh tokens.
type RefreshTokens interface {
	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	// UseRefreshToken marks the token with id as used at now and returns
	// it. It fails with Unauthenticated when the token is unknown,
	// expired, revoked or already used; in the last case it also revokes
	// the whole family, because a used token coming back means it leaked.
	UseRefreshToken(ctx context.Context, id string, now time.Time) (RefreshToken, error)
	// RevokeRefreshFamily revokes every token of the family.
	RevokeRefreshFamily(ctx context.Context, family string, now time.Time) error
}

// Events stores the audit trail.
type Events interface {
	AppendEvent(ctx context.Context, e iam.Event) error
	// ListEvents returns events newest first. Filter.Within and
	// Filter.Identity apply; Since and Until bound the time.
	ListEvents(ctx context.Context, f EventFilter) (Page[iam.Event], error)
}

// EventFilter selects audit events.
type EventFilter struct {
	Within    string // events of groups at or below this one
	Identity  string
	Outcome   string
	Since     time.Time
	Until     time.Time
	PageSize  int
	PageToken string
}

// BootstrapState is the single record of the one-time bootstrap.
type BootstrapState struct {
	SecretHash []byte    // SHA-256 of the bootstrap secret
	CreatedAt  time.Time // when the secret was made
	UsedAt     time.Time // zero until used
	Identity   string    // the administrator it created
}

// Bootstrap stores the one-time bootstrap secret.
type Bootstrap interface {
	// InitBootstrap stores the secret's hash unless a bootstrap record
	// exists already; it reports whether this call stored it.
	InitBootstrap(ctx context.Context, s BootstrapState) (bool, error)
	BootstrapState(ctx context.Context) (BootstrapState, error)
	// UseBootstrap marks the record used by identity. It fails with
	// Conflict if it was used before and NotFound if none exists.
	UseBootstrap(ctx context.Context, identity string, now time.Time) error
}
