package fastjson

// Eight bytes at a time: these helpers find the first byte of a string that
// needs attention without looking at the bytes one by one.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load8 returns the eight bytes of s at i, little endian.
func load8[S string | []byte](s S, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// hasByte reports (in the high bits) whether x holds a byte equal to c.
func hasByte(x uint64, c byte) uint64 {
	y := x ^ (lsb * uint64(c))
	return (y - lsb) &^ y
}

// hasLess reports (in the high bits) whether x holds a byte below n (n <= 128).
func hasLess(x uint64, n byte) uint64 {
	return (x - lsb*uint64(n)) &^ x
}

// plainPrefix returns how many leading bytes of s json.Marshal copies
// unchanged into a string, give or take the last seven bytes, which it
// leaves to the caller.
func plainPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		if (x|hasLess(x, 0x20)|hasByte(x, '"')|hasByte(x, '\\')|hasByte(x, '<')|hasByte(x, '>')|hasByte(x, '&'))&msb != 0 {
			break
		}
	}
	return i
}

// quotedPrefix returns the length of a prefix of data[i:] that has no
// quote, backslash, control or non-ASCII byte, in steps of eight.
func quotedPrefix(data []byte, i int) int {
	start := i
	for ; i+8 <= len(data); i += 8 {
		x := load8(data, i)
		if (x|hasLess(x, 0x20)|hasByte(x, '"')|hasByte(x, '\\'))&msb != 0 {
			break
		}
	}
	return i - start
}
