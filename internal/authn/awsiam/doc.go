// Package awsiam verifies AWS proofs: base64-encoded sts:GetCallerIdentity
// requests that a workload signed with SigV4, carrying two signed binding
// headers (Chainguard-Identity and Chainguard-Audience) that name the latch
// identity it wants and the latch server it is talking to.
//
// A [Verifier] decodes a proof strictly, checks every rule of the
// verifier checklist locally (size, shape, host allowlist, signature
// scope, signed binding headers, time window), claims the proof in a
// replay store, forwards a request it rebuilds from the signed parts only
// to an allowlisted STS endpoint, and parses STS's answer strictly. The
// result is the principal AWS itself vouches for; matching it against an
// identity's rules is [latch.dev/latch/internal/iam.AWSIdentity.Check].
//
// The key idea is that latch never decides what the workload is: STS does,
// by checking the signature over exactly the bytes latch forwards. Every
// local check exists so that what STS checks is what latch means: the
// connection goes to a host latch chose, the binding headers STS sees are
// the values latch expects (and they are signed, so STS refuses a proof
// relabelled for another identity or relying party), and the answer can
// only be read one way.
//
// [Sign] is the client side: it builds and signs the same request with the
// aws-sdk-go-v2 signer and encodes it as the Chainguard SDK does.
package awsiam
