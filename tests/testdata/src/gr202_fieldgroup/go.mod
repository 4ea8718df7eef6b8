module example.com/gr202_fieldgroup

go 1.22
