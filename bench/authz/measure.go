package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"latch.dev/latch/bench/internal/stats"
	"latch.dev/latch/internal/authz"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/service"
	"latch.dev/latch/internal/storage"
)

// measure asks questions of one server.
type measure struct {
	srv  *server.Server
	tree *tree
	seed uint64
}

// question is one kind of request; ask runs one, with its own random
// source. A listing is followed page after page, from the start again
// at its end.
type question struct {
	name    string
	listing bool
	ask     func(ctx context.Context, rnd *rand.Rand, cursor *string) error
}

// checked are the capabilities decisions ask about, from what every
// viewer has to what only owners have.
var checked = []iam.Capability{iam.CapGroupsList, iam.CapIdentityList, iam.CapIdentityCreate, iam.CapRoleBindingsCreate, iam.CapIdentityDelete}

func (m *measure) questions() []question {
	st, svc, t := m.srv.Store(), m.srv.Service(), m.tree
	idx := authz.NewIndex()
	viewer := &service.Caller{Identity: t.viewer}
	list := func(name string, page func(ctx context.Context, tok string) (string, int, error)) question {
		return question{name: name, listing: true, ask: func(ctx context.Context, _ *rand.Rand, cursor *string) error {
			next, n, err := page(ctx, *cursor)
			if err == nil && n == 0 {
				err = fmt.Errorf("an empty page")
			}
			*cursor = next
			return err
		}}
	}
	within := storage.Filter{Within: t.viewerOrg, PageSize: 100}
	return []question{
		{name: "decision", ask: func(ctx context.Context, rnd *rand.Rand, _ *string) error {
			// What every API call does first: read the caller's grants,
			// build its policy, check one capability somewhere in its
			// organization.
			caller := t.identities[rnd.IntN(len(t.identities))]
			members := t.byOrg[t.orgOf[caller]]
			group := members[rnd.IntN(len(members))]
			grants, err := st.Grants(ctx, caller)
			if err != nil {
				return err
			}
			_ = authz.NewPolicy(idx, grants, authz.Narrowing{}).Can(group, checked[rnd.IntN(len(checked))])
			return nil
		}},
		{name: "describe_identity", ask: func(ctx context.Context, rnd *rand.Rand, _ *string) error {
			caller := t.identities[rnd.IntN(len(t.identities))]
			target := t.identities[rnd.IntN(len(t.identities))]
			_, err := svc.Identity(ctx, &service.Caller{Identity: caller}, target)
			if err != nil && !isRefusal(err) {
				return err
			}
			return nil
		}},
		list("list_identities_page", func(ctx context.Context, tok string) (string, int, error) {
			f := within
			f.PageToken = tok
			p, err := svc.ListIdentities(ctx, viewer, f)
			return p.Next, len(p.Items), err
		}),
		list("list_groups_page", func(ctx context.Context, tok string) (string, int, error) {
			f := within
			f.PageToken = tok
			p, err := svc.ListGroups(ctx, viewer, f)
			return p.Next, len(p.Items), err
		}),
		list("list_role_bindings_page", func(ctx context.Context, tok string) (string, int, error) {
			f := within
			f.PageToken = tok
			p, err := svc.ListRoleBindings(ctx, viewer, f)
			return p.Next, len(p.Items), err
		}),
	}
}

// time asks q count times from n goroutines and returns the latency
// distribution and the throughput.
func (m *measure) time(ctx context.Context, q question, n, count int) (stats.Summary, float64, error) {
	var (
		lat   stats.Latencies
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	per := (count + n - 1) / n
	start := time.Now()
	for w := range n {
		rnd := rand.New(rand.NewPCG(m.seed, uint64(w)+1))
		wg.Go(func() {
			cursor := ""
			for range per {
				began := time.Now()
				err := q.ask(ctx, rnd, &cursor)
				lat.Add(time.Since(began))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	s := lat.Summary()
	return s, float64(s.Count) / elapsed.Seconds(), first
}
