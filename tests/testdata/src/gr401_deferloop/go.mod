module example.com/gr401_deferloop

go 1.22
