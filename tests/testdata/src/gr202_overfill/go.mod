module example.com/gr202_overfill

go 1.22
