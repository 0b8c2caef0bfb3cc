package shared

import (
	"strings"

	"latch.dev/latch/internal/cli/cmdutil"
)

// CheckRef refuses a --FLAG value that git would not take as a ref name
// (git check-ref-format): a space, a colon, "..", or a glob character.
// Catching it here explains the mistake; otherwise the identity would be
// created and never match.
func CheckRef(flag, ref string) error {
	if strings.ContainsAny(ref, " :~^?*[\\") || strings.Contains(ref, "..") {
		return cmdutil.FlagErrorf("--%s %q is not a git ref name", flag, ref)
	}
	return nil
}
