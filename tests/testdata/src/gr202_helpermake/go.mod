module example.com/gr202_helpermake

go 1.22
