module example.com/gr202_literaltimeout_fixed

go 1.22
