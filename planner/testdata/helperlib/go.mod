module example.com/helperlib

go 1.22
