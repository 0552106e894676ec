module example.com/cfgvar

go 1.22
