module example.com/webkit

go 1.22
