module example.com/gobench_fixed_cockroach13755

go 1.23
