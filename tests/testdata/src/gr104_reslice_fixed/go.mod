module example.com/gr104_reslice_fixed

go 1.22
