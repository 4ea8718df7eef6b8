module example.com/gr304

go 1.22
