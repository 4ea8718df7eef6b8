module example.com/gobench_fixed_moby30408

go 1.23
