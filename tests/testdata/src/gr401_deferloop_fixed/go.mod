module example.com/gr401_deferloop_fixed

go 1.22
