// Package e2e runs latch the way people do: the real binary, real clients
// (curl, AWS's own IMDS mock, the AWS SDK) and shell pipelines, against a
// real server. The tests need curl, jq, bash and ec2-metadata-mock
// (scripts/test.sh installs the last with go install). Without them the
// tests skip, unless LATCH_REQUIRE_E2E=1 (set by scripts/test.sh), which
// turns a missing tool into a failure.
package e2e
