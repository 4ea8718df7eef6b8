module example.com/gobench_fixed_moby17176

go 1.23
