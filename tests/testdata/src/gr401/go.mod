module example.com/gr401

go 1.22
