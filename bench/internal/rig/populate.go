package rig

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/fakeaws"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// account is the fake AWS account every principal lives in.
const account = "123456789012"

// populate creates the organization and n AWS identities through the
// API, each assumable by its own role, exactly as an operator would.
func (r *Rig) populate(ctx context.Context, n, sessions int) error {
	api := r.Client().API(client.StaticToken(r.Admin.Token))
	org, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "bench.example"}}))
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	r.Org = org.Msg.GetId()
	for i := range n {
		p, err := r.NewPrincipal(ctx, api, r.Org, fmt.Sprintf("workload-%d", i), sessions)
		if err != nil {
			return err
		}
		r.Principals = append(r.Principals, p)
	}
	return nil
}

// NewPrincipal registers a fake AWS role with sessions sessions, each
// with fresh credentials, and creates, in group parent, an identity that
// any session of the role may assume.
func (r *Rig) NewPrincipal(ctx context.Context, api *client.API, parent, name string, sessions int) (Principal, error) {
	roleID, err := fakeaws.NewRoleID(nil)
	if err != nil {
		return Principal{}, fmt.Errorf("role ID: %w", err)
	}
	out := Principal{}
	var p fakeaws.Principal
	for i := range max(sessions, 1) {
		if p, err = fakeaws.AssumedRole(fakeaws.PartitionAWS, account, name, roleID, fmt.Sprintf("bench-%d", i)); err != nil {
			return Principal{}, fmt.Errorf("principal %s: %w", name, err)
		}
		c, err := fakeaws.NewTemporaryCredentials(nil, time.Now().Add(12*time.Hour))
		if err != nil {
			return Principal{}, fmt.Errorf("credentials: %w", err)
		}
		if err := r.Registry.Add(c, p); err != nil {
			return Principal{}, fmt.Errorf("register credentials: %w", err)
		}
		out.Creds = append(out.Creds, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken})
	}
	// Any session of the role: the ARN up to the session name is fixed.
	rolePrefix, _, _ := strings.Cut(p.Arn, "/bench-")
	id, err := api.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: parent,
		Identity: &iamv1.Identity{Name: name, Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: p.Account,
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: regexp.QuoteMeta(rolePrefix) + `/bench-[0-9]+`},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: regexp.QuoteMeta(strings.Split(p.UserID, ":")[0]) + ":.+"},
		}}},
	}))
	if err != nil {
		return Principal{}, fmt.Errorf("create identity %s: %w", name, err)
	}
	out.Identity = id.Msg.GetId()
	return out, nil
}
