module example.com/gobench_fixed_cockroach10790

go 1.23
