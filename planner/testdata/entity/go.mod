module example.com/ent

go 1.22
