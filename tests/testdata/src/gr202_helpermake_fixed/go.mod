module example.com/gr202_helpermake_fixed

go 1.22
