module example.com/gr304_more_fixed

go 1.22
