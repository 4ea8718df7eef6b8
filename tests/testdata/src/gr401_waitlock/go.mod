module example.com/gr401_waitlock

go 1.22
