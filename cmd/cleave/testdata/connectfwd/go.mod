module example.com/connectfwd

go 1.24.0

require (
	connectrpc.com/connect v1.19.1
	github.com/twitchtv/twirp v8.1.3+incompatible
	google.golang.org/protobuf v1.36.9
)

require github.com/pkg/errors v0.9.1 // indirect
