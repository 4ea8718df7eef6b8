module example.com/gr104_reslice

go 1.22
