module example.com/gobench_fixed_cockroach9935

go 1.23
