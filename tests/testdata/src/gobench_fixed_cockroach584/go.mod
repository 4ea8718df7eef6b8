module example.com/gobench_fixed_cockroach584

go 1.23
