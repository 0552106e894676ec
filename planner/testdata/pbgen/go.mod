module example.com/pbgen

go 1.22
