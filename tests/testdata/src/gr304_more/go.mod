module example.com/gr304_more

go 1.22
