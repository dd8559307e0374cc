// Package percent holds the byte helpers of percent-encoding (RFC 3986,
// section 2.1) that the URL normaliser, the robots.txt matcher and the
// server-config readers share.
package percent

// IsHex reports whether c is a hexadecimal digit, in either case.
func IsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Unhex is the value of c, a digit IsHex accepts; any other byte gives
// a meaningless value, so callers check IsHex first.
func Unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
