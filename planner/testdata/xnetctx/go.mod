module example.com/xnetctx

go 1.22

require golang.org/x/net v0.0.0

replace golang.org/x/net => ./third_party/net
