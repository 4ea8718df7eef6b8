module example.com/gr202_oneperchan

go 1.22
