module example.com/gr201_built

go 1.22
