package fakeaws

import (
	"strings"
	"testing"
	"time"
)

func TestPrincipalsAreShapedLikeAWS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		got  func() (Principal, error)
		want Principal
	}{
		{"an assumed role in the commercial partition is an sts ARN with the session",
			func() (Principal, error) {
				return AssumedRole(PartitionAWS, "123456789012", "test-role", "AROA3XFRBF535PLBIFPI4", "i-0123456789abcdef0")
			},
			Principal{Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/test-role/i-0123456789abcdef0", UserID: "AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0"}},
		{"an assumed role in China uses the aws-cn partition",
			func() (Principal, error) {
				return AssumedRole(PartitionAWSCN, "123456789012", "r", "AROA3XFRBF535PLBIFPI4", "s@e.x")
			},
			Principal{Account: "123456789012", Arn: "arn:aws-cn:sts::123456789012:assumed-role/r/s@e.x", UserID: "AROA3XFRBF535PLBIFPI4:s@e.x"}},
		{"an IAM user in GovCloud keeps its path",
			func() (Principal, error) {
				return IAMUser(PartitionAWSUSGov, "123456789012", "/division/", "Alice", "AIDACKCEVSQ6C2EXAMPLE")
			},
			Principal{Account: "123456789012", Arn: "arn:aws-us-gov:iam::123456789012:user/division/Alice", UserID: "AIDACKCEVSQ6C2EXAMPLE"}},
		{"an IAM user without a path sits at the root",
			func() (Principal, error) {
				return IAMUser(PartitionAWS, "123456789012", "", "Alice", "AIDACKCEVSQ6C2EXAMPLE")
			},
			Principal{Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/Alice", UserID: "AIDACKCEVSQ6C2EXAMPLE"}},
		{"the root user's id is the account",
			func() (Principal, error) { return Root(PartitionAWS, "123456789012") },
			Principal{Account: "123456789012", Arn: "arn:aws:iam::123456789012:root", UserID: "123456789012"}},
		{"other partitions of the same form are accepted",
			func() (Principal, error) { return Root("aws-iso-b", "123456789012") },
			Principal{Account: "123456789012", Arn: "arn:aws-iso-b:iam::123456789012:root", UserID: "123456789012"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.got()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPrincipalHelpersRefuseWhatAWSWouldNotIssue(t *testing.T) {
	t.Parallel()
	const roleID = "AROA3XFRBF535PLBIFPI4"
	cases := []struct {
		name string
		try  func() (Principal, error)
		msg  string
	}{
		{"an account of 11 digits", func() (Principal, error) { return Root(PartitionAWS, "12345678901") }, "12 digits"},
		{"a partition that is not aws-shaped", func() (Principal, error) { return Root("azure", "123456789012") }, "partition"},
		{"a partition with an empty word", func() (Principal, error) { return Root("aws-", "123456789012") }, "partition"},
		{"a role name with a slash", func() (Principal, error) {
			return AssumedRole(PartitionAWS, "123456789012", "a/b", roleID, "sess")
		}, "role name"},
		{"a one-character session name", func() (Principal, error) {
			return AssumedRole(PartitionAWS, "123456789012", "r", roleID, "s")
		}, "session name"},
		{"a role id with the user prefix", func() (Principal, error) {
			return AssumedRole(PartitionAWS, "123456789012", "r", "AIDA3XFRBF535PLBIFPI4", "sess")
		}, "unique id"},
		{"a role id with lower-case letters", func() (Principal, error) {
			return AssumedRole(PartitionAWS, "123456789012", "r", "AROAabcdefghijklmnopq", "sess")
		}, "unique id"},
		{"a user path without a trailing slash", func() (Principal, error) {
			return IAMUser(PartitionAWS, "123456789012", "/division", "Alice", "AIDACKCEVSQ6C2EXAMPLE")
		}, "path"},
	}
	for _, tc := range cases {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.try()
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error = %v, want one mentioning %q", err, tc.msg)
			}
		})
	}
}

func TestGeneratedIDsAndKeysHaveAWSShapes(t *testing.T) {
	t.Parallel()
	rnd := seeded(7)
	role := must(NewRoleID(rnd))(t)
	user := must(NewUserID(rnd))(t)
	if err := checkUniqueID(RoleIDPrefix, role); err != nil || len(role) != 21 {
		t.Errorf("role id %q: %v", role, err)
	}
	if err := checkUniqueID(UserIDPrefix, user); err != nil || len(user) != 21 {
		t.Errorf("user id %q: %v", user, err)
	}
	temp := must(NewTemporaryCredentials(rnd, testNow))(t)
	long := must(NewLongTermCredentials(rnd))(t)
	if !strings.HasPrefix(temp.AccessKeyID, "ASIA") || len(temp.AccessKeyID) != 20 || temp.SessionToken == "" || !temp.Expires.Equal(testNow) {
		t.Errorf("temporary credentials %+v", temp)
	}
	if !strings.HasPrefix(long.AccessKeyID, "AKIA") || len(long.SecretAccessKey) != 40 || long.SessionToken != "" || !long.Expires.IsZero() {
		t.Errorf("long-term credentials %+v", long)
	}
	again := must(NewRoleID(seeded(7)))(t)
	if again != role {
		t.Errorf("the same seed gave %q then %q; generation must depend only on the injected source", role, again)
	}
}

func TestRegistryKeepsOneEntryPerKey(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	p := must(Root(PartitionAWS, "123456789012"))(t)
	c := Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s", Expires: testNow.Add(time.Hour)}
	cases := []struct {
		name    string
		creds   Credentials
		p       Principal
		wantErr string
	}{
		{"a new key is added", c, p, ""},
		{"the same key twice is refused", c, p, "already registered"},
		{"a key without a secret is refused", Credentials{AccessKeyID: "AKIAOTHER"}, p, "required"},
		{"a key with a slash is refused", Credentials{AccessKeyID: "AKIA/X", SecretAccessKey: "s"}, p, "contains"},
		{"an empty principal is refused", Credentials{AccessKeyID: "AKIAOTHER", SecretAccessKey: "s"}, Principal{}, "principal"},
	}
	for _, tc := range cases { // sequential: each step builds on the last
		t.Run(tc.name, func(t *testing.T) {
			err := reg.Add(tc.creds, tc.p)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
		})
	}
	if got, gp, ok := reg.Lookup("AKIAEXAMPLE"); !ok || got != c || gp != p {
		t.Errorf("Lookup = %+v %+v %v", got, gp, ok)
	}
	if !reg.Remove("AKIAEXAMPLE") || reg.Remove("AKIAEXAMPLE") {
		t.Error("Remove should report the key once")
	}
	if _, _, ok := reg.Lookup("AKIAEXAMPLE"); ok {
		t.Error("a removed key is still there")
	}
}
