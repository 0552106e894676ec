module example.com/litreq

go 1.22
