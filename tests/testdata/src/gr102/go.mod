module example.com/gr102

go 1.23
