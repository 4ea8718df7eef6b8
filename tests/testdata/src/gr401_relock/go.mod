module example.com/gr401relock

go 1.22
