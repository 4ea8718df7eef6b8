module example.com/gr304_funcfield

go 1.22
