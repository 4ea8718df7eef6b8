module example.com/gobench_fixed_cockroach35073

go 1.23
