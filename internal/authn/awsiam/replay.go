package awsiam

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// ReplayStore remembers proofs that were used. ClaimProof records key
// until expires and fails with an errs.AlreadyExists error when key was
// claimed before and has not expired; storage.Proofs satisfies it, and with
// a shared database the claim holds across every replica.
type ReplayStore interface {
	ClaimProof(ctx context.Context, key string, expires, now time.Time) error
}

// replayKey identifies a proof by what STS verifies, not by its encoding:
// re-encoding a proof (another base64 alphabet, padding, header case,
// HTTP/2 instead of HTTP/1.1) gives the same key. The signature alone is
// unique per signed request; the credential scope is included so the key
// says which access key to look at in an investigation, and a domain
// prefix keeps it apart from other proof types' keys.
func replayKey(a *sigV4Auth) string {
	sum := sha256.Sum256([]byte("latch aws proof v1\x00" + a.credential + "\x00" + a.signature))
	return "aws:" + hex.EncodeToString(sum[:])
}
