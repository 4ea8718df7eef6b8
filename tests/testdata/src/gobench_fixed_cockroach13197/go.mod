module example.com/gobench_fixed_cockroach13197

go 1.23
