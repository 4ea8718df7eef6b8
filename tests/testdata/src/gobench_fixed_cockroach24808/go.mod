module example.com/gobench_fixed_cockroach24808

go 1.23
