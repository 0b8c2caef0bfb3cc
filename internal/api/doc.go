// Package api serves latch's Connect services (groups, identities, roles,
// role bindings, auth) as thin adapters over the service package: decode,
// call one use case, encode. The caller is authenticated by an interceptor
// and passed to the service explicitly; errors are mapped to Connect codes
// in one table (errors.go).
package api
