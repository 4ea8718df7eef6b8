module example.com/gr202_streamquit

go 1.23
