package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/client"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// foldersOf spreads the identities over this many folders, as an
// organization would.
const foldersOf = 100

// createIdentities creates an organization with folders and n AWS
// identities in them through the API, from workers clients at once.
func createIdentities(ctx context.Context, api *client.API, n, workers int) (int64, time.Duration, error) {
	org, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "bench.example"}}))
	if err != nil {
		return 0, 0, fmt.Errorf("create organization: %w", err)
	}
	folders := make([]string, foldersOf)
	for i := range folders {
		f, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Parent: org.Msg.GetId(), Group: &iamv1.Group{Name: fmt.Sprintf("team-%d", i)}}))
		if err != nil {
			return 0, 0, fmt.Errorf("create folder: %w", err)
		}
		folders[i] = f.Msg.GetId()
	}
	var (
		next, done atomic.Int64
		wg         sync.WaitGroup
		mu         sync.Mutex
		first      error
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				_, err := api.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
					ParentId: folders[i%foldersOf],
					Identity: &iamv1.Identity{Name: fmt.Sprintf("workload-%d", i), Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
						AwsAccount: "123456789012",
						AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: fmt.Sprintf("arn:aws:sts::123456789012:assumed-role/workload-%d/.+", i)},
						AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "AROA[A-Z0-9]+:.+"},
					}}},
				}))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("create identity %d: %w", i, err)
					}
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return done.Load(), time.Since(start), first
}

// listAll pages through every identity, 1,000 at a time.
func listAll(ctx context.Context, api *client.API, want int) error {
	seen, token := 0, ""
	for {
		page, err := api.Identities.List(ctx, connect.NewRequest(&iamv1.IdentityFilter{PageSize: 1000, PageToken: token}))
		if err != nil {
			return fmt.Errorf("list identities: %w", err)
		}
		seen += len(page.Msg.GetItems())
		if token = page.Msg.GetNextPageToken(); token == "" {
			break
		}
	}
	if seen < want {
		return fmt.Errorf("listed %d identities, want at least %d", seen, want)
	}
	return nil
}
