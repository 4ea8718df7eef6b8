module example.com/gr401_sendlock

go 1.22
