// Package shared holds what the identity verbs have in common: the flags
// and the create-and-print step every form of `create` ends with, the
// identity file reader, and the flags that write an OIDC or AWS rule,
// which create and update share so that both spell a rule the same way.
package shared
