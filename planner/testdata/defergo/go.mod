module example.com/defergo

go 1.22
