module example.com/rv

go 1.22
