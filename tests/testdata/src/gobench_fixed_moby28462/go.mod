module example.com/gobench_fixed_moby28462

go 1.23
