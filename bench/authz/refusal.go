package main

import "latch.dev/latch/internal/errs"

// isRefusal reports an answer that is a decision, not a failure: most
// random callers may not see most random identities.
func isRefusal(err error) bool {
	k := errs.KindOf(err)
	return k == errs.NotFound || k == errs.PermissionDenied
}
