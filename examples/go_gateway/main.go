// go_gateway: a custom API gateway in Go, with its auth written in Go.
//
//	go_gateway -upstream HOST:PORT [-port P] [-key KEY=CONSUMER ...]
//
// API keys (header x-api-key) map to consumers: a request without a known
// key gets 401; one with a key goes upstream with x-consumer set, and the
// access log (stdout) names the consumer. Prints "listening on PORT";
// SIGTERM or SIGINT drains and exits 0.
package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"weir.dev/weir"
)

type apiKeyAuth struct {
	weir.Base
	keys map[string]string // key -> consumer
}

func (a *apiKeyAuth) OnRequest(r *weir.Request) {
	given, _ := r.Header("x-api-key")
	for key, consumer := range a.keys { // every key compared, in constant time
		if subtle.ConstantTimeCompare([]byte(given), []byte(key)) == 1 {
			r.SetValue("consumer", consumer)
			r.RemoveHeader("x-api-key")
			r.SetHeader("x-consumer", consumer)
			return
		}
	}
	r.SetResponseHeader("www-authenticate", `ApiKey realm="weir"`)
	r.RespondError(401, "a valid x-api-key is required")
}

type keyList map[string]string

func (k keyList) String() string { return fmt.Sprint(map[string]string(k)) }
func (k keyList) Set(s string) error {
	key, consumer, ok := strings.Cut(s, "=")
	if !ok || key == "" || consumer == "" {
		return fmt.Errorf("expected KEY=CONSUMER")
	}
	k[key] = consumer
	return nil
}

func main() {
	upstream := flag.String("upstream", "", "HOST:PORT of the service behind the gateway")
	port := flag.Int("port", 8080, "port to listen on (0: any)")
	keys := keyList{}
	flag.Var(keys, "key", "KEY=CONSUMER, repeatable")
	flag.Parse()
	if *upstream == "" {
		flag.Usage()
		os.Exit(2)
	}
	if len(keys) == 0 {
		keys["demo-key"] = "demo"
	}

	err := weir.RegisterMiddleware("api_key_go", func(options []byte) (weir.Middleware, error) {
		var o struct{ Keys map[string]string }
		if err := json.Unmarshal(options, &o); err != nil || len(o.Keys) == 0 {
			return nil, fmt.Errorf("keys: expected an object of key to consumer")
		}
		return &apiKeyAuth{keys: o.Keys}, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	gw, err := weir.New(map[string]any{
		"listeners": []any{map[string]any{"name": "public", "address": "127.0.0.1", "port": *port}},
		"upstreams": map[string]any{"app": map[string]any{
			"endpoints": []any{map[string]any{"address": *upstream}}}},
		"middleware": []any{map[string]any{"type": "request_id"},
			map[string]any{"type": "api_key_go", "keys": keys},
			map[string]any{"type": "access_log", "path": "-"}},
		"routes": []any{map[string]any{"name": "app", "match": map[string]any{"prefix": "/"}, "upstream": "app"}},
	})
	if err == nil {
		err = gw.Start()
	}
	if err != nil {
		log.Fatal(err)
	}
	defer gw.Close()
	bound, _ := gw.Port(0)
	fmt.Printf("listening on %d\n", bound)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := gw.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
}
