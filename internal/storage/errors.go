package storage

import "errors"

// ErrUnchanged is returned by an update function to say there is nothing
// to write; the update then succeeds without writing.
var ErrUnchanged = errors.New("storage: unchanged")
