package awsproof

import "testing"

func TestTheSigningRegionComesFromTheEndpointsHostName(t *testing.T) {
	t.Parallel()
	tests := []struct{ endpoint, want string }{
		{"https://sts.amazonaws.com", "us-east-1"},
		{"https://sts.eu-west-1.amazonaws.com", "eu-west-1"},
		{"https://sts-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"https://vpce-0abc-xyz.sts.ap-southeast-2.vpce.amazonaws.com", "ap-southeast-2"},
		{"https://127.0.0.1:8443", "us-east-1"},
		{"https://sts.eu-west-1.amazonaws.com.evil.example", "us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			t.Parallel()
			if got := regionOf(tt.endpoint); got != tt.want {
				t.Errorf("regionOf(%s) = %s, want %s", tt.endpoint, got, tt.want)
			}
		})
	}
}
