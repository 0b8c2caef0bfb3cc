package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// fail classifies an error that no caller anticipated: the context ended,
// the database is busy or unreachable, it asked for a retry that we could
// not give, or (the rest) something is wrong with a query. The cause stays
// in the chain for logs and errors.Is/As; the message is for the caller.
func (d *database) fail(ctx context.Context, op string, err error) error {
	cause := fmt.Errorf("storage: %s (%s): %w", op, d.dialect.name(), err)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return errs.Wrap(errs.Unavailable, cause, "the request ended before the database answered; try again")
	case d.dialect.retryable(err):
		return errs.Wrap(errs.Unavailable, cause, "the change collided with concurrent changes; try again")
	case d.dialect.unavailable(err):
		return errs.Wrap(errs.Unavailable, cause, "the database is busy or unreachable; try again shortly")
	}
	return errs.Wrap(errs.Internal, cause, "")
}

// notFound names the missing object: `identity 45a0…/2c5f… not found`.
func notFound(noun, id string) error {
	return errs.New(errs.NotFound, "%s %s not found", noun, id)
}

// invalidID refuses a malformed UIDP before it reaches a query, where it
// would only ever match nothing.
func invalidID(field, id string) error {
	return errs.Invalidf(field, "%q is not a valid ID", id)
}

// groupNoun is "organization" for a root group and "folder" below.
func groupNoun(id string) string {
	if iam.ParentID(id) == iam.RootScope {
		return "organization"
	}
	return "folder"
}

// inGroup describes a parent for messages: "in folder X", "at the root".
func inGroup(parent string) string {
	if parent == iam.RootScope {
		return "at the root"
	}
	return fmt.Sprintf("in %s %s", groupNoun(parent), parent)
}

// count says "1 identity", "3 identities", or "" for zero.
func count(n int, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// enumerate joins the non-empty parts as English: "a", "a and b",
// "a, b and c".
func enumerate(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	switch len(kept) {
	case 0:
		return ""
	case 1:
		return kept[0]
	}
	return strings.Join(kept[:len(kept)-1], ", ") + " and " + kept[len(kept)-1]
}
