package storagetest

import (
	"fmt"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// listEvents walks every page of f and returns the events in order.
func listEvents(t *testing.T, st storage.Store, f storage.EventFilter) []iam.Event {
	t.Helper()
	out := []iam.Event{}
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("event listing never ends")
		}
		page, err := st.ListEvents(t.Context(), f)
		must(t, err)
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		f.PageToken = page.Next
	}
}

func eventIDs(events []iam.Event) []string {
	return ids(events, func(e iam.Event) string { return e.ID })
}

func eventTests() []test {
	return []test{
		{"an event reads back exactly", func(t *testing.T, st storage.Store) {
			want := iam.Event{
				ID: "e1", Time: epoch().In(elsewhere()), Type: "exchange", Group: newID(t, iam.RootScope),
				Identity: newID(t, newID(t, iam.RootScope)), Outcome: iam.OutcomeRefused,
				Reason: "the ARN does not match", Subject: "arn:aws:sts::123456789012:assumed-role/builder/i-0abc",
				Detail: map[string]string{"account": "123456789012", "region": "us-west-2"}, SourceIP: "203.0.113.7", TokenID: "",
			}
			must(t, st.AppendEvent(t.Context(), want))
			got := listEvents(t, st, storage.EventFilter{})
			wantEqual(t, "events", []iam.Event{want}, got)
		}},
		{"events list newest first, ties broken by ID, across pages", func(t *testing.T, st storage.Store) {
			c := newClock()
			var want []string
			for i := range 12 {
				at := c.Now()
				if i%3 == 2 {
					at = c.Advance(time.Second) // some events share a time
				}
				id := fmt.Sprintf("e%02d", i)
				must(t, st.AppendEvent(t.Context(), iam.Event{ID: id, Time: at, Type: "exchange", Group: iam.RootScope, Outcome: iam.OutcomeAccepted}))
				want = append([]string{id}, want...)
			}
			// Within one time, higher IDs come first; times ascend with i,
			// so reversing insertion order is newest first.
			for _, size := range []int{0, 1, 4, 5} {
				got := eventIDs(listEvents(t, st, storage.EventFilter{PageSize: size}))
				wantEqual(t, fmt.Sprintf("events in pages of %d", size), want, got)
			}
		}},
		{"event filters select by subtree, identity, outcome and time", func(t *testing.T, st storage.Store) {
			c := newClock()
			org := newID(t, iam.RootScope)
			folder := newID(t, org)
			other := newID(t, iam.RootScope)
			user1, user2 := newID(t, folder), newID(t, other)
			add := func(id, group, identity, outcome string) time.Time {
				at := c.Advance(time.Minute)
				must(t, st.AppendEvent(t.Context(), iam.Event{ID: id, Time: at, Type: "exchange", Group: group, Identity: identity, Outcome: outcome}))
				return at
			}
			t1 := add("e1", org, "", iam.OutcomeRefused)
			add("e2", folder, user1, iam.OutcomeAccepted)
			t3 := add("e3", other, user2, iam.OutcomeAccepted)
			add("e4", folder, user1, iam.OutcomeRefused)
			add("e5", iam.RootScope, "", iam.OutcomeRefused)
			list := func(f storage.EventFilter) []string { return eventIDs(listEvents(t, st, f)) }
			wantEqual(t, "within org", []string{"e4", "e2", "e1"}, list(storage.EventFilter{Within: org}))
			wantEqual(t, "within folder", []string{"e4", "e2"}, list(storage.EventFilter{Within: folder}))
			wantEqual(t, "within the root", 5, len(list(storage.EventFilter{Within: iam.RootScope})))
			wantEqual(t, "of user1", []string{"e4", "e2"}, list(storage.EventFilter{Identity: user1}))
			wantEqual(t, "refused", []string{"e5", "e4", "e1"}, list(storage.EventFilter{Outcome: iam.OutcomeRefused}))
			wantEqual(t, "from t1 until t3", []string{"e2", "e1"}, list(storage.EventFilter{Since: t1, Until: t3}))
			wantEqual(t, "refused within org since t3", []string{"e4"}, list(storage.EventFilter{Within: org, Outcome: iam.OutcomeRefused, Since: t3}))
		}},
		{"an event needs an ID, a time and a well-formed group, and an ID is used once", func(t *testing.T, st storage.Store) {
			wantKind(t, st.AppendEvent(t.Context(), iam.Event{Time: epoch()}), errs.Invalid)
			wantKind(t, st.AppendEvent(t.Context(), iam.Event{ID: "e1"}), errs.Invalid)
			wantKind(t, st.AppendEvent(t.Context(), iam.Event{ID: "e1", Time: epoch(), Group: "acme.dev"}), errs.Invalid)
			must(t, st.AppendEvent(t.Context(), iam.Event{ID: "e1", Time: epoch()}))
			wantKind(t, st.AppendEvent(t.Context(), iam.Event{ID: "e1", Time: epoch()}), errs.AlreadyExists)
		}},
		{"a malformed group in an event filter is Invalid", func(t *testing.T, st storage.Store) {
			_, err := st.ListEvents(t.Context(), storage.EventFilter{Within: "acme.dev"})
			wantKind(t, err, errs.Invalid)
		}},
	}
}
