package metric

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegister(t *testing.T) {
	newCounter := func() prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "latch_test_total", Help: "a test counter"})
	}
	if err := Register(nil, newCounter()); err != nil {
		t.Errorf("a nil registry: %v", err)
	}
	reg := prometheus.NewRegistry()
	if err := Register(reg, newCounter()); err != nil {
		t.Fatalf("first registration: %v", err)
	}
	if err := Register(reg, newCounter()); err == nil || !strings.Contains(err.Error(), "another instance already registered them") {
		t.Errorf("second registration: %v; want a refusal saying it is a second instance", err)
	}
	clash := prometheus.NewCounter(prometheus.CounterOpts{Name: "latch_test_total", Help: "another counter of that name"})
	if err := Register(reg, clash); err == nil || strings.Contains(err.Error(), "another instance") {
		t.Errorf("another collector of the same name: %v; want a plain refusal", err)
	}
}
