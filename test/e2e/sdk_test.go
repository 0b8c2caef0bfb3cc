package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/client"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
)

// TestAProofFromTheGoSDKWithURLSafeEncodingIsAccepted takes the instance
// role's credentials from AWS's IMDS mock through the AWS SDK's own EC2
// credential provider, signs a proof the way the Go client does (req.Write,
// URL-safe base64) and exchanges it.
func TestAProofFromTheGoSDKWithURLSafeEncodingIsAccepted(t *testing.T) {
	t.Parallel()
	tools := need(t, "ec2-metadata-mock")
	creds := aemmCreds{Role: "sdk-app", AccessKeyID: "ASIATESTACCESSKEY002", Secret: "testSecretKey/0123456789abcdefghijklmnopq", Token: "testSessionToken002"}
	const roleID = "AROASDKEXAMPLE12345678"
	sts, caFile := fakeSTS(t, creds, roleID)
	imdsURL := startAEMM(t, tools["ec2-metadata-mock"], creds, account)
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) {
		c.AWS = server.AWSConfig{Endpoints: []string{sts.URL}, CAFile: caFile, NoPublic: true}
	}))
	ctx := context.Background()
	admin := srv.AdminAPI()
	if _, err := admin.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "example.dev"}})); err != nil {
		t.Fatal(err)
	}
	id, err := admin.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{ParentId: "example.dev", Identity: &iamv1.Identity{
		Name: "sdk", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: account,
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "arn:aws:sts::" + account + ":assumed-role/sdk-app/[^/]+"},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: roleID + ":.+"},
		}},
	}}))
	if err != nil {
		t.Fatal(err)
	}

	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(ec2rolecreds.New(func(o *ec2rolecreds.Options) {
			o.Client = imds.New(imds.Options{Endpoint: imdsURL})
		})),
	)
	if err != nil {
		t.Fatal(err)
	}
	awsCreds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatalf("the SDK could not get the instance role's credentials from the IMDS mock: %v", err)
	}
	if awsCreds.AccessKeyID != creds.AccessKeyID {
		t.Fatalf("the SDK got key %s from the IMDS mock, want %s", awsCreds.AccessKeyID, creds.AccessKeyID)
	}
	proof, err := awsiam.Sign(ctx, awsCreds, sts.URL, "us-east-1", id.Msg.GetId(), srv.URL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(proof, "+/") {
		t.Fatalf("the Go client's proof should use the URL-safe alphabet: %q", proof)
	}
	tok, err := srv.Client().Exchange(ctx, proof, client.ExchangeRequest{Identity: id.Msg.GetId()})
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	who, err := srv.API(tok.Token).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if who.Msg.GetSubject() != id.Msg.GetId() || !strings.HasPrefix(who.Msg.GetUpstream(), "arn:aws:sts::"+account+":assumed-role/sdk-app/") {
		t.Errorf("the token is for %s (upstream %s); want %s from the sdk-app role", who.Msg.GetSubject(), who.Msg.GetUpstream(), id.Msg.GetId())
	}
}
