module example.com/gr202_polldrain

go 1.22
