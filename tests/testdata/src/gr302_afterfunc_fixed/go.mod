module example.com/gr302_afterfunc_fixed

go 1.22
