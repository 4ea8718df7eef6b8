module example.com/gr304_funcfield_fixed

go 1.22
