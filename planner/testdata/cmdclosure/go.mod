module example.com/cmdclosure

go 1.22
