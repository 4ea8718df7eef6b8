module example.com/gr101

go 1.23
