module example.com/gr202_fieldgroup_fixed

go 1.22
