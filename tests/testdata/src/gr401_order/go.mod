module example.com/gr401order

go 1.22
