package analyzer

import (
	"go/types"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// Dependencies are loaded from their types only, so vta does not see
// values that travel through their code: an error a module type returns
// from UnmarshalJSON comes back out of json.Unmarshal, a module
// io.Writer's error out of io.Copy. addOpaqueCalls makes up for it: an
// interface call whose receiver comes out of a dependency's function may
// reach any module type that was converted to an interface and implements
// the interface (class hierarchy analysis over those types, at those
// sites only).
func (a *analysis) addOpaqueCalls() {
	// Module types converted to interfaces, with module methods.
	var rtypes []types.Type
	for _, t := range a.prog.RuntimeTypes() {
		mset := a.prog.MethodSets.MethodSet(t)
		for i := 0; i < mset.Len(); i++ {
			if m, ok := mset.At(i).Obj().(*types.Func); ok && m.Pkg() != nil && a.modPkgs[m.Pkg().Path()] {
				rtypes = append(rtypes, t)
				break
			}
		}
	}
	if len(rtypes) == 0 {
		return
	}
	o := a.newOpacity()
	var impls typeutil.Map // *types.Interface → []types.Type
	for _, fn := range a.order {
		if isWrapper(fn) {
			continue
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				ci, ok := instr.(ssa.CallInstruction)
				if !ok || !ci.Common().IsInvoke() {
					continue
				}
				cc := ci.Common()
				if !o.value(cc.Value) {
					continue
				}
				iface, ok := cc.Value.Type().Underlying().(*types.Interface)
				if !ok {
					continue
				}
				ts, ok := impls.At(iface).([]types.Type)
				if !ok {
					ts = []types.Type{}
					for _, t := range rtypes {
						if types.Implements(t, iface) {
							ts = append(ts, t)
						}
					}
					impls.Set(iface, ts)
				}
				for _, t := range ts {
					sel := a.prog.MethodSets.MethodSet(t).Lookup(cc.Method.Pkg(), cc.Method.Name())
					if sel == nil {
						continue
					}
					m := a.methodValue(sel)
					if m == nil {
						continue
					}
					if id, _ := a.funcID(m); id != "" {
						callgraph.AddEdge(a.cg.CreateNode(fn), ci, a.cg.CreateNode(m))
					}
				}
			}
		}
	}
}

// opacity tracks which values may come out of a dependency's code: the
// results of calls of functions without a body here (or of dynamic calls
// resolved to no module function), and, through the module's own calls
// and returns, the parameters and results that receive them. Parameters
// of module functions passed to a dependency (callbacks) are opaque too.
type opacity struct {
	a      *analysis
	params map[*ssa.Parameter]bool
	rets   map[*ssa.Function]bool
	cache  map[ssa.Value]bool
	// callees lists each call site's module callees.
	callees map[ssa.CallInstruction][]*ssa.Function
}

func (a *analysis) newOpacity() *opacity {
	o := &opacity{
		a:       a,
		params:  make(map[*ssa.Parameter]bool),
		rets:    make(map[*ssa.Function]bool),
		callees: make(map[ssa.CallInstruction][]*ssa.Function),
	}
	for _, fn := range a.order {
		if node := a.cg.Nodes[fn]; node != nil {
			for _, e := range node.Out {
				if a.funcs[e.Callee.Func] {
					o.callees[e.Site] = append(o.callees[e.Site], e.Callee.Func)
				}
			}
		}
	}
	// The instructions that pass values between functions.
	var rets []*ssa.Return
	var calls []ssa.CallInstruction
	for _, fn := range a.order {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch instr := instr.(type) {
				case *ssa.Return:
					if len(instr.Results) > 0 {
						rets = append(rets, instr)
					}
				case ssa.CallInstruction:
					if len(instr.Common().Args) > 0 || instr.Common().IsInvoke() {
						calls = append(calls, instr)
					}
				}
			}
		}
	}
	// Propagate to a fixed point (bounded: the lattice is tiny, but the
	// module may be large).
	for iter := 0; iter < 8; iter++ {
		changed := false
		o.cache = make(map[ssa.Value]bool)
		for _, r := range rets {
			fn := r.Parent()
			if o.rets[fn] {
				continue
			}
			for _, v := range r.Results {
				if o.value(v) {
					o.rets[fn] = true
					changed = true
					break
				}
			}
		}
		for _, c := range calls {
			changed = o.call(c) || changed
		}
		if !changed {
			break
		}
	}
	o.cache = make(map[ssa.Value]bool)
	return o
}

// call marks the parameters an opaque argument of a call reaches, and the
// parameters of functions passed to a dependency.
func (o *opacity) call(ci ssa.CallInstruction) (changed bool) {
	cc := ci.Common()
	mark := func(p *ssa.Parameter) {
		if !o.params[p] {
			o.params[p] = true
			changed = true
		}
	}
	callees := o.callees[ci]
	if len(callees) == 0 {
		// A dependency's code: module functions passed to it may be
		// called back with anything.
		for _, arg := range cc.Args {
			var fn *ssa.Function
			switch x := arg.(type) {
			case *ssa.Function:
				fn = x
			case *ssa.MakeClosure:
				fn, _ = x.Fn.(*ssa.Function)
			}
			if fn != nil && o.a.funcs[fn] {
				for _, p := range fn.Params {
					mark(p)
				}
			}
		}
		return changed
	}
	// An invoke passes its receiver as the callee's first parameter.
	shift := 0
	if cc.IsInvoke() {
		shift = 1
		if o.value(cc.Value) {
			for _, callee := range callees {
				if len(callee.Params) == len(cc.Args)+1 {
					mark(callee.Params[0])
				}
			}
		}
	}
	for i, arg := range cc.Args {
		if !o.value(arg) {
			continue
		}
		for _, callee := range callees {
			if len(callee.Params) == len(cc.Args)+shift {
				mark(callee.Params[i+shift])
			}
		}
	}
	return changed
}

// value reports whether v may come out of a dependency's code.
func (o *opacity) value(v ssa.Value) bool {
	if r, ok := o.cache[v]; ok {
		return r
	}
	o.cache[v] = false // cycles through phis
	r := o.compute(v)
	o.cache[v] = r
	return r
}

func (o *opacity) compute(v ssa.Value) bool {
	switch x := v.(type) {
	case *ssa.Parameter:
		return o.params[x]
	case *ssa.Extract:
		return o.value(x.Tuple)
	case *ssa.Call:
		callees := o.callees[x]
		if len(callees) == 0 {
			return true
		}
		for _, c := range callees {
			if o.rets[c] {
				return true
			}
		}
	case *ssa.Phi:
		for _, e := range x.Edges {
			if o.value(e) {
				return true
			}
		}
	case *ssa.ChangeInterface:
		return o.value(x.X)
	case *ssa.TypeAssert:
		return o.value(x.X)
	}
	return false
}
