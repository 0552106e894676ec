module example.com/factoryiface

go 1.22
