package ratelimit

import "net/netip"

// AddressKey is the bucket key of a source address: an IPv4 address
// itself, an IPv6 address's /64 (one customer's usual allocation, so
// that hopping between its addresses does not multiply the limit), and
// anything that does not parse as itself.
func AddressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}
