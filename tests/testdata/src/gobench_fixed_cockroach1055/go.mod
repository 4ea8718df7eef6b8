module example.com/gobench_fixed_cockroach1055

go 1.23
