module example.com/goflagshandler

go 1.22

require github.com/jessevdk/go-flags v1.6.1

replace github.com/jessevdk/go-flags => ./third_party/go-flags
