module example.com/gr202_oneperchan_fixed

go 1.22
