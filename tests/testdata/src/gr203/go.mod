module example.com/gr203

go 1.22
