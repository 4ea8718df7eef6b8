module example.com/gr401_callback

go 1.22
