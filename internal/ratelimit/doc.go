// Package ratelimit bounds how often callers may do something, with one
// token bucket (golang.org/x/time/rate) per key: a source address, an
// identity.
//
// Memory is bounded whatever the callers send: a bucket that has been
// idle long enough to refill is indistinguishable from a new one, so it
// is dropped, and past a fixed number of keys the least recently used
// bucket goes too. The price of the cap is that a flood of distinct keys
// can push out a throttled bucket, which then starts full again; the
// limits fail open, never shut.
//
// Limits are held in memory, so each replica counts on its own: with N
// replicas behind a load balancer a caller gets up to N times the limit.
// The clock is injected so tests need not sleep.
package ratelimit
