module example.com/gr203_tickrange

go 1.23
