module example.com/gr202

go 1.22
