module example.com/gr202_giveup

go 1.22
