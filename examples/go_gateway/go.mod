module weir.dev/examples/go_gateway

go 1.19

require weir.dev v0.0.0

replace weir.dev => ../../bindings/go
