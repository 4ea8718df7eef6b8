module example.com/gr202_neverfed

go 1.22
