package app

import (
	"context"
	"fmt"

	"example.com/shop/catalog"
	"example.com/shop/money"
)

// demoProduct is a catalog entry with its opening stock.
type demoProduct struct {
	catalog.NewProduct
	stock int
}

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

var demoCatalog = []demoProduct{
	{catalog.NewProduct{
		SKU: "COF-ESP-1000", Name: "Espresso Beans 1 kg", Category: "coffee",
		Description: "Dark roast whole beans for espresso, chocolate and hazelnut notes.",
		Tags:        []string{"coffee", "beans", "dark-roast"},
		Attributes:  map[string]string{"origin": "Brazil", "roast": "dark"},
		Price:       eur(1890), WeightGrams: 1000,
	}, 50},
	{catalog.NewProduct{
		SKU: "COF-FIL-500", Name: "Filter Coffee 500 g", Category: "coffee",
		Description: "Light roast, ground for filter and pour-over brewing.",
		Tags:        []string{"coffee", "ground", "light-roast"},
		Attributes:  map[string]string{"origin": "Ethiopia", "roast": "light"},
		Price:       eur(950), WeightGrams: 500,
	}, 40},
	{catalog.NewProduct{
		SKU: "COF-CAP-20", Name: "Café Crème Capsules (20)", Category: "coffee",
		Description: "Twenty compostable capsules of a mild medium roast.",
		Tags:        []string{"coffee", "capsules"},
		Attributes:  map[string]string{"roast": "medium"},
		Price:       eur(620), WeightGrams: 150,
	}, 100},
	{catalog.NewProduct{
		SKU: "EQP-MOKA-6", Name: "Stovetop Espresso Maker", Category: "equipment",
		Description: "Classic aluminium moka pot for six cups.",
		Tags:        []string{"brewing", "espresso"},
		Attributes:  map[string]string{"material": "aluminium", "cups": "6"},
		Price:       eur(3400), WeightGrams: 700,
	}, 12},
	{catalog.NewProduct{
		SKU: "EQP-GRIND-1", Name: "Burr Grinder", Category: "equipment",
		Description: "Electric conical burr grinder with 40 settings, espresso to French press.",
		Tags:        []string{"grinder", "electric"},
		Attributes:  map[string]string{"power": "150W"},
		Price:       eur(12900), WeightGrams: 2600,
	}, 4},
	{catalog.NewProduct{
		SKU: "ACC-MUG-01", Name: "Ceramic Mug", Category: "accessories",
		Description: "Stoneware mug, 300 ml, dishwasher safe.",
		Tags:        []string{"mug", "ceramic"},
		Attributes:  map[string]string{"colour": "white", "volume": "300ml"},
		Price:       eur(1200), WeightGrams: 350,
	}, 3},
	{catalog.NewProduct{
		SKU: "EQP-FROTH-1", Name: "Milk Frother", Category: "equipment",
		Description: "Heats and froths milk for cappuccino and latte.",
		Tags:        []string{"milk", "electric"},
		Attributes:  map[string]string{"power": "500W"},
		Price:       eur(4990), WeightGrams: 900,
	}, 0},
	{catalog.NewProduct{
		SKU: "GFT-50", Name: "Gift Card 50 €", Category: "gifts",
		Description: "A gift card worth 50 euros, sent as a printed card.",
		Tags:        []string{"gift"},
		Price:       eur(5000), WeightGrams: 20,
	}, 1000},
}

// Seed fills the catalog with the demo products and their stock. It is
// meant for an empty shop; seeding twice fails on the duplicate SKUs.
func (a *App) Seed(ctx context.Context) error {
	for _, d := range demoCatalog {
		p, err := a.Catalog.Create(ctx, d.NewProduct)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if _, err := a.Stock.SetStock(ctx, p.ID, d.stock); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}
