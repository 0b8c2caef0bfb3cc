// Package exchange serves the token endpoints that speak plain HTTP rather
// than Connect, because their wire format is fixed by compatibility with
// Chainguard's issuer and by the tools that call them (curl, SDKs):
//
//	POST|GET /sts/exchange                upstream proof → latch token
//	POST     /sts/exchange_refresh_token  refresh token → new pair
//	POST     /sts/bootstrap               one-time secret → first administrator
//	GET      /sts/login                   the upstream OpenID Provider to log in at
//	POST     /sts/login                   its ID token → user session (with refresh token)
//	POST     /sts/revoke                  refresh token → revoked with its family (logout)
//
// Answers are JSON {"token","refresh_token","expiry"}; errors are JSON
// {"code","message"} with the status from the one table in errors.go.
package exchange
