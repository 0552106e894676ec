module example.com/mwnext

go 1.22
