// Package bench holds latch's load tools. Each one is a main package run
// with `go run`:
//
//	go run ./bench/exchange   AWS token exchanges through a real server
//	go run ./bench/authz      authorization decisions and listings on a large tree
//	go run ./bench/server     start-up time and memory of `latch server`
//
// They print JSON. docs/performance.md has the numbers, the machine and
// the exact commands.
package bench
