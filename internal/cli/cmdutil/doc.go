// Package cmdutil holds what every command shares: the Factory of lazily
// built dependencies, the error types that decide how Main reports a
// failure, argument checks that turn mistakes into usage errors, and the
// confirmation prompt for destructive commands.
package cmdutil
