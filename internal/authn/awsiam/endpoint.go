package awsiam

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"latch.dev/latch/internal/iam"
)

// GlobalEndpoint is the STS endpoint every deployment accepts unless it
// turns public endpoints off; its signing region is us-east-1.
const (
	GlobalEndpoint = "sts.amazonaws.com"
	GlobalRegion   = "us-east-1"
)

// Partitions latch can verify proofs from.
const (
	PartitionAWS      = "aws"
	PartitionAWSCN    = "aws-cn"
	PartitionAWSUSGov = "aws-us-gov"
)

// maxRegionLength bounds a region name.
const maxRegionLength = 25

// validRegion reports whether s has the shape of an AWS region name:
// two letters, an optional "-gov", a direction word and a number without a
// leading zero (us-east-1, ap-southeast-7, us-gov-west-1, cn-northwest-1).
// Matching the shape rather than a list lets new regions work without a
// release; the host still has to be under an AWS-owned domain, so the
// worst a made-up region does is fail to resolve.
func validRegion(s string) bool {
	if len(s) > maxRegionLength {
		return false
	}
	parts := strings.Split(s, "-")
	if len(parts) == 4 && parts[1] == "gov" {
		parts = []string{parts[0], parts[2], parts[3]}
	}
	if len(parts) != 3 {
		return false
	}
	area, direction, number := parts[0], parts[1], parts[2]
	return len(area) == 2 && lowerLetters(area) &&
		len(direction) >= 4 && len(direction) <= 10 && lowerLetters(direction) &&
		(len(number) == 1 || len(number) == 2) && number[0] >= '1' && number[0] <= '9' &&
		strings.Trim(number, "0123456789") == ""
}

func lowerLetters(s string) bool {
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") == ""
}

// regionPartition returns the partition a region belongs to.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return PartitionAWSCN
	case strings.HasPrefix(region, "us-gov-"):
		return PartitionAWSUSGov
	}
	return PartitionAWS
}

// Endpoint is an STS endpoint latch may forward proofs to.
type Endpoint struct {
	// Host is what the proof's signed Host header must equal: a host name,
	// plus ":port" for an operator endpoint on a port other than 443.
	Host string
	// URL is where latch connects: https://Host.
	URL string
	// Region is the credential-scope region a proof for this endpoint must
	// be signed for (us-east-1 for the global endpoint).
	Region string
	// Partition is the AWS partition whose principals this endpoint
	// vouches for; an ARN from another partition is refused.
	Partition string
	// FIPS marks an sts-fips.* endpoint.
	FIPS bool
	// Custom marks an endpoint the operator added.
	Custom bool
}

// CustomEndpoint is an STS endpoint the operator adds: a VPC interface
// endpoint, an egress proxy that terminates TLS, or latch dev's fake STS.
type CustomEndpoint struct {
	// URL is https://host[:port]. Proofs must be signed for exactly this
	// host and port; they may name an IP address, unlike AWS endpoints.
	URL string
	// Region is the signing region proofs must use. Default us-east-1.
	Region string
	// Partition of the principals this endpoint answers for. Default aws.
	Partition string
	// RootCAs verifies the endpoint's certificate; nil uses the system
	// roots. Ignored when Transport is set.
	RootCAs *x509.CertPool
	// Transport replaces the default transport for this endpoint.
	Transport http.RoundTripper
}

// EndpointConfig is the STS endpoint allowlist. The zero value accepts
// only sts.amazonaws.com.
type EndpointConfig struct {
	// Partitions whose public endpoints are accepted. Default {"aws"}.
	// aws-cn and aws-us-gov have no global endpoint, so enabling one of
	// them enables its regional endpoints.
	Partitions []string
	// Regional enables sts.REGION.amazonaws.com in the aws partition.
	Regional bool
	// FIPS enables sts-fips.REGION.amazonaws.com (aws and aws-us-gov).
	FIPS bool
	// NoPublic turns every public AWS endpoint off, leaving only Custom
	// ones (a deployment that must reach STS through a VPC endpoint).
	NoPublic bool
	// Custom endpoints added by the operator.
	Custom []CustomEndpoint
}

// LoadCAFile reads a PEM bundle for CustomEndpoint.RootCAs (the
// --sts-ca-file flag).
func LoadCAFile(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read STS CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("read STS CA file %s: no PEM certificate in it", path)
	}
	return pool, nil
}

// allowlist resolves a signed Host to an endpoint. It is built once and
// never changes.
type allowlist struct {
	partitions map[string]bool
	regional   bool
	fips       bool
	public     bool
	custom     map[string]Endpoint
	hint       string // what the public policy accepts, for messages
}

func newAllowlist(c EndpointConfig) (*allowlist, []CustomEndpoint, error) {
	a := &allowlist{
		partitions: map[string]bool{},
		regional:   c.Regional,
		fips:       c.FIPS,
		public:     !c.NoPublic,
		custom:     map[string]Endpoint{},
	}
	parts := c.Partitions
	if len(parts) == 0 {
		parts = []string{PartitionAWS}
	}
	for _, p := range parts {
		if !iam.ValidAWSPartition(p) {
			return nil, nil, fmt.Errorf("STS partition %q: latch knows aws, aws-cn and aws-us-gov", p)
		}
		a.partitions[p] = true
	}
	var customs []CustomEndpoint
	for _, ce := range c.Custom {
		ep, err := customEndpoint(ce)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := a.custom[ep.Host]; dup {
			return nil, nil, fmt.Errorf("STS endpoint %s is configured twice", ce.URL)
		}
		a.custom[ep.Host] = ep
		customs = append(customs, ce)
	}
	if !a.public && len(a.custom) == 0 {
		return nil, nil, errors.New("no STS endpoint is allowed: public endpoints are off and no custom endpoint is configured")
	}
	a.hint = a.describe()
	return a, customs, nil
}

// customEndpoint validates an operator endpoint. Its Host is the URL's
// host, lower-cased, without ":443", which is what curl and Go sign.
func customEndpoint(ce CustomEndpoint) (Endpoint, error) {
	u, err := url.Parse(ce.URL)
	if err != nil {
		return Endpoint{}, fmt.Errorf("STS endpoint %q: %w", ce.URL, err)
	}
	switch {
	case u.Scheme != "https":
		return Endpoint{}, fmt.Errorf("STS endpoint %q: must be an https:// URL", ce.URL)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") || u.Opaque != "":
		return Endpoint{}, fmt.Errorf("STS endpoint %q: give only https://host[:port]", ce.URL)
	case u.Hostname() == "":
		return Endpoint{}, fmt.Errorf("STS endpoint %q: names no host", ce.URL)
	}
	host := strings.ToLower(u.Host)
	host = strings.TrimSuffix(host, ":443")
	if strings.HasSuffix(u.Hostname(), ".") {
		return Endpoint{}, fmt.Errorf("STS endpoint %q: remove the trailing dot", ce.URL)
	}
	ep := Endpoint{Host: host, URL: "https://" + host, Region: ce.Region, Partition: ce.Partition, Custom: true}
	if ep.Region == "" {
		ep.Region = GlobalRegion
	}
	if ep.Partition == "" {
		ep.Partition = PartitionAWS
	}
	if !validRegion(ep.Region) {
		return Endpoint{}, fmt.Errorf("STS endpoint %q: region %q is not an AWS region name", ce.URL, ep.Region)
	}
	if !iam.ValidAWSPartition(ep.Partition) {
		return Endpoint{}, fmt.Errorf("STS endpoint %q: partition %q is not aws, aws-cn or aws-us-gov", ce.URL, ep.Partition)
	}
	return ep, nil
}

// describe summarises the public policy for refusal messages. It reveals
// nothing an AWS user could not guess; custom endpoints are not listed.
func (a *allowlist) describe() string {
	if !a.public {
		return "this server accepts only the STS endpoints its administrator configured"
	}
	var parts []string
	if a.partitions[PartitionAWS] {
		parts = append(parts, GlobalEndpoint)
		if a.regional {
			parts = append(parts, "sts.REGION.amazonaws.com")
		}
	}
	if a.partitions[PartitionAWSUSGov] {
		parts = append(parts, "sts.us-gov-REGION.amazonaws.com")
	}
	if a.partitions[PartitionAWSCN] {
		parts = append(parts, "sts.cn-REGION.amazonaws.com.cn")
	}
	if a.fips {
		parts = append(parts, "sts-fips.REGION.amazonaws.com")
	}
	return "this server accepts " + strings.Join(parts, ", ")
}

// resolve maps the proof's signed Host to the endpoint latch will connect
// to. It is the check that stops the CVE-2020-16250 and Conjur class of
// bugs: the connection target is always an allowlisted endpoint, chosen by
// the very host the signature covers, never a host named only by the
// proof. Host names are compared exactly, so no normalisation (case,
// trailing dot, default port, IDN) can make two parsers disagree.
func (a *allowlist) resolve(host string) (Endpoint, error) {
	if ep, ok := a.custom[host]; ok {
		return ep, nil
	}
	q := truncate(host, 100)
	notSTS := func() (Endpoint, error) {
		return Endpoint{}, reject(CheckHost, "host %s is not an STS endpoint this server accepts; %s", q, a.hint)
	}
	switch {
	case host == "":
		return Endpoint{}, reject(CheckHost, "the Host header of the AWS proof is empty; sign for %s", GlobalEndpoint)
	case strings.Contains(host, "@"):
		return Endpoint{}, reject(CheckHost, "host %q contains user information (@); sign for the STS host name alone", q)
	case strings.ToLower(host) != host:
		return Endpoint{}, reject(CheckHost, "host %s has upper-case letters; sign for the lower-case host name", q)
	case strings.ContainsAny(host, "/?#\\ %"):
		return Endpoint{}, reject(CheckHost, "host %q is not a host name", q)
	}
	name := host
	if h, port, err := net.SplitHostPort(host); err == nil {
		if net.ParseIP(h) != nil {
			return Endpoint{}, reject(CheckHost, "host %s is an IP address; AWS STS endpoints are host names", q)
		}
		if _, ok := a.custom[h]; ok || isAWSHost(h) {
			return Endpoint{}, reject(CheckHost, "host %s names port %s; sign for %s without a port", q, port, h)
		}
		return notSTS()
	}
	switch {
	case net.ParseIP(strings.Trim(name, "[]")) != nil:
		return Endpoint{}, reject(CheckHost, "host %s is an IP address; AWS STS endpoints are host names", q)
	case strings.HasSuffix(name, "."):
		return Endpoint{}, reject(CheckHost, "host %s ends with a dot; sign for %s", q, strings.TrimRight(name, "."))
	case strings.Contains(name, "xn--") || !isASCII(name):
		return notSTS()
	}
	if !a.public {
		return notSTS()
	}
	ep, ok := parseAWSHost(name)
	if !ok {
		return notSTS()
	}
	if !a.partitions[ep.Partition] {
		return Endpoint{}, reject(CheckHost, "host %s is an STS endpoint of partition %s, which this server does not accept; %s", q, ep.Partition, a.hint)
	}
	if ep.FIPS && !a.fips {
		return Endpoint{}, reject(CheckHost, "host %s is a FIPS endpoint, which this server does not accept; %s", q, a.hint)
	}
	if ep.Partition == PartitionAWS && ep.Host != GlobalEndpoint && !ep.FIPS && !a.regional {
		return Endpoint{}, reject(CheckHost, "host %s is a regional STS endpoint, which this server does not accept; sign for %s with region %s", q, GlobalEndpoint, GlobalRegion)
	}
	return ep, nil
}

// isAWSHost reports whether name has the shape of a public STS host.
func isAWSHost(name string) bool {
	_, ok := parseAWSHost(name)
	return ok
}

// parseAWSHost recognises the public STS host names: the global endpoint,
// sts.REGION.amazonaws.com (aws, aws-us-gov), sts.cn-….amazonaws.com.cn
// (aws-cn) and sts-fips.REGION.amazonaws.com (aws, aws-us-gov).
func parseAWSHost(name string) (Endpoint, bool) {
	if name == GlobalEndpoint {
		return Endpoint{Host: name, URL: "https://" + name, Region: GlobalRegion, Partition: PartitionAWS}, true
	}
	var label, region string
	var cn bool
	switch {
	case strings.HasSuffix(name, ".amazonaws.com.cn"):
		label, region, _ = strings.Cut(strings.TrimSuffix(name, ".amazonaws.com.cn"), ".")
		cn = true
	case strings.HasSuffix(name, ".amazonaws.com"):
		label, region, _ = strings.Cut(strings.TrimSuffix(name, ".amazonaws.com"), ".")
	default:
		return Endpoint{}, false
	}
	if !validRegion(region) {
		return Endpoint{}, false
	}
	part := regionPartition(region)
	ep := Endpoint{Host: name, URL: "https://" + name, Region: region, Partition: part}
	switch {
	case cn != (part == PartitionAWSCN):
		return Endpoint{}, false // cn- regions live only under .amazonaws.com.cn
	case label == "sts":
	case label == "sts-fips" && !cn:
		ep.FIPS = true
	default:
		return Endpoint{}, false
	}
	return ep, true
}

func isASCII(s string) bool {
	return !slices.ContainsFunc([]byte(s), func(b byte) bool { return b >= 0x80 })
}

// EndpointURL returns the public STS endpoint URL a client should sign for
// in region: the global endpoint for "" (signed with us-east-1), else the
// regional or FIPS endpoint. The server must have that endpoint enabled.
func EndpointURL(region string, fips bool) (string, error) {
	if region == "" {
		if fips {
			return "", errors.New("a FIPS STS endpoint needs a region")
		}
		return "https://" + GlobalEndpoint, nil
	}
	if !validRegion(region) {
		return "", fmt.Errorf("%q is not an AWS region name", region)
	}
	suffix := ".amazonaws.com"
	if regionPartition(region) == PartitionAWSCN {
		if fips {
			return "", fmt.Errorf("region %s has no FIPS STS endpoint", region)
		}
		suffix = ".amazonaws.com.cn"
	}
	label := "sts"
	if fips {
		label = "sts-fips"
	}
	return "https://" + label + "." + region + suffix, nil
}
