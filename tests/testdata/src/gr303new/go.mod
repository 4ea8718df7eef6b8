module example.com/gr303new

go 1.23
