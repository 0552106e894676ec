package rewriter

import (
	"go/ast"
	"go/types"
	"strings"
)

// subscribeAPIs are the calls of message clients that give each
// subscriber every message (no shared queue): in the split every service
// process runs the monolith's start-up and subscribes, so each message
// would be handled once per process. Keyed by "<package>.<Type>.<Method>".
var subscribeAPIs = map[string]string{
	"github.com/nats-io/nats.go.Conn.Subscribe":        "NATS Subscribe (no queue group)",
	"github.com/nats-io/nats.go.Conn.ChanSubscribe":    "NATS ChanSubscribe (no queue group)",
	"github.com/nats-io/nats.go.Conn.SubscribeSync":    "NATS SubscribeSync (no queue group)",
	"github.com/nats-io/nats.go.EncodedConn.Subscribe": "NATS Subscribe (no queue group)",
	"github.com/rabbitmq/amqp091-go.Channel.Consume":   "AMQP Consume",
	"github.com/streadway/amqp.Channel.Consume":        "AMQP Consume",
	"github.com/redis/go-redis/v9.Client.Subscribe":    "Redis Subscribe",
	"github.com/redis/go-redis/v9.Client.PSubscribe":   "Redis PSubscribe",
	"github.com/go-redis/redis/v8.Client.Subscribe":    "Redis Subscribe",
	"github.com/go-redis/redis/v8.Client.PSubscribe":   "Redis PSubscribe",
}

// noteSubscribers notes the subscriptions of the program's own message
// clients (subscribeAPIs) outside tests: apply cannot tell a broadcast
// every replica should see from work one process should do.
func (r *rewrite) noteSubscribers() {
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok {
				return true
			}
			s := info.Selections[sel]
			if s == nil || s.Kind() != types.MethodVal {
				return true
			}
			fn, ok := s.Obj().(*types.Func)
			if !ok || fn.Pkg() == nil {
				return true
			}
			recv := recvNamed(fn.Type().(*types.Signature).Recv().Type())
			if recv == nil {
				return true
			}
			if what, ok := subscribeAPIs[fn.Pkg().Path()+"."+recv.Obj().Name()+"."+fn.Name()]; ok {
				r.notes = append(r.notes, r.posString(call.Pos())+": the program subscribes with "+what+": every service process runs its start-up and will get each message; share a queue (NATS QueueSubscribe, one AMQP queue) among the processes, or start it in one service")
			}
			return true
		})
	}
}
