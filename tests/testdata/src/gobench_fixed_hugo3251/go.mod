module example.com/gobench_fixed_hugo3251

go 1.23
