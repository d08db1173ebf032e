module weir.local/benchmarks/peers

go 1.19

require github.com/julienschmidt/httprouter v1.3.0

// Debian's golang-github-julienschmidt-httprouter-dev; no module proxy needed.
replace github.com/julienschmidt/httprouter => /usr/share/gocode/src/github.com/julienschmidt/httprouter
