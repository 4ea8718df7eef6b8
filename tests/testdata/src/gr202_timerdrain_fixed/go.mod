module example.com/timerdrain_fixed

go 1.22
