module example.com/gr401_inner

go 1.22
