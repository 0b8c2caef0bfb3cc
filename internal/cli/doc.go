// Package cli is latch's command-line interface. Main runs it and owns
// the one table that turns errors into exit codes:
//
//	0  success (`identities check`: the principal would be accepted)
//	1  any other failure (`identities check`: it would be refused)
//	2  usage: an unknown command or flag, a missing argument (the usage is
//	   printed), or a declined confirmation
//	4  not logged in, or not allowed (unauthenticated, permission denied)
//	5  not found
//	6  already exists, or the state does not allow the change
//
// Commands live under cmd/<noun>/<verb>, each with an Options struct, a
// NewCmdX(f, runF) constructor and an xRun function, as in GitHub's gh.
package cli
