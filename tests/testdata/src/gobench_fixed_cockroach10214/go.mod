module example.com/gobench_fixed_cockroach10214

go 1.23
