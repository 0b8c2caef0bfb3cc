// Package client is latch's Go client: the plain-HTTP token endpoints
// (/sts/exchange, /sts/exchange_refresh_token, /sts/bootstrap) and the
// Connect API services, with every failure turned back into an errs kind.
//
// The CLI, `latch dev` and tests use it, so the wire details (form
// parameters, bearer headers, error bodies, the Connect code table) live
// in one place.
package client
