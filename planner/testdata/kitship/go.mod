module example.com/kitship

go 1.26
