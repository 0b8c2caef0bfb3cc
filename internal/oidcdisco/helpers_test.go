package oidcdisco_test

import (
	"encoding/base64"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func decodeSegment(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
