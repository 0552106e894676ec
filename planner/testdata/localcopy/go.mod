module example.com/localcopy

go 1.22
