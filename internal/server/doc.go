// Package server wires latch together — store, signer, service,
// transports — and runs it: listeners, TLS, background loops (key
// rotation), health and metrics, graceful shutdown. Nothing here holds a
// rule of the product; it only assembles the parts that do.
package server
