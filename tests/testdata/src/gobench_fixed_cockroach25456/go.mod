module example.com/gobench_fixed_cockroach25456

go 1.23
