module example.com/cleanupclosure

go 1.22
