package service

import (
	"context"
	"log/slog"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// audit records an event with the outcome err implies. A failure to write
// the audit trail is logged, not returned: the caller's request has been
// decided already, and the log keeps the record.
func (s *Service) audit(ctx context.Context, e iam.Event, err error) {
	e.Time = s.now().UTC()
	if e.ID == "" {
		id, rerr := randomString(s.rand, 12)
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
