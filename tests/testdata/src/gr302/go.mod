module example.com/gr302

go 1.22
