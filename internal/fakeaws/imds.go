package fakeaws

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// IMDSv2 protocol constants.
const (
	imdsTokenPath      = "/latest/api/token"
	imdsTokenHeader    = "X-Aws-Ec2-Metadata-Token"
	imdsTTLHeader      = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
	imdsMaxTokenTTL    = 21600
	imdsRotateBefore   = 5 * time.Minute
	imdsDefaultCredTTL = 6 * time.Hour
	imdsKeptKeys       = 2
)

// IMDSOptions configures an [IMDS] emulator. Every field but Registry has
// a default, so a test only sets what it checks.
type IMDSOptions struct {
	// Registry receives the instance role's credentials, so that the STS
	// emulator sharing it accepts them. Required.
	Registry *Registry
	// Now is the emulator's clock (token and credential expiry). Defaults
	// to time.Now.
	Now func() time.Time
	// Rand supplies tokens, keys and generated IDs. Defaults to
	// crypto/rand.Reader.
	Rand io.Reader

	Partition        Partition // default "aws"
	AccountID        string    // default "123456789012"
	Region           string    // default "us-east-1"
	AvailabilityZone string    // default Region + "a"
	InstanceID       string    // default random "i-" + 17 hex digits
	InstanceType     string    // default "t3.micro"
	ImageID          string    // default random "ami-" + 17 hex digits
	Architecture     string    // default "x86_64"
	PrivateIP        string    // default "172.31.16.10"

	// RoleName is the instance role; its session name is the instance ID,
	// as on EC2. Default "latch-dev-instance".
	RoleName string
	// RoleID is the role's unique ID (AROA…). Default random.
	RoleID string
	// InstanceProfileName defaults to RoleName.
	InstanceProfileName string
	// CredentialTTL is how long each issued key lives. Default 6h, like
	// EC2. New keys are issued when the current ones are within five
	// minutes of expiring, or on [IMDS.Rotate].
	CredentialTTL time.Duration
}

// InstanceIdentityDocument is what /latest/dynamic/instance-identity/document
// serves, with the field names EC2 uses.
type InstanceIdentityDocument struct {
	AccountID               string    `json:"accountId"`
	Architecture            string    `json:"architecture"`
	AvailabilityZone        string    `json:"availabilityZone"`
	BillingProducts         []string  `json:"billingProducts"`
	DevpayProductCodes      []string  `json:"devpayProductCodes"`
	MarketplaceProductCodes []string  `json:"marketplaceProductCodes"`
	ImageID                 string    `json:"imageId"`
	InstanceID              string    `json:"instanceId"`
	InstanceType            string    `json:"instanceType"`
	KernelID                *string   `json:"kernelId"`
	PendingTime             time.Time `json:"pendingTime"`
	PrivateIP               string    `json:"privateIp"`
	RamdiskID               *string   `json:"ramdiskId"`
	Region                  string    `json:"region"`
	Version                 string    `json:"version"`
}

// IMDS is an http.Handler emulating the EC2 instance metadata service in
// IMDSv2-only mode: a session token is required for every read. It serves
// the instance role's credentials from the shared [Registry], so a
// workload on the fake instance can sign requests the fake STS accepts.
// Create it with [NewIMDS]; it is safe for concurrent use.
type IMDS struct {
	registry  *Registry
	now       func() time.Time
	rand      io.Reader
	ttl       time.Duration
	doc       InstanceIdentityDocument
	role      string
	profile   string
	profileID string
	principal Principal

	mu      sync.Mutex
	tokens  map[string]time.Time
	current Credentials
	issued  time.Time
	keys    []string // access key ids issued, oldest first

	faults   Faults
	requests atomic.Int64
}

// NewIMDS returns an IMDS emulator and issues the role's first credentials
// into the registry.
func NewIMDS(o IMDSOptions) (*IMDS, error) {
	if o.Registry == nil {
		return nil, errors.New("new IMDS emulator: a Registry is required")
	}
	m := &IMDS{
		registry: o.Registry,
		now:      o.Now,
		rand:     newLockedReader(o.Rand),
		ttl:      o.CredentialTTL,
		tokens:   make(map[string]time.Time),
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.ttl <= 0 {
		m.ttl = imdsDefaultCredTTL
	}
	var err error
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	if o.Partition == "" {
		o.Partition = PartitionAWS
	}
	def(&o.AccountID, "123456789012")
	def(&o.Region, "us-east-1")
	def(&o.AvailabilityZone, o.Region+"a")
	def(&o.InstanceType, "t3.micro")
	def(&o.Architecture, "x86_64")
	def(&o.PrivateIP, "172.31.16.10")
	def(&o.RoleName, "latch-dev-instance")
	def(&o.InstanceProfileName, o.RoleName)
	for _, gen := range []struct {
		v      *string
		prefix string
	}{{&o.InstanceID, "i-"}, {&o.ImageID, "ami-"}} {
		if *gen.v == "" {
			h, err := randomHex(m.rand, 9)
			if err != nil {
				return nil, fmt.Errorf("new IMDS emulator: %w", err)
			}
			*gen.v = gen.prefix + h[:17]
		}
	}
	if o.RoleID == "" {
		if o.RoleID, err = NewRoleID(m.rand); err != nil {
			return nil, fmt.Errorf("new IMDS emulator: %w", err)
		}
	}
	if m.profileID, err = newUniqueID(m.rand, "AIPA"); err != nil {
		return nil, fmt.Errorf("new IMDS emulator: %w", err)
	}
	if m.principal, err = AssumedRole(o.Partition, o.AccountID, o.RoleName, o.RoleID, o.InstanceID); err != nil {
		return nil, fmt.Errorf("new IMDS emulator: %w", err)
	}
	if err := checkName("instance profile name", o.InstanceProfileName, 1, 128); err != nil {
		return nil, fmt.Errorf("new IMDS emulator: %w", err)
	}
	m.role = o.RoleName
	m.profile = fmt.Sprintf("arn:%s:iam::%s:instance-profile/%s", o.Partition, o.AccountID, o.InstanceProfileName)
	m.doc = InstanceIdentityDocument{
		AccountID:        o.AccountID,
		Architecture:     o.Architecture,
		AvailabilityZone: o.AvailabilityZone,
		ImageID:          o.ImageID,
		InstanceID:       o.InstanceID,
		InstanceType:     o.InstanceType,
		PendingTime:      m.now().UTC().Truncate(time.Second),
		PrivateIP:        o.PrivateIP,
		Region:           o.Region,
		Version:          "2017-09-30",
	}
	if _, err := m.Rotate(); err != nil {
		return nil, fmt.Errorf("new IMDS emulator: %w", err)
	}
	return m, nil
}

// Principal is the identity the instance role's credentials have at STS
// (arn:…:sts::ACCOUNT:assumed-role/ROLE/INSTANCE-ID).
func (m *IMDS) Principal() Principal { return m.principal }

// RoleName is the instance role's name, the one entry under
// iam/security-credentials/.
func (m *IMDS) RoleName() string { return m.role }

// Document is the instance identity document the emulator serves.
func (m *IMDS) Document() InstanceIdentityDocument { return m.doc }

// Credentials returns the credentials currently served, without rotating
// them.
func (m *IMDS) Credentials() Credentials {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.current
}

// Rotate issues new credentials for the role, registers them and serves
// them from now on. The previous key stays valid until it expires, as on
// EC2; older ones are removed from the registry.
func (m *IMDS) Rotate() (Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rotateLocked()
}

func (m *IMDS) rotateLocked() (Credentials, error) {
	now := m.now().UTC().Truncate(time.Second)
	c, err := NewTemporaryCredentials(m.rand, now.Add(m.ttl))
	if err != nil {
		return Credentials{}, fmt.Errorf("rotate instance credentials: %w", err)
	}
	if err := m.registry.Add(c, m.principal); err != nil {
		return Credentials{}, fmt.Errorf("rotate instance credentials: %w", err)
	}
	m.keys = append(m.keys, c.AccessKeyID)
	for len(m.keys) > imdsKeptKeys {
		m.registry.Remove(m.keys[0])
		m.keys = m.keys[1:]
	}
	m.current, m.issued = c, now
	return c, nil
}

// Faults returns the queue of faults applied to the next requests.
func (m *IMDS) Faults() *Faults { return &m.faults }

// Requests reports how many requests the emulator has received.
func (m *IMDS) Requests() int64 { return m.requests.Load() }

// ServeHTTP answers one metadata request.
func (m *IMDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.requests.Add(1)
	if f, ok := m.faults.next(); ok {
		if !f.serve(w, r, writePlainError) {
			return
		}
	}
	if r.URL.Path == imdsTokenPath {
		m.putToken(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writePlainError(w, r, http.StatusMethodNotAllowed, "", "Method Not Allowed")
		return
	}
	if !m.validToken(r.Header.Values(imdsTokenHeader)) {
		writePlainError(w, r, http.StatusUnauthorized, "", "Unauthorized")
		return
	}
	body, found, err := m.lookup(r.URL.Path)
	switch {
	case err != nil:
		writePlainError(w, r, http.StatusInternalServerError, "", "Internal Server Error")
		return
	case !found:
		writePlainError(w, r, http.StatusNotFound, "", "Not Found")
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

// putToken issues a session token for the TTL the client asks for.
func (m *IMDS) putToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		writePlainError(w, r, http.StatusMethodNotAllowed, "", "Method Not Allowed")
		return
	}
	// EC2 refuses token requests that went through a proxy.
	if r.Header.Get("X-Forwarded-For") != "" {
		writePlainError(w, r, http.StatusForbidden, "", "Forbidden")
		return
	}
	ttls := r.Header.Values(imdsTTLHeader)
	ttl := 0
	if len(ttls) == 1 && ttls[0] != "" && strings.Trim(ttls[0], "0123456789") == "" && len(ttls[0]) <= 6 {
		ttl, _ = strconv.Atoi(ttls[0])
	}
	if ttl < 1 || ttl > imdsMaxTokenTTL {
		writePlainError(w, r, http.StatusBadRequest, "", "Bad Request")
		return
	}
	raw := make([]byte, 42)
	if _, err := io.ReadFull(m.rand, raw); err != nil {
		writePlainError(w, r, http.StatusInternalServerError, "", "Internal Server Error")
		return
	}
	token := base64.StdEncoding.EncodeToString(raw)
	now := m.now()
	m.mu.Lock()
	for t, exp := range m.tokens {
		if !now.Before(exp) {
			delete(m.tokens, t)
		}
	}
	m.tokens[token] = now.Add(time.Duration(ttl) * time.Second)
	m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set(imdsTTLHeader, strconv.Itoa(ttl))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, token)
}

func (m *IMDS) validToken(vals []string) bool {
	if len(vals) != 1 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.tokens[vals[0]]
	return ok && m.now().Before(exp)
}

// lookup returns the body for a metadata path, and whether the path
// exists. A trailing slash is optional, as on EC2.
func (m *IMDS) lookup(path string) (string, bool, error) {
	p, ok := strings.CutPrefix(path, "/latest/")
	if !ok {
		return "", false, nil
	}
	p = strings.TrimSuffix(p, "/")
	credsPrefix := "meta-data/iam/security-credentials/"
	if role, ok := strings.CutPrefix(p, credsPrefix); ok {
		if role != m.role {
			return "", false, nil
		}
		body, err := m.credentialsJSON()
		return body, err == nil, err
	}
	switch p {
	case "meta-data":
		return "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\nplacement/", true, nil
	case "meta-data/ami-id":
		return m.doc.ImageID, true, nil
	case "meta-data/instance-id":
		return m.doc.InstanceID, true, nil
	case "meta-data/instance-type":
		return m.doc.InstanceType, true, nil
	case "meta-data/local-ipv4":
		return m.doc.PrivateIP, true, nil
	case "meta-data/hostname", "meta-data/local-hostname":
		return m.hostname(), true, nil
	case "meta-data/placement":
		return "availability-zone\nregion", true, nil
	case "meta-data/placement/region":
		return m.doc.Region, true, nil
	case "meta-data/placement/availability-zone":
		return m.doc.AvailabilityZone, true, nil
	case "meta-data/iam":
		return "info\nsecurity-credentials/", true, nil
	case "meta-data/iam/security-credentials":
		return m.role, true, nil
	case "meta-data/iam/info":
		m.mu.Lock()
		issued := m.issued
		m.mu.Unlock()
		body, err := marshalIndent(map[string]string{
			"Code":               "Success",
			"LastUpdated":        issued.Format(time.RFC3339),
			"InstanceProfileArn": m.profile,
			"InstanceProfileId":  m.profileID,
		})
		return body, err == nil, err
	case "dynamic":
		return "instance-identity/", true, nil
	case "dynamic/instance-identity":
		return "document", true, nil
	case "dynamic/instance-identity/document":
		body, err := marshalIndent(m.doc)
		return body, err == nil, err
	}
	return "", false, nil
}

// hostname follows EC2's private DNS naming.
func (m *IMDS) hostname() string {
	name := "ip-" + strings.ReplaceAll(m.doc.PrivateIP, ".", "-")
	if m.doc.Region == "us-east-1" {
		return name + ".ec2.internal"
	}
	return name + "." + m.doc.Region + ".compute.internal"
}

// credentialsJSON serves the role's credentials, issuing new ones first
// when the current ones are about to expire.
func (m *IMDS) credentialsJSON() (string, error) {
	m.mu.Lock()
	if !m.now().Before(m.current.Expires.Add(-imdsRotateBefore)) {
		if _, err := m.rotateLocked(); err != nil {
			m.mu.Unlock()
			return "", err
		}
	}
	c, issued := m.current, m.issued
	m.mu.Unlock()
	return marshalIndent(struct {
		Code            string
		LastUpdated     string
		Type            string
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      string
	}{"Success", issued.Format(time.RFC3339), "AWS-HMAC", c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expires.UTC().Format(time.RFC3339)})
}

func marshalIndent(v any) (string, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode metadata: %w", err)
	}
	return string(b), nil
}

// writePlainError answers an IMDS error: EC2 sends a short text body.
func writePlainError(w http.ResponseWriter, _ *http.Request, status int, code, message string) {
	if code != "" {
		message = code + ": " + message
	}
	http.Error(w, message, status)
}
