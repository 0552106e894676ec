module example.com/cfggetters

go 1.22
