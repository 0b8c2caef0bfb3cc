// Package storagetest is the conformance suite that every storage.Store
// implementation passes: exact round trips of every type, the organization
// tree's queries, uniqueness and refusals with their error kinds,
// pagination, transactions, and the races that several replicas produce
// (updates of one row, key rotation, single-use proofs and refresh
// tokens, idempotent start-up writes).
//
// A backend's test calls Run with a function that opens an empty store
// for one test and arranges, with t.Cleanup, to close and remove it. Each
// test gets its own store and runs in parallel with the others.
package storagetest
