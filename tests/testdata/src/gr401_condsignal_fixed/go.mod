module example.com/gr401_condsignal_fixed

go 1.22
