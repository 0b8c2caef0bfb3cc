// Package tokencache keeps the CLI's credentials for each server on disk
// and hands out a valid access token, renewing it when it is about to
// expire.
//
// Layout, one directory per server (host and port, made path-safe):
//
//	$XDG_CACHE_HOME/latch/                     0700
//	  127.0.0.1_8080/                          0700
//	    access-token                           0600  the latch JWT
//	    refresh-token                          0600  only for logins that have one
//	    login.json                             0600  how the login was made
//
// login.json records the method, identity, audience, expiry and, for
// identity tokens read from a file, that file's path: enough for the CLI
// to renew a session without asking the user again.
package tokencache
