module example.com/gr302_afterfunc

go 1.22
