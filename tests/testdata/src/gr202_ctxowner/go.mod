module example.com/gr202_ctxowner

go 1.22
