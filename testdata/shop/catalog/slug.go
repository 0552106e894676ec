package catalog

import (
	"strings"
	"unicode"
)

var transliterations = strings.NewReplacer(
	"ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss",
	"à", "a", "á", "a", "â", "a", "å", "a", "ç", "c",
	"è", "e", "é", "e", "ê", "e", "ë", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i", "ñ", "n",
	"ò", "o", "ó", "o", "ô", "o", "ø", "o",
	"ù", "u", "ú", "u", "û", "u", "&", " and ",
)

// Slug turns a product name into the lower-case, hyphenated form used in
// URLs: "Café Crème 500 g" becomes "cafe-creme-500-g".
func Slug(name string) string {
	s := transliterations.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "product"
	}
	return b.String()
}
