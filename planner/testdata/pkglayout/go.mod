module example.com/pkglayout

go 1.22
