package fakeaws

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
)

// Alphabets for generated identifiers. AWS unique IDs and access key IDs
// use upper-case base32-like characters; secrets use the base64 alphabet.
const (
	idAlphabet     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// lockedReader serialises reads from a caller-supplied random source, since
// sources such as math/rand's are not safe for concurrent use and handlers
// run concurrently.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

// newLockedReader wraps r, or crypto/rand.Reader when r is nil.
func newLockedReader(r io.Reader) *lockedReader {
	if r == nil {
		r = rand.Reader
	}
	return &lockedReader{r: r}
}

// Read fills p completely or fails.
func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

// randomString returns n characters drawn uniformly from alphabet, whose
// length must divide 256.
func randomString(r io.Reader, alphabet string, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	mask := byte(len(alphabet) - 1)
	for i := range b {
		b[i] = alphabet[b[i]&mask]
	}
	return string(b), nil
}

// randomHex returns n random bytes as lower-case hex.
func randomHex(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// newRequestID returns a version 4 UUID, the shape of STS request ids.
func newRequestID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
