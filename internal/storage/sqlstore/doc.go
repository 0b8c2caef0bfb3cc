// Package sqlstore implements storage.Store on database/sql for two
// databases: SQLite (modernc.org/sqlite, no cgo), the embedded default, and
// PostgreSQL (pgx), for several replicas sharing one database.
//
// The SQL is written once, in the subset both databases accept ($N
// parameters, ON CONFLICT, row values, partial indexes); what differs (row
// locking, time encoding, error codes, pool layout) lives in sqlite.go and
// postgres.go behind the small dialect interface. Nothing is translated by
// rewriting SQL text.
//
// The schema (migrations/) is applied by Open with goose. Constraints, not
// application checks alone, keep the invariants when writers race: names
// unique among siblings, one binding per (group, identity, role), one user
// per (issuer, subject), and foreign keys that refuse to orphan anything.
// UIDPs encode ancestry, so hierarchy queries are primary-key ranges and IN
// lists, never recursive queries.
//
// Times are stored in UTC with microsecond precision: finer parts of a
// time.Time are truncated on write.
package sqlstore
