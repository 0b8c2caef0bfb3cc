package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// audit records an event with the outcome err implies. A failure to write
// the audit trail is logged, not returned: the caller's request has been
// decided already, and the log keeps the record.
func (s *Service) audit(ctx context.Context, e iam.Event, err error) {
	e.Time = s.now().UTC()
	if e.ID == "" {
		id, rerr := eventID(e.Time, s.rand)
		if rerr != nil {
			s.log.ErrorContext(ctx, "audit event id", "err", rerr)
			return
		}
		e.ID = id
	}
	if e.Group == "" {
		e.Group = iam.RootScope
	}
	e.Outcome = iam.OutcomeAccepted
	level := slog.LevelInfo
	if err != nil {
		e.Outcome, e.Reason, level = iam.OutcomeRefused, errs.Message(err), slog.LevelWarn
	}
	s.log.Log(ctx, level, "audit", "type", e.Type, "outcome", e.Outcome, "identity", e.Identity,
		"subject", e.Subject, "source_ip", e.SourceIP, "reason", e.Reason, "err", err)
	if werr := s.store.AppendEvent(context.WithoutCancel(ctx), e); werr != nil {
		s.log.ErrorContext(ctx, "audit event not stored", "type", e.Type, "err", werr)
	}
}

// eventID is the event's time in milliseconds as 12 hex digits, then 9
// random bytes (base64url): unique like a random ID, but ordered by time.
// Events are stored by ID, and every token exchange appends one, so
// ordered IDs make each insert land on the last page of the table instead
// of a random one: the events of one commit share their pages, and the
// database writes a fraction of the pages a random ID would dirty.
func eventID(t time.Time, r io.Reader) (string, error) {
	suffix, err := randomString(r, 9)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%012x", uint64(t.UnixMilli())&(1<<48-1)) + suffix, nil
}
