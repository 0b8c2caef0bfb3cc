// Package reliability checks that latch keeps its promises when things go
// wrong: STS slow, down, throttling or answering garbage; the database
// locked or stopped and back; the server killed with SIGKILL in the middle
// of a burst of writes; two replicas on one PostgreSQL behind a
// round-robin proxy while the signing keys rotate. The servers are real
// `latch server` processes built from ./cmd/latch (see latchproc), so a
// kill is a kill and memory, goroutines and open files are the server's
// own, read from its /metrics.
//
// The tests run with `go test ./...`. Those that need PostgreSQL use
// LATCH_TEST_POSTGRES_DSN and skip without it, unless
// LATCH_REQUIRE_POSTGRES=1; the test that stops the database starts a
// throwaway cluster of its own from the server binaries in
// /usr/lib/postgresql/*/bin. The ten-minute soak is behind the soak build
// tag: `make soak`.
package reliability
