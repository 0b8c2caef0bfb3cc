// Package fakeaws emulates the two AWS services that latch's AWS login
// depends on: the EC2 instance metadata service (IMDSv2) and the Security
// Token Service's GetCallerIdentity action.
//
// # Why it exists
//
// latch verifies an AWS workload by forwarding a request that the workload
// signed with SigV4 to STS and trusting the identity STS answers with. Real
// STS cannot run on a developer machine or in CI, and a fake that answers
// 200 to anything would let a verifier bug (an unsigned binding header, a
// stale date, a swapped body) pass every test. This package therefore
// checks what real STS checks, recomputing every signature with the
// aws-sdk-go-v2 v4 signer, so requests made by real clients (curl
// --aws-sigv4, the aws CLI, the Go SDK) are verified for real. `latch dev`
// runs it so the tutorial works offline, and tests use it to drive the
// verifier, the CLI and fault handling.
//
// # What the STS emulator checks
//
//   - Only GetCallerIdentity, Version 2011-06-15, in the query string (the
//     curl and latch proof shape) or in a form body (the SDK and CLI shape).
//   - A strictly parsed `Authorization: AWS4-HMAC-SHA256 Credential=…,
//     SignedHeaders=…, Signature=…` header, exactly one, with each part
//     exactly once.
//   - X-Amz-Date present once, within 15 minutes of the emulator's clock,
//     and on the same day as the credential scope; the scope's service is
//     `sts`; `host` is signed.
//   - The access key is registered, its session token (if it has one) is
//     present, signed and equal, and the credentials have not expired.
//   - The signature recomputed from the signed headers only, the body hash
//     (or a matching X-Amz-Content-Sha256) and the request's own date is
//     equal, and so is the list of signed headers.
//
// Unsigned headers are ignored, exactly as STS ignores them. That is the
// point a verifier must not forget: anything it relies on has to be signed.
//
// Answers and errors have STS's XML shape, or its JSON shape when the
// client sends `Accept: application/json`.
//
// # What the IMDS emulator serves
//
// A session token endpoint with TTL checks, the instance role's
// credentials (issued into the same [Registry] the STS reads, so the fake
// instance can sign for the fake STS), iam/info, a few scalar metadata
// paths and the instance identity document.
//
// # Determinism
//
// Clocks and randomness are injected through options; nothing is kept in
// package-level variables, so tests can run in parallel. TLS keys are the
// exception: since Go 1.26 the standard library always draws key material
// from a secure source, so [NewCA] does not take a random source.
package fakeaws
