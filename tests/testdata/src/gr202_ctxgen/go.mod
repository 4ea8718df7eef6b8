module example.com/gr202_ctxgen

go 1.22
