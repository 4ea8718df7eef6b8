module example.com/gr401_condsignal

go 1.22
