module example.com/callbackmain

go 1.22
