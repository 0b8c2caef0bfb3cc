package reliability

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"latch.dev/latch/internal/testutil/latchproc"
)

// binDir holds the latch binary the tests run; TestMain removes it.
var binDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "latch-reliability-") })

// latchBinary builds latch once for the whole package.
var latchBinary = sync.OnceValues(func() (string, error) {
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return latchproc.Build(ctx, dir)
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := binDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// bin returns the latch binary, failing the test if it cannot be built.
func bin(t testing.TB) string {
	t.Helper()
	b, err := latchBinary()
	if err != nil {
		t.Fatal(fmt.Errorf("build latch: %w", err))
	}
	return b
}
