module example.com/gr202_ctxgen_fixed

go 1.22
