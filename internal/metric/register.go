// Package metric holds what latch's parts share about their Prometheus
// collectors.
package metric

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers each collector with reg, stopping at the first
// refusal; with a nil reg (a part used without a server, as in tests) it
// does nothing. Parts register on the server's own registry, so a refusal
// means the part was built twice on one registry, which the error says
// rather than leaving client_golang's bare duplicate-descriptor error.
func Register(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	if reg == nil {
		return nil
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return fmt.Errorf("register metrics: another instance already registered them on this registry: %w", err)
			}
			return fmt.Errorf("register metrics: %w", err)
		}
	}
	return nil
}
