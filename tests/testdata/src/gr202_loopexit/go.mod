module example.com/gr202_loopexit

go 1.22
