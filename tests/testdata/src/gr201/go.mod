module example.com/gr201

go 1.22
