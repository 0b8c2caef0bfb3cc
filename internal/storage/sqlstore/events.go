package sqlstore

import (
	"context"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

const eventColumns = "id, occurred_at, type, group_id, identity_id, outcome, reason, subject, detail, source_ip, token_id"

func scanEvent(sc scanner) (iam.Event, error) {
	var e iam.Event
	err := sc.Scan(&e.ID, timeDest(&e.Time), &e.Type, &e.Group, &e.Identity, &e.Outcome, &e.Reason, &e.Subject,
		jsonDest(&e.Detail), &e.SourceIP, &e.TokenID)
	return e, err
}

// AppendEvent implements storage.Events. The event needs an ID and a
// time; its group must be a group ID, iam.RootScope or empty (which the
// Within filter of ListEvents relies on).
func (s *Store) AppendEvent(ctx context.Context, e iam.Event) error {
	switch {
	case e.ID == "":
		return errs.Invalidf("event.id", "is empty")
	case e.Time.IsZero():
		return errs.Invalidf("event.time", "is the zero time")
	case e.Group != "" && e.Group != iam.RootScope && !iam.ValidID(e.Group):
		return invalidID("event.group", e.Group)
	}
	detail, err := jsonArg(e.Detail)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO events (`+eventColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.ID, s.db.dialect.timeArg(e.Time), e.Type, e.Group, e.Identity, e.Outcome, e.Reason, e.Subject, detail, e.SourceIP, e.TokenID)
	if s.db.dialect.violation(err) == violationPrimaryKey {
		return errs.Wrap(errs.AlreadyExists, err, "an event with ID %s already exists", e.ID)
	}
	if err != nil {
		return s.db.fail(ctx, "append event", err)
	}
	return nil
}

// ListEvents implements storage.Events: newest first, ties broken by ID
// (descending), keyset pages on (time, ID). Within keeps the events of the
// group and every group below it; Identity and Outcome are exact; Since is
// inclusive and Until exclusive.
func (s *Store) ListEvents(ctx context.Context, f storage.EventFilter) (storage.Page[iam.Event], error) {
	var a args
	t := s.db.dialect.timeArg
	if f.Within != "" && f.Within != iam.RootScope {
		if err := scope("within", f.Within); err != nil {
			return storage.Page[iam.Event]{}, err
		}
		a.where(a.atOrBelow("group_id", f.Within))
	}
	if f.Identity != "" {
		if !iam.ValidID(f.Identity) {
			return storage.Page[iam.Event]{}, invalidID("identity", f.Identity)
		}
		a.where("identity_id = " + a.add(f.Identity))
	}
	if f.Outcome != "" {
		a.where("outcome = " + a.add(f.Outcome))
	}
	if !f.Since.IsZero() {
		a.where("occurred_at >= " + a.add(t(f.Since)))
	}
	if !f.Until.IsZero() {
		a.where("occurred_at < " + a.add(t(f.Until)))
	}
	size, err := pageSize(f.PageSize)
	if err != nil {
		return storage.Page[iam.Event]{}, err
	}
	if f.PageToken != "" {
		c, err := parseToken(f.PageToken)
		if err != nil {
			return storage.Page[iam.Event]{}, err
		}
		a.where("(occurred_at, id) < (" + a.add(t(time.UnixMicro(c.Time))) + ", " + a.add(c.ID) + ")")
	}
	q := "SELECT " + eventColumns + " FROM events" + a.clause() + " ORDER BY occurred_at DESC, id DESC LIMIT " + a.add(size+1)
	rows, err := s.reader().QueryContext(ctx, q, a.vals...)
	if err != nil {
		return storage.Page[iam.Event]{}, s.db.fail(ctx, "list events", err)
	}
	defer rows.Close()
	var page storage.Page[iam.Event]
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return storage.Page[iam.Event]{}, s.db.fail(ctx, "list events", err)
		}
		page.Items = append(page.Items, e)
	}
	if err := rows.Err(); err != nil {
		return storage.Page[iam.Event]{}, s.db.fail(ctx, "list events", err)
	}
	if len(page.Items) > size {
		page.Items = page.Items[:size]
		last := page.Items[size-1]
		page.Next = cursor{ID: last.ID, Time: last.Time.UnixMicro()}.token()
	}
	return page, nil
}
