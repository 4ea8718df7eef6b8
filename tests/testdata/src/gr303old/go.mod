module example.com/gr303old

go 1.21
