module example.com/cmdtable

go 1.22
