module example.com/gr104

go 1.22
