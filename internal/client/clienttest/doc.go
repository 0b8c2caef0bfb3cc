// Package clienttest runs an httptest server that speaks latch's API with
// handlers written in the test: Connect stubs whose methods are func
// fields, and plain handlers for the token endpoints. Unset methods answer
// Unimplemented, so a test states exactly what the server does.
package clienttest
