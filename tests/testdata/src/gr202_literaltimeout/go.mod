module example.com/gr202_literaltimeout

go 1.22
