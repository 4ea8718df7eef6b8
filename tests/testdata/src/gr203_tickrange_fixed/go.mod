module example.com/gr203_tickrange_fixed

go 1.23
