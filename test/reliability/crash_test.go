package reliability

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/client"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/testutil/pgtest"
)

// acked is what the server acknowledged before it was killed.
type acked struct {
	mu         sync.Mutex
	identities []string
	exchanges  []ackedExchange
}

type ackedExchange struct {
	proof, accessKeyID, token string
}

func (a *acked) counts() (int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.identities), len(a.exchanges)
}

// TestSIGKILLLosesNothingAcknowledged kills the server with SIGKILL in the
// middle of a burst of writes (identities created through the API, token
// exchanges) and restarts it on the same database: every identity whose
// creation was answered exists, every exchange that returned a token has
// its audit event and its proof stays used (a replay is refused), and the
// tokens still verify, because their signing key was stored before it
// signed.
func TestSIGKILLLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			o := options{}
			if db == "postgres" {
				o.db, _ = pgtest.FreshSchema(t)
			}
			w := newWorld(t, o)
			got := w.burstUntilKilled(t, 40)
			w.restart(t)
			w.checkNothingLost(t, got)
		})
	}
}

// burstUntilKilled runs writers until each kind has at least n
// acknowledgements, then kills the server while they are still writing.
func (w *world) burstUntilKilled(t *testing.T, n int) *acked {
	t.Helper()
	got := &acked{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for worker := range 4 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("burst-%d-%d", worker, i)
				id, err := w.api(w.srv.URL).Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
					ParentId: w.org,
					Identity: &iamv1.Identity{Name: name, Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
						AwsAccount: "123456789012",
						AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "arn:aws:sts::123456789012:assumed-role/" + name + "/.+"},
						AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "AROA[A-Z0-9]+:.+"},
					}}},
				}))
				if err == nil {
					got.mu.Lock()
					got.identities = append(got.identities, id.Msg.GetId())
					got.mu.Unlock()
				}
			}
		})
		wg.Go(func() {
			for ctx.Err() == nil {
				proof, key := w.signProof(t, w.identity, w.principal)
				a, err := w.exchange(ctx, w.srv.URL, proof, w.identity)
				if err == nil && a.Status == http.StatusOK {
					got.mu.Lock()
					got.exchanges = append(got.exchanges, ackedExchange{proof: proof, accessKeyID: key, token: a.Token})
					got.mu.Unlock()
				}
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ids, exs := got.counts()
		if ids >= n && exs >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s only %d identities and %d exchanges were acknowledged", ids, exs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := w.srv.Kill(); err != nil {
		t.Fatal(err)
	}
	cancel()
	wg.Wait()
	ids, exs := got.counts()
	t.Logf("killed the server after %d identities and %d exchanges were acknowledged", ids, exs)
	return got
}

// checkNothingLost looks, on the restarted server, for everything that
// was acknowledged.
func (w *world) checkNothingLost(t *testing.T, got *acked) {
	t.Helper()
	ctx := context.Background()
	api := w.api(w.srv.URL)
	stored := map[string]bool{}
	for token := ""; ; {
		page, err := api.Identities.List(ctx, connect.NewRequest(&iamv1.IdentityFilter{PageSize: 1000, PageToken: token}))
		if err != nil {
			t.Fatalf("list identities after the restart: %v", err)
		}
		for _, id := range page.Msg.GetItems() {
			stored[id.GetId()] = true
		}
		if token = page.Msg.GetNextPageToken(); token == "" {
			break
		}
	}
	for _, id := range got.identities {
		if !stored[id] {
			t.Errorf("identity %s was acknowledged and is gone after the restart", id)
		}
	}

	audited := map[string]bool{}
	for token := ""; ; {
		page, err := api.Auth.ListEvents(ctx, connect.NewRequest(&authv1.ListEventsRequest{Identity: w.identity, Outcome: "accepted", PageSize: 1000, PageToken: token}))
		if err != nil {
			t.Fatalf("list events after the restart: %v", err)
		}
		for _, e := range page.Msg.GetItems() {
			if e.GetType() == "exchange" {
				audited[e.GetDetail()["access_key_id"]] = true
			}
		}
		if token = page.Msg.GetNextPageToken(); token == "" {
			break
		}
	}
	for i, ex := range got.exchanges {
		if !audited[ex.accessKeyID] {
			t.Errorf("exchange %d returned a token, and its audit event is gone after the restart", i)
		}
		a, err := w.exchange(ctx, w.srv.URL, ex.proof, w.identity)
		if err != nil || a.Status != http.StatusUnauthorized {
			t.Errorf("replaying the proof of acknowledged exchange %d after the restart: %+v %v; want 401: its use must have been recorded", i, a, err)
		}
	}
	for _, ex := range got.exchanges[max(0, len(got.exchanges)-5):] {
		who := w.client(w.srv.URL).API(client.StaticToken(ex.token))
		if _, err := who.Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{})); err != nil {
			t.Errorf("a token issued before the kill does not verify after the restart: %v", err)
		}
	}
}
