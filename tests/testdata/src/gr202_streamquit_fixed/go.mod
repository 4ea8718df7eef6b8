module example.com/gr202_streamquit_fixed

go 1.23
