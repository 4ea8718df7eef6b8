module example.com/gr202_skipclose

go 1.22
