package server

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/server"
)

// addAWSFlags declares the flags that configure the AWS proof verifier's
// STS endpoint allowlist.
func addAWSFlags(cmd *cobra.Command, c *server.AWSConfig) {
	fl := cmd.Flags()
	fl.StringSliceVar(&c.Partitions, "sts-partition", []string{"aws"}, "AWS partitions whose STS endpoints are trusted: aws, aws-cn, aws-us-gov; repeatable")
	fl.BoolVar(&c.Regional, "sts-regional", false, "also trust the regional STS endpoints (sts.<region>.amazonaws.com…) of the trusted partitions")
	fl.BoolVar(&c.FIPS, "sts-fips", false, "also trust the FIPS STS endpoints (sts-fips.<region>.amazonaws.com) of the trusted partitions")
	fl.BoolVar(&c.NoPublic, "sts-no-public", false, "trust no public AWS STS endpoint, only the --sts-endpoint URLs")
	fl.StringArrayVar(&c.Endpoints, "sts-endpoint", nil, "an extra STS endpoint URL to trust (a VPC endpoint, a proxy, a test STS); proofs signed for its host are sent to it; repeatable")
	fl.StringVar(&c.CAFile, "sts-ca-file", "", "PEM bundle to trust, instead of the system roots, for the --sts-endpoint URLs")
	fl.StringVar(&c.Region, "sts-region", "", "signing region of the --sts-endpoint URLs (default: us-east-1, or the region in the endpoint's host name)")
}
