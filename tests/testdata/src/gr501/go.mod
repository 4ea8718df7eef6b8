module example.com/gr501

go 1.24
