module example.com/sharedcall

go 1.22
