module example.com/testchain

go 1.22
