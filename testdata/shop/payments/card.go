package payments

import "strings"

// NormalizeCard removes the spaces and dashes people type into card numbers.
func NormalizeCard(number string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, number)
}

// ValidCard reports whether number (digits only) is 12 to 19 digits long
// and passes the Luhn checksum.
func ValidCard(number string) bool {
	if len(number) < 12 || len(number) > 19 {
		return false
	}
	sum := 0
	double := false
	for i := len(number) - 1; i >= 0; i-- {
		c := number[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Brand names the card network of a card number by its prefix.
func Brand(number string) string {
	switch {
	case strings.HasPrefix(number, "4"):
		return "visa"
	case len(number) >= 2 && number[:2] >= "51" && number[:2] <= "55",
		len(number) >= 4 && number[:4] >= "2221" && number[:4] <= "2720":
		return "mastercard"
	case strings.HasPrefix(number, "34"), strings.HasPrefix(number, "37"):
		return "amex"
	}
	return "card"
}
