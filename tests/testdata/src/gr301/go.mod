module example.com/gr301

go 1.22
