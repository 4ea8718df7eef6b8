module example.com/gr202_closelate

go 1.22
