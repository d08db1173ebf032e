// Package weir runs the weir API gateway inside a Go program, through the
// library's C ABI (capi/weir.h) with cgo.
//
//	gw, err := weir.New(configJSON) // string, []byte, or a value encoding/json marshals
//	if err != nil { return err }    // errors.Is(err, weir.ErrConfig); the text names the key path
//	defer gw.Close()
//	if err := gw.Start(); err != nil { return err }
//	...
//	err = gw.Reload(newConfig)      // ErrConfig keeps the running configuration
//	err = gw.Shutdown(ctx)          // drains until ctx's deadline
//
// Building needs libweir.so and capi/weir.h. The header is found relative to
// this folder; the linker and the loader need the library's folder, which
// bindings/go/run_tests.sh passes through CGO_LDFLAGS and LD_LIBRARY_PATH
// (see docs/bindings.md).
//
// A Gateway's methods may be called from any goroutine: the package runs the
// calls on one gateway one at a time, as the C handle requires. weir serves
// on threads of its own, which call into Go only for middleware registered
// with RegisterMiddleware:
//
//	weir.RegisterMiddleware("auth", func(options []byte) (weir.Middleware, error) {
//		return &auth{}, nil // embeds weir.Base, implements OnRequest(*weir.Request)
//	})
//	gw, err := weir.New(`{..., "middleware": [{"type": "auth"}], ...}`)
package weir
