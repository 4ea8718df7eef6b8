module example.com/gobench_fixed_moby21233

go 1.23
