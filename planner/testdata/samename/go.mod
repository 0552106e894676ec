module example.com/dup

go 1.22
