package service

import (
	"time"

	"latch.dev/latch/internal/iam"
)

func builtInRoles(now time.Time) []iam.Role {
	roles := iam.BuiltInRoles()
	for i := range roles {
		roles[i].CreatedAt, roles[i].UpdatedAt = now, now
	}
	return roles
}
