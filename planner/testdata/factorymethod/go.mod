module example.com/factorymethod

go 1.22
