module weir.dev

go 1.19
