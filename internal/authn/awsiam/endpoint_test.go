package awsiam

import (
	"strings"
	"testing"
)

func TestAllowlistResolve(t *testing.T) {
	t.Parallel()
	all := EndpointConfig{
		Partitions: []string{PartitionAWS, PartitionAWSCN, PartitionAWSUSGov},
		Regional:   true,
		FIPS:       true,
		Custom: []CustomEndpoint{
			{URL: "https://VPCE-1.sts.us-east-1.vpce.amazonaws.com:443", Region: "us-east-1"},
			{URL: "https://127.0.0.1:8443"},
		},
	}
	cases := []struct {
		name      string
		cfg       EndpointConfig
		host      string
		region    string
		partition string
		refused   string
	}{
		{name: "the global endpoint signs with us-east-1", host: "sts.amazonaws.com", region: "us-east-1", partition: "aws"},
		{name: "a regional endpoint carries its region", cfg: all, host: "sts.ap-southeast-7.amazonaws.com", region: "ap-southeast-7", partition: "aws"},
		{name: "a GovCloud endpoint is in aws-us-gov", cfg: all, host: "sts.us-gov-west-1.amazonaws.com", region: "us-gov-west-1", partition: "aws-us-gov"},
		{name: "a China endpoint is in aws-cn", cfg: all, host: "sts.cn-northwest-1.amazonaws.com.cn", region: "cn-northwest-1", partition: "aws-cn"},
		{name: "a FIPS endpoint is recognised", cfg: all, host: "sts-fips.us-west-2.amazonaws.com", region: "us-west-2", partition: "aws"},
		{name: "a GovCloud endpoint works with its partition alone", cfg: EndpointConfig{Partitions: []string{PartitionAWSUSGov}},
			host: "sts.us-gov-east-1.amazonaws.com", region: "us-gov-east-1", partition: "aws-us-gov"},
		{name: "an operator endpoint on the default port is signed without it", cfg: all,
			host: "vpce-1.sts.us-east-1.vpce.amazonaws.com", region: "us-east-1", partition: "aws"},
		{name: "an operator endpoint on an IP address and port is allowed", cfg: all, host: "127.0.0.1:8443", region: "us-east-1", partition: "aws"},
		{name: "an operator endpoint's port is part of its host", cfg: all, host: "vpce-1.sts.us-east-1.vpce.amazonaws.com:443", refused: "names port 443"},
		{name: "the global endpoint is off in a China-only deployment", cfg: EndpointConfig{Partitions: []string{PartitionAWSCN}},
			host: "sts.amazonaws.com", refused: "partition aws,"},
		{name: "public endpoints are off when the operator says so",
			cfg:  EndpointConfig{NoPublic: true, Custom: []CustomEndpoint{{URL: "https://127.0.0.1:8443"}}},
			host: "sts.amazonaws.com", refused: "only the STS endpoints its administrator configured"},
		{name: "a FIPS endpoint in China does not exist", cfg: all, host: "sts-fips.cn-north-1.amazonaws.com.cn", refused: "not an STS endpoint"},
		{name: "an iam endpoint is not an STS endpoint", cfg: all, host: "iam.amazonaws.com", refused: "not an STS endpoint"},
		{name: "a made-up label is not an STS endpoint", cfg: all, host: "sts.us-east-1.evil.amazonaws.com", refused: "not an STS endpoint"},
		{name: "a region of the wrong shape is refused", cfg: all, host: "sts.us-east-1a.amazonaws.com", refused: "not an STS endpoint"},
		{name: "a dual-stack endpoint is not accepted", cfg: all, host: "sts.us-east-1.api.aws", refused: "not an STS endpoint"},
		{name: "a long region is refused", cfg: all, host: "sts." + strings.Repeat("a", 40) + "-east-1.amazonaws.com", refused: "not an STS endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, _, err := newAllowlist(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			ep, err := a.resolve(tc.host)
			if tc.refused != "" {
				if err == nil || FailedCheck(err) != CheckHost || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("resolve(%q) = %+v, %v; want a refusal mentioning %q", tc.host, ep, err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != tc.host || ep.Region != tc.region || ep.Partition != tc.partition || ep.URL != "https://"+tc.host {
				t.Fatalf("resolve(%q) = %+v", tc.host, ep)
			}
		})
	}
}

func TestEndpointURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		region string
		fips   bool
		want   string
	}{
		{"", false, "https://sts.amazonaws.com"},
		{"eu-west-1", false, "https://sts.eu-west-1.amazonaws.com"},
		{"us-east-2", true, "https://sts-fips.us-east-2.amazonaws.com"},
		{"cn-north-1", false, "https://sts.cn-north-1.amazonaws.com.cn"},
		{"us-gov-west-1", false, "https://sts.us-gov-west-1.amazonaws.com"},
		{"cn-north-1", true, ""},
		{"", true, ""},
		{"x.evil.com#", false, ""},
	}
	for _, tc := range cases {
		got, err := EndpointURL(tc.region, tc.fips)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("EndpointURL(%q, %v) = %q, %v; want %q", tc.region, tc.fips, got, err, tc.want)
		}
		if err == nil {
			// Every URL the client helper produces is one the server
			// resolves to the same region.
			a, _, _ := newAllowlist(EndpointConfig{Partitions: []string{"aws", "aws-cn", "aws-us-gov"}, Regional: true, FIPS: true})
			ep, err := a.resolve(strings.TrimPrefix(got, "https://"))
			if err != nil || (tc.region != "" && ep.Region != tc.region) {
				t.Errorf("the server resolves %s to %+v, %v", got, ep, err)
			}
		}
	}
}

func TestValidRegion(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"us-east-1": true, "ap-southeast-7": true, "us-gov-west-1": true, "cn-northwest-1": true, "eu-central-2": true,
		"il-central-1": true, "mx-central-1": true, "ap-northeast-10": true,
		"": false, "us-east": false, "us-east-0": false, "us-east-01": false, "us-east-100": false, "US-east-1": false,
		"use-east-1": false, "us-gov-west": false, "us-foo-west-1": false, "us-ea-1": false, "us-east-1a": false,
		"us-east-1\n": false, "us-east-1.evil.com": false, "us-verylongname-1": false, "x.evil.com#": false,
	} {
		if got := validRegion(s); got != want {
			t.Errorf("validRegion(%q) = %v, want %v", s, got, want)
		}
	}
}
