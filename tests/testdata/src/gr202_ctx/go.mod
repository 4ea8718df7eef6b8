module example.com/gr202ctx

go 1.22
