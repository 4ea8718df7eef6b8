module example.com/gr202_generator

go 1.22
