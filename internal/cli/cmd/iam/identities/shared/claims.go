package shared

import (
	"regexp"
	"strings"

	"latch.dev/latch/internal/cli/cmdutil"
)

// itemStart matches the start of a claim item, "name:" or a JSON Pointer
// "/…", where a comma-separated list may begin a new item.
var itemStart = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_.-]*:|/)`)

// ParseClaims reads the uses of a claim flag (--claim or --claim-pattern)
// as chainctl writes them, "name:value[,name:value…]", into a map. A
// comma starts a new item only when a claim name and a colon follow it,
// so a pattern such as ^a{1,3}$ or (x|y),z keeps its commas. A name that
// is a JSON Pointer (/https:~1~1issuer.example~1/claim) may hold the
// colon of a URL scheme: the first colon not followed by "~1" ends it.
func ParseClaims(flag string, uses []string) (map[string]string, error) {
	out := make(map[string]string)
	for _, use := range uses {
		for _, item := range splitItems(use) {
			name, value, ok := cutClaim(item)
			if !ok || name == "" {
				return nil, cmdutil.FlagErrorf("--%s %q: write each claim as NAME:VALUE", flag, item)
			}
			if _, dup := out[name]; dup {
				return nil, cmdutil.FlagErrorf("--%s: claim %q is given twice", flag, name)
			}
			out[name] = value
		}
	}
	return out, nil
}

// splitItems splits one use of a claim flag at the commas that start a
// new item.
func splitItems(s string) []string {
	var items []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && itemStart.MatchString(s[i+1:]) {
			items = append(items, s[start:i])
			start = i + 1
		}
	}
	return append(items, s[start:])
}

// cutClaim splits "name:value" at the colon that ends the name.
func cutClaim(item string) (name, value string, ok bool) {
	item = strings.TrimSpace(item)
	for i := 0; i < len(item); i++ {
		if item[i] != ':' {
			continue
		}
		if strings.HasPrefix(item, "/") && strings.HasPrefix(item[i+1:], "~1") {
			continue
		}
		return item[:i], item[i+1:], true
	}
	return "", "", false
}
