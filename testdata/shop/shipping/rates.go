package shipping

import (
	"fmt"
	"strings"

	"example.com/shop/money"
)

// Home is the country the shop ships from.
const Home = "DE"

// FreeShippingFrom is the order value from which domestic delivery is free.
var FreeShippingFrom = money.New(5000, money.EUR)

var euCountries = map[string]bool{
	"AT": true, "BE": true, "BG": true, "CY": true, "CZ": true, "DE": true, "DK": true,
	"EE": true, "ES": true, "FI": true, "FR": true, "GR": true, "HR": true, "HU": true,
	"IE": true, "IT": true, "LT": true, "LU": true, "LV": true, "MT": true, "NL": true,
	"PL": true, "PT": true, "RO": true, "SE": true, "SI": true, "SK": true,
}

// Carrier returns the carrier that delivers to country.
func Carrier(country string) (string, error) {
	country = strings.ToUpper(country)
	switch {
	case country == Home:
		return "DHL", nil
	case euCountries[country]:
		return "DPD", nil
	}
	return "", fmt.Errorf("%w: %q", ErrUndeliverable, country)
}

// Quote prices the delivery of a parcel weighing weightGrams to dest for
// an order worth subtotal. Domestic parcels cost 4.90 up to 2 kg plus 1.50
// per further kilogram and are free from FreeShippingFrom; other EU parcels
// cost 9.90 up to 2 kg plus 2.50 per further kilogram.
func Quote(dest Address, weightGrams int, subtotal money.Money) (money.Money, error) {
	carrier, err := Carrier(dest.Country)
	if err != nil {
		return money.Money{}, err
	}
	base, perKg := money.New(990, money.EUR), money.New(250, money.EUR)
	if carrier == "DHL" {
		if !subtotal.Less(FreeShippingFrom) {
			return money.New(0, money.EUR), nil
		}
		base, perKg = money.New(490, money.EUR), money.New(150, money.EUR)
	}
	extraKg := 0
	if weightGrams > 2000 {
		extraKg = (weightGrams - 2000 + 999) / 1000
	}
	return base.Add(perKg.Mul(extraKg)), nil
}
